package oncall_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/sqmhq/sqm/oncall"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")
var berlin, _ = time.LoadLocation("Europe/Berlin")

func members(ids ...string) []oncall.Member {
	var out []oncall.Member
	for _, id := range ids {
		out = append(out, oncall.Member{UserID: id, ChannelID: "ch-" + id})
	}
	return out
}

func TestWho(t *testing.T) {
	// Weekly shifts handing over on Mondays at 09:00 in Shanghai, from Monday 2 November 2026.
	r := oncall.Rotation{Location: shanghai, Start: time.Date(2026, 11, 2, 0, 0, 0, 0, shanghai), Handoff: 9 * 60, Days: 7,
		Members: members("li", "wang", "zhao")}
	at := func(day, hour, min int) time.Time { return time.Date(2026, 11, day, hour, min, 0, 0, shanghai) }
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{at(2, 9, 0), "li"},
		{at(5, 23, 0), "li"},
		{at(9, 8, 59), "li"},
		{at(9, 9, 0), "wang"},
		{at(16, 9, 0), "zhao"},
		{at(23, 9, 0), "li"}, // round again
		{at(30, 8, 0), "li"},
	} {
		m, err := r.Who(c.at)
		if err != nil || m.UserID != c.want {
			t.Errorf("%s: %v %v; want %s", c.at, m, err, c.want)
		}
	}
	if _, err := r.Who(at(2, 8, 59)); err != oncall.ErrNobody {
		t.Errorf("before the first shift: %v", err)
	}
	// An override wins; the latest of overlapping ones wins.
	r.Overrides = []oncall.Override{
		{Member: oncall.Member{UserID: "zhao"}, From: at(10, 18, 0), To: at(11, 9, 0)},
		{Member: oncall.Member{UserID: "qian"}, From: at(10, 20, 0), To: at(10, 22, 0)},
	}
	for _, c := range []struct {
		at   time.Time
		want string
	}{{at(10, 17, 59), "wang"}, {at(10, 18, 0), "zhao"}, {at(10, 21, 0), "qian"}, {at(10, 22, 0), "zhao"}, {at(11, 9, 0), "wang"}} {
		if m, _ := r.Who(c.at); m.UserID != c.want {
			t.Errorf("with overrides, %s: %s; want %s", c.at, m.UserID, c.want)
		}
	}
	if next := r.Next(at(3, 12, 0)); !next.Equal(at(9, 9, 0)) {
		t.Errorf("next hand-off %s; want 9 Nov 09:00", next)
	}
}

// Daily hand-offs at 08:00 in Berlin stay at 08:00 across the change to
// winter time (25 October 2026), and each member serves one day in turn.
func TestHandoffAcrossDaylightSaving(t *testing.T) {
	r := oncall.Rotation{Location: berlin, Start: time.Date(2026, 10, 20, 0, 0, 0, 0, berlin), Handoff: 8 * 60, Days: 1,
		Members: members("anna", "ben")}
	for day := 20; day <= 30; day++ {
		before, _ := r.Who(time.Date(2026, 10, day, 7, 59, 0, 0, berlin))
		after, _ := r.Who(time.Date(2026, 10, day, 8, 0, 0, 0, berlin))
		if before == after {
			t.Fatalf("no hand-off at 08:00 on %d October: %s all along", day, after.UserID)
		}
	}
}

// Every shift is served by one member, in order, and lasts Days days.
func TestRotationProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 6).Draw(t, "members")
		ids := make([]string, n)
		for i := range ids {
			ids[i] = string(rune('a' + i))
		}
		days := rapid.IntRange(1, 14).Draw(t, "days")
		handoff := rapid.IntRange(0, 1439).Draw(t, "handoff")
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, shanghai).AddDate(0, 0, rapid.IntRange(0, 300).Draw(t, "start"))
		r := oncall.Rotation{Location: shanghai, Start: start, Handoff: handoff, Days: days, Members: members(ids...)}
		k := rapid.IntRange(0, 40).Draw(t, "shift")
		shiftStart := time.Date(start.Year(), start.Month(), start.Day()+k*days, handoff/60, handoff%60, 0, 0, shanghai)
		m, err := r.Who(shiftStart)
		if err != nil || m.UserID != ids[k%n] {
			t.Fatalf("shift %d starts with %v %v; want %s", k, m, err, ids[k%n])
		}
		last, _ := r.Who(shiftStart.AddDate(0, 0, days).Add(-time.Minute))
		if last != m {
			t.Fatalf("shift %d ends with %s, began with %s", k, last.UserID, m.UserID)
		}
	})
}
