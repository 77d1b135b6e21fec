package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/sqmhq/sqm"
)

// CreateStatusPage stores a new status page. Managers and admins.
func (db *DB) CreateStatusPage(ctx context.Context, p sqm.StatusPage) (sqm.StatusPage, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return p, err
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	var out sqm.StatusPage
	err := db.write(ctx, func(tx *Tx) error {
		if err := tx.slugFree(p.Slug); err != nil {
			return err
		}
		id, err := tx.insert(`INSERT INTO status_pages (slug, title, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)`,
			p.Slug, p.Title, p.Description, ms(tx.now))
		if err != nil {
			return fmt.Errorf("create status page: %w", err)
		}
		if err := tx.setPageServices(id, p.ServiceIDs); err != nil {
			return err
		}
		if out, err = getStatusPage(tx.ctx, tx, "id", id); err != nil {
			return err
		}
		return tx.audit("status_page.create", "status_page", id, out)
	})
	return out, slugTaken(err)
}

// UpdateStatusPage replaces a status page's title, description and
// services. Its slug, the page's public address, does not change: an empty
// slug keeps it, another one is refused. Managers and admins.
func (db *DB) UpdateStatusPage(ctx context.Context, id string, p sqm.StatusPage) (sqm.StatusPage, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return p, err
	}
	pid, err := parseID("Status page", id)
	if err != nil {
		return p, err
	}
	var out sqm.StatusPage
	err = db.write(ctx, func(tx *Tx) error {
		old, err := getStatusPage(tx.ctx, tx, "id", pid)
		if err != nil {
			return err
		}
		switch p.Slug {
		case "":
			p.Slug = old.Slug
		case old.Slug:
		default:
			return sqm.FieldError("slug", "The slug of a status page does not change: people have its address. Create a new page for a new address.")
		}
		if err := p.Validate(); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE status_pages SET title = $1, description = $2, updated_at = $3 WHERE id = $4`,
			p.Title, p.Description, ms(tx.now), pid); err != nil {
			return fmt.Errorf("update status page: %w", err)
		}
		if err := tx.setPageServices(pid, p.ServiceIDs); err != nil {
			return err
		}
		if out, err = getStatusPage(tx.ctx, tx, "id", pid); err != nil {
			return err
		}
		return tx.audit("status_page.update", "status_page", pid, out)
	})
	return out, err
}

// DeleteStatusPage removes a status page; its address then shows nothing.
// Managers and admins.
func (db *DB) DeleteStatusPage(ctx context.Context, id string) error {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return err
	}
	pid, err := parseID("Status page", id)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		old, err := getStatusPage(tx.ctx, tx, "id", pid)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM status_page_services WHERE page_id = $1`, pid); err != nil {
			return fmt.Errorf("delete status page: %w", err)
		}
		if _, err := tx.exec(`DELETE FROM status_pages WHERE id = $1`, pid); err != nil {
			return fmt.Errorf("delete status page: %w", err)
		}
		return tx.audit("status_page.delete", "status_page", pid, old)
	})
}

// GetStatusPage returns one status page's settings.
func (db *DB) GetStatusPage(ctx context.Context, id string) (sqm.StatusPage, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return sqm.StatusPage{}, err
	}
	pid, err := parseID("Status page", id)
	if err != nil {
		return sqm.StatusPage{}, err
	}
	return getStatusPage(ctx, db.ro, "id", pid)
}

