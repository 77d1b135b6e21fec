package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrations embed.FS

// migrationLock is the PostgreSQL advisory lock that lets one replica
// migrate while the others wait.
// afterMigration fills, in a migration's transaction, what SQL files cannot
// say once for both dialects.
var afterMigration = map[int]func(context.Context, *sql.Tx) error{
	4: func(ctx context.Context, tx *sql.Tx) error { return rebuildRollup(ctx, tx) },
}

const migrationLock = 0x73716d // "sqm"

// Migrate applies the embedded migrations of the dialect that are not yet
// applied, each in its own transaction, in the order of their numbers.
// Migrations are append-only: a released file is never edited.
func (db *DB) Migrate(ctx context.Context) error {
	conn, err := db.rw.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if db.dialect.name() == "postgres" {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock) //nolint:errcheck
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    BIGINT PRIMARY KEY,
		name       TEXT   NOT NULL,
		applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	dir := "migrations/" + db.dialect.name()
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		version, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migrate: bad file name %s", e.Name())
		}
		applied, err := migrateOne(ctx, conn, version, dir+"/"+e.Name())
		if err != nil {
			return fmt.Errorf("migrate %s: %w", e.Name(), err)
		}
		if !applied {
			continue
		}
		db.log.Info("migration_applied", "version", version, "name", e.Name())
	}
	return nil
}

// migrateOne applies one migration unless it is applied already; the check
// is inside the migration's transaction, which on SQLite takes the write
// lock at once, so two processes starting together apply it once.
func migrateOne(ctx context.Context, conn *sql.Conn, version int, path string) (bool, error) {
	body, err := migrations.ReadFile(path)
	if err != nil {
		return false, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = $1", version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return false, err
	}
	if fill := afterMigration[version]; fill != nil {
		if err := fill(ctx, tx); err != nil {
			return false, err
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
		version, path, time.Now().UnixMilli()); err != nil {
		return false, err
	}
	return true, tx.Commit()
}
