package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

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
	if err := checkPeriod(q.From, q.To); err != nil {
		return sc, err
	}
	now := ms(db.Now())
	monitors := where{} // the monitors of the selected services
	w := where{}        // the filters, on columns that tickets and ticket_rollup share
	if q.ServiceID != "" {
		id, err := refID("service_id", "Service", q.ServiceID)
		if err != nil {
			return sc, err
		}
		w.add("service_id = ?", id.Int64)
		monitors.add("service_id = ?", id.Int64)
	}
	if q.TeamID != "" {
		id, err := refID("team_id", "Team", q.TeamID)
		if err != nil {
			return sc, err
		}
		w.add("team_id = ?", id.Int64)
		monitors.add("service_id IN (SELECT id FROM services WHERE team_id = ?)", id.Int64)
	}
	if q.Type != "" {
		if !q.Type.Valid() {
			return sc, sqm.FieldError("type", "Type must be one of incident, request, problem, change, feedback.")
		}
		w.add("type = ?", q.Type)
	}
	var err error
	if sc.Availability, err = db.availability(ctx, monitors, q.From, q.To); err != nil {
		return sc, err
	}
	if sc.Incidents, err = db.incidentFigures(ctx, w, ms(q.From), ms(q.To)); err != nil {
		return sc, err
	}
	if sc.Alerts, err = db.alertFigures(ctx, monitors, ms(q.From), ms(q.To)); err != nil {
		return sc, err
	}
	if sc.Satisfaction, err = db.satisfaction(ctx, w, ms(q.From), ms(q.To)); err != nil {
		return sc, err
	}
	if q.Summary {
		fr, res, err := db.summary(ctx, ms(q.From), ms(q.To), w, now)
		if err != nil {
			return sc, err
		}
		sc.FirstResponse, sc.Resolution = fr, res
		return db.judge(ctx, sc)
	}
	w.add("opened_at >= ?", ms(q.From))
	w.add("opened_at < ?", ms(q.To))
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
		case sqm.GoalFailureRate:
			sc.Targets = append(sc.Targets, g.Judge(sc.Availability.FailureRate, sc.Availability.Checks))
		case sqm.GoalSatisfaction:
			sc.Targets = append(sc.Targets, g.Judge(sc.Satisfaction.CSAT, sc.Satisfaction.Responses))
		default:
			sc.Targets = append(sc.Targets, g.Judge(nil, 0))
		}
	}
	return sc, nil
}

