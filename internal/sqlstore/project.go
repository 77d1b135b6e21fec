package sqlstore

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/calendar"
	"github.com/sqmhq/sqm/sla"
)

// A ticket row keeps a projection of its two clocks, saved in the
// transaction of the event that changed them, so queues, the sweep and
// scorecards never replay timelines.

// clockRow is the stored projection of one clock.
type clockRow struct {
	target, elapsed             int64 // milliseconds
	dueAt, metAt, warnAt        sql.NullInt64
	paused, warned, breachNoted bool
}

// ticketRec is a ticket as a write sees it.
type ticketRec struct {
	sqm.Ticket
	id, serviceID int64
	clocks        [2]clockRow // first response, resolution
	byRequester   bool        // opened by its requester (from the feedback portal)
}

var clockNames = [2]sqm.ClockName{sqm.FirstResponse, sqm.Resolution}

// project computes a ticket's clocks at tx.now from its timeline, saves
// them in t's projection, and returns the SLA events that have come due:
// each warning and breach is owed once per clock, guarded by the warned and
// breach-noted flags saved with the projection in the same transaction.
func (tx *Tx) project(t *ticketRec, events []sqm.Event, r rules) []sqm.Event {
	clocks := keepMet(sla.Compute(events, r.policy, r.cal, tx.now), t, r, tx.now)
	var owed []sqm.Event
	for i, c := range [2]sqm.Clock{clocks.FirstResponse, clocks.Resolution} {
		row := &t.clocks[i]
		if !row.warned && c.WarnAt != nil && !c.WarnAt.After(tx.now) {
			owed = append(owed, sqm.Event{At: *c.WarnAt, Type: sqm.EventSLAWarning, By: sqm.BySystem, Clock: clockNames[i]})
			row.warned = true
		}
		if !row.breachNoted && c.Breached && c.DueAt != nil {
			owed = append(owed, sqm.Event{At: *c.DueAt, Type: sqm.EventSLABreached, By: sqm.BySystem, Clock: clockNames[i]})
			row.breachNoted = true
		}
		row.target, row.elapsed = c.Target.Milliseconds(), c.Elapsed.Milliseconds()
		row.dueAt, row.metAt, row.warnAt = nullMS(c.DueAt), nullMS(c.MetAt), nullMS(c.WarnAt)
		row.paused = isPaused(c)
	}
	t.SLA, t.UpdatedAt = clocks, tx.now
	return owed
}

// settle brings a stored ticket's projection up to date at tx.now and
// appends the SLA events that have come due.
func (tx *Tx) settle(t *ticketRec, events []sqm.Event, r rules) error {
	before := t.clocks
	owed := tx.project(t, events, r)
	for i := range owed {
		if err := tx.appendEvent(t, &owed[i]); err != nil {
			return err
		}
	}
	fr, res := &t.clocks[0], &t.clocks[1]
	_, err := tx.exec(`UPDATE tickets SET status = $1, priority = $2, updated_at = $3,
		fr_target = $4, fr_elapsed = $5, fr_due_at = $6, fr_met_at = $7, fr_warn_at = $8, fr_paused = $9, fr_warned = $10, fr_breach_noted = $11,
		res_target = $12, res_elapsed = $13, res_due_at = $14, res_met_at = $15, res_warn_at = $16, res_paused = $17, res_warned = $18, res_breach_noted = $19,
		next_at = $20 WHERE id = $21`,
		t.Status, t.Priority, ms(tx.now),
		fr.target, fr.elapsed, fr.dueAt, fr.metAt, fr.warnAt, fr.paused, fr.warned, fr.breachNoted,
		res.target, res.elapsed, res.dueAt, res.metAt, res.warnAt, res.paused, res.warned, res.breachNoted,
		nextAt(t.clocks), t.id)
	if err != nil {
		return fmt.Errorf("save clocks: %w", err)
	}
	return tx.rollupChange(t, before)
}

// keepMet keeps the saved figures of each clock that was already met, at
// the same instant, when the ticket was last projected: a met clock keeps
// the target it was met against, so neither a later policy edit nor a
// comment on a resolved ticket rewrites a figure a scorecard has counted.
func keepMet(c sqm.Clocks, t *ticketRec, r rules, now time.Time) sqm.Clocks {
	for i, got := range [2]*sqm.Clock{&c.FirstResponse, &c.Resolution} {
		row := t.clocks[i]
		if !row.metAt.Valid || got.MetAt == nil || got.MetAt.UnixMilli() != row.metAt.Int64 {
			continue // not met before, reopened since, or met anew
		}
		saved := liveClock(row, r.cal, now)
		saved.Stretches = got.Stretches
		*got = saved
	}
	return c
}

