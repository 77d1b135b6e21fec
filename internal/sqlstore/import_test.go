package sqlstore_test

import (
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

func historic(ref, serviceID string, opened time.Time, evs ...sqm.NewEvent) sqm.ImportTicket {
	return sqm.ImportTicket{Ref: ref, ServiceID: serviceID, Type: sqm.TypeIncident, Priority: sqm.P1,
		Title: "Old outage " + ref, OpenedAt: opened, Events: evs}
}

func at(ev sqm.NewEvent, t time.Time) sqm.NewEvent { ev.At = t; return ev }

func TestImport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Payments", "")
		day := start.Add(-72 * time.Hour)
		requester := comment(true)
		requester.By = sqm.ByRequester

		out, err := e.db.ImportTickets(e.ctx, []sqm.ImportTicket{
			historic("OLD-1", svc.ID, day,
				at(requester, day.Add(10*time.Minute)), // no response
				at(comment(true), day.Add(30*time.Minute)),
				at(status(sqm.StatusResolved), day.Add(5*time.Hour))), // resolution late by 1h
			historic("OLD-2", svc.ID, day, at(sqm.NewEvent{Type: sqm.EventAck}, day.Add(2*time.Hour))),
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != 2 || out[0].Ref != "OLD-1" || out[0].ID == "" {
			t.Fatalf("import answered %+v", out)
		}
		old := e.get(t, out[0].ID)
		if !old.Imported || old.Status != sqm.StatusResolved || !old.OpenedAt.Equal(day) {
			t.Fatalf("imported ticket %+v", old)
		}
		if fr := old.SLA.FirstResponse; fr.State != sqm.ClockMet || fr.Elapsed != 30*time.Minute {
			t.Fatalf("first response %+v", fr)
		}
		if res := old.SLA.Resolution; res.State != sqm.ClockBreached || res.Elapsed != 5*time.Hour {
			t.Fatalf("resolution %+v", res)
		}
		b := events(old, sqm.EventSLABreached)
		if len(b) != 1 || b[0].Clock != sqm.Resolution || !b[0].At.Equal(day.Add(4*time.Hour)) {
			t.Fatalf("a past breach is recorded at its instant: %+v", b)
		}
		if w := events(old, sqm.EventSLAWarning); len(w) != 1 || !w[0].At.Equal(day.Add(192*time.Minute)) {
			t.Fatalf("warnings %+v", w)
		}
		// The import wrote every past warning and breach; the sweep has
		// nothing left to write for them.
		if n, err := e.db.SweepSLA(e.ctx); err != nil || n != 0 {
			t.Fatalf("sweep after import settled %d tickets (%v); want 0", n, err)
		}
		if b := events(e.get(t, out[1].ID), sqm.EventSLABreached); len(b) != 2 {
			t.Fatalf("OLD-2, acknowledged late and never resolved, has breaches %+v; want both clocks", b)
		}
		if b := events(e.get(t, out[0].ID), sqm.EventSLABreached); len(b) != 1 {
			t.Fatalf("the sweep wrote the breach again: %+v", b)
		}

		tests := []struct {
			name    string
			tickets []sqm.ImportTicket
			code    string
			field   string
		}{
			{"a reference already imported is a conflict",
				[]sqm.ImportTicket{historic("NEW-1", svc.ID, day), historic("OLD-1", svc.ID, day)}, sqm.ECONFLICT, "tickets[1].ref"},
			{"a reference twice in one import is refused",
				[]sqm.ImportTicket{historic("NEW-1", svc.ID, day), historic("NEW-1", svc.ID, day)}, sqm.EINVALID, "tickets[1].ref"},
			{"events out of order are refused",
				[]sqm.ImportTicket{historic("NEW-1", svc.ID, day, at(comment(true), day.Add(time.Hour)), at(comment(true), day.Add(time.Minute)))},
				sqm.EINVALID, "tickets[0].events[1].at"},
			{"an event before the opening is refused",
				[]sqm.ImportTicket{historic("NEW-1", svc.ID, day, at(comment(true), day.Add(-time.Minute)))}, sqm.EINVALID, "tickets[0].events[0].at"},
			{"an event in the future is refused",
				[]sqm.ImportTicket{historic("NEW-1", svc.ID, day, at(comment(true), start.Add(time.Minute)))}, sqm.EINVALID, "tickets[0].events[0].at"},
			{"an event without its instant is refused",
				[]sqm.ImportTicket{historic("NEW-1", svc.ID, day, comment(true))}, sqm.EINVALID, "tickets[0].events[0].at"},
			{"a status that does not change is refused",
				[]sqm.ImportTicket{historic("NEW-1", svc.ID, day, at(status(sqm.StatusNew), day))}, sqm.EINVALID, "tickets[0].events[0].status"},
			{"an unknown service is refused",
				[]sqm.ImportTicket{historic("NEW-1", svc.ID, day), historic("NEW-2", "424242", day)}, sqm.EINVALID, "tickets[1].service_id"},
			{"an empty import is refused", nil, sqm.EINVALID, "tickets"},
		}
		before := [3]int{count(t, e, "tickets"), count(t, e, "ticket_events"), count(t, e, "audit_log")}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := e.db.ImportTickets(e.ctx, tt.tickets)
				wantCode(t, err, tt.code, tt.field)
			})
		}
		if after := [3]int{count(t, e, "tickets"), count(t, e, "ticket_events"), count(t, e, "audit_log")}; after != before {
			t.Fatalf("refused imports wrote rows: tickets, events, audit %v then %v", before, after)
		}
		_, err = e.db.ImportTickets(e.as(sqm.RoleManager), []sqm.ImportTicket{historic("NEW-1", svc.ID, day)})
		wantCode(t, err, sqm.EFORBIDDEN, "")
	})
}
