package sqlstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

func TestScorecard(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		team, err := e.db.CreateTeam(e.ctx, sqm.Team{Name: "Ops"})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := e.db.CreateService(e.ctx, sqm.Service{Name: "Payments", TeamID: team.ID}) // 1h / 4h
		if err != nil {
			t.Fatal(err)
		}
		other := e.service(t, "Portal", "")
		from := start.Add(-10 * 24 * time.Hour)
		// Ten tickets in the period answered after 10, 20, ... 100 minutes
		// (four late) and resolved after 1h, 2h, ... 10h (six late).
		var batch []sqm.ImportTicket
		for i := 1; i <= 10; i++ {
			opened := from.Add(time.Duration(i) * time.Hour)
			batch = append(batch, historic(fmt.Sprintf("P-%d", i), svc.ID, opened,
				at(comment(true), opened.Add(time.Duration(i)*10*time.Minute)),
				at(status(sqm.StatusResolved), opened.Add(time.Duration(i)*time.Hour))))
		}
		// Outside the period (opened at its end), and on another service.
		batch = append(batch, historic("OUT", svc.ID, from.Add(24*time.Hour)), historic("OTHER", other.ID, from))
		if _, err := e.db.ImportTickets(e.ctx, batch); err != nil {
			t.Fatal(err)
		}
		// One open ticket in the period, not yet breached: left out of attainment.
		e.clock.now = from.Add(11 * time.Hour)
		e.ticket(t, svc.ID, sqm.P1)
		e.clock.now = start

		sc, err := e.db.Scorecard(e.ctx, sqm.ScorecardQuery{From: from, To: from.Add(24 * time.Hour), ServiceID: svc.ID})
		if err != nil {
			t.Fatal(err)
		}
		fr, res := sc.FirstResponse, sc.Resolution
		check := func(name string, f sqm.ClockFigures, tickets, met, breached int, att float64, p50, p90, max int64) {
			t.Helper()
			if f.Tickets != tickets || f.Met != met || f.Breached != breached || f.Attainment == nil ||
				*f.Attainment != att || *f.P50 != p50 || *f.P90 != p90 || *f.Max != max {
				t.Errorf("%s: %+v (attainment %v p50 %v p90 %v max %v)", name, f, deref(f.Attainment), deref(f.P50), deref(f.P90), deref(f.Max))
			}
		}
		// The open ticket opened 10 days before now: both its clocks are breached.
		check("first response", fr, 11, 6, 5, 6.0/11, 50*60, 90*60, 100*60)
		check("resolution", res, 11, 4, 7, 4.0/11, 5*3600, 9*3600, 10*3600)
		if len(sc.Targets) != 4 || sc.Targets[0].Key != sqm.GoalFirstResponse || *sc.Targets[0].Met || sc.Targets[0].Sample != 11 {
			t.Errorf("targets %+v", sc.Targets)
		}
		if sc.Targets[2].Actual != nil || sc.Targets[2].Met != nil {
			t.Errorf("failure rate has a figure without monitoring data: %+v", sc.Targets[2])
		}

		var counts []int
		for _, b := range fr.Distribution {
			counts = append(counts, b.Count)
		}
		if fmt.Sprint(counts) != "[1 2 3 4 0 0 0 0 0]" {
			t.Errorf("first-response distribution %v; want 10 min in ≤15m, 20-30 in ≤30m, 40-60 in ≤1h, 70-100 in ≤2h", counts)
		}
		sum, err := e.db.Scorecard(e.ctx, sqm.ScorecardQuery{From: from, To: from.Add(24 * time.Hour), ServiceID: svc.ID, Summary: true})
		if err != nil {
			t.Fatal(err)
		}
		for i, pair := range [][2]sqm.ClockFigures{{sum.FirstResponse, fr}, {sum.Resolution, res}} {
			a, b := pair[0], pair[1]
			if a.Tickets != b.Tickets || a.Met != b.Met || a.Breached != b.Breached || a.Running != b.Running ||
				*a.Attainment != *b.Attainment || a.P50 != nil {
				t.Errorf("clock %d: the summary %+v differs from the full figures %+v", i, a, b)
			}
		}
		if *sum.Targets[0].Actual != *sc.Targets[0].Actual {
			t.Errorf("summary targets %+v", sum.Targets)
		}

		byTeam, err := e.db.Scorecard(e.ctx, sqm.ScorecardQuery{From: from, To: from.Add(24 * time.Hour), TeamID: team.ID})
		if err != nil || byTeam.FirstResponse.Tickets != 11 {
			t.Errorf("by team: %+v %v", byTeam.FirstResponse, err)
		}
		empty, err := e.db.Scorecard(e.ctx, sqm.ScorecardQuery{From: start, To: start.Add(time.Hour)})
		if err != nil || empty.FirstResponse.Attainment != nil || empty.FirstResponse.P50 != nil || empty.Targets[0].Met != nil {
			t.Errorf("an empty period must have no figures, not zeros: %+v %v", empty, err)
		}
		_, err = e.db.Scorecard(e.ctx, sqm.ScorecardQuery{From: start, To: start})
		wantCode(t, err, sqm.EINVALID, "to")
	})
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
