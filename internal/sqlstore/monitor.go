package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/uptime"
)

// CreateMonitor stores a new monitor; the scheduler picks it up on its next
// refresh. Managers and admins.
func (db *DB) CreateMonitor(ctx context.Context, m sqm.Monitor) (sqm.Monitor, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return m, err
	}
	if err := m.Validate(); err != nil {
		return m, err
	}
	var out sqm.Monitor
	err := db.write(ctx, func(tx *Tx) error {
		sid, err := tx.existing("service_id", "services", "Service", m.ServiceID)
		if err != nil {
			return err
		}
		out, err = tx.createMonitor(sid, m)
		return err
	})
	return out, err
}

// createMonitor inserts a validated monitor of service sid and audits it.
func (tx *Tx) createMonitor(sid int64, m sqm.Monitor) (sqm.Monitor, error) {
	settings, err := monitorSettings(m)
	if err != nil {
		return m, err
	}
	var token sql.NullString
	if m.Type == sqm.MonitorHeartbeat {
		token = sql.NullString{String: newHeartbeatToken(), Valid: true}
	}
	id, err := tx.insert(`INSERT INTO monitors (service_id, name, type, target, interval_ms, timeout_ms, down_after, up_after,
		priority, auto_resolve, paused, settings, heartbeat_token, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)`,
		sid, m.Name, m.Type, m.Target, m.Interval.Milliseconds(), m.Timeout.Milliseconds(), m.DownAfter, m.UpAfter,
		m.Priority, m.AutoResolve, m.Paused, settings, token, ms(tx.now))
	if err != nil {
		return m, fmt.Errorf("create monitor: %w", err)
	}
	out, err := getMonitor(tx.ctx, tx, id)
	if err != nil {
		return out, err
	}
	return out, tx.audit("monitor.create", "monitor", id, out)
}

// UpdateMonitor replaces a monitor's settings; what its checks found stays.
// Managers and admins.
func (db *DB) UpdateMonitor(ctx context.Context, id string, m sqm.Monitor) (sqm.Monitor, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return m, err
	}
	mid, err := parseID("Monitor", id)
	if err != nil {
		return m, err
	}
	if err := m.Validate(); err != nil {
		return m, err
	}
	var out sqm.Monitor
	err = db.write(ctx, func(tx *Tx) error {
		old, err := getMonitor(tx.ctx, tx, mid)
		if err != nil {
			return err
		}
		sid, err := tx.existing("service_id", "services", "Service", m.ServiceID)
		if err != nil {
			return err
		}
		out, err = tx.updateMonitor(mid, sid, m, old)
		return err
	})
	return out, err
}

// updateMonitor replaces the settings of monitor mid (old) with the
// validated m of service sid and audits it; a heartbeat keeps its token.
func (tx *Tx) updateMonitor(mid, sid int64, m, old sqm.Monitor) (sqm.Monitor, error) {
	var token sql.NullString
	if m.Type == sqm.MonitorHeartbeat {
		token = sql.NullString{String: newHeartbeatToken(), Valid: true}
		if old.Heartbeat != nil && old.Heartbeat.Token != "" {
			token.String = old.Heartbeat.Token
		}
	}
	settings, err := monitorSettings(m)
	if err != nil {
		return m, err
	}
	if _, err := tx.exec(`UPDATE monitors SET service_id = $1, name = $2, type = $3, target = $4, interval_ms = $5,
		timeout_ms = $6, down_after = $7, up_after = $8, priority = $9, auto_resolve = $10, paused = $11, settings = $12,
		heartbeat_token = $13, updated_at = $14 WHERE id = $15`,
		sid, m.Name, m.Type, m.Target, m.Interval.Milliseconds(), m.Timeout.Milliseconds(), m.DownAfter, m.UpAfter,
		m.Priority, m.AutoResolve, m.Paused, settings, token, ms(tx.now), mid); err != nil {
		return m, fmt.Errorf("update monitor: %w", err)
	}
	out, err := getMonitor(tx.ctx, tx, mid)
	if err != nil {
		return out, err
	}
	return out, tx.audit("monitor.update", "monitor", mid, out)
}

// MonitorSpec is a monitor as configuration names it: by its service's
// name, for sqm apply.
type MonitorSpec struct {
	Service string
	sqm.Monitor
}

// ApplyResult is what applying a configuration changed.
type ApplyResult struct {
	Created, Updated, Unchanged []string // "service/monitor"
}

