package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/uptime"
)

// Bounds of what a status page lists.
const (
	maxPublicIncidents   = 50
	maxPublicMaintenance = 50
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

// PublicStatus is what the status page with the slug shows at instant now:
// each service's state (down when one of its running monitors is down, up
// when none is and one is up, unknown otherwise), its availability from the
// start of the first of sqm.StatusDays UTC days to now, and its
// availability on each of those days (nil for a day nothing was
// monitored); the open incidents of its services, by title and status
// only; and the maintenance planned on them that has not ended. Anyone may
// read it: no role is needed.
func (db *DB) PublicStatus(ctx context.Context, slug string, now time.Time) (sqm.StatusView, error) {
	var v sqm.StatusView
	if sqm.CheckSlug(slug) != nil {
		return v, sqm.Errorf(sqm.ENOTFOUND, "No status page has the address %q.", slug)
	}
	if now.IsZero() {
		now = db.Now()
	}
	now = now.UTC().Truncate(time.Millisecond)
	page, err := getStatusPage(ctx, db.ro, "slug", slug)
	if err != nil {
		return v, err
	}
	pid, _ := parseID("Status page", page.ID)
	today := now.Truncate(24 * time.Hour)
	from := today.AddDate(0, 0, 1-sqm.StatusDays)
	v = sqm.StatusView{Page: page, Updated: now, Services: []sqm.ServiceStatus{}, Incidents: []sqm.PublicIncident{},
		Maintenance: []sqm.MaintenanceView{}}

	// The services, in the page's order.
	rows, err := db.ro.QueryContext(ctx, `SELECT s.id, s.name FROM status_page_services ps JOIN services s ON s.id = ps.service_id
		WHERE ps.page_id = $1 ORDER BY ps.position`, pid)
	if err != nil {
		return v, fmt.Errorf("public status: %w", err)
	}
	var sids []int64
	for rows.Next() {
		var (
			sid  int64
			name string
		)
		if err := rows.Scan(&sid, &name); err != nil {
			rows.Close()
			return v, fmt.Errorf("public status: %w", err)
		}
		sids = append(sids, sid)
		v.Services = append(v.Services, sqm.ServiceStatus{ID: idString(sid), Name: name, State: sqm.ServiceUnknown})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return v, fmt.Errorf("public status: %w", err)
	}

	monitors, err := db.pageMonitors(ctx, pid, now)
	if err != nil {
		return v, err
	}
	outages, err := db.pageOutages(ctx, pid, from, now)
	if err != nil {
		return v, err
	}
	windows, err := db.pageMaintenance(ctx, pid, from)
	if err != nil {
		return v, err
	}
	planned := map[int64][]uptime.Interval{} // by service; 0: every service
	for _, w := range windows {
		sid, _ := refID("", "", w.ServiceID)
		planned[sid.Int64] = append(planned[sid.Int64], uptime.Interval{Start: w.StartsAt, End: w.EndsAt})
		if w.EndsAt.After(now) && len(v.Maintenance) < maxPublicMaintenance {
			v.Maintenance = append(v.Maintenance, w)
		}
	}

	for i, sid := range sids {
		s := &v.Services[i]
		var mine []pageMonitor
		up := false
		for _, m := range monitors {
			if m.service != sid {
				continue
			}
			mine = append(mine, m)
			if !m.paused && m.state == uptime.Down {
				s.State = sqm.ServiceDown
			}
			up = up || !m.paused && m.state == uptime.Up
		}
		if up && s.State != sqm.ServiceDown {
			s.State = sqm.ServiceUp
		}
		w := where{}
		w.add("service_id = ?", sid)
		a, err := db.availability(ctx, w, from, now)
		if err != nil {
			return v, err
		}
		s.Availability = a.Availability
		windows := append(append([]uptime.Interval(nil), planned[sid]...), planned[0]...)
		s.Days = make([]sqm.DayBar, 0, sqm.StatusDays)
		for d := range sqm.StatusDays {
			lo := from.AddDate(0, 0, d)
			hi := lo.AddDate(0, 0, 1)
			figures := make([]uptime.Figures, 0, len(mine))
			for _, m := range mine {
				if m.first.IsZero() {
					continue
				}
				figures = append(figures, uptime.Measure(lo, hi, m.first, m.end, outages[m.id], windows))
			}
			s.Days = append(s.Days, sqm.DayBar{Date: lo.Format(time.DateOnly), Availability: uptime.Combine(figures...).Availability})
		}
	}

	v.Incidents, err = db.pageIncidents(ctx, pid)
	return v, err
}

// pageMonitor is what a status page needs of a monitor.
type pageMonitor struct {
	id, service int64
	state       uptime.State
	paused      bool
	first, end  time.Time // zero first: never checked
}

// pageMonitors reads the monitors of a page's services; a monitor's
// monitoring ends now, or with its last check when it is paused.
func (db *DB) pageMonitors(ctx context.Context, pid int64, now time.Time) ([]pageMonitor, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT id, service_id, state, paused, first_check_at, last_check_at FROM monitors
		WHERE service_id IN (SELECT service_id FROM status_page_services WHERE page_id = $1) ORDER BY id`, pid)
	if err != nil {
		return nil, fmt.Errorf("public status: %w", err)
	}
	defer rows.Close()
	var out []pageMonitor
	for rows.Next() {
		var (
			m           pageMonitor
			first, last sql.NullInt64
		)
		if err := rows.Scan(&m.id, &m.service, &m.state, &m.paused, &first, &last); err != nil {
			return nil, fmt.Errorf("public status: %w", err)
		}
		m.end = now
		if first.Valid {
			m.first = fromMS(first.Int64)
		}
		if m.paused && last.Valid {
			m.end = fromMS(last.Int64)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// pageOutages reads the outages of a page's monitors that overlap
// [from, to), by monitor.
func (db *DB) pageOutages(ctx context.Context, pid int64, from, to time.Time) (map[int64][]uptime.Interval, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT o.monitor_id, o.started_at, o.ended_at FROM monitor_outages o
		WHERE o.monitor_id IN (SELECT m.id FROM monitors m JOIN status_page_services ps ON ps.service_id = m.service_id WHERE ps.page_id = $1)
		AND o.started_at < $2 AND (o.ended_at IS NULL OR o.ended_at > $3) ORDER BY o.monitor_id, o.started_at`, pid, ms(to), ms(from))
	if err != nil {
		return nil, fmt.Errorf("public status: %w", err)
	}
	defer rows.Close()
	out := map[int64][]uptime.Interval{}
	for rows.Next() {
		var (
			id, s int64
			e     sql.NullInt64
		)
		if err := rows.Scan(&id, &s, &e); err != nil {
			return nil, fmt.Errorf("public status: %w", err)
		}
		iv := uptime.Interval{Start: fromMS(s)}
		if e.Valid {
			iv.End = fromMS(e.Int64)
		}
		out[id] = append(out[id], iv)
	}
	return out, rows.Err()
}

