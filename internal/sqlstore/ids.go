package sqlstore

import (
	"database/sql"
	"encoding/base64"
	"strconv"
	"time"

	"github.com/sqmhq/sqm"
)

// IDs are integers in the database and opaque strings outside it.

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// parseID reads an ID given by a caller; a malformed one names no object.
func parseID(kind, s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, sqm.Errorf(sqm.ENOTFOUND, "%s %q not found.", kind, s)
	}
	return id, nil
}

// refID reads an optional reference to another object given in a field.
func refID(field, kind, s string) (sql.NullInt64, error) {
	if s == "" {
		return sql.NullInt64{}, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return sql.NullInt64{}, sqm.FieldError(field, "%s %q does not exist.", kind, s)
	}
	return sql.NullInt64{Int64: id, Valid: true}, nil
}

func nullIDString(n sql.NullInt64) string {
	if !n.Valid {
		return ""
	}
	return idString(n.Int64)
}

// Cursors are the last ID of a page, encoded so callers treat them as opaque.

func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c" + idString(id)))
}

func decodeCursor(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil && len(b) > 1 && b[0] == 'c' {
		if id, err := strconv.ParseInt(string(b[1:]), 10, 64); err == nil && id > 0 {
			return id, nil
		}
	}
	return 0, sqm.FieldError("cursor", "The cursor is not one this server gave out.")
}

// Page sizes.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

func pageLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return DefaultLimit, nil
	case limit < 0 || limit > MaxLimit:
		return 0, sqm.FieldError("limit", "The limit must be between 1 and %d.", MaxLimit)
	}
	return limit, nil
}

// Instants are Unix milliseconds in the database.

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullMS(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

func fromNullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}