// ApplyMonitors makes the monitors match the specs, matched by service
// name and monitor name: it creates those missing and updates those that
// differ, in one transaction; a spec that fails refuses them all.
// Monitors absent from the specs are left alone. Managers and admins.
func (db *DB) ApplyMonitors(ctx context.Context, specs []MonitorSpec) (ApplyResult, error) {
	var res ApplyResult
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return res, err
	}
	seen := map[string]bool{}
	for i := range specs {
		field := fmt.Sprintf("monitors[%d]", i)
		key := specs[i].Service + "/" + specs[i].Name
		if seen[key] {
			return res, sqm.FieldError(field+".name", "Monitor %q of %q appears twice.", specs[i].Name, specs[i].Service)
		}
		seen[key] = true
		specs[i].ServiceID = "0" // named by Service; resolved below
		if err := specs[i].Validate(); err != nil {
			return res, &sqm.Error{Code: sqm.ErrorCode(err), Field: field + "." + sqm.ErrorField(err), Message: sqm.ErrorMessage(err)}
		}
	}
	err := db.write(ctx, func(tx *Tx) error {
		res = ApplyResult{}
		for i, sp := range specs {
			key := sp.Service + "/" + sp.Name
			sid, err := tx.serviceByName(sp.Service, fmt.Sprintf("monitors[%d].service", i))
			if err != nil {
				return err
			}
			sp.ServiceID = idString(sid)
			var mid int64
			err = tx.QueryRowContext(tx.ctx, `SELECT id FROM monitors WHERE service_id = $1 AND name = $2`, sid, sp.Name).Scan(&mid)
			if errors.Is(err, sql.ErrNoRows) {
				if _, err := tx.createMonitor(sid, sp.Monitor); err != nil {
					return err
				}
				res.Created = append(res.Created, key)
				continue
			}
			if err != nil {
				return fmt.Errorf("apply: %w", err)
			}
			old, err := getMonitor(tx.ctx, tx, mid)
			if err != nil {
				return err
			}
			if sameSettings(old, sp.Monitor) {
				res.Unchanged = append(res.Unchanged, key)
				continue
			}
			if _, err := tx.updateMonitor(mid, sid, sp.Monitor, old); err != nil {
				return err
			}
			res.Updated = append(res.Updated, key)
		}
		return nil
	})
	return res, err
}

// sameSettings says whether a stored monitor already has a spec's settings.
func sameSettings(old, m sqm.Monitor) bool {
	a, _ := monitorSettings(old)
	b, _ := monitorSettings(m)
	return old.Type == m.Type && old.Target == m.Target && old.Interval == m.Interval && old.Timeout == m.Timeout &&
		old.DownAfter == m.DownAfter && old.UpAfter == m.UpAfter && old.Priority == m.Priority &&
		old.AutoResolve == m.AutoResolve && old.Paused == m.Paused && a == b
}

// DeleteMonitor removes a monitor with its results and outages; an incident
// it opened stays. Managers and admins.
func (db *DB) DeleteMonitor(ctx context.Context, id string) error {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return err
	}
	mid, err := parseID("Monitor", id)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		m, err := getMonitor(tx.ctx, tx, mid)
		if err != nil {
			return err
		}
		for _, table := range []string{"monitor_checks", "monitor_hours", "monitor_days", "monitor_outages"} {
			if _, err := tx.exec(`DELETE FROM `+table+` WHERE monitor_id = $1`, mid); err != nil {
				return fmt.Errorf("delete monitor: %w", err)
			}
		}
		if _, err := tx.exec(`DELETE FROM monitors WHERE id = $1`, mid); err != nil {
			return fmt.Errorf("delete monitor: %w", err)
		}
		return tx.audit("monitor.delete", "monitor", mid, m)
	})
}

// GetMonitor returns one monitor with its state.
func (db *DB) GetMonitor(ctx context.Context, id string) (sqm.Monitor, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return sqm.Monitor{}, err
	}
	mid, err := parseID("Monitor", id)
	if err != nil {
		return sqm.Monitor{}, err
	}
	return getMonitor(ctx, db.ro, mid)
}

// ListMonitors returns a page of monitors, of one service when serviceID
// is set.
func (db *DB) ListMonitors(ctx context.Context, serviceID, cursor string, limit int) (sqm.Page[sqm.Monitor], error) {
	w := where{}
	if serviceID != "" {
		sid, err := refID("service_id", "Service", serviceID)
		if err != nil {
			return sqm.Page[sqm.Monitor]{}, err
		}
		w.add("service_id = ?", sid.Int64)
	}
	return listWhere(ctx, db, cursor, limit, monitorColumns, "id", w, false, scanMonitor)
}

