package sqlstore

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
)

// CreateEscalationPolicy stores a policy and the services it covers; a
// service another policy covers is refused (409). Managers and admins.
func (db *DB) CreateEscalationPolicy(ctx context.Context, p sqm.EscalationPolicy) (sqm.EscalationPolicy, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return p, err
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	err := db.write(ctx, func(tx *Tx) error {
		for i, l := range p.Levels {
			for _, ch := range l.ChannelIDs {
				if _, err := tx.existing(fmt.Sprintf("levels[%d].channel_ids", i), "channels", "Channel", ch); err != nil {
					return err
				}
			}
			for _, sch := range l.ScheduleIDs {
				if _, err := tx.existing(fmt.Sprintf("levels[%d].schedule_ids", i), "schedules", "Schedule", sch); err != nil {
					return err
				}
			}
		}
		levels, _ := json.Marshal(p.Levels)
		id, err := tx.insert(`INSERT INTO escalation_policies (name, levels, created_at, updated_at) VALUES ($1, $2, $3, $3)`,
			p.Name, string(levels), ms(tx.now))
		if err != nil {
			return fmt.Errorf("create escalation policy: %w", err)
		}
		for _, s := range p.ServiceIDs {
			sid, err := tx.existing("service_ids", "services", "Service", s)
			if err != nil {
				return err
			}
			if _, err := tx.exec(`INSERT INTO escalation_services (policy_id, service_id) VALUES ($1, $2)`, id, sid); err != nil {
				return err
			}
		}
		p.ID, p.CreatedAt, p.UpdatedAt = idString(id), tx.now, tx.now
		return tx.audit("escalation.create", "escalation_policy", id, p)
	})
	return p, err
}

