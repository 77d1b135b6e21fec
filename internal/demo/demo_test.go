package demo_test

import (
	"context"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/demo"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// TestSeed seeds a fresh database at a few instants (a working afternoon in
// Beijing, a Saturday night, the National Day holiday) and checks what a
// user sees: a 60-day scorecard with data behind every figure, open tickets
// in each SLA state, and no second demo on a restart. Under the race
// detector, where the pure-Go SQLite runs about 20 times slower, only the
// first instant is checked.
func TestSeed(t *testing.T) {
	for i, now := range []time.Time{
		time.Date(2026, 11, 25, 6, 30, 0, 0, time.UTC), // Wednesday 14:30 in Beijing
		time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC), // Saturday 22:00
		time.Date(2026, 10, 4, 2, 0, 0, 0, time.UTC),   // during the National Day holiday
	} {
		if i > 0 && raceEnabled() {
			break
		}
		t.Run(now.Format("2006-01-02T15:04"), func(t *testing.T) { checkSeed(t, now) })
	}
}

func raceEnabled() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" {
				return s.Value == "true"
			}
		}
	}
	return false
}

func checkSeed(t *testing.T, now time.Time) {
	ctx := sqm.WithActor(context.Background(), sqm.SystemActor)
	db, err := sqlstore.Open(ctx, sqlstore.DSN(t.TempDir()), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return now }
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := demo.Seed(ctx, db, nil); err != nil {
		t.Fatalf("Seed: %v", err)
	}
	t.Logf("seeded in %v", time.Since(start).Round(time.Millisecond))

	sc, err := db.Scorecard(ctx, sqm.ScorecardQuery{From: now.Add(-60 * 24 * time.Hour), To: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if sc.FirstResponse.Tickets < 200 {
		t.Errorf("scorecard has %d tickets, want at least 200", sc.FirstResponse.Tickets)
	}
	for name, f := range map[string]sqm.ClockFigures{"first_response": sc.FirstResponse, "resolution": sc.Resolution} {
		if f.Attainment == nil || *f.Attainment <= 0.5 || *f.Attainment >= 1 {
			t.Errorf("%s attainment = %v, want strictly between 0.5 and 1 (met %d, breached %d)", name, f.Attainment, f.Met, f.Breached)
		} else {
			t.Logf("%s: attainment %.3f, met %d, breached %d, running %d", name, *f.Attainment, f.Met, f.Breached, f.Running)
		}
		if f.P50 == nil || f.P90 == nil {
			t.Errorf("%s percentiles missing: p50 %v, p90 %v", name, f.P50, f.P90)
		}
	}

	for _, state := range []sqm.ClockState{sqm.ClockRunning, sqm.ClockPaused, sqm.ClockBreached} {
		page, err := db.ListTickets(ctx, sqm.TicketFilter{SLAState: state, Limit: sqlstore.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		open := 0
		for _, tk := range page.Items {
			if !tk.Status.Done() {
				open++
			}
		}
		t.Logf("%s: %d tickets, %d open", state, len(page.Items), open)
		if open == 0 {
			t.Errorf("no open ticket is %s", state)
		}
	}

	before := countTickets(t, ctx, db)
	if err := demo.Seed(ctx, db, nil); err != nil {
		t.Fatalf("second Seed: %v", err)
	}
	if after := countTickets(t, ctx, db); after != before {
		t.Errorf("second Seed: %d tickets, want %d as before", after, before)
	}
}

// countTickets counts all tickets and checks their demo references.
func countTickets(t *testing.T, ctx context.Context, db *sqlstore.DB) int {
	t.Helper()
	n := 0
	for cursor := ""; ; {
		page, err := db.ListTickets(ctx, sqm.TicketFilter{Limit: sqlstore.MaxLimit, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range page.Items {
			if !strings.HasPrefix(tk.Ref, "DEMO-") {
				t.Errorf("ticket %s has ref %q, want DEMO-nnnn", tk.ID, tk.Ref)
			}
		}
		n += len(page.Items)
		if page.NextCursor == "" {
			return n
		}
		cursor = page.NextCursor
	}
}
