package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/sqmhq/sqm"
)

// audit appends one entry to the audit log, in the transaction of the write
// it records.
func (tx *Tx) audit(action, objectType string, objectID any, detail any) error {
	var d []byte
	if detail != nil {
		var err error
		if d, err = json.Marshal(detail); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	actorID, _ := refID("", "", tx.actor.UserID)
	name := tx.actor.Name
	if name == "" {
		name = sqm.SystemActor.Name
	}
	_, err := tx.exec(`INSERT INTO audit_log (at, actor_id, actor_name, action, object_type, object_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		ms(tx.now), actorID, name, action, objectType, fmt.Sprint(objectID), string(d))
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	ObjectType string
	ObjectID   string
	Action     string
	Limit      int
	Cursor     string
}

// ListAudit returns audit entries, newest first. Admins only.
func (db *DB) ListAudit(ctx context.Context, f AuditFilter) (sqm.Page[sqm.AuditEntry], error) {
	var page sqm.Page[sqm.AuditEntry]
	if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
		return page, err
	}
	limit, err := pageLimit(f.Limit)
	if err != nil {
		return page, err
	}
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return page, err
	}
	w := where{}
	if after > 0 {
		w.add("id < ?", after)
	}
	if f.ObjectType != "" {
		w.add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		w.add("object_id = ?", f.ObjectID)
	}
	if f.Action != "" {
		w.add("action = ?", f.Action)
	}
	lim := w.arg(limit + 1)
	rows, err := db.ro.QueryContext(ctx, `SELECT id, at, actor_id, actor_name, action, object_type, object_id, detail
		FROM audit_log`+w.sql()+` ORDER BY id DESC LIMIT `+lim, w.args...)
	if err != nil {
		return page, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var (
			e       sqm.AuditEntry
			id, at  int64
			actorID sql.NullInt64
			detail  string
		)
		if err := rows.Scan(&id, &at, &actorID, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &detail); err != nil {
			return page, fmt.Errorf("list audit: %w", err)
		}
		e.ID, e.At, e.ActorID = idString(id), fromMS(at), nullIDString(actorID)
		if detail != "" {
			e.Detail = json.RawMessage(detail)
		}
		page.Items = append(page.Items, e)
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("list audit: %w", err)
	}
	return paginate(page, ids, limit), nil
}
