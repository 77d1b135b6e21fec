package sqlstore

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sqmhq/sqm"
)

// dialect holds what differs between SQLite and PostgreSQL. The SQL itself
// is shared: $N placeholders, RETURNING, ON CONFLICT and partial indexes
// work in both.
type dialect interface {
	name() string
	// forUpdate locks the selected rows until the transaction ends; SQLite
	// has one writer, so it needs no row locks.
	forUpdate() string
	// skipLocked claims rows that no other replica holds.
	skipLocked() string
	// exclusive is a statement that makes the transaction wait for any
	// other that runs it (replicas bootstrapping at once), or "".
	exclusive() string
	// shareRules is a FROM-clause fragment that takes the rules lock in
	// shared mode for the transaction; lockRules a statement that takes it
	// exclusively. SQLite's single writer needs neither.
	shareRules() string
	lockRules() string
	// mapError turns constraint violations into application errors.
	mapError(err error) error
}

type sqlite struct{}

func (sqlite) name() string       { return "sqlite" }
func (sqlite) forUpdate() string  { return "" }
func (sqlite) skipLocked() string { return "" }
func (sqlite) exclusive() string  { return "" }
func (sqlite) shareRules() string { return "" }
func (sqlite) lockRules() string  { return "" }
func (sqlite) mapError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"):
		return conflict(msg, err)
	case strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return &sqm.Error{Code: sqm.EINVALID, Message: "A referenced object does not exist."}
	}
	return err
}

type postgres struct{}

func (postgres) name() string       { return "postgres" }
func (postgres) forUpdate() string  { return " FOR UPDATE OF tickets" }
func (postgres) skipLocked() string { return " FOR UPDATE OF tickets SKIP LOCKED" }
func (postgres) exclusive() string  { return "SELECT pg_advisory_xact_lock(7564653)" }
func (postgres) shareRules() string {
	return " CROSS JOIN (SELECT pg_advisory_xact_lock_shared(7564654)) AS rules_lock"
}
func (postgres) lockRules() string { return "SELECT pg_advisory_xact_lock(7564654)" }
func (postgres) mapError(err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return conflict(pg.ConstraintName, err)
		case "23503":
			return &sqm.Error{Code: sqm.EINVALID, Message: "A referenced object does not exist."}
		}
	}
	return err
}

// conflict names the duplicated field where the constraint tells it.
func conflict(msg string, err error) error {
	var e *sqm.Error
	if errors.As(err, &e) {
		return err
	}
	// SQLite names the columns ("tickets.ref"), PostgreSQL the constraint
	// ("tickets_ref", "users_name_key"); neither message holds user values.
	switch {
	case strings.Contains(msg, "tickets.ref"), strings.Contains(msg, "tickets_ref"):
		return &sqm.Error{Code: sqm.ECONFLICT, Field: "ref", Message: "A ticket with this reference already exists; give another ref."}
	case strings.Contains(msg, ".name"), strings.Contains(msg, "_name_key"):
		return &sqm.Error{Code: sqm.ECONFLICT, Field: "name", Message: "The name is already taken; choose another."}
	}
	return &sqm.Error{Code: sqm.ECONFLICT, Message: "The object already exists."}
}
