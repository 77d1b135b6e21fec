// Package benchkit holds what the benchmark commands share: a fresh
// database of either dialect, an sqm started in-process on 127.0.0.1:0 with
// an admin token, percentiles and the machine's load.
package benchkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	_ "modernc.org/sqlite"             // the "sqlite" driver

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/app"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// DefaultPG is the PostgreSQL server used when -pg is not given.
func DefaultPG() string {
	if v := os.Getenv("SQM_TEST_POSTGRES"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/test"
}

// Database is a database made for one benchmark run.
type Database struct {
	Dialect string // "sqlite" or "postgres"
	DSN     string // for sqlstore.Open and app.Config
	Where   string // the temporary folder or the PostgreSQL database name
	pgBase  string
	name    string
}

// NewDatabase makes an empty database: SQLite in a new temporary folder,
// or a new PostgreSQL database named prefix_<random> on the server pgBase.
func NewDatabase(ctx context.Context, dialect, pgBase, prefix string) (*Database, error) {
	switch dialect {
	case "sqlite":
		dir, err := os.MkdirTemp("", prefix+"-")
		if err != nil {
			return nil, err
		}
		return &Database{Dialect: dialect, DSN: sqlstore.DSN(dir), Where: dir}, nil
	case "postgres":
		b := make([]byte, 4)
		rand.Read(b)
		name := prefix + "_" + hex.EncodeToString(b)
		admin, err := sql.Open("pgx", pgBase)
		if err != nil {
			return nil, err
		}
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			return nil, fmt.Errorf("create database %s on %s: %w", name, pgBase, err)
		}
		u, err := url.Parse(pgBase)
		if err != nil {
			return nil, err
		}
		u.Path = "/" + name
		return &Database{Dialect: dialect, DSN: u.String(), Where: "database " + name, pgBase: pgBase, name: name}, nil
	}
	return nil, fmt.Errorf("-db must be sqlite or postgres, not %q", dialect)
}

// Remove deletes the database.
func (d *Database) Remove() error {
	if d.Dialect == "sqlite" {
		return os.RemoveAll(d.Where)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := sql.Open("pgx", d.pgBase)
	if err != nil {
		return err
	}
	defer admin.Close()
	_, err = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+d.name+" WITH (FORCE)")
	return err
}

// Raw opens the database with database/sql directly.
func (d *Database) Raw(pragmas string) (*sql.DB, error) {
	if d.Dialect == "postgres" {
		return sql.Open("pgx", d.DSN)
	}
	return sql.Open("sqlite", "file:"+strings.TrimPrefix(d.DSN, "sqlite:")+pragmas)
}

