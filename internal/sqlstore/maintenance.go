package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/uptime"
)

// CreateMaintenance plans a maintenance window. Managers and admins.
func (db *DB) CreateMaintenance(ctx context.Context, w sqm.MaintenanceWindow) (sqm.MaintenanceWindow, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return w, err
	}
	if err := w.Validate(); err != nil {
		return w, err
	}
	err := db.write(ctx, func(tx *Tx) error {
		var sid sql.NullInt64
		if w.ServiceID != "" {
			id, err := tx.existing("service_id", "services", "Service", w.ServiceID)
			if err != nil {
				return err
			}
			sid = sql.NullInt64{Int64: id, Valid: true}
		}
		id, err := tx.insert(`INSERT INTO maintenance_windows (service_id, title, starts_at, ends_at, created_at) VALUES ($1, $2, $3, $4, $5)`,
			sid, w.Title, ms(w.StartsAt), ms(w.EndsAt), ms(tx.now))
		if err != nil {
			return fmt.Errorf("create maintenance: %w", err)
		}
		w.ID, w.CreatedAt = idString(id), tx.now
		w.StartsAt, w.EndsAt = w.StartsAt.UTC().Truncate(time.Millisecond), w.EndsAt.UTC().Truncate(time.Millisecond)
		return tx.audit("maintenance.create", "maintenance_window", id, w)
	})
	return w, err
}

// DeleteMaintenance removes a maintenance window. Managers and admins.
func (db *DB) DeleteMaintenance(ctx context.Context, id string) error {
	return db.deleteRow(ctx, "maintenance_windows", "Maintenance window", "maintenance.delete", id)
}

// ListMaintenance returns the windows that end after since, the soonest
// first.
func (db *DB) ListMaintenance(ctx context.Context, since time.Time, limit int) ([]sqm.MaintenanceWindow, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return nil, err
	}
	limit, err := pageLimit(limit)
	if err != nil {
		return nil, err
	}
	rows, err := db.ro.QueryContext(ctx, `SELECT id, service_id, title, starts_at, ends_at, created_at FROM maintenance_windows
		WHERE ends_at > $1 ORDER BY starts_at, id LIMIT `+strconv.Itoa(limit), ms(since))
	if err != nil {
		return nil, fmt.Errorf("list maintenance: %w", err)
	}
	defer rows.Close()
	out := []sqm.MaintenanceWindow{}
	for rows.Next() {
		var (
			w           sqm.MaintenanceWindow
			id, s, e, c int64
			svc         sql.NullInt64
		)
		if err := rows.Scan(&id, &svc, &w.Title, &s, &e, &c); err != nil {
			return nil, fmt.Errorf("list maintenance: %w", err)
		}
		w.ID, w.ServiceID, w.StartsAt, w.EndsAt, w.CreatedAt = idString(id), nullIDString(svc), fromMS(s), fromMS(e), fromMS(c)
		out = append(out, w)
	}
	return out, rows.Err()
}

// CreateSilence mutes matching alerts for a while. Agents and up: the
// people who answer alerts silence them.
func (db *DB) CreateSilence(ctx context.Context, s sqm.Silence) (sqm.Silence, error) {
	if err := sqm.Require(ctx, sqm.RoleAgent); err != nil {
		return s, err
	}
	if s.Matchers == nil {
		s.Matchers = map[string]string{}
	}
	if err := s.Validate(); err != nil {
		return s, err
	}
	err := db.write(ctx, func(tx *Tx) error {
		var sid sql.NullInt64
		if s.ServiceID != "" {
			id, err := tx.existing("service_id", "services", "Service", s.ServiceID)
			if err != nil {
				return err
			}
			sid = sql.NullInt64{Int64: id, Valid: true}
		}
		matchers, _ := json.Marshal(s.Matchers)
		s.CreatedBy = tx.actor.Name
		id, err := tx.insert(`INSERT INTO silences (service_id, matchers, comment, starts_at, ends_at, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, sid, string(matchers), s.Comment, ms(s.StartsAt), ms(s.EndsAt), s.CreatedBy, ms(tx.now))
		if err != nil {
			return fmt.Errorf("create silence: %w", err)
		}
		s.ID, s.CreatedAt = idString(id), tx.now
		s.StartsAt, s.EndsAt = s.StartsAt.UTC().Truncate(time.Millisecond), s.EndsAt.UTC().Truncate(time.Millisecond)
		return tx.audit("silence.create", "silence", id, s)
	})
	return s, err
}

// ExpireSilence ends a silence now. Agents and up.
func (db *DB) ExpireSilence(ctx context.Context, id string) error {
	if err := sqm.Require(ctx, sqm.RoleAgent); err != nil {
		return err
	}
	sid, err := parseID("Silence", id)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE silences SET ends_at = $1 WHERE id = $2 AND ends_at > $1`, ms(tx.now), sid)
		if err != nil {
			return fmt.Errorf("expire silence: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sqm.Errorf(sqm.ENOTFOUND, "Silence %d not found or already over.", sid)
		}
		return tx.audit("silence.expire", "silence", sid, nil)
	})
}

// ListSilences returns the silences that end after since.
func (db *DB) ListSilences(ctx context.Context, since time.Time) ([]sqm.Silence, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return nil, err
	}
	return silencesAfter(ctx, db.ro, ms(since))
}

