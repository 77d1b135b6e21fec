package sqlstore_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

// A status page lists the incidents of its services resolved over the last
// sqm.HistoryDays UTC days, the most recently resolved first, with how
// long each lasted: not older ones, not other services', not open or
// reopened ones, not other types of ticket, and nothing private.
func TestPublicStatusHistory(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		day := func(n int) time.Time { return now.Truncate(24*time.Hour).AddDate(0, 0, n) } // 00:00 UTC, n days from today
		payments, portal, other := e.service(t, "Payments", ""), e.service(t, "Portal", ""), e.service(t, "Internal wiki", "")

		// incident opens a ticket at opened and moves it through the
		// statuses at the instants given.
		incident := func(svc sqm.Service, typ sqm.TicketType, title string, opened time.Time, moves ...any) sqm.Ticket {
			t.Helper()
			e.clock.now = opened
			tk, err := e.db.CreateTicket(e.ctx, sqm.NewTicket{ServiceID: svc.ID, Type: typ, Priority: sqm.P2, Title: title,
				Description: "private: the root cause is s3cr3t"})
			if err != nil {
				t.Fatal(err)
			}
			e.event(t, tk.ID, sqm.NewEvent{Type: sqm.EventComment, Public: new(false), Body: "internal note: call the bank"})
			for i := 0; i < len(moves); i += 2 {
				e.clock.now = moves[i].(time.Time)
				e.event(t, tk.ID, status(moves[i+1].(sqm.Status)))
			}
			return tk
		}
		recent := incident(payments, sqm.TypeIncident, "Card payments declined", day(-3).Add(10*time.Hour),
			day(-3).Add(11*time.Hour+30*time.Minute), sqm.StatusResolved)
		closed := incident(portal, sqm.TypeIncident, "Portal slow", day(-1).Add(7*time.Hour),
			day(-1).Add(8*time.Hour), sqm.StatusResolved, day(-1).Add(9*time.Hour), sqm.StatusClosed)
		first := incident(portal, sqm.TypeIncident, "Logins fail", day(-14).Add(20*time.Hour), day(1-sqm.HistoryDays).Add(30*time.Minute), sqm.StatusResolved)
		incident(portal, sqm.TypeIncident, "Just too old", day(-14).Add(20*time.Hour), day(-sqm.HistoryDays).Add(23*time.Hour), sqm.StatusResolved)
		incident(payments, sqm.TypeIncident, "Old outage", day(-21), day(-20), sqm.StatusResolved)
		incident(other, sqm.TypeIncident, "Wiki down", day(-2), day(-2).Add(time.Hour), sqm.StatusResolved)
		incident(payments, sqm.TypeRequest, "New report", day(-2), day(-2).Add(time.Hour), sqm.StatusResolved)
		open := incident(payments, sqm.TypeIncident, "Refunds delayed", day(-1))
		reopened := incident(portal, sqm.TypeIncident, "Search broken", day(-5), day(-4), sqm.StatusResolved, day(-3), sqm.StatusInProgress)

		e.clock.now = now
		if _, err := e.db.CreateStatusPage(e.ctx, sqm.StatusPage{Slug: "acme", Title: "Acme", ServiceIDs: []string{portal.ID, payments.ID}}); err != nil {
			t.Fatal(err)
		}
		v, err := e.db.PublicStatus(context.Background(), "acme", now)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, in := range v.PastIncidents {
			got = append(got, in.Title)
		}
		if strings.Join(got, ", ") != "Portal slow, Card payments declined, Logins fail" {
			t.Fatalf("past incidents: %q; want Portal slow, Card payments declined, Logins fail", got)
		}
		for _, c := range []struct {
			in               sqm.PastIncident
			want             sqm.Ticket
			status           sqm.Status
			opened, resolved time.Time
			lasted           time.Duration
		}{
			{v.PastIncidents[0], closed, sqm.StatusClosed, day(-1).Add(7 * time.Hour), day(-1).Add(8 * time.Hour), time.Hour},
			{v.PastIncidents[1], recent, sqm.StatusResolved, day(-3).Add(10 * time.Hour), day(-3).Add(11*time.Hour + 30*time.Minute), 90 * time.Minute},
			{v.PastIncidents[2], first, sqm.StatusResolved, day(-14).Add(20 * time.Hour), day(-13).Add(30 * time.Minute), 4*time.Hour + 30*time.Minute},
		} {
			in := c.in
			if in.ID != c.want.ID || in.ServiceID != c.want.ServiceID || in.Status != c.status || in.Priority != sqm.P2 ||
				!in.OpenedAt.Equal(c.opened) || !in.ResolvedAt.Equal(c.resolved) || in.DurationSeconds != int64(c.lasted/time.Second) {
				t.Errorf("%s: %+v; want opened %v, resolved %v, %v long, %s", in.Title, in, c.opened, c.resolved, c.lasted, c.status)
			}
		}

		// The open and reopened incidents are open, not past.
		if len(v.Incidents) != 2 || v.Incidents[0].ID != open.ID || v.Incidents[1].ID != reopened.ID {
			t.Fatalf("open incidents %+v; want Refunds delayed and Search broken", v.Incidents)
		}

		// The JSON holds the history by the same fields, nothing private.
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var raw struct {
			Past []map[string]any `json:"past_incidents"`
		}
		if err := json.Unmarshal(b, &raw); err != nil || len(raw.Past) != 3 {
			t.Fatalf("past_incidents in %s: %v", b, err)
		}
		want := "duration_seconds id opened_at priority resolved_at service_id status title"
		if strings.Join(slices.Sorted(maps.Keys(raw.Past[1])), " ") != want || raw.Past[1]["duration_seconds"] != 5400.0 {
			t.Errorf("a past incident in JSON: %v; want the fields %s", raw.Past[1], want)
		}
		if past, _ := json.Marshal(v.PastIncidents); strings.Contains(string(past), "description") {
			t.Errorf("the past incidents have a description: %s", past)
		}
		for _, secret := range []string{"s3cr3t", "call the bank"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("the public view holds %q", secret)
			}
		}

		// A page with no history says so with an empty list, also in JSON.
		if _, err := e.db.CreateStatusPage(e.ctx, sqm.StatusPage{Slug: "wiki", Title: "Wiki", ServiceIDs: []string{other.ID}}); err != nil {
			t.Fatal(err)
		}
		e.clock.now = now.AddDate(0, 0, sqm.HistoryDays)
		quiet, err := e.db.PublicStatus(context.Background(), "wiki", e.clock.now)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(quiet); quiet.PastIncidents == nil || !strings.Contains(string(b), `"past_incidents":[]`) {
			t.Errorf("a page without history: %s", b)
		}
	})
}

