package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// SweepBatch is how many tickets one sweep transaction claims.
const SweepBatch = 200

// SweepSLA writes the sla_warning and sla_breached events that have come
// due and returns how many tickets it settled. It claims due tickets with
// one indexed range query (FOR UPDATE SKIP LOCKED on PostgreSQL, the single
// writer on SQLite), so replicas never write an event twice: the flags that
// guard each event are saved in the transaction that writes it.
func (db *DB) SweepSLA(ctx context.Context) (int, error) {
	n := 0
	err := db.write(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM tickets`+db.dialect.shareRules()+`
			WHERE next_at IS NOT NULL AND next_at <= $1 ORDER BY next_at LIMIT $2`+db.dialect.skipLocked(), ms(tx.now), SweepBatch)
		if err != nil {
			return fmt.Errorf("sweep: %w", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("sweep: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sweep: %w", err)
		}
		for _, id := range ids {
			if err := tx.sweepOne(id); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

// sweepRetry is how long a ticket that could not be settled waits before
// the sweep tries it again.
const sweepRetry = time.Minute

// sweepOne settles one claimed ticket inside a savepoint: a ticket that
// fails (its calendar no longer builds, say) is logged and put back a
// minute, and the others of the batch are settled all the same.
func (tx *Tx) sweepOne(id int64) error {
	if _, err := tx.exec("SAVEPOINT sweep_ticket"); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	if err := tx.resettle(id); err != nil {
		tx.db.log.Error("sla_sweep_ticket_failed", "ticket", id, "error", err)
		if _, err := tx.exec("ROLLBACK TO SAVEPOINT sweep_ticket"); err != nil {
			return fmt.Errorf("sweep: %w", err)
		}
		if _, err := tx.exec(`UPDATE tickets SET next_at = $1 WHERE id = $2`, ms(tx.now.Add(sweepRetry)), id); err != nil {
			return fmt.Errorf("sweep: %w", err)
		}
	}
	if _, err := tx.exec("RELEASE SAVEPOINT sweep_ticket"); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	return nil
}
