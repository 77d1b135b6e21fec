package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/kpi"
)

// SatisfactionReport breaks down the CSAT of the survey answers given in
// [From, To) that pass the scorecard's filters by service, team and agent,
// as each survey recorded them when its ticket was resolved, and lists the
// latest commented answers. Viewers and up.
func (db *DB) SatisfactionReport(ctx context.Context, q sqm.ScorecardQuery) (sqm.SatisfactionReport, error) {
	rep := sqm.SatisfactionReport{From: q.From, To: q.To, ServiceID: q.ServiceID, TeamID: q.TeamID}
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return rep, err
	}
	w, err := answeredIn(q)
	if err != nil {
		return rep, err
	}
	if rep.Services, err = db.csatBy(ctx, w, "s.service_id", "services"); err != nil {
		return rep, err
	}
	if rep.Teams, err = db.csatBy(ctx, w, "s.team_id", "teams"); err != nil {
		return rep, err
	}
	if rep.Agents, err = db.csatBy(ctx, w, "s.agent_id", "users"); err != nil {
		return rep, err
	}
	rep.Comments, err = db.surveyComments(ctx, w)
	return rep, err
}

// answeredIn checks a scorecard query's period and filters and returns them
// as conditions on the surveys aliased s: answered in [From, To), of the
// service, the team and the type asked for.
func answeredIn(q sqm.ScorecardQuery) (where, error) {
	w, err := ticketFilters(q, "s")
	if err != nil {
		return w, err
	}
	if q.Type != "" {
		if !q.Type.Valid() {
			return w, sqm.FieldError("type", "Type must be one of incident, request, problem, change, feedback.")
		}
		w.add("s.type = ?", q.Type)
	}
	w.add("s.answered_at >= ?", ms(q.From))
	w.add("s.answered_at < ?", ms(q.To))
	return w, nil
}

// ticketFilters checks a scorecard query's period and its service and team
// filters, as conditions on the table aliased alias.
func ticketFilters(q sqm.ScorecardQuery, alias string) (where, error) {
	var w where
	if err := checkPeriod(q.From, q.To); err != nil {
		return w, err
	}
	if q.ServiceID != "" {
		id, err := refID("service_id", "Service", q.ServiceID)
		if err != nil {
			return w, err
		}
		w.add(alias+".service_id = ?", id.Int64)
	}
	if q.TeamID != "" {
		id, err := refID("team_id", "Team", q.TeamID)
		if err != nil {
			return w, err
		}
		w.add(alias+".team_id = ?", id.Int64)
	}
	return w, nil
}