func isPaused(c sqm.Clock) bool {
	if c.State == sqm.ClockPaused {
		return true
	}
	n := len(c.Stretches)
	return c.MetAt == nil && n > 0 && c.Stretches[n-1].State == "paused"
}

// nextAt is the earliest instant at which the sweep owes a clock an event:
// its warning, or the first millisecond past its due instant.
func nextAt(clocks [2]clockRow) sql.NullInt64 {
	var next sql.NullInt64
	consider := func(v int64) {
		if !next.Valid || v < next.Int64 {
			next = sql.NullInt64{Int64: v, Valid: true}
		}
	}
	for _, c := range clocks {
		if !c.warned && c.warnAt.Valid {
			consider(c.warnAt.Int64)
		}
		if !c.breachNoted && c.dueAt.Valid && (!c.metAt.Valid || c.metAt.Int64 > c.dueAt.Int64) {
			consider(c.dueAt.Int64 + 1)
		}
	}
	return next
}

// liveClock evaluates a stored projection at now: the state and elapsed
// time of a running clock move on with time, on its calendar.
func liveClock(c clockRow, cal *calendar.Calendar, now time.Time) sqm.Clock {
	out := sqm.Clock{
		Target:  time.Duration(c.target) * time.Millisecond,
		Elapsed: time.Duration(c.elapsed) * time.Millisecond,
		DueAt:   fromNullMS(c.dueAt),
		MetAt:   fromNullMS(c.metAt),
		WarnAt:  fromNullMS(c.warnAt),
	}
	out.Breached = breached(c.dueAt, c.metAt, now.UnixMilli())
	switch {
	case out.MetAt != nil:
		out.State = sqm.ClockMet
	case c.paused:
		out.State = sqm.ClockPaused
	default:
		out.State = sqm.ClockRunning
		if out.DueAt != nil && cal != nil {
			if now.Before(*out.DueAt) {
				out.Elapsed = out.Target - cal.Business(now, *out.DueAt)
			} else {
				out.Elapsed = out.Target + cal.Business(*out.DueAt, now)
			}
		}
	}
	if out.Breached {
		out.State = sqm.ClockBreached
	}
	return out
}

// breached is DESIGN.md's rule on a stored projection at instant now (ms):
// met after its due instant, or unmet with now past it. The queue filters
// below are its SQL form.
func breached(due, met sql.NullInt64, now int64) bool {
	if !due.Valid {
		return false
	}
	if met.Valid {
		return met.Int64 > due.Int64
	}
	return now > due.Int64
}

// The SQL forms of the clock states at instant $now, for queue filters.
func clockBreachedSQL(c, now string) string {
	return fmt.Sprintf(`(%[1]s_due_at IS NOT NULL AND ((%[1]s_met_at IS NOT NULL AND %[1]s_met_at > %[1]s_due_at) OR (%[1]s_met_at IS NULL AND %[1]s_due_at < %[2]s)))`, c, now)
}

func slaStateSQL(state sqm.ClockState, now string) string {
	b := "(" + clockBreachedSQL("fr", now) + " OR " + clockBreachedSQL("res", now) + ")"
	running := func(c string) string { return fmt.Sprintf("(%[1]s_met_at IS NULL AND NOT %[1]s_paused)", c) }
	paused := func(c string) string { return fmt.Sprintf("(%[1]s_met_at IS NULL AND %[1]s_paused)", c) }
	switch state {
	case sqm.ClockBreached:
		return b
	case sqm.ClockRunning:
		return "(NOT " + b + " AND (" + running("fr") + " OR " + running("res") + "))"
	case sqm.ClockPaused:
		return "(NOT " + b + " AND NOT " + running("fr") + " AND NOT " + running("res") + " AND (" + paused("fr") + " OR " + paused("res") + "))"
	default: // met
		return "(NOT " + b + " AND fr_met_at IS NOT NULL AND res_met_at IS NOT NULL)"
	}
}
