package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/sqmhq/sqm"
)

// Imported pairs an imported ticket's reference with its new ID.
type Imported struct {
	Ref string `json:"ref"`
	ID  string `json:"id"`
}

// ImportTickets brings in historical tickets with their timelines, all or
// nothing, in one transaction; each is audited. Admins only. SLA events
// that fell due in the past are written at their instants.
func (db *DB) ImportTickets(ctx context.Context, tickets []sqm.ImportTicket) ([]Imported, error) {
	if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
		return nil, err
	}
	if len(tickets) == 0 {
		return nil, sqm.FieldError("tickets", "Give at least one ticket to import.")
	}
	if len(tickets) > sqm.MaxImportTickets {
		return nil, sqm.FieldError("tickets", "Import at most %d tickets per request.", sqm.MaxImportTickets)
	}
	now := db.Now()
	refs := map[string]bool{}
	sids := make([]int64, len(tickets))
	for i := range tickets {
		prefix := fmt.Sprintf("tickets[%d]", i)
		if err := tickets[i].Validate(prefix, now); err != nil {
			return nil, err
		}
		if refs[tickets[i].Ref] {
			return nil, sqm.FieldError(prefix+".ref", "Reference %q appears twice in this import.", tickets[i].Ref)
		}
		refs[tickets[i].Ref] = true
		sid, err := refID(prefix+".service_id", "Service", tickets[i].ServiceID)
		if err != nil {
			return nil, err
		}
		sids[i] = sid.Int64
	}
	out := make([]Imported, len(tickets))
	err := db.write(ctx, func(tx *Tx) error {
		for i, it := range tickets {
			prefix := fmt.Sprintf("tickets[%d]", i)
			if _, err := tx.existing(prefix+".service_id", "services", "Service", it.ServiceID); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tickets WHERE ref = $1`, it.Ref).Scan(&n); err != nil {
				return fmt.Errorf("import: %w", err)
			}
			if n > 0 {
				return &sqm.Error{Code: sqm.ECONFLICT, Field: prefix + ".ref", Message: fmt.Sprintf("A ticket with reference %q already exists.", it.Ref)}
			}
			t := &ticketRec{Ticket: sqm.Ticket{
				Ref: it.Ref, ServiceID: it.ServiceID, Type: it.Type, Priority: it.Priority, Status: sqm.StatusNew,
				Title: it.Title, Description: it.Description, OpenedAt: it.OpenedAt.UTC().Truncate(time.Millisecond),
				OpenedBy: tx.actor.UserID, Imported: true,
			}, serviceID: sids[i]}
			if err := tx.openTicket(t, it.Events); err != nil {
				if e, ok := err.(*sqm.Error); ok && e.Field != "" {
					return &sqm.Error{Code: e.Code, Field: prefix + "." + e.Field, Message: e.Message}
				}
				return err
			}
			out[i] = Imported{Ref: it.Ref, ID: t.ID}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
