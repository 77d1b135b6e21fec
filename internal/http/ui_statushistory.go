package http

import (
	"fmt"
	"time"

	"github.com/sqmhq/sqm"
)

// statusDay is one UTC day of a status page's history, with the incidents
// resolved on it, the most recently resolved first.
type statusDay struct {
	Date      string // in the page's language
	ISO       string // 2006-01-02
	Incidents []statusPast
}

// statusPast is a resolved incident as the history shows it.
type statusPast struct {
	Title, Service, When, Lasted string
}

// newStatusHistory lays out a status's past incidents by the UTC day they
// were resolved on, today first, over sqm.HistoryDays days; a day without
// any has none. When the store listed as many as it lists, the days older
// than the oldest one listed may have had others: the history stops there.
func newStatusHistory(p *page, v sqm.StatusView, names map[string]string) []statusDay {
	today := v.Updated.UTC().Truncate(24 * time.Hour)
	oldest := today.AddDate(0, 0, 1-sqm.HistoryDays)
	if n := len(v.PastIncidents); n >= sqm.MaxPastIncidents {
		oldest = v.PastIncidents[n-1].ResolvedAt.UTC().Truncate(24 * time.Hour)
	}
	var days []statusDay
	i := 0
	for day := today; !day.Before(oldest); day = day.AddDate(0, 0, -1) {
		d := statusDay{Date: dayText(p, day.Format(time.DateOnly)), ISO: day.Format(time.DateOnly)}
		for ; i < len(v.PastIncidents) && !v.PastIncidents[i].ResolvedAt.Before(day); i++ {
			in := v.PastIncidents[i]
			d.Incidents = append(d.Incidents, statusPast{Title: in.Title, Service: names[in.ServiceID],
				When:   spanWhen(p, in.OpenedAt, in.ResolvedAt),
				Lasted: fmt.Sprintf(p.T("sp.history.lasted"), spanText(p, in.DurationSeconds))})
		}
		days = append(days, d)
	}
	return days
}

// spanWhen is a span of time in UTC, its end without the date when it ends
// on the day it starts: "18 Nov 2026 10:00 – 11:30 UTC".
func spanWhen(p *page, from, to time.Time) string {
	from, to = from.UTC(), to.UTC()
	end := p.Time(to)
	if from.Truncate(24 * time.Hour).Equal(to.Truncate(24 * time.Hour)) {
		end = to.Format("15:04")
	}
	return p.Time(from) + " – " + end + " UTC"
}

// spanText is a length of time in the page's language, to the second under
// a minute, to the minute under a day and to the hour beyond.
func spanText(p *page, secs int64) string {
	d, h, m := secs/86400, secs%86400/3600, secs%3600/60
	switch {
	case secs < 60:
		return fmt.Sprintf(p.T("sp.dur.s"), max(secs, 0))
	case secs < 3600:
		return fmt.Sprintf(p.T("sp.dur.m"), m)
	case d == 0 && m == 0:
		return fmt.Sprintf(p.T("sp.dur.h"), h)
	case d == 0:
		return fmt.Sprintf(p.T("sp.dur.hm"), h, m)
	case h == 0:
		return fmt.Sprintf(p.T("sp.dur.d"), d)
	}
	return fmt.Sprintf(p.T("sp.dur.dh"), d, h)
}
