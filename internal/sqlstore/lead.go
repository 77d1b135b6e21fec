package sqlstore

import (
	"context"
	"time"
)

// Leadership keys: one job of a kind runs in one replica at a time.
const (
	LeadProbes int64 = 7564655
)

// leadRetry is how often a replica that does not lead tries again, and how
// often a leader checks that it still does.
var leadRetry = 5 * time.Second

// Lead runs fn while this process leads the job named by key, and returns
// when ctx ends. On PostgreSQL leading is holding a session advisory lock on
// a connection of its own: when that connection is lost, fn's context is
// cancelled and another replica takes over within leadRetry. SQLite has one
// process, which always leads.
func (db *DB) Lead(ctx context.Context, key int64, fn func(context.Context)) {
	if db.dialect.name() != "postgres" {
		fn(ctx)
		return
	}
	for ctx.Err() == nil {
		if !db.leadOnce(ctx, key, fn) {
			select {
			case <-ctx.Done():
			case <-time.After(leadRetry):
			}
		}
	}
}

// leadOnce takes the lock if it is free and runs fn while it holds it.
func (db *DB) leadOnce(ctx context.Context, key int64, fn func(context.Context)) bool {
	conn, err := db.rw.Conn(ctx)
	if err != nil {
		return false
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil || !got {
		return false
	}
	db.log.Info("leading", "job", key)
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		t := time.NewTicker(leadRetry)
		defer t.Stop()
		for {
			select {
			case <-lctx.Done():
				return
			case <-t.C:
				if err := conn.PingContext(lctx); err != nil && lctx.Err() == nil {
					db.log.Error("leadership_lost", "job", key, "error", err)
					cancel()
					return
				}
			}
		}
	}()
	fn(lctx)
	conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key) //nolint:errcheck // closing the session releases it too
	return true
}
