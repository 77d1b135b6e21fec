// Package sqlstore persists sqm in SQL and carries its use cases: every
// exported method checks the caller's role, validates its input, opens one
// transaction, writes the audit log and commits last. The same SQL serves
// SQLite (the embedded default) and PostgreSQL; dialect.go holds the
// differences.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // pure-Go SQLite driver "sqlite"

	"github.com/sqmhq/sqm"
)

// DB is sqm's database: a writer pool and a reader pool (the same pool on
// PostgreSQL; one writer connection on SQLite, which has a single writer).
type DB struct {
	rw, ro  *pool
	dialect dialect
	log     *slog.Logger
	cals    *calendarCache
	tokens  tokenCache
	// On SQLite, writes wait in queue and run in groups (group.go).
	queue chan *writeJob
	gate  chan struct{}

	// Now returns the current instant; tests replace it.
	Now func() time.Time
	// Surveys says when satisfaction surveys go out (zero fields take
	// sqm.DefaultSurveyPolicy's; Every < 0 surveys every time).
	Surveys sqm.SurveyPolicy
	// MailRequesters sends requesters their receipts and surveys by e-mail
	// (set when an SMTP server is configured).
	MailRequesters bool
	// Committed, if set, hears of the timeline events of each write once
	// it has committed (metrics count them here).
	Committed func(events []sqm.Event)
}

// DSN returns the data source for a data folder: an SQLite file inside it.
func DSN(dataDir string) string { return "sqlite:" + filepath.Join(dataDir, "sqm.db") }

// Open connects to the database named by dsn: "postgres://..." (or
// "postgresql://...") for PostgreSQL, "sqlite:PATH" or a plain path for
// SQLite. It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	db := &DB{log: log, Now: time.Now, cals: newCalendarCache(), tokens: tokenCache{m: map[[32]byte]*cachedToken{}}}
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db.dialect = postgres{}
		pg, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		pg.SetMaxOpenConns(32)
		pg.SetMaxIdleConns(32)
		pg.SetConnMaxIdleTime(5 * time.Minute)
		db.rw = newPool(pg, false)
		db.ro = db.rw
	default:
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, sqm.Errorf(sqm.EINVALID, "The database path is empty.")
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create data folder: %w", err)
			}
		}
		db.dialect = sqlite{}
		// busy_timeout first: setting the journal mode takes a lock, which a
		// process migrating at the same moment may hold.
		pragmas := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
		// The writer keeps its statement journals (the undo copies of the
		// savepoints around each write) in memory rather than in a
		// temporary file once they pass 64 KiB: a fifth less CPU per
		// submission of the feedback portal.
		rw, err := sql.Open("sqlite", "file:"+path+pragmas+"&_pragma=temp_store(MEMORY)&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		rw.SetMaxOpenConns(1)
		ro, err := sql.Open("sqlite", "file:"+path+pragmas+"&_pragma=query_only(1)")
		if err != nil {
			rw.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		ro.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
		ro.SetMaxIdleConns(max(4, runtime.NumCPU()*2))
		db.rw, db.ro = newPool(rw, true), newPool(ro, true)
		db.queue, db.gate = make(chan *writeJob, 4096), make(chan struct{}, 1)
	}
	// Processes that create a new SQLite file at the same moment can find
	// it locked while the first sets it up, before any busy timeout
	// applies: they wait a little and try again.
	err := db.rw.PingContext(ctx)
	for i := 0; err != nil && i < 50 && strings.Contains(err.Error(), "SQLITE_BUSY"); i++ {
		time.Sleep(100 * time.Millisecond)
		err = db.rw.PingContext(ctx)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// Dialect names the database: "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect.name() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.ro.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Close closes both pools.
func (db *DB) Close() error {
	var errs []error
	if db.ro != nil && db.ro != db.rw {
		errs = append(errs, db.ro.Close())
	}
	if db.rw != nil {
		errs = append(errs, db.rw.Close())
	}
	return errors.Join(errs...)
}

// Tx is a write transaction with the instant and the actor it acts for.
type Tx struct {
	*sql.Tx
	db    *DB
	ctx   context.Context
	now   time.Time
	actor sqm.Actor
	// missed are the statements run unprepared, to prepare afterwards.
	missed []string
	// written are the timeline events this write appended.
	written []sqm.Event
}

// committed runs what waits for the write's commit.
func (tx *Tx) committed() {
	tx.prepareMissed()
	if tx.db.Committed != nil && len(tx.written) > 0 {
		tx.db.Committed(tx.written)
	}
}

// write runs fn in a write transaction: fn's writes are committed if it
// returns nil and undone otherwise, so a failed use case writes nothing.
func (db *DB) write(ctx context.Context, fn func(tx *Tx) error) error {
	if db.queue != nil {
		return db.writeGrouped(ctx, fn)
	}
	sqlTx, err := db.rw.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // a no-op after Commit
	tx := db.newTx(ctx, sqlTx)
	if err := fn(tx); err != nil {
		return db.dialect.mapError(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return db.dialect.mapError(fmt.Errorf("commit: %w", err))
	}
	tx.committed()
	return nil
}

func (db *DB) newTx(ctx context.Context, sqlTx *sql.Tx) *Tx {
	return &Tx{Tx: sqlTx, db: db, ctx: ctx, now: db.Now().UTC().Truncate(time.Millisecond), actor: sqm.ActorFrom(ctx)}
}

// exec runs a statement in the transaction.
func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	return tx.ExecContext(tx.ctx, query, args...)
}

// insert runs an INSERT ... RETURNING id and returns the new id.
func (tx *Tx) insert(query string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRowContext(tx.ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}
