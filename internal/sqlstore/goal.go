package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sqmhq/sqm"
)

// Goals returns the quantified targets.
func (db *DB) Goals(ctx context.Context) ([]sqm.Goal, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return nil, err
	}
	return db.goals(ctx)
}

func (db *DB) goals(ctx context.Context) ([]sqm.Goal, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT key, value, comparison, unit FROM goals`)
	if err != nil {
		return nil, fmt.Errorf("goals: %w", err)
	}
	defer rows.Close()
	byKey := map[string]sqm.Goal{}
	for rows.Next() {
		var g sqm.Goal
		if err := rows.Scan(&g.Key, &g.Value, &g.Comparison, &g.Unit); err != nil {
			return nil, fmt.Errorf("goals: %w", err)
		}
		byKey[g.Key] = g
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("goals: %w", err)
	}
	out := []sqm.Goal{}
	for _, d := range sqm.DefaultGoals() { // a stable order
		if g, ok := byKey[d.Key]; ok {
			out = append(out, g)
		}
	}
	return out, nil
}

// UpdateGoal changes the value of one quantified target. Managers and admins.
func (db *DB) UpdateGoal(ctx context.Context, key string, value float64) (sqm.Goal, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return sqm.Goal{}, err
	}
	if !(value > 0 && value <= 1) {
		return sqm.Goal{}, sqm.FieldError("goal", "A goal is a ratio above 0 and at most 1, such as 0.95.")
	}
	var g sqm.Goal
	err := db.write(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE goals SET value = $1 WHERE key = $2 RETURNING key, value, comparison, unit`, value, key).
			Scan(&g.Key, &g.Value, &g.Comparison, &g.Unit)
		if errors.Is(err, sql.ErrNoRows) {
			return sqm.Errorf(sqm.ENOTFOUND, "Goal %q not found.", key)
		}
		if err != nil {
			return fmt.Errorf("update goal: %w", err)
		}
		return tx.audit("goal.update", "goal", key, g)
	})
	return g, err
}