// ActiveMonitors returns every monitor that is not paused, for the
// scheduler.
func (db *DB) ActiveMonitors(ctx context.Context) ([]sqm.Monitor, error) {
	if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
		return nil, err
	}
	rows, err := db.ro.QueryContext(ctx, monitorColumns+` WHERE NOT paused ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("active monitors: %w", err)
	}
	defer rows.Close()
	var out []sqm.Monitor
	for rows.Next() {
		m, _, err := scanMonitor(rows)
		if err != nil {
			return nil, fmt.Errorf("active monitors: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

const monitorColumns = `SELECT id, service_id, name, type, target, interval_ms, timeout_ms, down_after, up_after,
	priority, auto_resolve, paused, settings, state, state_since, last_check_at, last_error, last_latency_ms, incident_id,
	heartbeat_token, last_ping_at, created_at, updated_at FROM monitors`

func getMonitor(ctx context.Context, q querier, id int64) (sqm.Monitor, error) {
	m, _, err := scanMonitor(q.QueryRowContext(ctx, monitorColumns+` WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, sqm.Errorf(sqm.ENOTFOUND, "Monitor %d not found.", id)
	}
	return m, err
}

func scanMonitor(sc scanner) (sqm.Monitor, int64, error) {
	var (
		m                           sqm.Monitor
		id, service, iv, to, lat, c int64
		u                           int64
		settings                    string
		since, last, incident, ping sql.NullInt64
		token                       sql.NullString
	)
	err := sc.Scan(&id, &service, &m.Name, &m.Type, &m.Target, &iv, &to, &m.DownAfter, &m.UpAfter,
		&m.Priority, &m.AutoResolve, &m.Paused, &settings, &m.State, &since, &last, &m.LastError, &lat, &incident, &token, &ping, &c, &u)
	if err != nil {
		return m, 0, err
	}
	m.ID, m.ServiceID, m.IncidentID = idString(id), idString(service), nullIDString(incident)
	m.Interval, m.Timeout, m.LastLatency = time.Duration(iv)*time.Millisecond, time.Duration(to)*time.Millisecond, time.Duration(lat)*time.Millisecond
	m.StateSince, m.LastCheckAt, m.CreatedAt, m.UpdatedAt = fromNullMS(since), fromNullMS(last), fromMS(c), fromMS(u)
	var into any
	switch m.Type {
	case sqm.MonitorHTTP:
		m.HTTP = &sqm.HTTPCheck{}
		into = m.HTTP
	case sqm.MonitorTLS:
		m.TLS = &sqm.TLSCheck{}
		into = m.TLS
	case sqm.MonitorHeartbeat:
		m.Heartbeat = &sqm.Heartbeat{}
		into = m.Heartbeat
	case sqm.MonitorKPI:
		m.KPI = &sqm.KPICheck{}
		into = m.KPI
	case sqm.MonitorDNS:
		m.DNS = &sqm.DNSCheck{}
		into = m.DNS
	}
	if into != nil {
		if err := json.Unmarshal([]byte(settings), into); err != nil {
			return m, 0, fmt.Errorf("monitor %d settings: %w", id, err)
		}
	}
	if m.Heartbeat != nil {
		m.Heartbeat.Token, m.Heartbeat.LastPing = token.String, fromNullMS(ping)
	}
	return m, id, nil
}

