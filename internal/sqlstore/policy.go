package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/calendar"
)

// CreatePolicy stores a new SLA policy. Managers and admins.
func (db *DB) CreatePolicy(ctx context.Context, p sqm.SLAPolicy) (sqm.SLAPolicy, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return p, err
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	err := db.write(ctx, func(tx *Tx) error {
		calID, err := tx.existing("calendar_id", "calendars", "Calendar", p.CalendarID)
		if err != nil {
			return err
		}
		targets, pauses := policyJSON(p)
		id, err := tx.insert(`INSERT INTO sla_policies (name, calendar_id, targets, pause_statuses, warn_at_percent, is_default, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, p.Name, calID, targets, pauses, p.WarnAtPercent, false, ms(tx.now))
		if err != nil {
			return fmt.Errorf("create policy: %w", err)
		}
		p.ID, p.Default, p.CreatedAt, p.UpdatedAt = idString(id), false, tx.now, tx.now
		return tx.audit("sla_policy.create", "sla_policy", id, p)
	})
	return p, err
}

// UpdatePolicy replaces a policy and, in the same transaction, recomputes
// the clocks of the open tickets it governs from their whole timelines, so
// no paused time is lost.
func (db *DB) UpdatePolicy(ctx context.Context, id string, p sqm.SLAPolicy) (sqm.SLAPolicy, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return p, err
	}
	pid, err := parseID("SLA policy", id)
	if err != nil {
		return p, err
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	err = db.write(ctx, func(tx *Tx) error {
		if err := tx.lockRules(); err != nil {
			return err
		}
		old, err := getPolicy(ctx, tx, pid)
		if err != nil {
			return err
		}
		calID, err := tx.existing("calendar_id", "calendars", "Calendar", p.CalendarID)
		if err != nil {
			return err
		}
		targets, pauses := policyJSON(p)
		if _, err := tx.exec(`UPDATE sla_policies SET name = $1, calendar_id = $2, targets = $3, pause_statuses = $4,
			warn_at_percent = $5, updated_at = $6 WHERE id = $7`,
			p.Name, calID, targets, pauses, p.WarnAtPercent, ms(tx.now), pid); err != nil {
			return fmt.Errorf("update policy: %w", err)
		}
		p.ID, p.Default, p.CreatedAt, p.UpdatedAt = id, old.Default, old.CreatedAt, tx.now
		if err := tx.audit("sla_policy.update", "sla_policy", pid, p); err != nil {
			return err
		}
		return tx.reproject(`p.id = $1`, pid)
	})
	return p, err
}

// GetPolicy returns one SLA policy.
func (db *DB) GetPolicy(ctx context.Context, id string) (sqm.SLAPolicy, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return sqm.SLAPolicy{}, err
	}
	pid, err := parseID("SLA policy", id)
	if err != nil {
		return sqm.SLAPolicy{}, err
	}
	return getPolicy(ctx, db.ro, pid)
}

// ListPolicies returns a page of SLA policies.
func (db *DB) ListPolicies(ctx context.Context, cursor string, limit int) (sqm.Page[sqm.SLAPolicy], error) {
	return list(ctx, db, cursor, limit, policyColumns+` FROM sla_policies`, scanPolicy)
}

const policyColumns = `SELECT id, name, calendar_id, targets, pause_statuses, warn_at_percent, is_default, created_at, updated_at`

func getPolicy(ctx context.Context, q querier, id int64) (sqm.SLAPolicy, error) {
	p, _, err := scanPolicy(q.QueryRowContext(ctx, policyColumns+` FROM sla_policies WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, sqm.Errorf(sqm.ENOTFOUND, "SLA policy %d not found.", id)
	}
	return p, err
}

func scanPolicy(s scanner) (sqm.SLAPolicy, int64, error) {
	var (
		p                       sqm.SLAPolicy
		id, calID, created, upd int64
		targets, pauses         string
	)
	if err := s.Scan(&id, &p.Name, &calID, &targets, &pauses, &p.WarnAtPercent, &p.Default, &created, &upd); err != nil {
		return p, 0, err
	}
	p.ID, p.CalendarID, p.CreatedAt, p.UpdatedAt = idString(id), idString(calID), fromMS(created), fromMS(upd)
	if err := errors.Join(json.Unmarshal([]byte(targets), &p.Targets), json.Unmarshal([]byte(pauses), &p.PauseStatuses)); err != nil {
		return p, 0, fmt.Errorf("policy %d: %w", id, err)
	}
	return p, id, nil
}

func policyJSON(p sqm.SLAPolicy) (targets, pauses string) {
	if p.PauseStatuses == nil {
		p.PauseStatuses = []sqm.Status{}
	}
	t, _ := json.Marshal(p.Targets)
	ps, _ := json.Marshal(p.PauseStatuses)
	return string(t), string(ps)
}

// effectivePolicy is the SQL for the ID of the policy a service's tickets
// follow: its own, or the default.
const effectivePolicy = `COALESCE(s.sla_policy_id, (SELECT id FROM sla_policies WHERE is_default))`

// rules is what governs a service's tickets: the policy, its calendar, and
// the team the tickets belong to.
type rules struct {
	policy *sqm.SLAPolicy
	cal    *calendar.Calendar
	team   sql.NullInt64
}

// rules loads the rules of a service's tickets. Inside a ticket-writing
// transaction (lock true) it also takes the rules lock in shared mode, so
// that an edit of a policy or calendar, which takes it exclusively and then
// recomputes the open tickets, never misses a ticket written meanwhile.
func (db *DB) rules(ctx context.Context, q querier, serviceID int64, lock bool) (rules, error) {
	var (
		r                rules
		p                sqm.SLAPolicy
		pid, calID, cver int64
		targets, pauses  string
		shared           string
	)
	if lock {
		shared = db.dialect.shareRules()
	}
	err := q.QueryRowContext(ctx, `SELECT p.id, p.name, p.calendar_id, p.targets, p.pause_statuses, p.warn_at_percent,
			p.is_default, c.version, s.team_id
		FROM services s JOIN sla_policies p ON p.id = `+effectivePolicy+`
		JOIN calendars c ON c.id = p.calendar_id`+shared+` WHERE s.id = $1`, serviceID).
		Scan(&pid, &p.Name, &calID, &targets, &pauses, &p.WarnAtPercent, &p.Default, &cver, &r.team)
	if errors.Is(err, sql.ErrNoRows) {
		return r, sqm.FieldError("service_id", "Service %d does not exist.", serviceID)
	}
	if err != nil {
		return r, fmt.Errorf("load policy: %w", err)
	}
	p.ID, p.CalendarID = idString(pid), idString(calID)
	if err := errors.Join(json.Unmarshal([]byte(targets), &p.Targets), json.Unmarshal([]byte(pauses), &p.PauseStatuses)); err != nil {
		return r, fmt.Errorf("policy %d: %w", pid, err)
	}
	r.policy = &p
	r.cal, err = db.cals.get(calID, cver, func() (sqm.Calendar, error) { return getCalendar(ctx, q, calID) })
	return r, err
}

// lockRules takes the rules lock exclusively, before an edit that
// recomputes open tickets.
func (tx *Tx) lockRules() error {
	if q := tx.db.dialect.lockRules(); q != "" {
		if _, err := tx.exec(q); err != nil {
			return fmt.Errorf("lock rules: %w", err)
		}
	}
	return nil
}

// existing checks that a referenced object exists and returns its ID.
func (tx *Tx) existing(field, table, kind, id string) (int64, error) {
	n, err := refID(field, kind, id)
	if err != nil {
		return 0, err
	}
	if !n.Valid {
		return 0, sqm.FieldError(field, "%s is required.", kind)
	}
	var one int
	err = tx.QueryRowContext(tx.ctx, `SELECT 1 FROM `+table+` WHERE id = $1`, n.Int64).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, sqm.FieldError(field, "%s %s does not exist.", kind, id)
	}
	return n.Int64, err
}
