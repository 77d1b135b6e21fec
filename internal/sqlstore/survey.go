package sqlstore

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/kpi"
)

// survey sends a satisfaction survey for a ticket just resolved, when it has
// a requester: always for feedback; for incidents and requests unless the
// same address was surveyed within the policy's Every.
func (tx *Tx) survey(t *ticketRec) error {
	if t.RequesterEmail == "" || t.Imported {
		return nil
	}
	policy := tx.db.surveyPolicy()
	switch t.Type {
	case sqm.TypeFeedback:
	case sqm.TypeIncident, sqm.TypeRequest:
		var recent int
		if err := tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM surveys WHERE email = $1 AND sent_at > $2`,
			t.RequesterEmail, ms(tx.now.Add(-policy.Every))).Scan(&recent); err != nil {
			return fmt.Errorf("survey: %w", err)
		}
		if recent > 0 {
			return nil
		}
	default:
		return nil
	}
	breached := false
	for _, c := range t.clocks {
		if c.dueAt.Valid && (c.metAt.Valid && c.metAt.Int64 > c.dueAt.Int64 || !c.metAt.Valid && ms(tx.now) > c.dueAt.Int64) {
			breached = true
		}
	}
	team, _ := refID("", "", t.TeamID)
	agent, _ := refID("", "", tx.actor.UserID)
	id, err := tx.insert(`INSERT INTO surveys (ticket_id, service_id, team_id, type, agent_id, email, sla_breached, sent_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		t.id, t.serviceID, team, t.Type, agent, t.RequesterEmail, breached, ms(tx.now), ms(tx.now.Add(policy.Valid)))
	if err != nil {
		return fmt.Errorf("survey: %w", err)
	}
	token, err := tx.signed("survey", id)
	if err != nil {
		return err
	}
	n := ticketNotice(sqm.MailSurvey, &t.Ticket)
	until := tx.now.Add(policy.Valid)
	n.LinkPath, n.Until = "/portal/s/"+token, &until
	if t.Type == sqm.TypeFeedback {
		if err := tx.QueryRowContext(tx.ctx, `SELECT lang FROM feedback WHERE ticket_id = $1`, t.id).Scan(&n.Lang); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("survey: %w", err)
		}
	}
	if err := tx.mailRequester(fmt.Sprintf("survey:%d", id), t.RequesterEmail, n); err != nil {
		return err
	}
	return tx.audit("survey.sent", "ticket", t.id, map[string]any{"survey": id})
}

func (db *DB) surveyPolicy() sqm.SurveyPolicy {
	p := db.Surveys
	if p.Valid <= 0 {
		p.Valid = sqm.DefaultSurveyPolicy.Valid
	}
	if p.Every < 0 {
		p.Every = 0
	} else if p.Every == 0 {
		p.Every = sqm.DefaultSurveyPolicy.Every
	}
	return p
}