func silencesAfter(ctx context.Context, q querier, since int64) ([]sqm.Silence, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, service_id, matchers, comment, starts_at, ends_at, created_by, created_at FROM silences
		WHERE ends_at > $1 ORDER BY starts_at, id LIMIT 1000`, since)
	if err != nil {
		return nil, fmt.Errorf("silences: %w", err)
	}
	defer rows.Close()
	out := []sqm.Silence{}
	for rows.Next() {
		var (
			s           sqm.Silence
			id, b, e, c int64
			svc         sql.NullInt64
			matchers    string
		)
		if err := rows.Scan(&id, &svc, &matchers, &s.Comment, &b, &e, &s.CreatedBy, &c); err != nil {
			return nil, fmt.Errorf("silences: %w", err)
		}
		if err := json.Unmarshal([]byte(matchers), &s.Matchers); err != nil {
			return nil, fmt.Errorf("silence %d: %w", id, err)
		}
		s.ID, s.ServiceID, s.StartsAt, s.EndsAt, s.CreatedAt = idString(id), nullIDString(svc), fromMS(b), fromMS(e), fromMS(c)
		out = append(out, s)
	}
	return out, rows.Err()
}

// inMaintenance says whether a service is under a maintenance window at
// instant at (a window of its own, or one for every service).
func (tx *Tx) inMaintenance(serviceID int64, at time.Time) (bool, error) {
	var n int
	err := tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM maintenance_windows
		WHERE starts_at <= $1 AND ends_at > $1 AND (service_id IS NULL OR service_id = $2)`, ms(at), serviceID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("maintenance: %w", err)
	}
	return n > 0, nil
}

// maintenanceOf returns, per service of the given ones, the windows that
// overlap [from, to); key 0 holds those of every service.
func (db *DB) maintenanceOf(ctx context.Context, from, to time.Time) (map[int64][]uptime.Interval, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT COALESCE(service_id, 0), starts_at, ends_at FROM maintenance_windows
		WHERE starts_at < $1 AND ends_at > $2`, ms(to), ms(from))
	if err != nil {
		return nil, fmt.Errorf("maintenance: %w", err)
	}
	defer rows.Close()
	out := map[int64][]uptime.Interval{}
	for rows.Next() {
		var svc, s, e int64
		if err := rows.Scan(&svc, &s, &e); err != nil {
			return nil, fmt.Errorf("maintenance: %w", err)
		}
		out[svc] = append(out[svc], uptime.Interval{Start: fromMS(s), End: fromMS(e)})
	}
	return out, rows.Err()
}

// deleteRow deletes one row by ID and audits it. Managers and admins.
func (db *DB) deleteRow(ctx context.Context, table, kind, action, id string) error {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return err
	}
	rid, err := parseID(kind, id)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		res, err := tx.exec(`DELETE FROM `+table+` WHERE id = $1`, rid)
		if err != nil {
			return fmt.Errorf("delete: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sqm.Errorf(sqm.ENOTFOUND, "%s %d not found.", kind, rid)
		}
		return tx.audit(action, table, rid, nil)
	})
}
