// Package config reads sqm's settings from flags and the environment,
// validated once: a flag wins over its variable, the variable over the default.
package config

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sqmhq/sqm/internal/sqlstore"
)

// Database holds where the data lives.
type Database struct {
	Data string // a data folder for the embedded SQLite database
	DSN  string // a database URL, which wins over Data
}

// Register adds --data and --db to fs.
func (d *Database) Register(fs *flag.FlagSet) {
	fs.StringVar(&d.Data, "data", env("SQM_DATA", "data"), "data folder of the embedded SQLite database (SQM_DATA)")
	fs.StringVar(&d.DSN, "db", env("SQM_DB", ""), "database URL, postgres://user@host/db or sqlite:PATH; wins over --data (SQM_DB)")
}

// Source returns the data source name to open.
func (d *Database) Source() (string, error) {
	if d.DSN != "" {
		if !strings.HasPrefix(d.DSN, "postgres://") && !strings.HasPrefix(d.DSN, "postgresql://") && !strings.HasPrefix(d.DSN, "sqlite:") {
			return "", fmt.Errorf("--db must start with postgres://, postgresql:// or sqlite:, got %q", redact(d.DSN))
		}
		return d.DSN, nil
	}
	if d.Data == "" {
		return "", fmt.Errorf("--data must name a folder")
	}
	return sqlstore.DSN(d.Data), nil
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// Env returns the variable's value or def.
func Env(name, def string) string { return env(name, def) }

// redact hides a password in a database URL before it is shown.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		if i := strings.Index(dsn, "@"); i >= 0 {
			return "…" + dsn[i:]
		}
		return dsn
	}
	return u.Redacted()
}

// DaysVar adds a flag holding a duration written in days or in Go's units
// ("7d", "36h", "1d12h"), defaulting to *p or to the variable env when it
// is set. It fails when the variable is not a duration.
func DaysVar(fs *flag.FlagSet, p *time.Duration, name, envName, usage string) error {
	d := (*days)(p)
	if v, ok := os.LookupEnv(envName); ok {
		if err := d.Set(v); err != nil {
			return fmt.Errorf("%s: %w", envName, err)
		}
	}
	fs.Var(d, name, usage)
	return nil
}

type days time.Duration

func (d *days) String() string {
	if d == nil {
		return ""
	}
	t := time.Duration(*d)
	if t > 0 && t%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(t/(24*time.Hour)), 10) + "d"
	}
	return t.String()
}

func (d *days) Set(s string) error {
	var n time.Duration
	rest := s
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		k, err := strconv.ParseUint(s[:i], 10, 16)
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 7d or 36h", s)
		}
		n, rest = time.Duration(k)*24*time.Hour, s[i+1:]
	}
	if rest != "" {
		t, err := time.ParseDuration(rest)
		if err != nil || t < 0 {
			return fmt.Errorf("%q is not a duration such as 7d or 36h", s)
		}
		n += t
	}
	if n <= 0 {
		return fmt.Errorf("%q is not a positive duration", s)
	}
	*d = days(n)
	return nil
}