// monitorSettings is the JSON of a monitor's type-specific settings.
func monitorSettings(m sqm.Monitor) (string, error) {
	var v any = struct{}{}
	switch {
	case m.HTTP != nil:
		v = m.HTTP
	case m.TLS != nil:
		v = m.TLS
	case m.Heartbeat != nil:
		v = sqm.Heartbeat{Grace: m.Heartbeat.Grace} // the token and pings have columns
	case m.KPI != nil:
		v = m.KPI
	case m.DNS != nil:
		v = m.DNS
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// newHeartbeatToken is the unguessable secret of a heartbeat's ping URL.
func newHeartbeatToken() string {
	b := make([]byte, 24)
	rand.Read(b) //nolint:errcheck // crypto/rand never fails on Linux
	return base64.RawURLEncoding.EncodeToString(b)
}

// PingHeartbeat records a heartbeat's ping; the token is the authority, so no role
// is needed. An unknown token names no monitor.
func (db *DB) PingHeartbeat(ctx context.Context, token string) error {
	if token == "" || len(token) > 100 {
		return sqm.Errorf(sqm.ENOTFOUND, "No heartbeat has this URL.")
	}
	return db.write(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE monitors SET last_ping_at = $1 WHERE heartbeat_token = $2`, ms(tx.now), token)
		if err != nil {
			return fmt.Errorf("ping: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sqm.Errorf(sqm.ENOTFOUND, "No heartbeat has this URL.")
		}
		return nil
	})
}

// LastPing is when a heartbeat monitor was last pinged, and when it was
// created (zero ping: never).
func (db *DB) LastPing(ctx context.Context, id string) (last, created time.Time, err error) {
	mid, err := parseID("Monitor", id)
	if err != nil {
		return last, created, err
	}
	var ping sql.NullInt64
	var c int64
	if err := db.ro.QueryRowContext(ctx, `SELECT last_ping_at, created_at FROM monitors WHERE id = $1`, mid).Scan(&ping, &c); err != nil {
		return last, created, fmt.Errorf("last ping: %w", err)
	}
	if ping.Valid {
		last = fromMS(ping.Int64)
	}
	return last, fromMS(c), nil
}

// Retention says how long raw check results and hourly rollups are kept;
// daily rollups stay.
type Retention struct {
	Checks time.Duration // raw results (7 days)
	Hours  time.Duration // hourly rollups (400 days: a year and a season to compare it with)
}

// DefaultRetention is the retention of a server not told otherwise.
var DefaultRetention = Retention{Checks: 7 * 24 * time.Hour, Hours: 400 * 24 * time.Hour}

// Validate checks that the retention keeps at least a day of raw results and
// no less of hourly rollups than of raw results.
func (r Retention) Validate() error {
	switch {
	case r.Checks < 24*time.Hour:
		return fmt.Errorf("raw check results must be kept at least a day, not %s", r.Checks)
	case r.Hours < r.Checks:
		return fmt.Errorf("hourly rollups (%s) must be kept at least as long as raw check results (%s)", r.Hours, r.Checks)
	}
	return nil
}

// expireBatch bounds the rows one expiry transaction deletes, so the
// writer is never held for long.
const expireBatch = 20_000

// ExpireChecks deletes raw check results and hourly rollups past their
// retention, in transactions of at most expireBatch rows, and returns how
// many rows went.
func (db *DB) ExpireChecks(ctx context.Context, r Retention) (int64, error) {
	if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
		return 0, err
	}
	if err := r.Validate(); err != nil {
		return 0, err
	}
	var total int64
	for _, e := range []struct {
		table, col string
		keep       time.Duration
	}{{"monitor_checks", "at", r.Checks}, {"monitor_hours", "start_at", r.Hours}} {
		for {
			var n int64
			err := db.write(ctx, func(tx *Tx) error {
				res, err := tx.exec(`DELETE FROM `+e.table+` WHERE (monitor_id, `+e.col+`) IN (SELECT monitor_id, `+e.col+`
					FROM `+e.table+` WHERE `+e.col+` < $1 ORDER BY `+e.col+` LIMIT $2)`, ms(tx.now.Add(-e.keep)), expireBatch)
				if err != nil {
					return fmt.Errorf("expire %s: %w", e.table, err)
				}
				n, _ = res.RowsAffected()
				return nil
			})
			if err != nil {
				return total, err
			}
			total += n
			if n < expireBatch {
				break
			}
		}
	}
	return total, nil
}

// RecordChecks saves a batch of check results in one transaction: the raw
// results, the hourly and daily rollups, and each monitor's state. A
// monitor that goes down starts an outage and opens an incident on its
// service (or notes the failure on the one still open); one that comes back
// up ends the outage, notes the recovery on the incident and, when the
// monitor says so, resolves it. A result already saved is skipped, so a
// batch can be retried.
func (db *DB) RecordChecks(ctx context.Context, results []sqm.CheckResult) error {
	if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
		return err
	}
	byMonitor := map[int64][]sqm.CheckResult{}
	var order []int64
	for _, r := range results {
		id, err := parseID("Monitor", r.MonitorID)
		if err != nil {
			return err
		}
		if _, ok := byMonitor[id]; !ok {
			order = append(order, id)
		}
		byMonitor[id] = append(byMonitor[id], r)
	}
	return db.write(ctx, func(tx *Tx) error {
		for _, id := range order {
			if err := tx.recordChecks(id, byMonitor[id]); err != nil {
				return err
			}
		}
		return nil
	})
}

// probeState is the part of a monitor row RecordChecks works on.
type probeState struct {
	serviceID            int64
	name, target         string
	priority             sqm.Priority
	autoResolve          bool
	downAfter, upAfter   int
	tracker              uptime.Tracker
	firstCheck, incident sql.NullInt64
	runStart, since      sql.NullInt64
}

func (tx *Tx) recordChecks(id int64, results []sqm.CheckResult) error {
	var p probeState
	lock := ""
	if tx.db.dialect.name() == "postgres" {
		lock = " FOR UPDATE"
	}
	err := tx.QueryRowContext(tx.ctx, `SELECT service_id, name, target, priority, auto_resolve, down_after, up_after,
		state, fails, oks, run_start, state_since, first_check_at, incident_id FROM monitors WHERE id = $1`+lock, id).
		Scan(&p.serviceID, &p.name, &p.target, &p.priority, &p.autoResolve, &p.downAfter, &p.upAfter,
			&p.tracker.State, &p.tracker.Fails, &p.tracker.OKs, &p.runStart, &p.since, &p.firstCheck, &p.incident)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // deleted while its checks ran
	}
	if err != nil {
		return fmt.Errorf("record checks: %w", err)
	}
	if t := fromNullMS(p.runStart); t != nil {
		p.tracker.RunStart = *t
	}
	if t := fromNullMS(p.since); t != nil {
		p.tracker.Since = *t
	}
	type roll struct{ checks, failed, latSum, latMax int64 }
	hours, days := map[int64]*roll{}, map[int64]*roll{}
	var last sqm.CheckResult
	for _, r := range results {
		at := r.At.UTC().Truncate(time.Millisecond)
		lat := r.Latency.Milliseconds()
		errText := truncate(r.Error, 500)
		res, err := tx.exec(`INSERT INTO monitor_checks (monitor_id, at, ok, latency_ms, error) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (monitor_id, at) DO NOTHING`, id, ms(at), r.OK, lat, errText)
		if err != nil {
			return fmt.Errorf("record checks: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue // saved before
		}
		for _, b := range []struct {
			m    map[int64]*roll
			size int64
		}{{hours, 3600_000}, {days, 86400_000}} {
			k := ms(at) / b.size * b.size
			x := b.m[k]
			if x == nil {
				x = &roll{}
				b.m[k] = x
			}
			x.checks++
			if !r.OK {
				x.failed++
			}
			x.latSum += lat
			x.latMax = max(x.latMax, lat)
		}
		if !p.firstCheck.Valid {
			p.firstCheck = sql.NullInt64{Int64: ms(at), Valid: true}
		}
		last = r
		last.At, last.Error = at, errText
		tr, changed := p.tracker.Observe(r.OK, at, p.downAfter, p.upAfter)
		if !changed {
			continue
		}
		if err := tx.transition(id, &p, tr, last); err != nil {
			return err
		}
	}
	if last.At.IsZero() {
		return nil
	}
	for _, b := range []struct {
		table string
		m     map[int64]*roll
	}{{"monitor_hours", hours}, {"monitor_days", days}} {
		for k, x := range b.m {
			if _, err := tx.exec(`INSERT INTO `+b.table+` (monitor_id, start_at, checks, failed, latency_sum_ms, latency_max_ms)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (monitor_id, start_at) DO UPDATE SET
				checks = `+b.table+`.checks + excluded.checks, failed = `+b.table+`.failed + excluded.failed,
				latency_sum_ms = `+b.table+`.latency_sum_ms + excluded.latency_sum_ms,
				latency_max_ms = CASE WHEN excluded.latency_max_ms > `+b.table+`.latency_max_ms
					THEN excluded.latency_max_ms ELSE `+b.table+`.latency_max_ms END`,
				id, k, x.checks, x.failed, x.latSum, x.latMax); err != nil {
				return fmt.Errorf("record checks: %w", err)
			}
		}
	}
	if p.tracker.State == uptime.Down {
		if err := tx.raiseAfterMaintenance(id, &p, last); err != nil {
			return err
		}
	}
	t := p.tracker
	_, err = tx.exec(`UPDATE monitors SET state = $1, fails = $2, oks = $3, run_start = $4, state_since = $5,
		first_check_at = $6, last_check_at = $7, last_error = $8, last_latency_ms = $9, incident_id = $10 WHERE id = $11`,
		t.State, t.Fails, t.OKs, nullTime(t.RunStart), nullTime(t.Since), p.firstCheck, ms(last.At), last.Error,
		last.Latency.Milliseconds(), p.incident, id)
	if err != nil {
		return fmt.Errorf("record checks: %w", err)
	}
	return nil
}

// transition starts or ends an outage and opens, notes or resolves the
// monitor's incident.
func (tx *Tx) transition(id int64, p *probeState, tr uptime.Transition, r sqm.CheckResult) error {
	switch tr.To {
	case uptime.Down:
		if _, err := tx.exec(`INSERT INTO monitor_outages (monitor_id, started_at) VALUES ($1, $2)`, id, ms(tr.At)); err != nil {
			return fmt.Errorf("start outage: %w", err)
		}
		if planned, err := tx.inMaintenance(p.serviceID, r.At); err != nil || planned {
			return err // planned work: the outage is kept, out of availability; nobody is called
		}
		return tx.raise(id, p, tr, r)
	case uptime.Up:
		if tr.From != uptime.Down {
			return nil
		}
		if _, err := tx.exec(`UPDATE monitor_outages SET ended_at = $1 WHERE monitor_id = $2 AND ended_at IS NULL`, ms(tr.At), id); err != nil {
			return fmt.Errorf("end outage: %w", err)
		}
		if !p.incident.Valid {
			return nil
		}
		open, err := tx.ticketOpen(p.incident.Int64)
		if err != nil || !open {
			return err
		}
		if err := tx.systemNote(p.incident.Int64, fmt.Sprintf("Monitor %q is up again since %s.", p.name, tr.At.Format(time.RFC3339))); err != nil {
			return err
		}
		if p.autoResolve {
			if _, err := tx.addEvent(p.incident.Int64, func(at time.Time) sqm.Event {
				return sqm.Event{At: at, Type: sqm.EventStatus, By: sqm.BySystem, Status: sqm.StatusResolved}
			}); err != nil {
				return err
			}
		}
		return tx.notifyMonitor(sqm.NotifyMonitorUp, id, p, tr, "")
	}
	return nil
}

// raise opens an incident for a monitor's outage, or notes it on the one
// still open, and notifies.
func (tx *Tx) raise(id int64, p *probeState, tr uptime.Transition, r sqm.CheckResult) error {
	body := fmt.Sprintf("Monitor %q is down since %s: %s (target %s).", p.name, tr.At.Format(time.RFC3339), r.Error, p.target)
	open := false
	if p.incident.Valid {
		var err error
		if open, err = tx.ticketOpen(p.incident.Int64); err != nil {
			return err
		}
	}
	if open {
		if err := tx.systemNote(p.incident.Int64, body); err != nil {
			return err
		}
	} else {
		t := &ticketRec{Ticket: sqm.Ticket{
			ServiceID: idString(p.serviceID), Type: sqm.TypeIncident, Priority: p.priority, Status: sqm.StatusNew,
			Title: truncate(fmt.Sprintf("%s is down", p.name), sqm.MaxName), Description: body, OpenedAt: tx.now,
		}, serviceID: p.serviceID}
		if err := tx.openTicket(t, nil); err != nil {
			return err
		}
		p.incident = sql.NullInt64{Int64: t.id, Valid: true}
	}
	if _, err := tx.exec(`UPDATE monitor_outages SET ticket_id = $1 WHERE monitor_id = $2 AND ended_at IS NULL`, p.incident, id); err != nil {
		return err
	}
	return tx.notifyMonitor(sqm.NotifyMonitorDown, id, p, tr, r.Error)
}

// raiseAfterMaintenance raises the outage of a monitor that went down during
// planned work and is still down when the work is over.
func (tx *Tx) raiseAfterMaintenance(id int64, p *probeState, last sqm.CheckResult) error {
	var started int64
	err := tx.QueryRowContext(tx.ctx, `SELECT started_at FROM monitor_outages WHERE monitor_id = $1 AND ended_at IS NULL AND ticket_id IS NULL`,
		id).Scan(&started)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("outage: %w", err)
	}
	if planned, err := tx.inMaintenance(p.serviceID, last.At); err != nil || planned {
		return err
	}
	return tx.raise(id, p, uptime.Transition{From: uptime.Up, To: uptime.Down, At: fromMS(started)}, last)
}

// notifyMonitor notifies a monitor's change of state, with its incident.
func (tx *Tx) notifyMonitor(event string, id int64, p *probeState, tr uptime.Transition, detail string) error {
	n, err := tx.noticeOf(event, p.incident.Int64)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	n.Monitor, n.Detail = p.name, detail
	return tx.notify(fmt.Sprintf("monitor:%d:%s:%d", id, tr.To, ms(tr.At)), n)
}

// systemNote adds an internal note written by sqm to a ticket.
func (tx *Tx) systemNote(tid int64, body string) error {
	// A note by sqm neither responds nor changes the status, so the clocks
	// stand: it is appended without replaying the timeline, which keeps a
	// long-running incident as cheap to note on as a new one.
	t, err := tx.lockTicket(tid)
	if err != nil {
		return err
	}
	var last sql.NullInt64
	if err := tx.QueryRowContext(tx.ctx, `SELECT max(at) FROM ticket_events WHERE ticket_id = $1`, tid).Scan(&last); err != nil {
		return fmt.Errorf("note: %w", err)
	}
	at := tx.now
	if last.Valid && last.Int64 > ms(at) {
		at = fromMS(last.Int64) // in order across replicas' clocks
	}
	ev := sqm.Event{At: at, Type: sqm.EventComment, By: sqm.BySystem, Body: truncate(body, sqm.MaxBody)}
	if err := tx.appendEvent(t, &ev); err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE tickets SET updated_at = $1 WHERE id = $2`, ms(tx.now), tid); err != nil {
		return fmt.Errorf("note: %w", err)
	}
	return tx.audit("ticket.event", "ticket", tid, ev)
}

func (tx *Tx) ticketOpen(tid int64) (bool, error) {
	var status sqm.Status
	err := tx.QueryRowContext(tx.ctx, `SELECT status FROM tickets WHERE id = $1`, tid).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && !status.Done(), err
}

// MonitorAvailability measures a monitor over [from, to) as DESIGN.md
// defines it, with the count of checks and failed checks beside.
func (db *DB) MonitorAvailability(ctx context.Context, id string, from, to time.Time) (sqm.Availability, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return sqm.Availability{From: from, To: to}, err
	}
	mid, err := parseID("Monitor", id)
	if err != nil {
		return sqm.Availability{From: from, To: to}, err
	}
	if err := checkPeriod(from, to); err != nil {
		return sqm.Availability{From: from, To: to}, err
	}
	var one int
	if err := db.ro.QueryRowContext(ctx, `SELECT 1 FROM monitors WHERE id = $1`, mid).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return sqm.Availability{From: from, To: to}, sqm.Errorf(sqm.ENOTFOUND, "Monitor %d not found.", mid)
	}
	w := where{}
	w.add("id = ?", mid)
	return db.availability(ctx, w, from, to)
}

