package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/oncall"
)

// CreateSchedule stores an on-call schedule; its members' users and
// channels must exist. Managers and admins.
func (db *DB) CreateSchedule(ctx context.Context, s sqm.Schedule) (sqm.Schedule, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return s, err
	}
	if err := s.Validate(); err != nil {
		return s, err
	}
	err := db.write(ctx, func(tx *Tx) error {
		people := append([]oncall.Member{}, s.Members...)
		for _, o := range s.Overrides {
			people = append(people, o.Member)
		}
		for _, m := range people {
			if _, err := tx.existing("members", "users", "User", m.UserID); err != nil {
				return err
			}
			if _, err := tx.existing("members", "channels", "Channel", m.ChannelID); err != nil {
				return err
			}
		}
		members, _ := json.Marshal(s.Members)
		overrides, _ := json.Marshal(s.Overrides)
		id, err := tx.insert(`INSERT INTO schedules (name, timezone, start_date, handoff, days, members, overrides, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, s.Name, s.Timezone, s.Start, s.Handoff, s.Days, string(members), string(overrides), ms(tx.now))
		if err != nil {
			return fmt.Errorf("create schedule: %w", err)
		}
		s.ID, s.CreatedAt, s.UpdatedAt = idString(id), tx.now, tx.now
		return tx.audit("schedule.create", "schedule", id, s)
	})
	return s, err
}

// DeleteSchedule removes a schedule. Managers and admins.
func (db *DB) DeleteSchedule(ctx context.Context, id string) error {
	return db.deleteRow(ctx, "schedules", "Schedule", "schedule.delete", id)
}

// ListSchedules returns a page of schedules.
func (db *DB) ListSchedules(ctx context.Context, cursor string, limit int) (sqm.Page[sqm.Schedule], error) {
	return list(ctx, db, cursor, limit, scheduleColumns+` FROM schedules`, scanSchedule)
}

const scheduleColumns = `SELECT id, name, timezone, start_date, handoff, days, members, overrides, created_at, updated_at`

func scanSchedule(sc scanner) (sqm.Schedule, int64, error) {
	var (
		s                  sqm.Schedule
		id, c, u           int64
		members, overrides string
	)
	if err := sc.Scan(&id, &s.Name, &s.Timezone, &s.Start, &s.Handoff, &s.Days, &members, &overrides, &c, &u); err != nil {
		return s, 0, err
	}
	if err := json.Unmarshal([]byte(members), &s.Members); err != nil {
		return s, 0, err
	}
	if err := json.Unmarshal([]byte(overrides), &s.Overrides); err != nil {
		return s, 0, err
	}
	s.ID, s.CreatedAt, s.UpdatedAt = idString(id), fromMS(c), fromMS(u)
	return s, id, nil
}

// WhoIsOnCall says who a schedule has on call at instant at, and until
// when.
func (db *DB) WhoIsOnCall(ctx context.Context, id string, at time.Time) (sqm.OnCall, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return sqm.OnCall{}, err
	}
	sid, err := parseID("Schedule", id)
	if err != nil {
		return sqm.OnCall{}, err
	}
	return onCall(ctx, db.ro, sid, at)
}

func onCall(ctx context.Context, q querier, sid int64, at time.Time) (sqm.OnCall, error) {
	out := sqm.OnCall{ScheduleID: idString(sid), At: at}
	s, _, err := scanSchedule(q.QueryRowContext(ctx, scheduleColumns+` FROM schedules WHERE id = $1`, sid))
	if errors.Is(err, sql.ErrNoRows) {
		return out, sqm.Errorf(sqm.ENOTFOUND, "Schedule %d not found.", sid)
	}
	if err != nil {
		return out, fmt.Errorf("on call: %w", err)
	}
	r, err := s.Rotation()
	if err != nil {
		return out, err
	}
	m, err := r.Who(at)
	if err != nil {
		return out, sqm.Errorf(sqm.ENOTFOUND, "Nobody is on call for %s at %s.", s.Name, at.Format(time.RFC3339))
	}
	out.UserID, out.ChannelID = m.UserID, m.ChannelID
	if next := r.Next(at); !next.IsZero() {
		out.Until = &next
	}
	uid, _ := parseID("User", m.UserID)
	if err := q.QueryRowContext(ctx, `SELECT name FROM users WHERE id = $1`, uid).Scan(&out.User); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return out, fmt.Errorf("on call: %w", err)
	}
	return out, nil
}
