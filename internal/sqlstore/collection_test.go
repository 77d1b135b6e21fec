package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
	"github.com/sqmhq/sqm/internal/testdb"
)

func TestPagination(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Payments", "")
		made := map[string]bool{}
		for range 7 {
			made[e.ticket(t, svc.ID, sqm.P3).ID] = true
		}
		seen := map[string]bool{}
		cursor, pages := "", 0
		for {
			p, err := e.db.ListTickets(e.ctx, sqm.TicketFilter{Limit: 3, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, tk := range p.Items {
				if seen[tk.ID] {
					t.Fatalf("ticket %s on two pages", tk.ID)
				}
				seen[tk.ID] = true
			}
			if cursor = p.NextCursor; cursor == "" {
				break
			}
		}
		if pages != 3 || len(seen) != len(made) {
			t.Fatalf("%d pages with %d tickets; want 3 pages with %d", pages, len(seen), len(made))
		}
		_, err := e.db.ListTickets(e.ctx, sqm.TicketFilter{Limit: sqlstore.MaxLimit + 1})
		wantCode(t, err, sqm.EINVALID, "limit")
		_, err = e.db.ListTickets(e.ctx, sqm.TicketFilter{SLAState: "late"})
		wantCode(t, err, sqm.EINVALID, "sla_state")
		for i := range 3 {
			if _, err := e.db.CreateTeam(e.ctx, sqm.Team{Name: fmt.Sprintf("Team %d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		first, err := e.db.ListTeams(e.ctx, "", 2)
		if err != nil || len(first.Items) != 2 || first.NextCursor == "" {
			t.Fatalf("first page of teams: %+v %v", first, err)
		}
		rest, err := e.db.ListTeams(e.ctx, first.NextCursor, 2)
		if err != nil || len(rest.Items) != 1 || rest.NextCursor != "" || rest.Items[0].Name != "Team 2" {
			t.Fatalf("second page of teams: %+v %v", rest, err)
		}
	})
}

// A calendar edit moves the due instants of the open tickets that run on it.
func TestCalendarEditRecomputes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		office := sqm.Calendar{Name: "Office", Timezone: "Asia/Shanghai", HolidaySet: "cn",
			Hours: map[string][]string{"mon": {"09:00-18:00"}, "tue": {"09:00-18:00"}, "wed": {"09:00-18:00"}}}
		cal, err := e.db.CreateCalendar(e.ctx, office)
		if err != nil {
			t.Fatal(err)
		}
		p := sqm.DefaultPolicy(cal.ID)
		p.Name = "Office"
		p.Targets[sqm.P1] = sqm.Target{FirstResponse: 9 * time.Hour, Resolution: 18 * time.Hour}
		if p, err = e.db.CreatePolicy(e.ctx, p); err != nil {
			t.Fatal(err)
		}
		tk := e.ticket(t, e.service(t, "Payments", p.ID).ID, sqm.P1) // Monday 10:00 Beijing
		tuesday := time.Date(2026, 11, 3, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
		if due := e.get(t, tk.ID).SLA.FirstResponse.DueAt; !due.Equal(tuesday) {
			t.Fatalf("due %v, want Tuesday 10:00", due)
		}
		cal.Holidays = []string{"2026-11-03"}
		if _, err := e.db.UpdateCalendar(e.ctx, cal.ID, cal); err != nil {
			t.Fatal(err)
		}
		if due := e.get(t, tk.ID).SLA.FirstResponse.DueAt; !due.Equal(tuesday.Add(24 * time.Hour)) {
			t.Fatalf("after making Tuesday a holiday, due %v, want Wednesday 10:00", due)
		}
	})
}

// Replicas starting together on an empty database bootstrap it once.
func TestBootstrapConcurrently(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		var wg sync.WaitGroup
		created := make([]bool, 3)
		errs := make([]error, 3)
		for i := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := sqlstore.Open(context.Background(), dsn, nil)
				if err != nil {
					errs[i] = err
					return
				}
				defer db.Close()
				if errs[i] = db.Migrate(context.Background()); errs[i] == nil {
					created[i], errs[i] = db.Bootstrap(context.Background())
				}
			}()
		}
		wg.Wait()
		n := 0
		for i := range 3 {
			if errs[i] != nil {
				t.Fatalf("replica %d: %v", i, errs[i])
			}
			if created[i] {
				n++
			}
		}
		e := newEnv(t, dsn)
		if n != 1 || count(t, e, "sla_policies") != 1 || count(t, e, "calendars") != 1 || count(t, e, "users") != 1 {
			t.Fatalf("%d replicas created the admin; policies %d, calendars %d, users %d", n,
				count(t, e, "sla_policies"), count(t, e, "calendars"), count(t, e, "users"))
		}
	})
}