// pageMaintenance reads the maintenance windows of a page's services (and
// those of every service) that end after since, soonest first. An
// installation without the maintenance_windows table has none.
func (db *DB) pageMaintenance(ctx context.Context, pid int64, since time.Time) ([]sqm.MaintenanceView, error) {
	out := []sqm.MaintenanceView{}
	if ok, err := db.hasTable(ctx, "maintenance_windows"); err != nil || !ok {
		return out, err
	}
	rows, err := db.ro.QueryContext(ctx, `SELECT id, service_id, title, starts_at, ends_at FROM maintenance_windows
		WHERE ends_at > $2 AND (service_id IS NULL OR service_id IN (SELECT service_id FROM status_page_services WHERE page_id = $1))
		ORDER BY starts_at, id`, pid, ms(since))
	if err != nil {
		return nil, fmt.Errorf("public status: maintenance: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			w        sqm.MaintenanceView
			id, s, e int64
			svc      sql.NullInt64
		)
		if err := rows.Scan(&id, &svc, &w.Title, &s, &e); err != nil {
			return nil, fmt.Errorf("public status: maintenance: %w", err)
		}
		w.ID, w.ServiceID, w.StartsAt, w.EndsAt = idString(id), nullIDString(svc), fromMS(s), fromMS(e)
		out = append(out, w)
	}
	return out, rows.Err()
}

// hasTable reports whether the database has the table.
func (db *DB) hasTable(ctx context.Context, table string) (bool, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT 1 FROM `+table+` LIMIT 1`)
	if err != nil {
		var pg *pgconn.PgError
		if errors.As(err, &pg) && pg.Code == "42P01" || strings.Contains(err.Error(), "no such table") {
			return false, nil
		}
		return false, fmt.Errorf("table %s: %w", table, err)
	}
	rows.Close()
	return true, rows.Err()
}

// pageIncidents reads the open incidents of a page's services, the newest
// first: what the public may see of them, nothing more.
func (db *DB) pageIncidents(ctx context.Context, pid int64) ([]sqm.PublicIncident, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT id, service_id, title, priority, status, opened_at FROM tickets
		WHERE type = $2 AND status NOT IN ('resolved', 'closed')
		AND service_id IN (SELECT service_id FROM status_page_services WHERE page_id = $1)
		ORDER BY opened_at DESC, id DESC LIMIT `+fmt.Sprint(maxPublicIncidents), pid, sqm.TypeIncident)
	if err != nil {
		return nil, fmt.Errorf("public status: incidents: %w", err)
	}
	defer rows.Close()
	out := []sqm.PublicIncident{}
	for rows.Next() {
		var (
			in       sqm.PublicIncident
			id, sid  int64
			openedAt int64
		)
		if err := rows.Scan(&id, &sid, &in.Title, &in.Priority, &in.Status, &openedAt); err != nil {
			return nil, fmt.Errorf("public status: incidents: %w", err)
		}
		in.ID, in.ServiceID, in.OpenedAt = idString(id), idString(sid), fromMS(openedAt)
		out = append(out, in)
	}
	return out, rows.Err()
}
