package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sqmhq/sqm"
)

// CreateUser stores a new user. Admins only.
func (db *DB) CreateUser(ctx context.Context, u sqm.User) (sqm.User, error) {
	if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
		return u, err
	}
	if err := u.Validate(); err != nil {
		return u, err
	}
	err := db.write(ctx, func(tx *Tx) error {
		var team sql.NullInt64
		if u.TeamID != "" {
			id, err := tx.existing("team_id", "teams", "Team", u.TeamID)
			if err != nil {
				return err
			}
			team = sql.NullInt64{Int64: id, Valid: true}
		}
		id, err := tx.insert(`INSERT INTO users (name, role, team_id, disabled, created_at) VALUES ($1, $2, $3, $4, $5)`,
			u.Name, u.Role, team, u.Disabled, ms(tx.now))
		if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		u.ID, u.CreatedAt = idString(id), tx.now
		return tx.audit("user.create", "user", id, u)
	})
	return u, err
}

// UpdateUser changes a user's role, team or disabled flag. Admins only.
func (db *DB) UpdateUser(ctx context.Context, id string, u sqm.User) (sqm.User, error) {
	if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
		return u, err
	}
	uid, err := parseID("User", id)
	if err != nil {
		return u, err
	}
	if err := u.Validate(); err != nil {
		return u, err
	}
	err = db.write(ctx, func(tx *Tx) error {
		old, err := getUser(ctx, tx, `id = $1`, uid)
		if err != nil {
			return err
		}
		var team sql.NullInt64
		if u.TeamID != "" {
			tid, err := tx.existing("team_id", "teams", "Team", u.TeamID)
			if err != nil {
				return err
			}
			team = sql.NullInt64{Int64: tid, Valid: true}
		}
		if _, err := tx.exec(`UPDATE users SET name = $1, role = $2, team_id = $3, disabled = $4 WHERE id = $5`,
			u.Name, u.Role, team, u.Disabled, uid); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		u.ID, u.CreatedAt = id, old.CreatedAt
		return tx.audit("user.update", "user", uid, u)
	})
	if err == nil {
		db.tokens.forget() // a disabled user's tokens stop working here at once
	}
	return u, err
}

// GetUser returns one user.
func (db *DB) GetUser(ctx context.Context, id string) (sqm.User, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return sqm.User{}, err
	}
	uid, err := parseID("User", id)
	if err != nil {
		return sqm.User{}, err
	}
	return getUser(ctx, db.ro, `id = $1`, uid)
}

// UserByName returns the user with the given name.
func (db *DB) UserByName(ctx context.Context, name string) (sqm.User, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return sqm.User{}, err
	}
	return getUser(ctx, db.ro, `name = $1`, name)
}

// ListUsers returns a page of users.
func (db *DB) ListUsers(ctx context.Context, cursor string, limit int) (sqm.Page[sqm.User], error) {
	return list(ctx, db, cursor, limit, userColumns+` FROM users`, scanUser)
}

const userColumns = `SELECT id, name, role, team_id, disabled, created_at`

func getUser(ctx context.Context, q querier, cond string, arg any) (sqm.User, error) {
	u, _, err := scanUser(q.QueryRowContext(ctx, userColumns+` FROM users WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return u, sqm.Errorf(sqm.ENOTFOUND, "User %v not found.", arg)
	}
	return u, err
}

func scanUser(s scanner) (sqm.User, int64, error) {
	var (
		u     sqm.User
		id, c int64
		team  sql.NullInt64
		role  string
	)
	err := s.Scan(&id, &u.Name, &role, &team, &u.Disabled, &c)
	u.ID, u.Role, u.TeamID, u.CreatedAt = idString(id), sqm.Role(role), nullIDString(team), fromMS(c)
	return u, id, err
}
