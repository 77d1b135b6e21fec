package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
)

// IngestAlerts takes one notification of alerts from a source in one
// transaction. An alert new, or firing again after it resolved, fires: the
// first firing alert of a group opens an incident on the group's service
// (priority from the most severe alert), later ones are noted on it and
// raise its priority when more severe. A repeat of a firing alert is
// deduplicated: counted, nothing written on the incident. A firing alert
// that resolves is noted; when the group's last one resolves, the incident
// says so and, with autoResolve, is resolved. Agents and up.
func (db *DB) IngestAlerts(ctx context.Context, alerts []sqm.Alert, autoResolve bool) (sqm.AlertIntake, error) {
	in := sqm.AlertIntake{IncidentsOpen: []string{}, OpenedIncident: []string{}}
	if err := sqm.Require(ctx, sqm.RoleAgent); err != nil {
		return in, err
	}
	if len(alerts) > sqm.MaxAlerts {
		return in, sqm.FieldError("alerts", "At most %d alerts in one notification.", sqm.MaxAlerts)
	}
	for i := range alerts {
		if err := alerts[i].Validate(fmt.Sprintf("alerts[%d]", i)); err != nil {
			return in, err
		}
	}
	err := db.write(ctx, func(tx *Tx) error {
		in = sqm.AlertIntake{Received: len(alerts), IncidentsOpen: []string{}, OpenedIncident: []string{}}
		services := map[string]int64{}
		type groupRef struct {
			service int64
			source  string
			key     string
		}
		groups := map[groupRef]*alertGroup{}
		var order []*alertGroup
		known, err := tx.knownAlerts(alerts)
		if err != nil {
			return err
		}
		mutes := &alertMutes{}
		var repeats []any // alerts firing again while firing: counted in one statement
		for i := range alerts {
			a := &alerts[i]
			sid, ok := services[a.Service]
			if !ok {
				var err error
				if sid, err = tx.serviceByName(a.Service, fmt.Sprintf("alerts[%d].labels.service", i)); err != nil {
					return err
				}
				services[a.Service] = sid
			}
			ref := groupRef{sid, a.Source, a.GroupKey}
			g, ok := groups[ref]
			if !ok {
				var err error
				if g, err = tx.alertGroup(sid, a.Source, a.GroupKey); err != nil {
					return err
				}
				g.service = a.Service
				groups[ref] = g
				order = append(order, g)
			}
			muted, err := mutes.why(tx, g.serviceID, a)
			if err != nil {
				return err
			}
			prior, seen := known[alertKey{a.Source, a.Fingerprint}]
			if seen && prior.status == sqm.AlertFiring && a.Status == sqm.AlertFiring && (prior.suppressed == "" || muted != "") {
				a.ID = idString(prior.id)
				repeats = append(repeats, prior.id)
				in.Deduplicated++
				continue
			}
			if seen && prior.status == sqm.AlertFiring && a.Status == sqm.AlertFiring {
				prior.status = "" // muted until now: it fires now
			}
			change, err := tx.upsertAlert(g, a, prior, seen)
			if err != nil {
				return err
			}
			known[alertKey{a.Source, a.Fingerprint}] = knownAlert{id: mustID(a.ID), status: a.Status, suppressed: muted}
			if _, err := tx.exec(`UPDATE alerts SET suppressed = $1 WHERE id = $2`, muted, mustID(a.ID)); err != nil {
				return fmt.Errorf("save alert: %w", err)
			}
			if muted != "" {
				in.Suppressed++
				continue // kept and counted; no incident, no notification
			}
			switch change {
			case alertFired:
				in.Fired++
				g.fired = append(g.fired, *a)
			case alertRepeated:
				in.Deduplicated++
			case alertResolved:
				in.Resolved++
				g.resolved = append(g.resolved, *a)
			}
		}
		if len(repeats) > 0 {
			marks := make([]string, len(repeats))
			for i := range repeats {
				marks[i] = "$" + strconv.Itoa(i+2)
			}
			if _, err := tx.exec(`UPDATE alerts SET received = received + 1, last_seen_at = $1 WHERE id IN (`+strings.Join(marks, ", ")+`)`,
				append([]any{ms(tx.now)}, repeats...)...); err != nil {
				return fmt.Errorf("count repeats: %w", err)
			}
		}
		for _, g := range order {
			if err := tx.settleAlertGroup(g, autoResolve, &in); err != nil {
				return err
			}
		}
		return nil
	})
	return in, err
}

