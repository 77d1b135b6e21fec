package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sqmhq/sqm"
)

// where builds a WHERE clause; "?" in a condition becomes the next $N.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

// arg adds an argument without a condition and returns its placeholder.
func (w *where) arg(a any) string {
	w.args = append(w.args, a)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// paginate trims a page read with limit+1 rows and sets its cursor.
func paginate[T any](page sqm.Page[T], ids []int64, limit int) sqm.Page[T] {
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.NextCursor = encodeCursor(ids[limit-1])
	}
	if page.Items == nil {
		page.Items = []T{}
	}
	return page
}

// querier is what both a pool and a transaction offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// scanner is a row or rows.
type scanner interface{ Scan(dest ...any) error }

// list reads a page of a collection ordered by ID; query selects from one
// table aliased or not, without WHERE.
func list[T any](ctx context.Context, db *DB, cursor string, limit int, query string,
	scan func(scanner) (T, int64, error)) (sqm.Page[T], error) {
	return listWhere(ctx, db, cursor, limit, query, "id", where{}, false, scan)
}

// listWhere reads a page of a collection filtered by w, ordered by the ID
// column idCol, oldest first or (newest) newest first; the cursor is the
// last ID of the page before.
func listWhere[T any](ctx context.Context, db *DB, cursor string, limit int, query, idCol string, w where, newest bool,
	scan func(scanner) (T, int64, error)) (sqm.Page[T], error) {
	var page sqm.Page[T]
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return page, err
	}
	limit, err := pageLimit(limit)
	if err != nil {
		return page, err
	}
	from, err := decodeCursor(cursor)
	if err != nil {
		return page, err
	}
	w = where{conds: slices.Clone(w.conds), args: slices.Clone(w.args)}
	order := " ORDER BY " + idCol
	switch {
	case newest && from > 0:
		w.add(idCol+" < ?", from)
		order += " DESC"
	case newest:
		order += " DESC"
	default:
		w.add(idCol+" > ?", from)
	}
	rows, err := db.ro.QueryContext(ctx, query+w.sql()+order+" LIMIT "+strconv.Itoa(limit+1), w.args...)
	if err != nil {
		return page, fmt.Errorf("list: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		v, id, err := scan(rows)
		if err != nil {
			return page, fmt.Errorf("list: %w", err)
		}
		page.Items = append(page.Items, v)
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("list: %w", err)
	}
	return paginate(page, ids, limit), nil
}
