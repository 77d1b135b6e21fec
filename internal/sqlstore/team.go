package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sqmhq/sqm"
)

// CreateTeam stores a new team. Managers and admins.
func (db *DB) CreateTeam(ctx context.Context, t sqm.Team) (sqm.Team, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return t, err
	}
	if err := sqm.CheckName("name", t.Name); err != nil {
		return t, err
	}
	err := db.write(ctx, func(tx *Tx) error {
		id, err := tx.insert(`INSERT INTO teams (name, created_at) VALUES ($1, $2)`, t.Name, ms(tx.now))
		if err != nil {
			return fmt.Errorf("create team: %w", err)
		}
		t.ID, t.CreatedAt = idString(id), tx.now
		return tx.audit("team.create", "team", id, t)
	})
	return t, err
}

// GetTeam returns one team.
func (db *DB) GetTeam(ctx context.Context, id string) (sqm.Team, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return sqm.Team{}, err
	}
	tid, err := parseID("Team", id)
	if err != nil {
		return sqm.Team{}, err
	}
	t, _, err := scanTeam(db.ro.QueryRowContext(ctx, `SELECT id, name, created_at FROM teams WHERE id = $1`, tid))
	if errors.Is(err, sql.ErrNoRows) {
		return t, sqm.Errorf(sqm.ENOTFOUND, "Team %s not found.", id)
	}
	return t, err
}

// ListTeams returns a page of teams.
func (db *DB) ListTeams(ctx context.Context, cursor string, limit int) (sqm.Page[sqm.Team], error) {
	return list(ctx, db, cursor, limit, `SELECT id, name, created_at FROM teams`, scanTeam)
}

func scanTeam(s scanner) (sqm.Team, int64, error) {
	var (
		t     sqm.Team
		id, c int64
	)
	err := s.Scan(&id, &t.Name, &c)
	t.ID, t.CreatedAt = idString(id), fromMS(c)
	return t, id, err
}