// Concurrent writes may share a transaction on SQLite; one that fails is
// undone alone, and the others are all committed.
func TestConcurrentWritesFailAlone(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Payments", "")
		before := count(t, e, "audit_log")
		var wg sync.WaitGroup
		errs := make([]error, 64)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				service := svc.ID
				if i%4 == 0 {
					service = "999999" // fails inside the transaction
				}
				_, errs[i] = e.db.CreateTicket(e.ctx, sqm.NewTicket{ServiceID: service, Type: sqm.TypeRequest, Priority: sqm.P3, Title: "x"})
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if (i%4 == 0) != (err != nil) {
				t.Fatalf("write %d: %v", i, err)
			}
		}
		if n := count(t, e, "tickets"); n != 48 {
			t.Fatalf("%d tickets; want the 48 valid ones", n)
		}
		if n := count(t, e, "ticket_events"); n != 48 {
			t.Fatalf("%d events; want 48 opened events", n)
		}
		if n := count(t, e, "audit_log") - before; n != 48 {
			t.Fatalf("%d audit entries; want 48", n)
		}
	})
}

// The queue sorted by time left pages through every ticket once, the clock
// that falls due first first, tickets with no running clock last.
func TestQueueByTimeLeft(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Payments", e.policy(t, "Tiered", time.Hour, 4*time.Hour).ID) // P1 1h, P2 2h, P3/P4 default 1h
		var ids []string
		for i, p := range []sqm.Priority{sqm.P2, sqm.P1, sqm.P2, sqm.P1, sqm.P3} {
			e.clock.Add(time.Duration(i) * time.Minute)
			ids = append(ids, e.ticket(t, svc.ID, p).ID)
		}
		e.event(t, ids[4], status(sqm.StatusResolved)) // no running clock: last
		e.clock.Add(3 * time.Hour)                     // the P1s are overdue
		var got []string
		var dues []time.Time
		cursor := ""
		for {
			p, err := e.db.ListTickets(e.ctx, sqm.TicketFilter{Sort: "due", Limit: 2, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, tk := range p.Items {
				got = append(got, tk.ID)
				if d := tk.SLA.FirstResponse.DueAt; tk.SLA.FirstResponse.MetAt == nil && d != nil {
					dues = append(dues, *d)
				}
			}
			if cursor = p.NextCursor; cursor == "" {
				break
			}
		}
		want := []string{ids[1], ids[3], ids[0], ids[2], ids[4]}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("by time left: %v, want %v (dues %v)", got, want, dues)
		}
		_, err := e.db.ListTickets(e.ctx, sqm.TicketFilter{Sort: "due", Cursor: "YzQy"})
		wantCode(t, err, sqm.EINVALID, "cursor")
	})
}

// The queue by time left and the dashboard read indexes, not the whole
// table: the expression of nextDueSQL must stay the one migration 0003 indexed.
func TestQueuePlansUseIndexes(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t))
	raw := testdb.Raw(t, e.dsn)
	for _, q := range []struct{ name, sql, index string }{
		{"time left", `SELECT id FROM tickets ORDER BY ` + sqlstore.NextDueSQL + `, id LIMIT 51`, "tickets_next_due"},
		{"open incidents", `SELECT priority, count(*) FROM tickets WHERE type = 'incident' AND status NOT IN ('resolved', 'closed') GROUP BY priority`, "tickets_open"},
	} {
		rows, err := raw.Query("EXPLAIN QUERY PLAN " + q.sql)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if !strings.Contains(strings.Join(plan, "; "), q.index) {
			t.Errorf("%s does not use %s: %v", q.name, q.index, plan)
		}
	}
}