// summary counts the clocks of the tickets opened in [from, to) that pass
// the filters: whole UTC days from the rollup, the part days at the edges
// from the tickets, and the running clocks past their due instant from the
// tickets whose clocks are not all stopped. It gives no percentiles.
func (db *DB) summary(ctx context.Context, from, to int64, filters where, now int64) (fr, res sqm.ClockFigures, err error) {
	with := func(conds ...any) where {
		w := where{conds: slices.Clone(filters.conds), args: slices.Clone(filters.args)}
		for i := 0; i < len(conds); i += 2 {
			w.add(conds[i].(string), conds[i+1])
		}
		return w
	}
	var sum rollVec
	add := func(v rollVec) {
		for i := range sum {
			sum[i] += v[i]
		}
	}
	fromTickets := func(lo, hi int64) error {
		if lo >= hi {
			return nil
		}
		w := with("opened_at >= ?", lo, "opened_at < ?", hi)
		v, err := scanVec(db.ro.QueryRowContext(ctx, `SELECT `+rollSums+` FROM tickets`+w.sql(), w.args...))
		add(v)
		return err
	}
	d1, d2 := (from+dayMS-1)/dayMS, to/dayMS // the whole days inside
	if d1 >= d2 {
		err = fromTickets(from, to)
	} else {
		w := with("day >= ?", d1, "day < ?", d2)
		sel := make([]string, len(rollColumns))
		for i, c := range rollColumns {
			sel[i] = "SUM(" + c + ")"
		}
		var v rollVec
		v, err = scanVec(db.ro.QueryRowContext(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM ticket_rollup`+w.sql(), w.args...))
		add(v)
		if err == nil {
			err = fromTickets(from, d1*dayMS)
		}
		if err == nil {
			err = fromTickets(d2*dayMS, to)
		}
	}
	if err != nil {
		return fr, res, fmt.Errorf("scorecard: %w", err)
	}
	w := with("opened_at >= ?", from, "opened_at < ?", to)
	w.conds = append(w.conds, "(fr_met_at IS NULL OR res_met_at IS NULL)")
	at := w.arg(now)
	var frOver, resOver sql.NullInt64
	err = db.ro.QueryRowContext(ctx, `SELECT SUM(CASE WHEN fr_met_at IS NULL AND fr_due_at < `+at+` THEN 1 ELSE 0 END),
		SUM(CASE WHEN res_met_at IS NULL AND res_due_at < `+at+` THEN 1 ELSE 0 END) FROM tickets`+w.sql(), w.args...).
		Scan(&frOver, &resOver)
	if err != nil {
		return fr, res, fmt.Errorf("scorecard: %w", err)
	}
	return sum.clockFigures(0, frOver.Int64), sum.clockFigures(1, resOver.Int64), nil
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
	f.Distribution = distribution(kpi.Histogram(t.stopped, ms))
	return f
}

// incidentFigures measures the incidents opened in [from, to) that pass the
// ticket filters w.
func (db *DB) incidentFigures(ctx context.Context, filters where, from, to int64) (sqm.IncidentFigures, error) {
	var f sqm.IncidentFigures
	w := where{conds: slices.Clone(filters.conds), args: slices.Clone(filters.args)}
	w.add("opened_at >= ?", from)
	w.add("opened_at < ?", to)
	w.add("type = ?", sqm.TypeIncident)
	var mtta, mttr sql.NullFloat64
	err := db.ro.QueryRowContext(ctx, `SELECT count(*), count(fr_met_at), count(res_met_at),
		AVG(fr_met_at - opened_at), AVG(res_met_at - opened_at) FROM tickets`+w.sql(), w.args...).
		Scan(&f.Opened, &f.Acknowledged, &f.Resolved, &mtta, &mttr)
	if err != nil {
		return f, fmt.Errorf("incident figures: %w", err)
	}
	secs := func(v sql.NullFloat64) *int64 {
		if !v.Valid {
			return nil
		}
		s := int64(v.Float64 / 1000)
		return &s
	}
	f.MTTASeconds, f.MTTRSeconds = secs(mtta), secs(mttr)
	return f, nil
}

// alertFigures counts the alerts of the selected services (w over the
// monitors' service_id column, which alerts share): first seen in
// [from, to), and the five noisiest of those seen in it.
func (db *DB) alertFigures(ctx context.Context, services where, from, to int64) (sqm.AlertFigures, error) {
	f := sqm.AlertFigures{Noisiest: []sqm.NoisyAlert{}}
	w := where{conds: slices.Clone(services.conds), args: slices.Clone(services.args)}
	w.add("first_seen_at >= ?", from)
	w.add("first_seen_at < ?", to)
	if err := db.ro.QueryRowContext(ctx, `SELECT count(*), COALESCE(SUM(received), 0) FROM alerts`+w.sql(), w.args...).
		Scan(&f.Alerts, &f.Notifications); err != nil {
		return f, fmt.Errorf("alert figures: %w", err)
	}
	n := where{conds: slices.Clone(services.conds), args: slices.Clone(services.args)}
	for i, c := range n.conds {
		n.conds[i] = "a." + c
	}
	n.add("a.last_seen_at >= ?", from)
	n.add("a.first_seen_at < ?", to)
	rows, err := db.ro.QueryContext(ctx, `SELECT a.name, s.name, a.service_id, a.received FROM alerts a JOIN services s ON s.id = a.service_id`+
		n.sql()+` ORDER BY a.received DESC, a.id LIMIT 5`, n.args...)
	if err != nil {
		return f, fmt.Errorf("alert figures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a sqm.NoisyAlert
		var sid int64
		if err := rows.Scan(&a.Name, &a.Service, &sid, &a.Received); err != nil {
			return f, fmt.Errorf("alert figures: %w", err)
		}
		a.ServiceID = idString(sid)
		f.Noisiest = append(f.Noisiest, a)
	}
	return f, rows.Err()
}
