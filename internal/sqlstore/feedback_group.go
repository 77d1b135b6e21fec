package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/textgroup"
)

// Limits of the feedback analysis.
const (
	// MaxGrouped is how many pieces of feedback one grouping reads at most
	// (the newest of the period).
	MaxGrouped = 100_000
	// similarWindow is how far back a new piece of feedback is compared with
	// open feedback of its service, and similarPool how many at most.
	similarWindow = 30 * 24 * time.Hour
	similarPool   = 300
	// groupTickets is how many of a group's feedback the analysis lists.
	groupTickets = 20
)

// UnsegmentedFeedback returns feedback not yet cut into terms, oldest
// first. Admins (the segmenting job).
func (db *DB) UnsegmentedFeedback(ctx context.Context, limit int) ([]sqm.FeedbackText, error) {
	if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
		return nil, err
	}
	rows, err := db.ro.QueryContext(ctx, `SELECT t.id, t.service_id, t.title, t.description FROM feedback f JOIN tickets t ON t.id = f.ticket_id
		WHERE f.terms IS NULL ORDER BY f.ticket_id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("unsegmented feedback: %w", err)
	}
	defer rows.Close()
	var out []sqm.FeedbackText
	for rows.Next() {
		var (
			id, svc      int64
			title, descr string
		)
		if err := rows.Scan(&id, &svc, &title, &descr); err != nil {
			return nil, fmt.Errorf("unsegmented feedback: %w", err)
		}
		// The title twice: it says in a few words what the feedback is about.
		out = append(out, sqm.FeedbackText{TicketID: idString(id), ServiceID: idString(svc), Text: title + "\n" + title + "\n" + descr})
	}
	return out, rows.Err()
}

// SaveFeedbackTerms saves the terms of a piece of feedback and compares it
// with the open feedback of its service from the last 30 days: when it
// resembles one, it is marked similar to that one's group (the first of
// it) and a note on its timeline says so, for agents to handle them
// together. Admins (the segmenting job).
func (db *DB) SaveFeedbackTerms(ctx context.Context, id string, terms []string) error {
	if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
		return err
	}
	tid, err := parseID("Ticket", id)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		var service int64
		if err := tx.QueryRowContext(tx.ctx, `SELECT service_id FROM tickets WHERE id = $1`, tid).Scan(&service); err != nil {
			return fmt.Errorf("feedback terms: %w", err)
		}
		// The newest first, down the index of the service's segmented
		// feedback: the read stops at the pool's size.
		rows, err := tx.QueryContext(tx.ctx, `SELECT f.ticket_id, f.terms, f.similar_to FROM feedback f JOIN tickets t ON t.id = f.ticket_id
			WHERE f.service_id = $1 AND f.terms IS NOT NULL AND f.ticket_id <> $3 AND t.status NOT IN ('resolved', 'closed')
			AND t.opened_at >= $2 ORDER BY f.ticket_id DESC LIMIT $4`,
			service, ms(tx.now.Add(-similarWindow)), tid, similarPool)
		if err != nil {
			return fmt.Errorf("similar feedback: %w", err)
		}
		var (
			docs = []textgroup.Doc{{ID: tid, Terms: terms}}
			root = map[int64]int64{}
		)
		for rows.Next() {
			var (
				other   int64
				words   string
				similar sql.NullInt64
			)
			if err := rows.Scan(&other, &words, &similar); err != nil {
				rows.Close()
				return fmt.Errorf("similar feedback: %w", err)
			}
			docs = append(docs, textgroup.Doc{ID: other, Terms: strings.Fields(words)})
			root[other] = other
			if similar.Valid {
				root[other] = similar.Int64
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("similar feedback: %w", err)
		}
		best, bestSim := int64(0), textgroup.DefaultThreshold
		if len(terms) > 0 {
			m := textgroup.NewModel(docs)
			for _, d := range docs[1:] {
				if s := m.Similarity(terms, d.Terms); s >= bestSim && (s > bestSim || d.ID < best) {
					best, bestSim = d.ID, s
				}
			}
		}
		var similar sql.NullInt64
		if best != 0 {
			similar = sql.NullInt64{Int64: root[best], Valid: true}
		}
		res, err := tx.exec(`UPDATE feedback SET terms = $1, similar_to = $2 WHERE ticket_id = $3 AND terms IS NULL`,
			strings.Join(terms, " "), similar, tid)
		if err != nil {
			return fmt.Errorf("feedback terms: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 || !similar.Valid {
			return nil // another replica did it first, or nothing like it is open
		}
		var n, leader int
		if err := tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM feedback f JOIN tickets t ON t.id = f.ticket_id
			WHERE f.similar_to = $1 AND t.status NOT IN ('resolved', 'closed')`, similar.Int64).Scan(&n); err != nil {
			return fmt.Errorf("similar feedback: %w", err)
		}
		if err := tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM tickets WHERE id = $1 AND status NOT IN ('resolved', 'closed')`,
			similar.Int64).Scan(&leader); err != nil {
			return fmt.Errorf("similar feedback: %w", err)
		}
		n += leader
		return tx.systemNote(tid, fmt.Sprintf("Resembles open feedback #%d (%d open like it, similarity %.0f%%): consider handling them together.",
			similar.Int64, n, bestSim*100))
	})
}

// FeedbackGroups groups the feedback opened in [from, to) (the newest
// MaxGrouped of it, of one service when serviceID is set) by similarity,
// largest first. Viewers and up.
func (db *DB) FeedbackGroups(ctx context.Context, from, to time.Time, serviceID string) ([]sqm.FeedbackGroup, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return nil, err
	}
	if err := checkPeriod(from, to); err != nil {
		return nil, err
	}
	w := where{}
	w.add("t.opened_at >= ?", ms(from))
	w.add("t.opened_at < ?", ms(to))
	w.add("f.terms IS NOT NULL")
	if serviceID != "" {
		sid, err := refID("service_id", "Service", serviceID)
		if err != nil {
			return nil, err
		}
		w.add("t.service_id = ?", sid.Int64)
	}
	rows, err := db.ro.QueryContext(ctx, `SELECT t.id, t.title, f.kind, t.status, t.opened_at, f.terms FROM feedback f
		JOIN tickets t ON t.id = f.ticket_id`+w.sql()+fmt.Sprintf(` ORDER BY t.opened_at DESC, t.id DESC LIMIT %d`, MaxGrouped), w.args...)
	if err != nil {
		return nil, fmt.Errorf("feedback groups: %w", err)
	}
	defer rows.Close()
	var (
		docs  []textgroup.Doc
		brief = map[int64]sqm.FeedbackBrief{}
	)
	for rows.Next() {
		var (
			b      sqm.FeedbackBrief
			id, at int64
			terms  string
		)
		if err := rows.Scan(&id, &b.Title, &b.Kind, &b.Status, &at, &terms); err != nil {
			return nil, fmt.Errorf("feedback groups: %w", err)
		}
		b.ID, b.OpenedAt = idString(id), fromMS(at)
		brief[id] = b
		docs = append(docs, textgroup.Doc{ID: id, Terms: strings.Fields(terms)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("feedback groups: %w", err)
	}
	slices.Reverse(docs) // oldest first: a group's leader is its first feedback
	recent, previous := to.Add(-7*24*time.Hour), to.Add(-14*24*time.Hour)
	out := []sqm.FeedbackGroup{}
	for _, g := range textgroup.Cluster(docs, textgroup.Options{}) {
		fg := sqm.FeedbackGroup{Leader: idString(g.Leader), Label: g.Label, Size: len(g.Members), Tickets: []sqm.FeedbackBrief{}}
		for i := len(g.Members) - 1; i >= 0; i-- { // newest first
			b := brief[g.Members[i]]
			if !b.Status.Done() {
				fg.Open++
			}
			switch {
			case !b.OpenedAt.Before(recent):
				fg.Recent++
			case !b.OpenedAt.Before(previous):
				fg.Previous++
			}
			if len(fg.Tickets) < groupTickets {
				fg.Tickets = append(fg.Tickets, b)
			}
		}
		out = append(out, fg)
	}
	return out, nil
}

// FeedbackStats counts the feedback opened in [from, to) (of one service
// when serviceID is set) by kind, service, status and week. Viewers and up.
func (db *DB) FeedbackStats(ctx context.Context, from, to time.Time, serviceID string) (sqm.FeedbackStats, error) {
	st := sqm.FeedbackStats{ByKind: map[string]int{}, ByService: map[string]int{}, ByStatus: map[string]int{}}
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return st, err
	}
	if err := checkPeriod(from, to); err != nil {
		return st, err
	}
	w := where{}
	w.add("t.opened_at >= ?", ms(from))
	w.add("t.opened_at < ?", ms(to))
	if serviceID != "" {
		sid, err := refID("service_id", "Service", serviceID)
		if err != nil {
			return st, err
		}
		w.add("t.service_id = ?", sid.Int64)
	}
	rows, err := db.ro.QueryContext(ctx, `SELECT f.kind, s.name, t.status, count(*) FROM feedback f JOIN tickets t ON t.id = f.ticket_id
		JOIN services s ON s.id = t.service_id`+w.sql()+` GROUP BY f.kind, s.name, t.status`, w.args...)
	if err != nil {
		return st, fmt.Errorf("feedback stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			kind, service, status string
			n                     int
		)
		if err := rows.Scan(&kind, &service, &status, &n); err != nil {
			return st, fmt.Errorf("feedback stats: %w", err)
		}
		st.Total += n
		st.ByKind[kind] += n
		st.ByService[service] += n
		st.ByStatus[status] += n
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("feedback stats: %w", err)
	}
	const week = int64(7 * 24 * time.Hour / time.Millisecond)
	for at := from; at.Before(to); at = at.Add(7 * 24 * time.Hour) {
		st.Weeks = append(st.Weeks, sqm.WeekCount{Start: at})
	}
	wrows, err := db.ro.QueryContext(ctx, `SELECT (t.opened_at - `+w.arg(ms(from))+`) / `+w.arg(week)+`, count(*) FROM feedback f
		JOIN tickets t ON t.id = f.ticket_id`+w.sql()+` GROUP BY 1`, w.args...)
	if err != nil {
		return st, fmt.Errorf("feedback stats: %w", err)
	}
	defer wrows.Close()
	for wrows.Next() {
		var i int64
		var n int
		if err := wrows.Scan(&i, &n); err != nil {
			return st, fmt.Errorf("feedback stats: %w", err)
		}
		if i >= 0 && int(i) < len(st.Weeks) {
			st.Weeks[i].Count = n
		}
	}
	return st, wrows.Err()
}
