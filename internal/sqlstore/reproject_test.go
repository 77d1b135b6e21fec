package sqlstore_test

import (
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

// Helpdesks are known to lose paused time when a policy is swapped: the
// clocks of open tickets must be recomputed from the whole timeline.
func TestPolicyEditsRecomputeOpenTickets(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		p := e.policy(t, "Standard", time.Hour, 4*time.Hour)
		svc := e.service(t, "Payments", p.ID)
		open := e.ticket(t, svc.ID, sqm.P1)
		done := e.ticket(t, svc.ID, sqm.P1)
		e.event(t, open.ID, sqm.NewEvent{Type: sqm.EventAck})
		e.clock.Add(30 * time.Minute)
		e.event(t, open.ID, status(sqm.StatusWaitingOnCustomer))
		e.event(t, done.ID, status(sqm.StatusResolved))
		e.clock.Add(2 * time.Hour)
		e.event(t, open.ID, status(sqm.StatusInProgress))
		e.clock.Add(30 * time.Minute) // open: 1h of running time, 2h paused

		t.Run("a new target applies with the paused time still excluded", func(t *testing.T) {
			p.Targets[sqm.P1] = sqm.Target{FirstResponse: time.Hour, Resolution: 90 * time.Minute}
			if _, err := e.db.UpdatePolicy(e.ctx, p.ID, p); err != nil {
				t.Fatal(err)
			}
			res := e.get(t, open.ID).SLA.Resolution
			if res.Target != 90*time.Minute || res.Elapsed != time.Hour || !res.DueAt.Equal(e.clock.Now().Add(30*time.Minute)) {
				t.Fatalf("after the edit: target %v elapsed %v due %v", res.Target, res.Elapsed, res.DueAt)
			}
			list, err := e.db.ListTickets(e.ctx, sqm.TicketFilter{ServiceID: svc.ID, SLAState: sqm.ClockRunning})
			if err != nil || len(list.Items) != 1 || list.Items[0].ID != open.ID {
				t.Fatalf("the queue did not see the recomputed projection: %v %+v", err, list.Items)
			}
			if !list.Items[0].SLA.Resolution.DueAt.Equal(*res.DueAt) {
				t.Fatalf("queue due %v, ticket due %v", list.Items[0].SLA.Resolution.DueAt, res.DueAt)
			}
		})

		t.Run("dropping a pause status counts the waiting time from the timeline", func(t *testing.T) {
			p.PauseStatuses = nil
			if _, err := e.db.UpdatePolicy(e.ctx, p.ID, p); err != nil {
				t.Fatal(err)
			}
			res := e.get(t, open.ID).SLA.Resolution
			if res.Elapsed != 3*time.Hour || !res.Breached {
				t.Fatalf("without pauses: elapsed %v breached %v", res.Elapsed, res.Breached)
			}
		})

		t.Run("a resolved ticket keeps the figures it stopped with", func(t *testing.T) {
			res := e.get(t, done.ID).SLA.Resolution
			if res.Target != 4*time.Hour || res.State != sqm.ClockMet {
				t.Fatalf("a stopped ticket was rewritten: %+v", res)
			}
			// A later comment re-projects the ticket, met clocks untouched.
			tk := e.event(t, done.ID, comment(true))
			if res := tk.SLA.Resolution; res.Target != 4*time.Hour || res.State != sqm.ClockMet {
				t.Fatalf("a comment rewrote a met resolution clock: %+v", res)
			}
			list, err := e.db.ListTickets(e.ctx, sqm.TicketFilter{ServiceID: svc.ID, SLAState: sqm.ClockMet})
			if err != nil || len(list.Items) != 1 || list.Items[0].SLA.Resolution.Target != 4*time.Hour {
				t.Fatalf("the saved projection changed: %+v %v", list.Items, err)
			}
		})

		t.Run("an open ticket's met first response keeps its target", func(t *testing.T) {
			p.Targets[sqm.P1] = sqm.Target{FirstResponse: time.Minute, Resolution: 90 * time.Minute}
			if _, err := e.db.UpdatePolicy(e.ctx, p.ID, p); err != nil {
				t.Fatal(err)
			}
			fr := e.get(t, open.ID).SLA.FirstResponse
			if fr.Target != time.Hour || fr.State != sqm.ClockMet || fr.Breached {
				t.Fatalf("a met first response was re-judged against a new target: %+v", fr)
			}
			if b := events(e.get(t, open.ID), sqm.EventSLABreached); len(b) != 1 || b[0].Clock != sqm.Resolution {
				t.Fatalf("breach events %+v; want only the resolution's", b)
			}
		})

		t.Run("moving a service to another policy recomputes its open tickets", func(t *testing.T) {
			office, err := e.db.CreateCalendar(e.ctx, sqm.Calendar{Name: "Office", Timezone: "Asia/Shanghai",
				Hours: map[string][]string{"mon": {"09:00-12:00", "13:30-18:00"}, "tue": {"09:00-12:00", "13:30-18:00"}}})
			if err != nil {
				t.Fatal(err)
			}
			q := sqm.DefaultPolicy(office.ID)
			q.Name = "Office hours"
			q, err = e.db.CreatePolicy(e.ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			svc.SLAPolicyID = q.ID
			if _, err := e.db.UpdateService(e.ctx, svc.ID, svc); err != nil {
				t.Fatal(err)
			}
			// Opened Monday 10:00 Beijing, it ran 10:00-10:30, waited
			// 10:30-12:30 and ran 12:30-13:00, which is lunch on the office
			// calendar: 30 minutes of business time.
			res := e.get(t, open.ID).SLA.Resolution
			if res.Target != 4*time.Hour || res.Elapsed != 30*time.Minute {
				t.Fatalf("on the office calendar: target %v elapsed %v", res.Target, res.Elapsed)
			}
		})
	})
}

// Tickets written while their policy is edited end up projected with the
// policy that won: an edit never misses a ticket committed meanwhile.
func TestPolicyEditRacesTicketWrites(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		p := e.policy(t, "Racy", time.Hour, 4*time.Hour)
		svc := e.service(t, "Payments", p.ID)
		done := make(chan struct{})
		errs := make(chan error, 8)
		for range 4 {
			go func() {
				for {
					select {
					case <-done:
						errs <- nil
						return
					default:
					}
					tk, err := e.db.CreateTicket(e.ctx, sqm.NewTicket{ServiceID: svc.ID, Type: sqm.TypeIncident, Priority: sqm.P1, Title: "x"})
					if err == nil {
						_, err = e.db.AddEvent(e.ctx, tk.ID, sqm.NewEvent{Type: sqm.EventAck})
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		for i := range 10 {
			p.Targets[sqm.P1] = sqm.Target{FirstResponse: time.Hour, Resolution: time.Duration(i+1) * time.Hour}
			if _, err := e.db.UpdatePolicy(e.ctx, p.ID, p); err != nil {
				t.Fatal(err)
			}
		}
		close(done)
		for range 4 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		list, err := e.db.ListTickets(e.ctx, sqm.TicketFilter{ServiceID: svc.ID, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range list.Items {
			if got := tk.SLA.Resolution.Target; got != 10*time.Hour {
				t.Fatalf("ticket %s is projected with a %v target after the last edit set 10h (%d tickets)", tk.ID, got, len(list.Items))
			}
		}
	})
}