// surveyOf returns a ticket's latest survey, nil when it has none, with its
// token.
func surveyOf(ctx context.Context, q querier, ticket int64) (*sqm.Survey, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM surveys WHERE ticket_id = $1 ORDER BY id DESC LIMIT 1`, ticket).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("survey: %w", err)
	}
	return surveyByID(ctx, q, id)
}

// SurveyView is a survey with what its page shows of the ticket.
type SurveyView struct {
	sqm.Survey
	Title   string
	Service string
}

var errBadSurvey = sqm.Errorf(sqm.ENOTFOUND, "This survey link is not valid.")

// GetSurvey reads a survey by its token. No role: the token is the
// authority.
func (db *DB) GetSurvey(ctx context.Context, token string) (SurveyView, error) {
	var v SurveyView
	parts, err := checkToken(ctx, db.ro, "survey", token, 1, errBadSurvey)
	if err != nil {
		return v, err
	}
	var tid int64
	if err := db.ro.QueryRowContext(ctx, `SELECT s.ticket_id, t.title, v.name FROM surveys s JOIN tickets t ON t.id = s.ticket_id
		JOIN services v ON v.id = t.service_id WHERE s.id = $1`, parts[0]).Scan(&tid, &v.Title, &v.Service); errors.Is(err, sql.ErrNoRows) {
		return v, errBadSurvey
	} else if err != nil {
		return v, fmt.Errorf("survey: %w", err)
	}
	s, err := surveyByID(ctx, db.ro, parts[0])
	if err != nil {
		return v, err
	}
	v.Survey = *s
	return v, nil
}

func surveyByID(ctx context.Context, q querier, id int64) (*sqm.Survey, error) {
	var (
		sent, expires    int64
		rating, answered sql.NullInt64
		s                sqm.Survey
	)
	if err := q.QueryRowContext(ctx, `SELECT sent_at, expires_at, rating, comment, answered_at FROM surveys WHERE id = $1`, id).
		Scan(&sent, &expires, &rating, &s.Comment, &answered); err != nil {
		return nil, fmt.Errorf("survey: %w", err)
	}
	s.SentAt, s.ExpiresAt, s.AnsweredAt = fromMS(sent), fromMS(expires), fromNullMS(answered)
	if rating.Valid {
		r := int(rating.Int64)
		s.Rating = &r
	}
	key, err := readSecret(ctx, q, "survey")
	if err != nil {
		return nil, err
	}
	s.Token = signWith(key, "survey", id)
	return &s, nil
}

// AnswerSurvey records the one answer a survey takes. A rating of 1 or 2
// reopens the ticket, with its clocks running again, notes why on the
// timeline and tells the rules' channels (survey_unhappy). No role: the
// token is the authority.
func (db *DB) AnswerSurvey(ctx context.Context, token string, a sqm.SurveyAnswer) (sqm.Survey, error) {
	var out sqm.Survey
	if err := a.Validate(); err != nil {
		return out, err
	}
	err := db.write(ctx, func(tx *Tx) error {
		parts, err := tx.checkSigned("survey", token, 1, errBadSurvey)
		if err != nil {
			return err
		}
		s, err := surveyByID(tx.ctx, tx, parts[0])
		if err != nil {
			return err
		}
		switch {
		case s.Rating != nil:
			return sqm.Errorf(sqm.ECONFLICT, "This survey has already been answered; thank you.")
		case !tx.now.Before(s.ExpiresAt):
			return sqm.Errorf(sqm.ECONFLICT, "This survey closed on %s.", s.ExpiresAt.Format(time.DateOnly))
		}
		var tid int64
		err = tx.QueryRowContext(tx.ctx, `UPDATE surveys SET rating = $1, comment = $2, answered_at = $3
			WHERE id = $4 AND rating IS NULL RETURNING ticket_id`, a.Rating, a.Comment, ms(tx.now), parts[0]).Scan(&tid)
		if errors.Is(err, sql.ErrNoRows) {
			return sqm.Errorf(sqm.ECONFLICT, "This survey has already been answered; thank you.")
		}
		if err != nil {
			return fmt.Errorf("survey: %w", err)
		}
		r := a.Rating
		s.Rating, s.Comment, s.AnsweredAt = &r, a.Comment, &tx.now
		out = *s
		if err := tx.audit("survey.answered", "ticket", tid, map[string]any{"rating": a.Rating}); err != nil {
			return err
		}
		if !sqm.Unhappy(a.Rating) {
			return nil
		}
		note := fmt.Sprintf("The requester rated the resolution %d of 5", a.Rating)
		if a.Comment != "" {
			note += ": " + a.Comment
		}
		if err := tx.systemNote(tid, note); err != nil {
			return err
		}
		t, err := tx.lockTicket(tid)
		if err != nil {
			return err
		}
		if t.Status.Done() {
			if t, err = tx.addEvent(tid, func(at time.Time) sqm.Event {
				return sqm.Event{At: at, Type: sqm.EventStatus, By: sqm.BySystem, Status: sqm.StatusInProgress}
			}); err != nil {
				return err
			}
		}
		n := ticketNotice(sqm.NotifySurveyUnhappy, &t.Ticket)
		n.Detail = note
		return tx.notify("survey:"+strconv.FormatInt(parts[0], 10), n)
	})
	return out, err
}

// satisfaction counts the survey answers given in [from, to) that pass the
// filters (on service_id, team_id and type), split by SLA outcome.
func (db *DB) satisfaction(ctx context.Context, filters where, from, to int64) (sqm.SatisfactionFigures, error) {
	var f sqm.SatisfactionFigures
	w := where{conds: append([]string{}, filters.conds...), args: append([]any{}, filters.args...)}
	w.add("answered_at >= ?", from)
	w.add("answered_at < ?", to)
	rows, err := db.ro.QueryContext(ctx, `SELECT sla_breached, count(*), COALESCE(sum(CASE WHEN rating >= 4 THEN 1 ELSE 0 END), 0)
		FROM surveys`+w.sql()+` GROUP BY sla_breached`, w.args...)
	if err != nil {
		return f, fmt.Errorf("satisfaction: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			breached        bool
			n, satisfiedNum int
		)
		if err := rows.Scan(&breached, &n, &satisfiedNum); err != nil {
			return f, fmt.Errorf("satisfaction: %w", err)
		}
		c := sqm.CSATCount{Responses: n, Satisfied: satisfiedNum, CSAT: kpi.Share(satisfiedNum, n)}
		if breached {
			f.SLABreached = c
		} else {
			f.SLAMet = c
		}
		f.Responses += n
		f.Satisfied += satisfiedNum
	}
	f.CSAT = kpi.Share(f.Satisfied, f.Responses)
	return f, rows.Err()
}

// signWith makes a token as signed does, with the key given.
func signWith(key []byte, purpose string, parts ...int64) string {
	m := hmac.New(sha256.New, key)
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.FormatInt(p, 10))
	}
	fmt.Fprintf(m, "%s:%s", purpose, b.String())
	return b.String() + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// readSecret returns the installation's named key; it fails when the key
// has not been made.
func readSecret(ctx context.Context, q querier, name string) ([]byte, error) {
	var v string
	if err := q.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = $1`, name).Scan(&v); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return base64.StdEncoding.DecodeString(v)
}