// A day's downtime counts the time any monitor of the service was down
// once, however many were, and leaves maintenance out.
func TestStatusBarDowntime(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		y := now.Truncate(24*time.Hour).AddDate(0, 0, -1) // yesterday, 00:00 UTC
		svc := e.service(t, "Payments", "")
		e.clock.now = y
		a, b := e.pageMonitor(t, svc.ID, "API", false), e.pageMonitor(t, svc.ID, "Web", false)
		e.record(t, a.ID, result{y, true}, result{y.Add(10 * time.Hour), false}, result{y.Add(12 * time.Hour), true})
		e.record(t, b.ID, result{y, true}, result{y.Add(11 * time.Hour), false}, result{y.Add(13 * time.Hour), true})
		e.maintenance(t, "", "Switch", y.Add(12*time.Hour+30*time.Minute), y.Add(13*time.Hour))
		e.clock.now = now
		if _, err := e.db.CreateStatusPage(e.ctx, sqm.StatusPage{Slug: "shop", Title: "Shop", ServiceIDs: []string{svc.ID}}); err != nil {
			t.Fatal(err)
		}
		v, err := e.db.PublicStatus(context.Background(), "shop", now)
		if err != nil {
			t.Fatal(err)
		}
		bar := v.Services[0].Days[sqm.StatusDays-2]
		// Down 10:00–13:00 but for the half hour of maintenance; the
		// monitors 2 h and 1.5 h down in 23.5 h monitored each.
		if bar.DownSeconds != int64(150*time.Minute/time.Second) || !near(bar.Availability, 1-3.5/47) {
			t.Fatalf("yesterday: %d s down, availability %v", bar.DownSeconds, deref(bar.Availability))
		}
	})
}