// availability measures the monitors selected by w (over the monitors
// table) over [from, to): each monitor's downtime and monitored time from
// its outages, summed, so a service's failure rate is the mean of its
// monitors' weighted by monitored time; and the checks counted beside.
func (db *DB) availability(ctx context.Context, w where, from, to time.Time) (sqm.Availability, error) {
	a := sqm.Availability{From: from, To: to}
	started := where{conds: append(slices.Clone(w.conds), "first_check_at IS NOT NULL"), args: w.args}
	rows, err := db.ro.QueryContext(ctx, `SELECT id, service_id, first_check_at, last_check_at, paused FROM monitors`+started.sql(), started.args...)
	if err != nil {
		return a, fmt.Errorf("availability: %w", err)
	}
	type span struct {
		service    int64
		first, end time.Time
	}
	spans := map[int64]span{}
	now := db.Now()
	for rows.Next() {
		var (
			id, svc, first int64
			last           sql.NullInt64
			paused         bool
		)
		if err := rows.Scan(&id, &svc, &first, &last, &paused); err != nil {
			rows.Close()
			return a, fmt.Errorf("availability: %w", err)
		}
		end := now
		if paused && last.Valid {
			end = fromMS(last.Int64) // monitoring stopped with the last check
		}
		spans[id] = span{svc, fromMS(first), end}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return a, fmt.Errorf("availability: %w", err)
	}
	if len(spans) == 0 {
		return a, nil
	}
	ow := where{conds: slices.Clone(w.conds), args: slices.Clone(w.args)}
	lo, hi := ow.arg(ms(to)), ow.arg(ms(from))
	rows, err = db.ro.QueryContext(ctx, `SELECT monitor_id, started_at, ended_at FROM monitor_outages
		WHERE monitor_id IN (SELECT id FROM monitors`+ow.sql()+`) AND started_at < `+lo+` AND (ended_at IS NULL OR ended_at > `+hi+`)
		ORDER BY monitor_id, started_at`, ow.args...)
	if err != nil {
		return a, fmt.Errorf("availability: %w", err)
	}
	outages := map[int64][]uptime.Interval{}
	for rows.Next() {
		var (
			id, s int64
			e     sql.NullInt64
		)
		if err := rows.Scan(&id, &s, &e); err != nil {
			rows.Close()
			return a, fmt.Errorf("availability: %w", err)
		}
		iv := uptime.Interval{Start: fromMS(s)}
		if e.Valid {
			iv.End = fromMS(e.Int64)
		}
		outages[id] = append(outages[id], iv)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return a, fmt.Errorf("availability: %w", err)
	}
	windows, err := db.maintenanceOf(ctx, from, to)
	if err != nil {
		return a, err
	}
	figures := make([]uptime.Figures, 0, len(spans))
	for id, sp := range spans {
		planned := append(slices.Clone(windows[sp.service]), windows[0]...)
		figures = append(figures, uptime.Measure(from, to, sp.first, sp.end, outages[id], planned))
	}
	f := uptime.Combine(figures...)
	a.MonitoredSeconds, a.DownSeconds = int64(f.Monitored/time.Second), int64(f.Down/time.Second)
	a.FailureRate, a.Availability = f.FailureRate, f.Availability
	a.Checks, a.FailedChecks, err = db.checkCounts(ctx, w, ms(from), ms(to))
	return a, err
}

