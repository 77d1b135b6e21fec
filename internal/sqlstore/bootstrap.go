package sqlstore

import (
	"context"
	"fmt"

	"github.com/sqmhq/sqm"
)

// AdminName is the user a new installation starts with.
const AdminName = "admin"

// Bootstrap gives a new installation what the strategy starts from: the
// 24x7 calendar, the default policy (1 h first response, 4 h repair), the
// four quantified targets and the admin user. It is idempotent and safe to
// run from several replicas at once; it reports whether it created the admin.
func (db *DB) Bootstrap(ctx context.Context) (bool, error) {
	created := false
	ctx = sqm.WithActor(ctx, sqm.SystemActor)
	err := db.write(ctx, func(tx *Tx) error {
		if q := db.dialect.exclusive(); q != "" {
			if _, err := tx.exec(q); err != nil {
				return fmt.Errorf("bootstrap: %w", err)
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sla_policies WHERE is_default`).Scan(&n); err != nil {
			return fmt.Errorf("bootstrap: %w", err)
		}
		if n == 0 {
			c := sqm.Calendar24x7(sqm.DefaultCalendarName, "UTC")
			hours, holidays, workdays := calendarJSON(c)
			calID, err := tx.insert(`INSERT INTO calendars (name, timezone, hours, holidays, workdays, holiday_set, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, '', $6, $6) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name`,
				c.Name, c.Timezone, hours, holidays, workdays, ms(tx.now))
			if err != nil {
				return fmt.Errorf("bootstrap calendar: %w", err)
			}
			p := sqm.DefaultPolicy(idString(calID))
			targets, pauses := policyJSON(p)
			polID, err := tx.insert(`INSERT INTO sla_policies (name, calendar_id, targets, pause_statuses, warn_at_percent, is_default, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6)`, p.Name, calID, targets, pauses, p.WarnAtPercent, ms(tx.now))
			if err != nil {
				return fmt.Errorf("bootstrap policy: %w", err)
			}
			if err := tx.audit("sla_policy.create", "sla_policy", polID, p); err != nil {
				return err
			}
		}
		for _, g := range sqm.DefaultGoals() {
			if _, err := tx.exec(`INSERT INTO goals (key, value, comparison, unit) VALUES ($1, $2, $3, $4)
				ON CONFLICT (key) DO NOTHING`, g.Key, g.Value, g.Comparison, g.Unit); err != nil {
				return fmt.Errorf("bootstrap goals: %w", err)
			}
		}
		res, err := tx.exec(`INSERT INTO users (name, role, disabled, created_at) VALUES ($1, $2, FALSE, $3)
			ON CONFLICT (name) DO NOTHING`, AdminName, sqm.RoleAdmin, ms(tx.now))
		if err != nil {
			return fmt.Errorf("bootstrap admin: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			created = true
			return tx.audit("user.create", "user", AdminName, map[string]string{"name": AdminName, "role": string(sqm.RoleAdmin)})
		}
		return nil
	})
	return created, err
}
