package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/kpi"
)

// Scorecard measures the tickets opened in [From, To) against the goals,
// from the saved clock projections: attainment = met on time / (met on time
// + breached), running clocks not yet breached left out; nearest-rank
// percentiles over the elapsed business time of every stopped clock.
func (db *DB) Scorecard(ctx context.Context, q sqm.ScorecardQuery) (sqm.Scorecard, error) {
	sc := sqm.Scorecard{From: q.From, To: q.To, ServiceID: q.ServiceID, TeamID: q.TeamID}
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return sc, err
	}
	switch {
	case q.From.IsZero():
		return sc, sqm.FieldError("from", "The start of the period is required (RFC 3339).")
	case q.To.IsZero():
		return sc, sqm.FieldError("to", "The end of the period is required (RFC 3339).")
	case !q.To.After(q.From):
		return sc, sqm.FieldError("to", "The end of the period must be after its start.")
	}
	now := ms(db.Now())
	w := where{}
	w.add("opened_at >= ?", ms(q.From))
	w.add("opened_at < ?", ms(q.To))
	if q.ServiceID != "" {
		id, err := refID("service_id", "Service", q.ServiceID)
		if err != nil {
			return sc, err
		}
		w.add("service_id = ?", id.Int64)
	}
	if q.TeamID != "" {
		id, err := refID("team_id", "Team", q.TeamID)
		if err != nil {
			return sc, err
		}
		w.add("team_id = ?", id.Int64)
	}
	if q.Type != "" {
		if !q.Type.Valid() {
			return sc, sqm.FieldError("type", "Type must be one of incident, request, problem, change, feedback.")
		}
		w.add("type = ?", q.Type)
	}
	if q.Summary {
		fr, res, err := db.summary(ctx, w, now)
		if err != nil {
			return sc, err
		}
		sc.FirstResponse, sc.Resolution = fr, res
		return db.judge(ctx, sc)
	}
	rows, err := db.ro.QueryContext(ctx, `SELECT fr_elapsed, fr_due_at, fr_met_at, res_elapsed, res_due_at, res_met_at
		FROM tickets`+w.sql(), w.args...)
	if err != nil {
		return sc, fmt.Errorf("scorecard: %w", err)
	}
	defer rows.Close()
	var fr, res tally
	for rows.Next() {
		var (
			frE, resE                    int64
			frDue, frMet, resDue, resMet sql.NullInt64
		)
		if err := rows.Scan(&frE, &frDue, &frMet, &resE, &resDue, &resMet); err != nil {
			return sc, fmt.Errorf("scorecard: %w", err)
		}
		fr.add(frE, frDue, frMet, now)
		res.add(resE, resDue, resMet, now)
	}
	if err := rows.Err(); err != nil {
		return sc, fmt.Errorf("scorecard: %w", err)
	}
	sc.FirstResponse, sc.Resolution = fr.figures(), res.figures()
	return db.judge(ctx, sc)
}

// judge sets the scorecard's figures against the goals.
func (db *DB) judge(ctx context.Context, sc sqm.Scorecard) (sqm.Scorecard, error) {
	sc.Targets = []sqm.TargetFigure{}
	goals, err := db.goals(ctx)
	if err != nil {
		return sc, err
	}
	for _, g := range goals {
		switch g.Key {
		case sqm.GoalFirstResponse:
			sc.Targets = append(sc.Targets, g.Judge(sc.FirstResponse.Attainment, sc.FirstResponse.Met+sc.FirstResponse.Breached))
		case sqm.GoalResolution:
			sc.Targets = append(sc.Targets, g.Judge(sc.Resolution.Attainment, sc.Resolution.Met+sc.Resolution.Breached))
		default:
			// Failure rate and satisfaction are measured by monitoring and
			// surveys; until they report, the goal has no figure.
			sc.Targets = append(sc.Targets, g.Judge(nil, 0))
		}
	}
	return sc, nil
}

// summary counts the clocks of the selected tickets in the database.
func (db *DB) summary(ctx context.Context, w where, now int64) (fr, res sqm.ClockFigures, err error) {
	at := w.arg(now)
	counts := func(c string) string {
		b := clockBreachedSQL(c, at)
		return fmt.Sprintf(`COALESCE(SUM(CASE WHEN %[2]s THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN %[1]s_met_at IS NOT NULL AND NOT %[2]s THEN 1 ELSE 0 END), 0)`, c, b)
	}
	var n, frB, frM, resB, resM int
	err = db.ro.QueryRowContext(ctx, `SELECT count(*), `+counts("fr")+`, `+counts("res")+` FROM tickets`+w.sql(), w.args...).
		Scan(&n, &frB, &frM, &resB, &resM)
	if err != nil {
		return fr, res, fmt.Errorf("scorecard: %w", err)
	}
	figures := func(met, breached int) sqm.ClockFigures {
		return sqm.ClockFigures{Tickets: n, Met: met, Breached: breached, Running: n - met - breached,
			Attainment: kpi.Attainment(met, breached), Distribution: []sqm.Bucket{}}
	}
	return figures(frM, frB), figures(resM, resB), nil
}

// tally accumulates one clock's figures over a scorecard's tickets.
type tally struct {
	tickets, met, breached, running int
	stopped                         []int64
}

func (t *tally) add(elapsed int64, due, met sql.NullInt64, now int64) {
	t.tickets++
	if met.Valid {
		t.stopped = append(t.stopped, elapsed)
	}
	switch {
	case breached(due, met, now):
		t.breached++
	case met.Valid:
		t.met++
	default:
		t.running++
	}
}

func (t *tally) figures() sqm.ClockFigures {
	f := sqm.ClockFigures{Tickets: t.tickets, Met: t.met, Breached: t.breached, Running: t.running,
		Stopped: len(t.stopped), Attainment: kpi.Attainment(t.met, t.breached)}
	slices.Sort(t.stopped)
	seconds := func(q float64) *int64 {
		v, ok := kpi.NearestRank(t.stopped, q)
		if !ok {
			return nil
		}
		s := v / 1000
		return &s
	}
	f.P50, f.P90, f.Max = seconds(0.5), seconds(0.9), seconds(1)
	ms := make([]int64, len(sqm.DistributionBounds))
	for i, b := range sqm.DistributionBounds {
		ms[i] = b * 1000
	}
	for i, n := range kpi.Histogram(t.stopped, ms) {
		b := sqm.Bucket{Count: n}
		if i < len(sqm.DistributionBounds) {
			b.UpTo = &sqm.DistributionBounds[i]
		}
		f.Distribution = append(f.Distribution, b)
	}
	return f
}