// ListEscalationPolicies returns every policy with its services.
func (db *DB) ListEscalationPolicies(ctx context.Context) ([]sqm.EscalationPolicy, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return nil, err
	}
	rows, err := db.ro.QueryContext(ctx, `SELECT p.id, p.name, p.levels, p.created_at, p.updated_at, COALESCE(s.service_id, 0)
		FROM escalation_policies p LEFT JOIN escalation_services s ON s.policy_id = p.id ORDER BY p.id, s.service_id`)
	if err != nil {
		return nil, fmt.Errorf("escalation policies: %w", err)
	}
	defer rows.Close()
	out := []sqm.EscalationPolicy{}
	for rows.Next() {
		var (
			p           sqm.EscalationPolicy
			id, c, u, s int64
			levels      string
		)
		if err := rows.Scan(&id, &p.Name, &levels, &c, &u, &s); err != nil {
			return nil, fmt.Errorf("escalation policies: %w", err)
		}
		if n := len(out); n > 0 && out[n-1].ID == idString(id) {
			out[n-1].ServiceIDs = append(out[n-1].ServiceIDs, idString(s))
			continue
		}
		if err := json.Unmarshal([]byte(levels), &p.Levels); err != nil {
			return nil, fmt.Errorf("escalation policy %d: %w", id, err)
		}
		p.ID, p.CreatedAt, p.UpdatedAt, p.ServiceIDs = idString(id), fromMS(c), fromMS(u), []string{}
		if s != 0 {
			p.ServiceIDs = append(p.ServiceIDs, idString(s))
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// DeleteEscalationPolicy removes a policy; escalations under way stop.
// Managers and admins.
func (db *DB) DeleteEscalationPolicy(ctx context.Context, id string) error {
	return db.deleteRow(ctx, "escalation_policies", "Escalation policy", "escalation.delete", id)
}

// startEscalation puts a new incident under its service's policy, if any:
// level 1 is due after its delay from the opening.
func (tx *Tx) startEscalation(t *ticketRec) error {
	if t.Type != sqm.TypeIncident || t.Imported {
		return nil
	}
	var (
		pid    int64
		levels string
	)
	err := tx.QueryRowContext(tx.ctx, `SELECT p.id, p.levels FROM escalation_policies p JOIN escalation_services s ON s.policy_id = p.id
		WHERE s.service_id = $1`, t.serviceID).Scan(&pid, &levels)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("escalation: %w", err)
	}
	var ls []sqm.EscalationLevel
	if err := json.Unmarshal([]byte(levels), &ls); err != nil || len(ls) == 0 {
		return fmt.Errorf("escalation policy %d: %v", pid, err)
	}
	_, err = tx.exec(`INSERT INTO escalations (ticket_id, policy_id, level, next_at) VALUES ($1, $2, 0, $3)`,
		t.id, pid, ms(t.OpenedAt.Add(ls[0].After)))
	return err
}

// EscalateBatch bounds the escalations one transaction handles.
const EscalateBatch = 100

// Escalate calls the next level of each incident whose escalation is due
// and nobody has acknowledged, and ends the escalations of incidents that
// are acknowledged or resolved. Replicas share the work (SKIP LOCKED).
func (db *DB) Escalate(ctx context.Context) (int, error) {
	if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
		return 0, err
	}
	n := 0
	err := db.write(ctx, func(tx *Tx) error {
		n = 0
		lock := ""
		if db.dialect.name() == "postgres" {
			lock = " FOR UPDATE OF e SKIP LOCKED"
		}
		rows, err := tx.QueryContext(tx.ctx, `SELECT e.ticket_id, e.level, p.levels, t.fr_met_at IS NOT NULL, t.status
			FROM escalations e JOIN escalation_policies p ON p.id = e.policy_id JOIN tickets t ON t.id = e.ticket_id
			WHERE e.next_at IS NOT NULL AND e.next_at <= $1 ORDER BY e.next_at LIMIT $2`+lock, ms(tx.now), EscalateBatch)
		if err != nil {
			return fmt.Errorf("escalate: %w", err)
		}
		type due struct {
			ticket int64
			level  int
			levels []sqm.EscalationLevel
			acked  bool
			status sqm.Status
		}
		var list []due
		for rows.Next() {
			var d due
			var levels string
			if err := rows.Scan(&d.ticket, &d.level, &levels, &d.acked, &d.status); err != nil {
				rows.Close()
				return fmt.Errorf("escalate: %w", err)
			}
			if err := json.Unmarshal([]byte(levels), &d.levels); err != nil {
				rows.Close()
				return fmt.Errorf("escalate: %w", err)
			}
			list = append(list, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("escalate: %w", err)
		}
		for _, d := range list {
			n++
			if d.acked || d.status.Done() || d.level >= len(d.levels) {
				ended := "acknowledged"
				if !d.acked && d.status.Done() {
					ended = "resolved"
				} else if !d.acked {
					ended = "exhausted"
				}
				if _, err := tx.exec(`UPDATE escalations SET next_at = NULL, ended = $1 WHERE ticket_id = $2`, ended, d.ticket); err != nil {
					return err
				}
				continue
			}
			level := d.levels[d.level]
			notice, err := tx.noticeOf(sqm.NotifyEscalation, d.ticket)
			if err != nil {
				return fmt.Errorf("escalate: %w", err)
			}
			notice.Level = d.level + 1
			if notice.AckToken, err = tx.ackToken(d.ticket); err != nil {
				return err
			}
			channels := append([]string{}, level.ChannelIDs...)
			for _, sch := range level.ScheduleIDs {
				id, err := strconv.ParseInt(sch, 10, 64)
				if err != nil {
					continue
				}
				who, err := onCall(tx.ctx, tx, id, tx.now)
				if sqm.ErrorCode(err) == sqm.ENOTFOUND {
					continue // nobody on call, or the schedule is gone: the level's channels still ring
				}
				if err != nil {
					return err
				}
				channels = append(channels, who.ChannelID)
				notice.OnCall = append(notice.OnCall, who.User)
			}
			if err := tx.deliver(fmt.Sprintf("escalation:%d:%d", d.ticket, d.level+1), notice, dedupe(channels)); err != nil {
				return err
			}
			next := sql.NullInt64{}
			ended := ""
			if d.level+1 < len(d.levels) {
				next = sql.NullInt64{Int64: ms(tx.now.Add(d.levels[d.level+1].After)), Valid: true}
			} else {
				ended = "exhausted"
			}
			if _, err := tx.exec(`UPDATE escalations SET level = $1, next_at = $2, ended = $3 WHERE ticket_id = $4`,
				d.level+1, next, ended, d.ticket); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// ackToken is the secret of a ticket's acknowledgement link: the ticket's
// ID and an HMAC of it with the installation's key.
func (tx *Tx) ackToken(ticket int64) (string, error) { return tx.signed("ack", ticket) }

// signed makes a link's token for what (purpose:parts): the parts joined by
// dots, then an HMAC of purpose and parts with the installation's key of
// that purpose. Only the server can make one; none can be guessed.
func (tx *Tx) signed(purpose string, parts ...int64) (string, error) {
	key, err := tx.secret(purpose)
	if err != nil {
		return "", err
	}
	return signWith(key, purpose, parts...), nil
}

// checkSigned reads a token that signed made for purpose with n parts and
// returns the parts, or bad when the token is not genuine.
func (tx *Tx) checkSigned(purpose, token string, n int, bad error) ([]int64, error) {
	return checkToken(tx.ctx, tx, purpose, token, n, bad)
}

// checkToken is checkSigned for any querier; it writes nothing (without
// the purpose's key, no genuine token exists).
func checkToken(ctx context.Context, q querier, purpose, token string, n int, bad error) ([]int64, error) {
	fields := strings.Split(token, ".")
	if len(token) > 200 || len(fields) != n+1 {
		return nil, bad
	}
	parts := make([]int64, n)
	for i := range parts {
		v, err := strconv.ParseInt(fields[i], 10, 64)
		if err != nil || v < 0 || strconv.FormatInt(v, 10) != fields[i] {
			return nil, bad
		}
		parts[i] = v
	}
	key, err := readSecret(ctx, q, purpose)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	if !hmac.Equal([]byte(signWith(key, purpose, parts...)), []byte(token)) {
		return nil, bad
	}
	return parts, nil
}

// secret returns the installation's named key, made on first use.
func (tx *Tx) secret(name string) ([]byte, error) {
	key, err := readSecret(tx.ctx, tx, name)
	if !errors.Is(err, sql.ErrNoRows) {
		return key, err
	}
	fresh := make([]byte, 32)
	rand.Read(fresh) //nolint:errcheck // crypto/rand never fails on Linux
	if _, err := tx.exec(`INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
		name, base64.StdEncoding.EncodeToString(fresh)); err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	return readSecret(tx.ctx, tx, name)
}

// AckTarget reads an acknowledgement link: the ticket it names, when the
// token is genuine. No role: the token is the authority.
func (db *DB) AckTarget(ctx context.Context, token string) (sqm.Ticket, error) {
	var t sqm.Ticket
	err := db.write(ctx, func(tx *Tx) error {
		id, err := tx.checkAck(token)
		if err != nil {
			return err
		}
		rec, err := tx.lockTicket(id)
		if err != nil {
			return err
		}
		t = rec.Ticket
		return nil
	})
	return t, err
}

// AcknowledgeByLink acknowledges the ticket an acknowledgement link names,
// which stops its escalation. A second use changes nothing.
func (db *DB) AcknowledgeByLink(ctx context.Context, token string) (sqm.Ticket, error) {
	var t sqm.Ticket
	err := db.write(ctx, func(tx *Tx) error {
		id, err := tx.checkAck(token)
		if err != nil {
			return err
		}
		var acked bool
		if err := tx.QueryRowContext(tx.ctx, `SELECT fr_met_at IS NOT NULL FROM tickets WHERE id = $1`, id).Scan(&acked); err != nil {
			return err
		}
		if acked {
			rec, err := tx.lockTicket(id)
			if err == nil {
				t = rec.Ticket
			}
			return err
		}
		rec, err := tx.addEvent(id, func(at time.Time) sqm.Event {
			return sqm.Event{At: at, Type: sqm.EventAck, By: sqm.BySystem, Body: "Acknowledged from a notification's link."}
		})
		if err != nil {
			return err
		}
		t = rec.Ticket
		_, err = tx.exec(`UPDATE escalations SET next_at = NULL, ended = 'acknowledged' WHERE ticket_id = $1`, id)
		return err
	})
	return t, err
}

func (tx *Tx) checkAck(token string) (int64, error) {
	parts, err := tx.checkSigned("ack", token, 1, sqm.Errorf(sqm.ENOTFOUND, "This acknowledgement link is not valid."))
	if err != nil {
		return 0, err
	}
	return parts[0], nil
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
