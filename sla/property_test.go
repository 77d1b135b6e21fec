package sla_test

import (
	"fmt"
	"slices"
	"time"

	"pgregory.net/rapid"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/calendar"
)

// scenario is a random ticket: a calendar, a policy, a timeline and an instant.
type scenario struct {
	cal    *calendar.Calendar
	policy *sqm.SLAPolicy
	events []sqm.Event
	now    time.Time
}

// genCalendar draws a valid calendar: a zone (some with DST), up to three
// half-hour-aligned intervals a weekday (Monday always worked), a few
// holidays and extra workdays, with or without the Chinese set.
func genCalendar(t *rapid.T) *calendar.Calendar {
	def := sqm.Calendar{
		Name:     "random",
		Timezone: rapid.SampledFrom([]string{"UTC", "Asia/Shanghai", "America/New_York", "Europe/London"}).Draw(t, "zone"),
		Hours:    map[string][]string{},
	}
	for i, day := range sqm.Weekdays {
		lo := 0
		if i == 0 {
			lo = 1 // Monday is always worked, so every target falls somewhere
		}
		k := rapid.IntRange(lo, 3).Draw(t, day)
		bounds := rapid.SliceOfNDistinct(rapid.IntRange(0, 48), 2*k, 2*k, rapid.ID[int]).Draw(t, day+"_bounds")
		slices.Sort(bounds)
		for j := 0; j < len(bounds); j += 2 {
			def.Hours[day] = append(def.Hours[day], halfHour(bounds[j])+"-"+halfHour(bounds[j+1]))
		}
	}
	date := rapid.Custom(func(t *rapid.T) string {
		return time.Date(2025, 1, 1+rapid.IntRange(0, 364).Draw(t, "day"), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	})
	def.Holidays = rapid.SliceOfNDistinct(date, 0, 4, rapid.ID[string]).Draw(t, "holidays")
	def.Workdays = rapid.SliceOfNDistinct(date, 0, 2, rapid.ID[string]).Draw(t, "workdays")
	def.Workdays = slices.DeleteFunc(def.Workdays, func(d string) bool { return slices.Contains(def.Holidays, d) })
	if rapid.Bool().Draw(t, "cn") {
		def.HolidaySet = "cn"
	}
	cal, err := calendar.New(def)
	if err != nil {
		t.Fatalf("calendar.New(%+v): %v", def, err)
	}
	return cal
}

func halfHour(n int) string { return fmt.Sprintf("%02d:%02d", n/2, n%2*30) }

// genPolicy draws a valid policy with targets in whole seconds.
func genPolicy(t *rapid.T) *sqm.SLAPolicy {
	p := &sqm.SLAPolicy{Name: "random", CalendarID: "cal", Targets: map[sqm.Priority]sqm.Target{}}
	for _, pr := range sqm.Priorities {
		p.Targets[pr] = sqm.Target{
			FirstResponse: time.Duration(rapid.Int64Range(1, 40*3600).Draw(t, "fr")) * time.Second,
			Resolution:    time.Duration(rapid.Int64Range(1, 200*3600).Draw(t, "res")) * time.Second,
		}
	}
	for _, s := range []sqm.Status{sqm.StatusInProgress, sqm.StatusWaitingOnCustomer} {
		if rapid.Bool().Draw(t, "pause_"+string(s)) {
			p.PauseStatuses = append(p.PauseStatuses, s)
		}
	}
	p.WarnAtPercent = rapid.IntRange(0, 99).Draw(t, "warn")
	return p
}

// genEvents draws a timeline of up to 25 events after the opening, with ties.
func genEvents(t *rapid.T) []sqm.Event {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).
		Add(time.Duration(rapid.Int64Range(0, 364*24*3600).Draw(t, "opened")) * time.Second)
	events := []sqm.Event{opened(at, rapid.SampledFrom(sqm.Priorities).Draw(t, "priority"))}
	for range rapid.IntRange(0, 25).Draw(t, "n") {
		if rapid.Bool().Draw(t, "later") {
			at = at.Add(time.Duration(rapid.Int64Range(1, 3*24*3600).Draw(t, "gap")) * time.Second)
		}
		e := sqm.Event{At: at, Type: rapid.SampledFrom([]sqm.EventType{sqm.EventComment, sqm.EventAck,
			sqm.EventStatus, sqm.EventStatus, sqm.EventPriority, sqm.EventSLAWarning, "assignment"}).Draw(t, "type")}
		e.By = rapid.SampledFrom([]string{sqm.ByStaff, sqm.ByRequester, sqm.BySystem}).Draw(t, "by")
		e.Public = rapid.Bool().Draw(t, "public")
		e.Status = rapid.SampledFrom(sqm.Statuses).Draw(t, "status")
		e.Priority = rapid.SampledFrom(sqm.Priorities).Draw(t, "to_priority")
		events = append(events, e)
	}
	return events
}

func genScenario(t *rapid.T) scenario {
	s := scenario{cal: genCalendar(t), policy: genPolicy(t), events: genEvents(t)}
	last := s.events[len(s.events)-1].At
	s.now = last.Add(time.Duration(rapid.Int64Range(0, 5*24*3600).Draw(t, "wait")) * time.Second)
	return s
}

// both returns a ticket's two clocks, by name.
func both(c sqm.Clocks) map[sqm.ClockName]sqm.Clock {
	return map[sqm.ClockName]sqm.Clock{sqm.FirstResponse: c.FirstResponse, sqm.Resolution: c.Resolution}
}

func pick(c sqm.Clocks, name sqm.ClockName) sqm.Clock {
	if name == sqm.FirstResponse {
		return c.FirstResponse
	}
	return c.Resolution
}
