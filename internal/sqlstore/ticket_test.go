package sqlstore_test

import (
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

func TestTicketLifecycle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Payments", "") // the default policy: 1h / 4h on 24x7
		tk := e.ticket(t, svc.ID, sqm.P1)
		if tk.Status != sqm.StatusNew || tk.SLA.FirstResponse.State != sqm.ClockRunning {
			t.Fatalf("new ticket: status %s, first response %s", tk.Status, tk.SLA.FirstResponse.State)
		}
		if want := start.Add(time.Hour); !tk.SLA.FirstResponse.DueAt.Equal(want) {
			t.Fatalf("first response due %v, want %v", tk.SLA.FirstResponse.DueAt, want)
		}

		e.clock.Add(10 * time.Minute)
		tk = e.event(t, tk.ID, comment(false))
		if tk.SLA.FirstResponse.MetAt != nil {
			t.Fatal("an internal note met the first response")
		}
		e.clock.Add(10 * time.Minute)
		tk = e.event(t, tk.ID, comment(true))
		fr := tk.SLA.FirstResponse
		if fr.State != sqm.ClockMet || !fr.MetAt.Equal(start.Add(20*time.Minute)) || fr.Elapsed != 20*time.Minute {
			t.Fatalf("after a public reply: %+v", fr)
		}

		// Waiting on the customer pauses resolution for an hour.
		tk = e.event(t, tk.ID, status(sqm.StatusWaitingOnCustomer))
		e.clock.Add(time.Hour)
		tk = e.get(t, tk.ID)
		res := tk.SLA.Resolution
		if res.State != sqm.ClockPaused || res.DueAt != nil || res.Elapsed != 20*time.Minute {
			t.Fatalf("paused resolution: %+v", res)
		}
		tk = e.event(t, tk.ID, status(sqm.StatusInProgress))
		if want := start.Add(20*time.Minute + time.Hour + 3*time.Hour + 40*time.Minute); !tk.SLA.Resolution.DueAt.Equal(want) {
			t.Fatalf("resumed resolution due %v, want %v", tk.SLA.Resolution.DueAt, want)
		}

		// Resolve after 30 more minutes: 50 minutes elapsed, met.
		e.clock.Add(30 * time.Minute)
		tk = e.event(t, tk.ID, status(sqm.StatusResolved))
		if res := tk.SLA.Resolution; res.State != sqm.ClockMet || res.Elapsed != 50*time.Minute {
			t.Fatalf("resolved: %+v", res)
		}

		// A reopen resumes the clock with its elapsed time, paused time not counted.
		e.clock.Add(2 * time.Hour)
		tk = e.event(t, tk.ID, status(sqm.StatusInProgress))
		e.clock.Add(10 * time.Minute)
		tk = e.get(t, tk.ID)
		if res := tk.SLA.Resolution; res.State != sqm.ClockRunning || res.Elapsed != time.Hour || res.MetAt != nil {
			t.Fatalf("reopened: %+v", res)
		}
		if fr := tk.SLA.FirstResponse; fr.State != sqm.ClockMet {
			t.Fatalf("a reopen restarted the first response: %+v", fr)
		}
	})
}

func TestPriorityChangeKeepsElapsed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		p := e.policy(t, "Tight", 15*time.Minute, 2*time.Hour) // P2: 30m / 4h
		svc := e.service(t, "Payments", p.ID)
		tk := e.ticket(t, svc.ID, sqm.P2)
		e.clock.Add(20 * time.Minute)
		tk = e.event(t, tk.ID, sqm.NewEvent{Type: sqm.EventPriority, Priority: sqm.P1})
		fr := tk.SLA.FirstResponse
		if fr.Target != 15*time.Minute || fr.Elapsed != 20*time.Minute || !fr.Breached {
			t.Fatalf("raised to P1 after 20 minutes: %+v", fr)
		}
		if res := tk.SLA.Resolution; res.Target != 2*time.Hour || !res.DueAt.Equal(start.Add(2*time.Hour)) {
			t.Fatalf("resolution after the raise: %+v", res)
		}
		breaches := events(tk, sqm.EventSLABreached)
		if len(breaches) != 1 || breaches[0].Clock != sqm.FirstResponse || !breaches[0].At.Equal(start.Add(15*time.Minute)) {
			t.Fatalf("breach events %+v; want one first_response breach at the new due instant", breaches)
		}
	})
}

func TestEventRules(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Payments", "")
		tk := e.ticket(t, svc.ID, sqm.P1)
		before := count(t, e, "ticket_events")
		yes := true
		tests := []struct {
			name  string
			ev    sqm.NewEvent
			code  string
			field string
		}{
			{"a backdated event is refused outside an import", sqm.NewEvent{Type: sqm.EventAck, At: start.Add(-time.Hour)}, sqm.EINVALID, "at"},
			{"the caller cannot claim to be the requester", sqm.NewEvent{Type: sqm.EventComment, By: sqm.ByRequester, Public: &yes, Body: "hi"}, sqm.EINVALID, "by"},
			{"a comment must say whether it is public", sqm.NewEvent{Type: sqm.EventComment, Body: "hi"}, sqm.EINVALID, "public"},
			{"an empty comment is refused", sqm.NewEvent{Type: sqm.EventComment, Public: &yes, Body: "  "}, sqm.EINVALID, "body"},
			{"an unknown status is refused", sqm.NewEvent{Type: sqm.EventStatus, Status: "done"}, sqm.EINVALID, "status"},
			{"a move to the current status is a conflict", status(sqm.StatusNew), sqm.ECONFLICT, "status"},
			{"the current priority is a conflict", sqm.NewEvent{Type: sqm.EventPriority, Priority: sqm.P1}, sqm.ECONFLICT, "priority"},
			{"system events cannot be posted", sqm.NewEvent{Type: sqm.EventSLABreached}, sqm.EINVALID, "type"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := e.db.AddEvent(e.ctx, tk.ID, tt.ev)
				wantCode(t, err, tt.code, tt.field)
			})
		}
		if after := count(t, e, "ticket_events"); after != before {
			t.Fatalf("refused events changed the timeline: %d events, then %d", before, after)
		}
		_, err := e.db.AddEvent(e.ctx, "999999", sqm.NewEvent{Type: sqm.EventAck})
		wantCode(t, err, sqm.ENOTFOUND, "")
	})
}