// csatBy counts the answers that pass w by the column col of the surveys,
// named from table; answers with no value in col make one row named
// sqm.NoName. Rows come most answers first, then by name.
func (db *DB) csatBy(ctx context.Context, w where, col, table string) ([]sqm.CSATRow, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT g.k, x.name, g.n, g.satisfied FROM (
			SELECT `+col+` AS k, count(*) AS n, SUM(CASE WHEN s.rating >= 4 THEN 1 ELSE 0 END) AS satisfied
			FROM surveys s`+w.sql()+` GROUP BY `+col+`) g
		LEFT JOIN `+table+` x ON x.id = g.k`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("satisfaction by %s: %w", table, err)
	}
	defer rows.Close()
	out := []sqm.CSATRow{}
	for rows.Next() {
		var (
			id   sql.NullInt64
			name sql.NullString
			r    sqm.CSATRow
		)
		if err := rows.Scan(&id, &name, &r.Responses, &r.Satisfied); err != nil {
			return nil, fmt.Errorf("satisfaction by %s: %w", table, err)
		}
		r.ID, r.Name, r.CSAT = nullIDString(id), name.String, kpi.Share(r.Satisfied, r.Responses)
		if !id.Valid || !name.Valid {
			r.Name = sqm.NoName
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("satisfaction by %s: %w", table, err)
	}
	// Sorted here, not in SQL: the two databases order names and NULLs
	// differently.
	slices.SortFunc(out, func(a, b sqm.CSATRow) int {
		return cmp.Or(cmp.Compare(b.Responses, a.Responses), cmp.Compare(a.Name, b.Name), cmp.Compare(len(a.ID), len(b.ID)), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// surveyComments returns the latest answers that pass w with a comment.
func (db *DB) surveyComments(ctx context.Context, w where) ([]sqm.SurveyComment, error) {
	w = where{conds: slices.Clone(w.conds), args: slices.Clone(w.args)}
	w.add("s.comment <> ''")
	rows, err := db.ro.QueryContext(ctx, `SELECT s.rating, s.comment, s.answered_at, s.ticket_id, t.title, v.name
		FROM surveys s JOIN tickets t ON t.id = s.ticket_id JOIN services v ON v.id = s.service_id`+w.sql()+`
		ORDER BY s.answered_at DESC, s.id DESC LIMIT `+strconv.Itoa(sqm.MaxSurveyComments), w.args...)
	if err != nil {
		return nil, fmt.Errorf("survey comments: %w", err)
	}
	defer rows.Close()
	out := []sqm.SurveyComment{}
	for rows.Next() {
		var (
			c       sqm.SurveyComment
			at, tid int64
			rating  sql.NullInt64
		)
		if err := rows.Scan(&rating, &c.Comment, &at, &tid, &c.TicketTitle, &c.Service); err != nil {
			return nil, fmt.Errorf("survey comments: %w", err)
		}
		c.Rating, c.AnsweredAt, c.TicketID = int(rating.Int64), fromMS(at), idString(tid)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ExportFeedback calls fn with each feedback ticket opened in [From, To)
// that passes the query's service and team filters, oldest first, with its
// latest survey's answer; it stops at fn's first error and returns it. It
// checks the role, the period and the filters before the first call.
// Viewers and up.
func (db *DB) ExportFeedback(ctx context.Context, q sqm.ScorecardQuery, fn func(sqm.FeedbackRecord) error) error {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return err
	}
	w, err := ticketFilters(q, "t")
	if err != nil {
		return err
	}
	w.add("t.type = ?", sqm.TypeFeedback)
	w.add("t.opened_at >= ?", ms(q.From))
	w.add("t.opened_at < ?", ms(q.To))
	rows, err := db.ro.QueryContext(ctx, `SELECT t.id, t.opened_at, COALESCE(f.kind, ''), v.name, t.status, t.priority, t.title,
			t.requester_email, t.fr_met_at, t.res_met_at, s.rating, COALESCE(s.comment, '')
		FROM tickets t JOIN services v ON v.id = t.service_id LEFT JOIN feedback f ON f.ticket_id = t.id
			LEFT JOIN surveys s ON s.id = (SELECT max(id) FROM surveys WHERE ticket_id = t.id)`+w.sql()+`
		ORDER BY t.opened_at, t.id`, w.args...)
	if err != nil {
		return fmt.Errorf("export feedback: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r             sqm.FeedbackRecord
			id, opened    int64
			frMet, resMet sql.NullInt64
			rating        sql.NullInt64
		)
		if err := rows.Scan(&id, &opened, &r.Kind, &r.Service, &r.Status, &r.Priority, &r.Title,
			&r.RequesterEmail, &frMet, &resMet, &rating, &r.Comment); err != nil {
			return fmt.Errorf("export feedback: %w", err)
		}
		r.TicketID, r.OpenedAt, r.FirstResponse, r.Resolution = idString(id), fromMS(opened), fromNullMS(frMet), fromNullMS(resMet)
		if rating.Valid {
			v := int(rating.Int64)
			r.Rating = &v
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export feedback: %w", err)
	}
	return nil
}

// ExportSurveys calls fn with each survey answer given in [From, To) that
// passes the scorecard's filters, oldest first; it stops at fn's first
// error and returns it. It checks the role, the period and the filters
// before the first call. Viewers and up.
func (db *DB) ExportSurveys(ctx context.Context, q sqm.ScorecardQuery, fn func(sqm.SurveyRecord) error) error {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return err
	}
	w, err := answeredIn(q)
	if err != nil {
		return err
	}
	rows, err := db.ro.QueryContext(ctx, `SELECT s.id, s.ticket_id, s.type, v.name, COALESCE(tm.name, ''), COALESCE(u.name, ''),
			s.sla_breached, s.sent_at, s.answered_at, s.rating, s.comment
		FROM surveys s JOIN services v ON v.id = s.service_id LEFT JOIN teams tm ON tm.id = s.team_id
			LEFT JOIN users u ON u.id = s.agent_id`+w.sql()+`
		ORDER BY s.answered_at, s.id`, w.args...)
	if err != nil {
		return fmt.Errorf("export surveys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r                       sqm.SurveyRecord
			id, tid, sent, answered int64
			rating                  sql.NullInt64
		)
		if err := rows.Scan(&id, &tid, &r.Type, &r.Service, &r.Team, &r.Agent, &r.SLABreached, &sent, &answered,
			&rating, &r.Comment); err != nil {
			return fmt.Errorf("export surveys: %w", err)
		}
		r.ID, r.TicketID, r.SentAt, r.AnsweredAt, r.Rating = idString(id), idString(tid), fromMS(sent), fromMS(answered), int(rating.Int64)
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export surveys: %w", err)
	}
	return nil
}