// ListStatusPages returns a page of status pages' settings.
func (db *DB) ListStatusPages(ctx context.Context, cursor string, limit int) (sqm.Page[sqm.StatusPage], error) {
	page, err := list(ctx, db, cursor, limit, statusPageColumns, scanStatusPage)
	if err != nil || len(page.Items) == 0 {
		return page, err
	}
	w := where{}
	marks := make([]string, len(page.Items))
	for i, p := range page.Items {
		id, _ := parseID("Status page", p.ID)
		marks[i] = w.arg(id)
	}
	rows, err := db.ro.QueryContext(ctx, `SELECT page_id, service_id FROM status_page_services
		WHERE page_id IN (`+strings.Join(marks, ", ")+`) ORDER BY page_id, position`, w.args...)
	if err != nil {
		return page, fmt.Errorf("list status pages: %w", err)
	}
	defer rows.Close()
	services := map[string][]string{}
	for rows.Next() {
		var pid, sid int64
		if err := rows.Scan(&pid, &sid); err != nil {
			return page, fmt.Errorf("list status pages: %w", err)
		}
		services[idString(pid)] = append(services[idString(pid)], idString(sid))
	}
	for i := range page.Items {
		page.Items[i].ServiceIDs = services[page.Items[i].ID]
		if page.Items[i].ServiceIDs == nil {
			page.Items[i].ServiceIDs = []string{}
		}
	}
	return page, rows.Err()
}

const statusPageColumns = `SELECT id, slug, title, description, created_at, updated_at FROM status_pages`

func scanStatusPage(sc scanner) (sqm.StatusPage, int64, error) {
	var (
		p        sqm.StatusPage
		id, c, u int64
	)
	err := sc.Scan(&id, &p.Slug, &p.Title, &p.Description, &c, &u)
	p.ID, p.CreatedAt, p.UpdatedAt = idString(id), fromMS(c), fromMS(u)
	return p, id, err
}

// getStatusPage reads a page with its services, by "id" or by "slug".
func getStatusPage(ctx context.Context, q querier, by string, key any) (sqm.StatusPage, error) {
	p, id, err := scanStatusPage(q.QueryRowContext(ctx, statusPageColumns+` WHERE `+by+` = $1`, key))
	if errors.Is(err, sql.ErrNoRows) {
		if by == "slug" {
			return p, sqm.Errorf(sqm.ENOTFOUND, "No status page has the address %q.", key)
		}
		return p, sqm.Errorf(sqm.ENOTFOUND, "Status page %v not found.", key)
	}
	if err != nil {
		return p, fmt.Errorf("status page: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT service_id FROM status_page_services WHERE page_id = $1 ORDER BY position`, id)
	if err != nil {
		return p, fmt.Errorf("status page: %w", err)
	}
	defer rows.Close()
	p.ServiceIDs = []string{}
	for rows.Next() {
		var sid int64
		if err := rows.Scan(&sid); err != nil {
			return p, fmt.Errorf("status page: %w", err)
		}
		p.ServiceIDs = append(p.ServiceIDs, idString(sid))
	}
	return p, rows.Err()
}

// slugFree refuses a slug another page has.
func (tx *Tx) slugFree(slug string) error {
	var one int
	err := tx.QueryRowContext(tx.ctx, `SELECT 1 FROM status_pages WHERE slug = $1`, slug).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("status page: %w", err)
	}
	return errSlugTaken
}

var errSlugTaken = &sqm.Error{Code: sqm.ECONFLICT, Field: "slug",
	Message: "Another status page has this slug; choose another address."}

// slugTaken names the slug in the conflict of two pages created at once
// with the same one (the unique constraint caught it).
func slugTaken(err error) error {
	var e *sqm.Error
	if errors.As(err, &e) && e.Code == sqm.ECONFLICT && e.Field == "" {
		return errSlugTaken
	}
	return err
}

// setPageServices replaces a page's services, in the order given.
func (tx *Tx) setPageServices(pid int64, ids []string) error {
	if _, err := tx.exec(`DELETE FROM status_page_services WHERE page_id = $1`, pid); err != nil {
		return fmt.Errorf("status page services: %w", err)
	}
	seen := map[int64]bool{}
	for i, s := range ids {
		sid, err := tx.existing("service_ids", "services", "Service", s)
		if err != nil {
			return err
		}
		if seen[sid] {
			return sqm.FieldError("service_ids", "Service %s is listed twice.", s)
		}
		seen[sid] = true
		if _, err := tx.exec(`INSERT INTO status_page_services (page_id, service_id, position) VALUES ($1, $2, $3)`, pid, sid, i); err != nil {
			return fmt.Errorf("status page services: %w", err)
		}
	}
	return nil
}
