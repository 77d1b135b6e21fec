package sqlstore_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

// TestSummaryAgreesWithTickets drives tickets through random timelines
// (replies, pauses, resolutions, reopenings, a policy edit, an import, the
// sweep) and checks after each phase that the rollup the writes keep is the
// one the tickets give, and that summary scorecards, which read it, count
// exactly what the full scorecard counts from the tickets, for periods with
// edges at any minute and under every filter.
func TestSummaryAgreesWithTickets(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		r := rand.New(rand.NewPCG(7, 11))
		team, err := e.db.CreateTeam(e.ctx, sqm.Team{Name: "Ops"})
		if err != nil {
			t.Fatal(err)
		}
		pol := e.policy(t, "Tight", 20*time.Minute, 2*time.Hour)
		a, err := e.db.CreateService(e.ctx, sqm.Service{Name: "Payments", TeamID: team.ID, SLAPolicyID: pol.ID})
		if err != nil {
			t.Fatal(err)
		}
		b := e.service(t, "Portal", "")
		services := []string{a.ID, b.ID}
		types := []sqm.TicketType{sqm.TypeIncident, sqm.TypeRequest, sqm.TypeFeedback}
		origin := start.Add(-6 * 24 * time.Hour)

		check := func(phase string) {
			t.Helper()
			drift, err := e.db.RollupDrift(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if drift != "" {
				t.Fatalf("%s: the rollup drifted from the tickets: %s", phase, drift)
			}
			for range 25 {
				from := origin.Add(time.Duration(r.IntN(8*24*60)) * time.Minute)
				q := sqm.ScorecardQuery{From: from, To: from.Add(time.Duration(1+r.IntN(5*24*60)) * time.Minute)}
				switch r.IntN(4) {
				case 1:
					q.ServiceID = services[r.IntN(2)]
				case 2:
					q.TeamID = team.ID
				case 3:
					q.Type = types[r.IntN(len(types))]
				}
				full, err := e.db.Scorecard(e.ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				q.Summary = true
				sum, err := e.db.Scorecard(e.ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				for i, pair := range [][2]sqm.ClockFigures{{sum.FirstResponse, full.FirstResponse}, {sum.Resolution, full.Resolution}} {
					if got, want := counted(pair[0]), counted(pair[1]); got != want {
						t.Fatalf("%s: %+v clock %d: the summary counts %s, the tickets %s", phase, q, i, got, want)
					}
				}
			}
		}

		// Tickets opened over five days, each with a few random events.
		var ids []string
		for i := range 80 {
			e.clock.now = origin.Add(time.Duration(i)*90*time.Minute + time.Duration(r.IntN(60))*time.Minute)
			tk, err := e.db.CreateTicket(e.ctx, sqm.NewTicket{ServiceID: services[r.IntN(2)], Type: types[r.IntN(len(types))],
				Priority: []sqm.Priority{sqm.P1, sqm.P2, sqm.P3}[r.IntN(3)], Title: fmt.Sprint("Ticket ", i)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, tk.ID)
			for range r.IntN(4) {
				e.clock.now = e.clock.now.Add(time.Duration(1+r.IntN(240)) * time.Minute)
				randomEvent(e, r, tk.ID)
			}
		}
		e.clock.now = start
		check("after the timelines")

		// More events on earlier tickets, a policy edit that reprojects the
		// open ones, and the sweep noting the breaches now due.
		for range 60 {
			e.clock.Add(time.Duration(r.IntN(30)) * time.Minute)
			randomEvent(e, r, ids[r.IntN(len(ids))])
		}
		pol.Targets[sqm.P1] = sqm.Target{FirstResponse: 45 * time.Minute, Resolution: 3 * time.Hour}
		if _, err := e.db.UpdatePolicy(e.ctx, pol.ID, pol); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.SweepSLA(e.ctx); err != nil {
			t.Fatal(err)
		}
		check("after the policy edit and the sweep")

		var batch []sqm.ImportTicket
		for i := range 20 {
			opened := origin.Add(time.Duration(r.IntN(6*24*60)) * time.Minute)
			batch = append(batch, historic(fmt.Sprint("H-", i), services[r.IntN(2)], opened,
				at(comment(true), opened.Add(time.Duration(r.IntN(90))*time.Minute)),
				at(status(sqm.StatusResolved), opened.Add(time.Duration(60+r.IntN(600))*time.Minute))))
		}
		if _, err := e.db.ImportTickets(e.ctx, batch); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(36 * time.Hour) // running clocks pass their due instants unswept
		check("after the import, a day and a half later")
	})
}

// randomEvent adds a random event; those the ticket's status refuses are
// skipped, as a user would be refused them.
func randomEvent(e *env, r *rand.Rand, id string) {
	evs := []sqm.NewEvent{comment(true), comment(false), status(sqm.StatusInProgress),
		status(sqm.StatusWaitingOnCustomer), status(sqm.StatusResolved), status(sqm.StatusClosed),
		{Type: sqm.EventPriority, Priority: sqm.P1}}
	_, err := e.db.AddEvent(e.ctx, id, evs[r.IntN(len(evs))])
	if err != nil && sqm.ErrorCode(err) != sqm.EINVALID && sqm.ErrorCode(err) != sqm.ECONFLICT {
		panic(err)
	}
}

// counted is what a summary must agree on with the full figures.
func counted(f sqm.ClockFigures) string {
	dist := slices.Collect(func(yield func(int) bool) {
		for _, b := range f.Distribution {
			if !yield(b.Count) {
				return
			}
		}
	})
	return fmt.Sprintf("tickets %d met %d breached %d running %d stopped %d attainment %v distribution %v",
		f.Tickets, f.Met, f.Breached, f.Running, f.Stopped, deref(f.Attainment), dist)
}
