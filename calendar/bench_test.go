package calendar

import (
	"testing"
	"time"
)

// benchCalendars are an office calendar with the cn set, the one tickets in
// China use, and the same office in a DST zone.
var benchCalendars = []struct {
	name string
	zone string
	set  string
}{
	{"cn", "Asia/Shanghai", "cn"},
	{"new_york", "America/New_York", ""},
}

func BenchmarkBusiness(b *testing.B) {
	for _, bc := range benchCalendars {
		c := mustNew(b, office(bc.zone, bc.set))
		from := wall(b, c, "2026-09-14 10:17")
		for _, span := range []struct {
			name string
			d    time.Duration
		}{{"1day", 24 * time.Hour}, {"60days", 60 * 24 * time.Hour}} {
			to := from.Add(span.d)
			b.Run(bc.name+"/"+span.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					c.Business(from, to)
				}
			})
		}
	}
}

func BenchmarkAdd(b *testing.B) {
	for _, bc := range benchCalendars {
		c := mustNew(b, office(bc.zone, bc.set))
		from := wall(b, c, "2026-09-14 10:17")
		for _, d := range []time.Duration{4 * time.Hour, 40 * time.Hour} {
			b.Run(bc.name+"/"+d.String(), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					c.Add(from, d)
				}
			})
		}
	}
}

func BenchmarkAlways(b *testing.B) {
	c := Always()
	from := time.Date(2026, 9, 14, 10, 17, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		c.Add(from, c.Business(from, from.Add(40*time.Hour)))
	}
}