// Size is the database's size on disk.
func (d *Database) Size(ctx context.Context) string {
	if d.Dialect == "sqlite" {
		var n int64
		filepath.Walk(d.Where, func(_ string, fi os.FileInfo, err error) error { //nolint:errcheck
			if err == nil && !fi.IsDir() {
				n += fi.Size()
			}
			return nil
		})
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
	db, err := d.Raw("")
	if err != nil {
		return "?"
	}
	defer db.Close()
	var s string
	if err := db.QueryRowContext(ctx, "SELECT pg_size_pretty(pg_database_size(current_database()))").Scan(&s); err != nil {
		return "?"
	}
	return s
}

// Start runs sqm on 127.0.0.1:0 over the database and returns it with the
// secret of a new admin token; tune, when given, adjusts its configuration.
func Start(ctx context.Context, dsn string, tune ...func(*app.Config)) (*app.App, string, error) {
	cfg := app.Config{Addr: "127.0.0.1:0", DSN: dsn}
	for _, f := range tune {
		f(&cfg)
	}
	a, err := app.New(ctx, cfg)
	if err != nil {
		return nil, "", err
	}
	if err := a.Start(ctx); err != nil {
		a.Stop(ctx) //nolint:errcheck
		return nil, "", err
	}
	tok, err := a.DB.CreateToken(sqm.WithActor(ctx, sqm.SystemActor), sqlstore.AdminName, "bench")
	if err != nil {
		a.Stop(ctx) //nolint:errcheck
		return nil, "", err
	}
	return a, tok.Secret, nil
}

// Quantile is the nearest-rank q-quantile of sorted values.
func Quantile[T any](sorted []T, q float64) T {
	var zero T
	if len(sorted) == 0 {
		return zero
	}
	i := int(float64(len(sorted))*q+0.999999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// SortDurations sorts in place and returns d.
func SortDurations(d []time.Duration) []time.Duration { slices.Sort(d); return d }

// Ms formats a duration in milliseconds.
func Ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// Load is the machine's load average and CPU count, as uptime shows them.
func Load() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load average unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "load average unknown"
	}
	return fmt.Sprintf("load average %s, %s, %s on %d CPUs (GOMAXPROCS %d)", f[0], f[1], f[2], runtime.NumCPU(), runtime.GOMAXPROCS(0))
}

// Profile starts a CPU profile into path ("" for none) and returns its stop.
func Profile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// Verdict is PASS or FAIL.
func Verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// CPU is a reading of the CPU time used by this process and by the whole
// machine, to tell how much of the machine a measurement had.
type CPU struct {
	at          time.Time
	self        time.Duration // user + system time of this process
	busy, total uint64        // machine-wide jiffies from /proc/stat
	haveMachine bool
}

// ReadCPU takes a reading.
func ReadCPU() CPU {
	c := CPU{at: time.Now()}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		c.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		f := strings.Fields(line)
		if len(f) > 5 && f[0] == "cpu" {
			for i, s := range f[1:] {
				var v uint64
				fmt.Sscan(s, &v)
				c.total += v
				if i != 3 && i != 4 { // idle, iowait
					c.busy += v
				}
			}
			c.haveMachine = true
		}
	}
	return c
}

// Since describes the CPU used between an earlier reading and this one:
// the cores this process kept busy, and how busy the whole machine was
// (this process, the database server and anything else running).
func (c CPU) Since(before CPU) string {
	wall := c.at.Sub(before.at).Seconds()
	s := fmt.Sprintf("this process used %.2f cores", (c.self-before.self).Seconds()/wall)
	if c.haveMachine && before.haveMachine && c.total > before.total {
		s += fmt.Sprintf("; the machine was %.0f%% busy (%.2f of %d cores)",
			100*float64(c.busy-before.busy)/float64(c.total-before.total),
			float64(runtime.NumCPU())*float64(c.busy-before.busy)/float64(c.total-before.total), runtime.NumCPU())
	}
	return s
}

// SelfCPU is the CPU time this process used between two readings.
func (c CPU) SelfCPU(before CPU) time.Duration { return c.self - before.self }

// Background measures how busy the machine is for d before a run starts,
// which is other work than the benchmark's.
func Background(d time.Duration) string {
	before := ReadCPU()
	time.Sleep(d)
	after := ReadCPU()
	if !after.haveMachine || after.total <= before.total {
		return "unknown"
	}
	busy := float64(after.busy-before.busy) / float64(after.total-before.total)
	return fmt.Sprintf("%.0f%% busy (%.2f of %d cores) over %s before the run", 100*busy, busy*float64(runtime.NumCPU()), runtime.NumCPU(), d)
}

// PrintPlan prints the plan of a query, one line per row: EXPLAIN QUERY
// PLAN on SQLite, EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL.
func PrintPlan(ctx context.Context, db *sql.DB, dialect, query string, args ...any) error {
	prefix := "EXPLAIN QUERY PLAN "
	if dialect == "postgres" {
		prefix = "EXPLAIN (ANALYZE, BUFFERS) "
	}
	rows, err := db.QueryContext(ctx, prefix+query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		fmt.Printf("  %v\n", vals[len(vals)-1])
	}
	return rows.Err()
}
