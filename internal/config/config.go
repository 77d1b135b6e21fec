// Package config reads sqm's settings from flags and the environment,
// validated once: a flag wins over its variable, the variable over the default.
package config

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"

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
