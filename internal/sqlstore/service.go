package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sqmhq/sqm"
)

// CreateService stores a new service. Managers and admins.
func (db *DB) CreateService(ctx context.Context, s sqm.Service) (sqm.Service, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return s, err
	}
	if err := s.Validate(); err != nil {
		return s, err
	}
	err := db.write(ctx, func(tx *Tx) error {
		team, policy, err := tx.serviceRefs(s)
		if err != nil {
			return err
		}
		id, err := tx.insert(`INSERT INTO services (name, description, team_id, sla_policy_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)`, s.Name, s.Description, team, policy, ms(tx.now))
		if err != nil {
			return fmt.Errorf("create service: %w", err)
		}
		s.ID, s.CreatedAt, s.UpdatedAt = idString(id), tx.now, tx.now
		return tx.audit("service.create", "service", id, s)
	})
	return s, err
}

// UpdateService replaces a service; a change of policy recomputes the
// clocks of its open tickets in the same transaction.
func (db *DB) UpdateService(ctx context.Context, id string, s sqm.Service) (sqm.Service, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return s, err
	}
	sid, err := parseID("Service", id)
	if err != nil {
		return s, err
	}
	if err := s.Validate(); err != nil {
		return s, err
	}
	err = db.write(ctx, func(tx *Tx) error {
		if err := tx.lockRules(); err != nil {
			return err
		}
		old, err := getService(ctx, tx, sid)
		if err != nil {
			return err
		}
		team, policy, err := tx.serviceRefs(s)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE services SET name = $1, description = $2, team_id = $3, sla_policy_id = $4, updated_at = $5
			WHERE id = $6`, s.Name, s.Description, team, policy, ms(tx.now), sid); err != nil {
			return fmt.Errorf("update service: %w", err)
		}
		s.ID, s.CreatedAt, s.UpdatedAt = id, old.CreatedAt, tx.now
		if err := tx.audit("service.update", "service", sid, s); err != nil {
			return err
		}
		if old.SLAPolicyID == s.SLAPolicyID {
			return nil
		}
		return tx.reproject(`s.id = $1`, sid)
	})
	return s, err
}

func (tx *Tx) serviceRefs(s sqm.Service) (team, policy sql.NullInt64, err error) {
	if s.TeamID != "" {
		id, err := tx.existing("team_id", "teams", "Team", s.TeamID)
		if err != nil {
			return team, policy, err
		}
		team = sql.NullInt64{Int64: id, Valid: true}
	}
	if s.SLAPolicyID != "" {
		id, err := tx.existing("sla_policy_id", "sla_policies", "SLA policy", s.SLAPolicyID)
		if err != nil {
			return team, policy, err
		}
		policy = sql.NullInt64{Int64: id, Valid: true}
	}
	return team, policy, nil
}

// GetService returns one service.
func (db *DB) GetService(ctx context.Context, id string) (sqm.Service, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return sqm.Service{}, err
	}
	sid, err := parseID("Service", id)
	if err != nil {
		return sqm.Service{}, err
	}
	return getService(ctx, db.ro, sid)
}

// ListServices returns a page of services.
func (db *DB) ListServices(ctx context.Context, cursor string, limit int) (sqm.Page[sqm.Service], error) {
	return list(ctx, db, cursor, limit, serviceColumns+` FROM services`, scanService)
}

const serviceColumns = `SELECT id, name, description, team_id, sla_policy_id, created_at, updated_at`

func getService(ctx context.Context, q querier, id int64) (sqm.Service, error) {
	s, _, err := scanService(q.QueryRowContext(ctx, serviceColumns+` FROM services WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, sqm.Errorf(sqm.ENOTFOUND, "Service %d not found.", id)
	}
	return s, err
}

func scanService(sc scanner) (sqm.Service, int64, error) {
	var (
		s            sqm.Service
		id, c, u     int64
		team, policy sql.NullInt64
	)
	if err := sc.Scan(&id, &s.Name, &s.Description, &team, &policy, &c, &u); err != nil {
		return s, 0, err
	}
	s.ID, s.TeamID, s.SLAPolicyID, s.CreatedAt, s.UpdatedAt = idString(id), nullIDString(team), nullIDString(policy), fromMS(c), fromMS(u)
	return s, id, nil
}
