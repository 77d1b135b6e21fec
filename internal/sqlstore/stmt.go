package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// SQLite compiles every statement it runs; a use case runs the same few
// statements again and again, so on SQLite the store keeps them prepared.
// (pgx keeps its own cache of prepared statements on PostgreSQL.)

// maxPrepared bounds the cache; queries built from filters vary a little.
const maxPrepared = 256

// pool is a connection pool whose statements are prepared once.
type pool struct {
	*sql.DB
	// trace, when set (by tests), hears every query read through the pool.
	trace func(query string, args []any)
	cache bool
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func newPool(db *sql.DB, cache bool) *pool {
	return &pool{DB: db, cache: cache, stmts: map[string]*sql.Stmt{}}
}

// stmt returns the prepared statement for query, or nil when the pool
// does not cache or the cache is full.
func (p *pool) stmt(ctx context.Context, query string) *sql.Stmt {
	if !p.cache {
		return nil
	}
	p.mu.Lock()
	s, ok := p.stmts[query]
	full := len(p.stmts) >= maxPrepared
	p.mu.Unlock()
	if ok || full {
		return s
	}
	// Prepare without the lock: it waits for a connection, which a
	// transaction may hold while it looks up its own statements.
	s, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil // the plain call reports the error
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.stmts[query]; ok || p.stmts == nil { // raced, or closed
		s.Close()
		return old
	}
	p.stmts[query] = s
	return s
}

func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := p.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return p.DB.ExecContext(ctx, query, args...)
}

func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if p.trace != nil {
		p.trace(query, args)
	}
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if p.trace != nil {
		p.trace(query, args)
	}
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// Close closes the prepared statements and the pool.
func (p *pool) Close() error {
	p.mu.Lock()
	for _, s := range p.stmts {
		s.Close()
	}
	p.stmts = nil
	p.mu.Unlock()
	return p.DB.Close()
}

// cached returns the prepared statement for query if there is one. A
// transaction holds SQLite's only writer connection, so it cannot prepare
// on the pool; it notes the query, and the pool prepares it once the
// transaction has ended.
func (tx *Tx) cached(query string) *sql.Stmt {
	p := tx.db.rw
	if !p.cache {
		return nil
	}
	p.mu.Lock()
	s, ok := p.stmts[query]
	p.mu.Unlock()
	if !ok {
		tx.missed = append(tx.missed, query)
		return nil
	}
	return tx.Tx.StmtContext(tx.ctx, s)
}

// prepareMissed prepares the statements a transaction ran unprepared.
func (tx *Tx) prepareMissed() {
	for _, q := range tx.missed {
		tx.db.rw.stmt(tx.ctx, q)
	}
	tx.missed = nil
}

// The statements of a transaction come from its pool's cache too, and run
// under the transaction's context whatever context a caller passes: a write
// that has started runs to its end (see group.go).

func (tx *Tx) ExecContext(_ context.Context, query string, args ...any) (sql.Result, error) {
	if s := tx.cached(query); s != nil {
		return s.ExecContext(tx.ctx, args...)
	}
	return tx.Tx.ExecContext(tx.ctx, query, args...)
}

func (tx *Tx) QueryContext(_ context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := tx.cached(query); s != nil {
		return s.QueryContext(tx.ctx, args...)
	}
	return tx.Tx.QueryContext(tx.ctx, query, args...)
}

func (tx *Tx) QueryRowContext(_ context.Context, query string, args ...any) *sql.Row {
	if s := tx.cached(query); s != nil {
		return s.QueryRowContext(tx.ctx, args...)
	}
	return tx.Tx.QueryRowContext(tx.ctx, query, args...)
}