// checkCounts counts checks in [from, to): whole days and hours from the
// rollups, the rest from the raw results while they are kept.
func (db *DB) checkCounts(ctx context.Context, monitors where, from, to int64) (checks, failed int, err error) {
	const hour, day = 3600_000, 86400_000
	ceil := func(t, size int64) int64 { return (t + size - 1) / size * size }
	var parts []string
	w := where{conds: slices.Clone(monitors.conds), args: slices.Clone(monitors.args)}
	set := `SELECT id FROM monitors` + w.sql()
	add := func(table, col string, lo, hi int64) {
		if lo >= hi {
			return
		}
		a, b := w.arg(lo), w.arg(hi)
		if table == "monitor_checks" {
			parts = append(parts, fmt.Sprintf(`SELECT count(*), COALESCE(SUM(CASE WHEN ok THEN 0 ELSE 1 END), 0) FROM monitor_checks
				WHERE monitor_id IN (%s) AND at >= %s AND at < %s`, set, a, b))
			return
		}
		parts = append(parts, fmt.Sprintf(`SELECT COALESCE(SUM(checks), 0), COALESCE(SUM(failed), 0) FROM %s
			WHERE monitor_id IN (%s) AND %s >= %s AND %s < %s`, table, set, col, a, col, b))
	}
	d1, d2 := ceil(from, day), to/day*day
	if d1 < d2 {
		add("monitor_days", "start_at", d1, d2)
		h1, h2 := ceil(from, hour), to/hour*hour
		add("monitor_hours", "start_at", h1, d1)
		add("monitor_hours", "start_at", d2, h2)
		add("monitor_checks", "at", from, min(h1, d1))
		add("monitor_checks", "at", max(h2, d2), to)
	} else if h1, h2 := ceil(from, hour), to/hour*hour; h1 < h2 {
		add("monitor_hours", "start_at", h1, h2)
		add("monitor_checks", "at", from, h1)
		add("monitor_checks", "at", h2, to)
	} else {
		add("monitor_checks", "at", from, to)
	}
	rows, err := db.ro.QueryContext(ctx, strings.Join(parts, " UNION ALL "), w.args...)
	if err != nil {
		return 0, 0, fmt.Errorf("check counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, f int64
		if err := rows.Scan(&c, &f); err != nil {
			return 0, 0, fmt.Errorf("check counts: %w", err)
		}
		checks, failed = checks+int(c), failed+int(f)
	}
	return checks, failed, rows.Err()
}

// checkPeriod checks a half-open period [from, to) given by a caller.
func checkPeriod(from, to time.Time) error {
	switch {
	case from.IsZero():
		return sqm.FieldError("from", "The start of the period is required (RFC 3339).")
	case to.IsZero():
		return sqm.FieldError("to", "The end of the period is required (RFC 3339).")
	case !to.After(from):
		return sqm.FieldError("to", "The end of the period must be after its start.")
	}
	return nil
}

func nullTime(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: ms(t), Valid: true}
}

// truncate shortens s to at most n runes.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
