package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/uptime"
)

// Bounds of what a status page lists.
const (
	maxPublicIncidents   = 50
	maxPublicMaintenance = 50
)

// PublicStatus is what the status page with the slug shows at instant now:
// each service's state (down when one of its running monitors is down, up
// when none is and one is up, unknown otherwise), its availability from the
// start of the first of sqm.StatusDays UTC days to now, and its
// availability and downtime on each of those days (nil availability for a
// day nothing was monitored); the open incidents of its services, by title
// and status only; the incidents resolved since the start of the first of
// sqm.HistoryDays UTC days, likewise; and the maintenance planned on them
// that has not ended. Anyone may read it: no role is needed.
//
// It costs the same few queries however many services the page shows:
// each kind of figure is read for all of them at once.
func (db *DB) PublicStatus(ctx context.Context, slug string, now time.Time) (sqm.StatusView, error) {
	var v sqm.StatusView
	if sqm.CheckSlug(slug) != nil {
		return v, sqm.Errorf(sqm.ENOTFOUND, "No status page has the address %q.", slug)
	}
	if now.IsZero() {
		now = db.Now()
	}
	now = now.UTC().Truncate(time.Millisecond)
	page, pid, err := scanStatusPage(db.ro.QueryRowContext(ctx, statusPageColumns+` WHERE slug = $1`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return v, sqm.Errorf(sqm.ENOTFOUND, "No status page has the address %q.", slug)
	}
	if err != nil {
		return v, fmt.Errorf("public status: %w", err)
	}
	today := now.Truncate(24 * time.Hour)
	from := today.AddDate(0, 0, 1-sqm.StatusDays)
	v = sqm.StatusView{Page: page, Updated: now, Incidents: []sqm.PublicIncident{}, PastIncidents: sqm.PastIncidents{},
		Maintenance: []sqm.MaintenanceView{}}
	if v.Services, err = db.pageServices(ctx, pid); err != nil {
		return v, err
	}
	v.Page.ServiceIDs = make([]string, len(v.Services))
	for i, s := range v.Services {
		v.Page.ServiceIDs[i] = s.ID
	}

	monitors, err := db.pageMonitors(ctx, pid, now)
	if err != nil {
		return v, err
	}
	outages, err := db.pageOutages(ctx, pid, from, now)
	if err != nil {
		return v, err
	}
	windows, err := db.pageMaintenance(ctx, pid, from)
	if err != nil {
		return v, err
	}
	planned := map[string][]uptime.Interval{} // by service; "": every service
	for _, w := range windows {
		planned[w.ServiceID] = append(planned[w.ServiceID], uptime.Interval{Start: w.StartsAt, End: w.EndsAt})
		if w.EndsAt.After(now) && len(v.Maintenance) < maxPublicMaintenance {
			v.Maintenance = append(v.Maintenance, w)
		}
	}
	byService := map[string][]pageMonitor{}
	for _, m := range monitors {
		byService[idString(m.service)] = append(byService[idString(m.service)], m)
	}
	for i := range v.Services {
		s := &v.Services[i]
		measure(s, byService[s.ID], outages, append(planned[s.ID], planned[""]...), from, now)
	}

	if v.Incidents, err = db.pageIncidents(ctx, pid); err != nil {
		return v, err
	}
	v.PastIncidents, err = db.pastIncidents(ctx, pid, today.AddDate(0, 0, 1-sqm.HistoryDays), now)
	return v, err
}

// pageServices reads the services of a page, in its order, in the state
// unknown.
func (db *DB) pageServices(ctx context.Context, pid int64) ([]sqm.ServiceStatus, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT s.id, s.name FROM status_page_services ps JOIN services s ON s.id = ps.service_id
		WHERE ps.page_id = $1 ORDER BY ps.position`, pid)
	if err != nil {
		return nil, fmt.Errorf("public status: %w", err)
	}
	defer rows.Close()
	out := []sqm.ServiceStatus{}
	for rows.Next() {
		var (
			sid  int64
			name string
		)
		if err := rows.Scan(&sid, &name); err != nil {
			return nil, fmt.Errorf("public status: %w", err)
		}
		out = append(out, sqm.ServiceStatus{ID: idString(sid), Name: name, State: sqm.ServiceUnknown})
	}
	return out, rows.Err()
}

// measure sets a service's state, availability and daily bars from its
// monitors (mine), their outages and the maintenance planned on it.
func measure(s *sqm.ServiceStatus, mine []pageMonitor, outages map[int64][]uptime.Interval, planned []uptime.Interval, from, now time.Time) {
	up := false
	var (
		whole       []uptime.Figures
		down        []uptime.Interval // when a monitor or more was down
		first, last time.Time         // the span of the service's monitoring
	)
	for _, m := range mine {
		if !m.paused && m.state == uptime.Down {
			s.State = sqm.ServiceDown
		}
		up = up || !m.paused && m.state == uptime.Up
		if m.first.IsZero() {
			continue
		}
		whole = append(whole, uptime.Measure(from, now, m.first, m.end, outages[m.id], planned))
		down = append(down, within(outages[m.id], m.first, m.end)...)
		if first.IsZero() || m.first.Before(first) {
			first = m.first
		}
		if m.end.After(last) {
			last = m.end
		}
	}
	if up && s.State != sqm.ServiceDown {
		s.State = sqm.ServiceUp
	}
	s.Availability = uptime.Combine(whole...).Availability
	s.Days = make([]sqm.DayBar, 0, sqm.StatusDays)
	figures := make([]uptime.Figures, 0, len(mine))
	for d := range sqm.StatusDays {
		lo := from.AddDate(0, 0, d)
		hi := lo.AddDate(0, 0, 1)
		figures = figures[:0]
		for _, m := range mine {
			if !m.first.IsZero() {
				figures = append(figures, uptime.Measure(lo, hi, m.first, m.end, outages[m.id], planned))
			}
		}
		bar := sqm.DayBar{Date: lo.Format(time.DateOnly), Availability: uptime.Combine(figures...).Availability}
		if len(down) > 0 {
			bar.DownSeconds = int64(uptime.Measure(lo, hi, first, last, down, planned).Down / time.Second)
		}
		s.Days = append(s.Days, bar)
	}
}

// within clips a monitor's outages to its monitoring, [first, end); an
// outage still open runs to end.
func within(outages []uptime.Interval, first, end time.Time) []uptime.Interval {
	var out []uptime.Interval
	for _, o := range outages {
		s, e := o.Start, o.End
		if s.Before(first) {
			s = first
		}
		if e.IsZero() || e.After(end) {
			e = end
		}
		if e.After(s) {
			out = append(out, uptime.Interval{Start: s, End: e})
		}
	}
	return out
}

// pageMonitor is what a status page needs of a monitor.
type pageMonitor struct {
	id, service int64
	state       uptime.State
	paused      bool
	first, end  time.Time // zero first: never checked
}

// pageMonitors reads the monitors of a page's services; a monitor's
// monitoring ends now, or with its last check when it is paused.
func (db *DB) pageMonitors(ctx context.Context, pid int64, now time.Time) ([]pageMonitor, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT id, service_id, state, paused, first_check_at, last_check_at FROM monitors
		WHERE service_id IN (SELECT service_id FROM status_page_services WHERE page_id = $1) ORDER BY id`, pid)
	if err != nil {
		return nil, fmt.Errorf("public status: %w", err)
	}
	defer rows.Close()
	var out []pageMonitor
	for rows.Next() {
		var (
			m           pageMonitor
			first, last sql.NullInt64
		)
		if err := rows.Scan(&m.id, &m.service, &m.state, &m.paused, &first, &last); err != nil {
			return nil, fmt.Errorf("public status: %w", err)
		}
		m.end = now
		if first.Valid {
			m.first = fromMS(first.Int64)
		}
		if m.paused && last.Valid {
			m.end = fromMS(last.Int64)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// pageOutages reads the outages of a page's monitors that overlap
// [from, to), by monitor.
func (db *DB) pageOutages(ctx context.Context, pid int64, from, to time.Time) (map[int64][]uptime.Interval, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT o.monitor_id, o.started_at, o.ended_at FROM monitor_outages o
		WHERE o.monitor_id IN (SELECT m.id FROM monitors m JOIN status_page_services ps ON ps.service_id = m.service_id WHERE ps.page_id = $1)
		AND o.started_at < $2 AND (o.ended_at IS NULL OR o.ended_at > $3) ORDER BY o.monitor_id, o.started_at`, pid, ms(to), ms(from))
	if err != nil {
		return nil, fmt.Errorf("public status: %w", err)
	}
	defer rows.Close()
	out := map[int64][]uptime.Interval{}
	for rows.Next() {
		var (
			id, s int64
			e     sql.NullInt64
		)
		if err := rows.Scan(&id, &s, &e); err != nil {
			return nil, fmt.Errorf("public status: %w", err)
		}
		iv := uptime.Interval{Start: fromMS(s)}
		if e.Valid {
			iv.End = fromMS(e.Int64)
		}
		out[id] = append(out[id], iv)
	}
	return out, rows.Err()
}

// pageMaintenance reads the maintenance windows of a page's services (and
// those of every service) that end after since, soonest first. An
// installation without the maintenance_windows table has none.
func (db *DB) pageMaintenance(ctx context.Context, pid int64, since time.Time) ([]sqm.MaintenanceView, error) {
	out := []sqm.MaintenanceView{}
	rows, err := db.ro.QueryContext(ctx, `SELECT id, service_id, title, starts_at, ends_at FROM maintenance_windows
		WHERE ends_at > $2 AND (service_id IS NULL OR service_id IN (SELECT service_id FROM status_page_services WHERE page_id = $1))
		ORDER BY starts_at, id`, pid, ms(since))
	if noTable(err) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("public status: maintenance: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			w        sqm.MaintenanceView
			id, s, e int64
			svc      sql.NullInt64
		)
		if err := rows.Scan(&id, &svc, &w.Title, &s, &e); err != nil {
			return nil, fmt.Errorf("public status: maintenance: %w", err)
		}
		w.ID, w.ServiceID, w.StartsAt, w.EndsAt = idString(id), nullIDString(svc), fromMS(s), fromMS(e)
		out = append(out, w)
	}
	return out, rows.Err()
}

// noTable reports whether err says a table does not exist.
func noTable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "42P01" || err != nil && strings.Contains(err.Error(), "no such table")
}

// pageIncidents reads the open incidents of a page's services, the newest
// first: what the public may see of them, nothing more.
func (db *DB) pageIncidents(ctx context.Context, pid int64) ([]sqm.PublicIncident, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT id, service_id, title, priority, status, opened_at FROM tickets
		WHERE type = $2 AND status NOT IN ('resolved', 'closed')
		AND service_id IN (SELECT service_id FROM status_page_services WHERE page_id = $1)
		ORDER BY opened_at DESC, id DESC LIMIT `+fmt.Sprint(maxPublicIncidents), pid, sqm.TypeIncident)
	if err != nil {
		return nil, fmt.Errorf("public status: incidents: %w", err)
	}
	defer rows.Close()
	out := []sqm.PublicIncident{}
	for rows.Next() {
		var (
			in       sqm.PublicIncident
			id, sid  int64
			openedAt int64
		)
		if err := rows.Scan(&id, &sid, &in.Title, &in.Priority, &in.Status, &openedAt); err != nil {
			return nil, fmt.Errorf("public status: incidents: %w", err)
		}
		in.ID, in.ServiceID, in.OpenedAt = idString(id), idString(sid), fromMS(openedAt)
		out = append(out, in)
	}
	return out, rows.Err()
}

// pastIncidents reads the incidents of a page's services resolved (or
// closed) in [since, now], the most recently resolved first: what the
// public may see of them, nothing more. An incident's resolution is the
// instant its resolution clock was met; a reopened incident has none. The
// literal type lets both databases use the partial index
// tickets_incidents_resolved.
func (db *DB) pastIncidents(ctx context.Context, pid int64, since, now time.Time) (sqm.PastIncidents, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT id, service_id, title, priority, status, opened_at, res_met_at FROM tickets
		WHERE type = 'incident' AND status IN ('resolved', 'closed') AND res_met_at >= $2 AND res_met_at <= $3
		AND service_id IN (SELECT service_id FROM status_page_services WHERE page_id = $1)
		ORDER BY res_met_at DESC, id DESC LIMIT `+fmt.Sprint(sqm.MaxPastIncidents), pid, ms(since), ms(now))
	if err != nil {
		return nil, fmt.Errorf("public status: past incidents: %w", err)
	}
	defer rows.Close()
	out := sqm.PastIncidents{}
	for rows.Next() {
		var (
			in                          sqm.PastIncident
			id, sid, openedAt, resolved int64
		)
		if err := rows.Scan(&id, &sid, &in.Title, &in.Priority, &in.Status, &openedAt, &resolved); err != nil {
			return nil, fmt.Errorf("public status: past incidents: %w", err)
		}
		in.ID, in.ServiceID, in.OpenedAt, in.ResolvedAt = idString(id), idString(sid), fromMS(openedAt), fromMS(resolved)
		in.DurationSeconds = max(0, (resolved-openedAt)/1000)
		out = append(out, in)
	}
	return out, rows.Err()
}
