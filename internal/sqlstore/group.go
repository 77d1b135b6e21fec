package sqlstore

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/sqmhq/sqm"
)

// SQLite has one writer, and a commit costs more than the writes of a
// typical use case. So concurrent writes wait in a queue, and whichever
// writer holds the gate runs the waiting ones in groups: one transaction
// per group, each write inside its own savepoint, so a write that fails is
// undone alone and the others commit together. A write returns only once
// the transaction that holds it has committed.

// maxGroup bounds the writes that share one transaction.
const maxGroup = 64

type writeJob struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan error // buffered: the result, once committed or refused
	// state moves once from queued to claimed (a group took it: the caller
	// waits for the result) or to abandoned (its caller gave up first).
	state atomic.Int32
}

const (
	jobQueued int32 = iota
	jobClaimed
	jobAbandoned
)

func (db *DB) writeGrouped(ctx context.Context, fn func(*Tx) error) error {
	job := &writeJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case db.queue <- job:
	case <-ctx.Done():
		return ctx.Err()
	}
	for {
		select {
		case err := <-job.done:
			return err
		case <-ctx.Done():
			if job.state.CompareAndSwap(jobQueued, jobAbandoned) {
				return ctx.Err() // no group will run it
			}
			return <-job.done // a group runs it: report what happened
		case db.gate <- struct{}{}:
			func() {
				defer func() { <-db.gate }()
				db.runGroups(job)
			}()
		}
	}
}

// runGroups runs groups of queued writes until mine has run or the queue
// is empty (another writer's group ran it).
func (db *DB) runGroups(mine *writeJob) {
	for len(mine.done) == 0 {
		group := make([]*writeJob, 0, maxGroup)
	take:
		for len(group) < maxGroup {
			select {
			case j := <-db.queue:
				if j.state.CompareAndSwap(jobQueued, jobClaimed) {
					group = append(group, j)
				}
			default:
				break take
			}
		}
		if len(group) == 0 {
			return
		}
		db.runGroup(group)
	}
}

func (db *DB) runGroup(group []*writeJob) {
	results := make([]error, len(group))
	sent := false
	finish := func(err error) {
		for i, j := range group {
			if results[i] == nil {
				results[i] = err
			}
			j.done <- results[i]
		}
		sent = true
	}
	defer func() {
		if p := recover(); p != nil && !sent {
			db.log.Error("write_panicked", "panic", p)
			clear(results) // nothing of the group was committed
			finish(sqm.Errorf(sqm.EINTERNAL, "Internal error."))
		}
	}()
	sqlTx, err := db.rw.DB.BeginTx(context.Background(), nil)
	if err != nil {
		finish(fmt.Errorf("begin: %w", err))
		return
	}
	defer sqlTx.Rollback() //nolint:errcheck // a no-op after Commit
	savepoints := len(group) > 1
	var txs []*Tx
	for i, j := range group {
		if savepoints {
			if _, err := sqlTx.Exec("SAVEPOINT w"); err != nil {
				finish(fmt.Errorf("savepoint: %w", err))
				return
			}
		}
		// Once claimed, a write runs to the end: its caller waits for it,
		// and a cancelled statement would abort the whole group.
		tx := db.newTx(context.WithoutCancel(j.ctx), sqlTx)
		err := j.fn(tx)
		switch {
		case err != nil && !savepoints:
			finish(db.dialect.mapError(err)) // the only write: roll back
			return
		case err != nil:
			results[i] = db.dialect.mapError(err)
			if _, err := sqlTx.Exec("ROLLBACK TO w"); err != nil {
				finish(fmt.Errorf("rollback to savepoint: %w", err))
				return
			}
			tx.written = nil // undone
		}
		if savepoints {
			if _, err := sqlTx.Exec("RELEASE w"); err != nil {
				finish(fmt.Errorf("release savepoint: %w", err))
				return
			}
		}
		txs = append(txs, tx)
	}
	if err := sqlTx.Commit(); err != nil {
		finish(db.dialect.mapError(fmt.Errorf("commit: %w", err)))
		return
	}
	for _, tx := range txs {
		tx.committed()
	}
	for i, j := range group {
		j.done <- results[i]
	}
	sent = true
}