// alertGroup is a group of alerts as one notification changes it.
type alertGroup struct {
	id, serviceID   int64
	service         string
	ticket          sql.NullInt64
	fired, resolved []sqm.Alert
}

type alertChange int

const (
	alertUnchanged alertChange = iota
	alertFired
	alertRepeated
	alertResolved
)

// serviceByName finds the service an alert names, by name or by ID.
func (tx *Tx) serviceByName(name, field string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(tx.ctx, `SELECT id FROM services WHERE name = $1`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		if n, perr := strconv.ParseInt(name, 10, 64); perr == nil {
			err = tx.QueryRowContext(tx.ctx, `SELECT id FROM services WHERE id = $1`, n).Scan(&id)
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, sqm.FieldError(field, "No service is named %q.", name)
	}
	if err != nil {
		return 0, fmt.Errorf("alert service: %w", err)
	}
	return id, nil
}

// alertGroup finds or makes a group and locks it for the transaction.
func (tx *Tx) alertGroup(service int64, source, key string) (*alertGroup, error) {
	g := &alertGroup{serviceID: service}
	lock := ""
	if tx.db.dialect.name() == "postgres" {
		lock = " FOR UPDATE"
	}
	for range 2 {
		err := tx.QueryRowContext(tx.ctx, `SELECT id, ticket_id FROM alert_groups WHERE service_id = $1 AND source = $2 AND group_key = $3`+lock,
			service, source, key).Scan(&g.id, &g.ticket)
		if err == nil {
			return g, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("alert group: %w", err)
		}
		if _, err := tx.exec(`INSERT INTO alert_groups (service_id, source, group_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
			ON CONFLICT (service_id, source, group_key) DO NOTHING`, service, source, key, ms(tx.now)); err != nil {
			return nil, fmt.Errorf("alert group: %w", err)
		}
	}
	return nil, fmt.Errorf("alert group %q: not found after insert", key)
}

type alertKey struct{ source, fingerprint string }

type knownAlert struct {
	id         int64
	status     string
	suppressed string
}

// alertMutes says why an alert is muted: a maintenance window on its
// service, or a silence; "" when it is not. It reads the silences once per
// notification.
type alertMutes struct {
	silences []sqm.Silence
	loaded   bool
	windows  map[int64]bool
}

func (m *alertMutes) why(tx *Tx, service int64, a *sqm.Alert) (string, error) {
	if m.windows == nil {
		m.windows = map[int64]bool{}
	}
	in, ok := m.windows[service]
	if !ok {
		var err error
		if in, err = tx.inMaintenance(service, tx.now); err != nil {
			return "", err
		}
		m.windows[service] = in
	}
	if in {
		return "maintenance", nil
	}
	if !m.loaded {
		var err error
		if m.silences, err = silencesAfter(tx.ctx, tx, ms(tx.now)); err != nil {
			return "", err
		}
		m.loaded = true
	}
	for _, s := range m.silences {
		if s.Mutes(idString(service), a.Labels, tx.now) {
			return "silence:" + s.ID, nil
		}
	}
	return "", nil
}

// knownAlerts reads, in one statement, the alerts of a notification that
// sqm has seen before.
func (tx *Tx) knownAlerts(alerts []sqm.Alert) (map[alertKey]knownAlert, error) {
	out := map[alertKey]knownAlert{}
	if len(alerts) == 0 {
		return out, nil
	}
	w := where{}
	var keys []string
	for _, a := range alerts {
		keys = append(keys, "("+w.arg(a.Source)+", "+w.arg(a.Fingerprint)+")")
	}
	rows, err := tx.QueryContext(tx.ctx, `SELECT id, source, fingerprint, status, suppressed FROM alerts WHERE (source, fingerprint) IN (`+
		strings.Join(keys, ", ")+`)`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("known alerts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			k alertKey
			v knownAlert
		)
		if err := rows.Scan(&v.id, &k.source, &k.fingerprint, &v.status, &v.suppressed); err != nil {
			return nil, fmt.Errorf("known alerts: %w", err)
		}
		out[k] = v
	}
	return out, rows.Err()
}

func mustID(s string) int64 {
	id, _ := strconv.ParseInt(s, 10, 64)
	return id
}

// upsertAlert saves one received alert, known before or not, and says how
// it changed.
func (tx *Tx) upsertAlert(g *alertGroup, a *sqm.Alert, prior knownAlert, seen bool) (alertChange, error) {
	labels, _ := json.Marshal(nonNil(a.Labels))
	annotations, _ := json.Marshal(nonNil(a.Annotations))
	if a.StartsAt.IsZero() {
		a.StartsAt = tx.now
	}
	starts := a.StartsAt
	var ends sql.NullInt64
	if a.Status == sqm.AlertResolved {
		ends = sql.NullInt64{Int64: ms(tx.now), Valid: true}
		if a.EndsAt != nil {
			ends.Int64 = ms(*a.EndsAt)
		}
	}
	id, status := prior.id, prior.status
	var err error
	if !seen {
		if a.Status == sqm.AlertResolved {
			// Resolved before sqm saw it fire: kept for the record.
			id, err := tx.insert(`INSERT INTO alerts (source, fingerprint, group_id, service_id, name, severity, status, summary, labels,
				annotations, url, starts_at, ends_at, received, first_seen_at, last_seen_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $14)`,
				a.Source, a.Fingerprint, g.id, g.serviceID, a.Name, a.Severity, a.Status, a.Summary, string(labels), string(annotations),
				a.URL, ms(starts), ends, ms(tx.now))
			a.ID = idString(id)
			return alertUnchanged, err
		}
		id, err = tx.insert(`INSERT INTO alerts (source, fingerprint, group_id, service_id, name, severity, status, summary, labels,
			annotations, url, starts_at, received, first_seen_at, last_seen_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13)`,
			a.Source, a.Fingerprint, g.id, g.serviceID, a.Name, a.Severity, a.Status, a.Summary, string(labels), string(annotations),
			a.URL, ms(starts), ms(tx.now))
		if err != nil {
			return 0, fmt.Errorf("save alert: %w", err)
		}
		a.ID = idString(id)
		return alertFired, nil
	}
	a.ID = idString(id)
	change := alertUnchanged
	switch {
	case a.Status == sqm.AlertFiring && status == sqm.AlertFiring:
		change = alertRepeated
	case a.Status == sqm.AlertFiring:
		change = alertFired
	case status == sqm.AlertFiring:
		change = alertResolved
	}
	if change == alertRepeated {
		_, err = tx.exec(`UPDATE alerts SET received = received + 1, last_seen_at = $1 WHERE id = $2`, ms(tx.now), id)
	} else {
		_, err = tx.exec(`UPDATE alerts SET group_id = $1, service_id = $2, name = $3, severity = $4, status = $5, summary = $6,
			labels = $7, annotations = $8, url = $9, starts_at = $10, ends_at = $11, received = received + 1, last_seen_at = $12
			WHERE id = $13`, g.id, g.serviceID, a.Name, a.Severity, a.Status, a.Summary, string(labels), string(annotations), a.URL,
			ms(starts), ends, ms(tx.now), id)
	}
	if err != nil {
		return 0, fmt.Errorf("save alert: %w", err)
	}
	return change, nil
}

// settleAlertGroup writes what the notification changed on the group's
// incident.
func (tx *Tx) settleAlertGroup(g *alertGroup, autoResolve bool, in *sqm.AlertIntake) error {
	var firing int
	if err := tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM alerts WHERE group_id = $1 AND status = 'firing'`, g.id).Scan(&firing); err != nil {
		return fmt.Errorf("alert group: %w", err)
	}
	open := false
	if g.ticket.Valid {
		var err error
		if open, err = tx.ticketOpen(g.ticket.Int64); err != nil {
			return err
		}
	}
	if len(g.fired) > 0 {
		prio := sqm.P4
		for _, a := range g.fired {
			prio = min(prio, sqm.SeverityPriority(a.Severity)) // "P1" < "P4"
		}
		if open {
			if err := tx.systemNote(g.ticket.Int64, alertNote("Firing", g.fired)); err != nil {
				return err
			}
			t, err := tx.ticketPriority(g.ticket.Int64)
			if err != nil {
				return err
			}
			if prio < t {
				if _, err := tx.addEvent(g.ticket.Int64, func(at time.Time) sqm.Event {
					return sqm.Event{At: at, Type: sqm.EventPriority, By: sqm.BySystem, Priority: prio}
				}); err != nil {
					return err
				}
			}
		} else {
			t := &ticketRec{Ticket: sqm.Ticket{
				ServiceID: idString(g.serviceID), Type: sqm.TypeIncident, Priority: prio, Status: sqm.StatusNew,
				Title:       truncate(sqm.AlertTitle(g.fired[0], g.service), sqm.MaxName),
				Description: truncate(alertNote("Firing", g.fired), sqm.MaxBody), OpenedAt: tx.now,
			}, serviceID: g.serviceID}
			if err := tx.openTicket(t, nil); err != nil {
				return err
			}
			g.ticket, open = sql.NullInt64{Int64: t.id, Valid: true}, true
			in.OpenedIncident = append(in.OpenedIncident, t.ID)
		}
		ids := make([]any, 0, len(g.fired))
		marks := make([]string, 0, len(g.fired))
		for _, a := range g.fired {
			id, _ := strconv.ParseInt(a.ID, 10, 64)
			ids = append(ids, id)
			marks = append(marks, "$"+strconv.Itoa(len(ids)+1))
		}
		if _, err := tx.exec(`UPDATE alerts SET ticket_id = $1 WHERE id IN (`+strings.Join(marks, ", ")+`)`,
			append([]any{g.ticket.Int64}, ids...)...); err != nil {
			return fmt.Errorf("attach alerts: %w", err)
		}
	}
	if len(g.resolved) > 0 && open {
		note := alertNote("Resolved", g.resolved)
		if firing == 0 {
			note += "\nNo alert of the group is firing any more."
		}
		if err := tx.systemNote(g.ticket.Int64, note); err != nil {
			return err
		}
		if firing == 0 && autoResolve {
			if _, err := tx.addEvent(g.ticket.Int64, func(at time.Time) sqm.Event {
				return sqm.Event{At: at, Type: sqm.EventStatus, By: sqm.BySystem, Status: sqm.StatusResolved}
			}); err != nil {
				return err
			}
		}
	}
	if g.ticket.Valid {
		for _, batch := range []struct {
			event  string
			alerts []sqm.Alert
		}{{sqm.NotifyAlertFiring, g.fired}, {sqm.NotifyAlertResolved, g.resolved}} {
			for _, a := range batch.alerts {
				n, err := tx.noticeOf(batch.event, g.ticket.Int64)
				if err != nil {
					return fmt.Errorf("notify: %w", err)
				}
				a.ServiceID = idString(g.serviceID)
				n.Alert, n.Detail = &a, a.Summary
				at := a.StartsAt
				if a.EndsAt != nil {
					at = *a.EndsAt
				}
				if err := tx.notify(fmt.Sprintf("alert:%s:%s:%d", a.ID, batch.event, ms(at)), n); err != nil {
					return err
				}
			}
		}
	}
	if g.ticket.Valid && !slices.Contains(in.IncidentsOpen, idString(g.ticket.Int64)) {
		in.IncidentsOpen = append(in.IncidentsOpen, idString(g.ticket.Int64))
	}
	_, err := tx.exec(`UPDATE alert_groups SET ticket_id = $1, firing = $2, updated_at = $3 WHERE id = $4`, g.ticket, firing, ms(tx.now), g.id)
	return err
}

func (tx *Tx) ticketPriority(tid int64) (sqm.Priority, error) {
	var p sqm.Priority
	err := tx.QueryRowContext(tx.ctx, `SELECT priority FROM tickets WHERE id = $1`, tid).Scan(&p)
	return p, err
}

// alertNote lists alerts for an incident's timeline.
func alertNote(what string, alerts []sqm.Alert) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%d):", what, len(alerts))
	for i, a := range alerts {
		if i == 20 {
			fmt.Fprintf(&b, "\n- and %d more", len(alerts)-20)
			break
		}
		name := a.Name
		if a.Summary != "" {
			name += ": " + a.Summary
		}
		fmt.Fprintf(&b, "\n- [%s] %s", a.Severity, name)
	}
	return b.String()
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// ListAlerts returns a page of alerts, the most recently seen first,
// filtered by service and status when set.
func (db *DB) ListAlerts(ctx context.Context, serviceID, status, cursor string, limit int) (sqm.Page[sqm.Alert], error) {
	w := where{}
	if serviceID != "" {
		sid, err := refID("service_id", "Service", serviceID)
		if err != nil {
			return sqm.Page[sqm.Alert]{}, err
		}
		w.add("a.service_id = ?", sid.Int64)
	}
	switch status {
	case "":
	case sqm.AlertFiring, sqm.AlertResolved:
		w.add("a.status = ?", status)
	default:
		return sqm.Page[sqm.Alert]{}, sqm.FieldError("status", "Status must be firing or resolved.")
	}
	return listWhere(ctx, db, cursor, limit, `SELECT a.id, a.source, a.fingerprint, g.group_key, s.name, a.service_id, a.name, a.severity,
		a.status, a.summary, a.labels, a.annotations, a.url, a.starts_at, a.ends_at, a.received, a.ticket_id, a.first_seen_at, a.last_seen_at,
		a.suppressed FROM alerts a JOIN alert_groups g ON g.id = a.group_id JOIN services s ON s.id = a.service_id`, "a.id", w, true, scanAlert)
}

func scanAlert(sc scanner) (sqm.Alert, int64, error) {
	var (
		a                         sqm.Alert
		id, service, starts, f, l int64
		ends, ticket              sql.NullInt64
		labels, annotations       string
	)
	if err := sc.Scan(&id, &a.Source, &a.Fingerprint, &a.GroupKey, &a.Service, &service, &a.Name, &a.Severity, &a.Status,
		&a.Summary, &labels, &annotations, &a.URL, &starts, &ends, &a.Received, &ticket, &f, &l, &a.Suppressed); err != nil {
		return a, 0, err
	}
	json.Unmarshal([]byte(labels), &a.Labels)           //nolint:errcheck // written by IngestAlerts
	json.Unmarshal([]byte(annotations), &a.Annotations) //nolint:errcheck
	a.ID, a.ServiceID, a.TicketID = idString(id), idString(service), nullIDString(ticket)
	a.StartsAt, a.EndsAt, a.FirstSeenAt, a.LastSeenAt = fromMS(starts), fromNullMS(ends), fromMS(f), fromMS(l)
	return a, id, nil
}
