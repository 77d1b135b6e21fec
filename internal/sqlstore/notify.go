package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
)

// CreateChannel stores a notification channel. Managers and admins.
func (db *DB) CreateChannel(ctx context.Context, c sqm.Channel) (sqm.Channel, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return c, err
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	var out sqm.Channel
	err := db.write(ctx, func(tx *Tx) error {
		id, err := tx.insert(`INSERT INTO channels (name, type, url, secret, lang, disabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, c.Name, c.Type, c.URL, c.Secret, c.Lang, c.Disabled, ms(tx.now))
		if err != nil {
			return fmt.Errorf("create channel: %w", err)
		}
		if out, err = getChannel(tx.ctx, tx, id); err != nil {
			return err
		}
		return tx.audit("channel.create", "channel", id, out)
	})
	return out, err
}

// UpdateChannel replaces a channel; an empty secret keeps the one set.
// Managers and admins.
func (db *DB) UpdateChannel(ctx context.Context, id string, c sqm.Channel) (sqm.Channel, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return c, err
	}
	cid, err := parseID("Channel", id)
	if err != nil {
		return c, err
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	var out sqm.Channel
	err = db.write(ctx, func(tx *Tx) error {
		if _, err := getChannel(tx.ctx, tx, cid); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE channels SET name = $1, type = $2, url = $3, secret = CASE WHEN $4 = '' THEN secret ELSE $4 END,
			lang = $5, disabled = $6, updated_at = $7 WHERE id = $8`, c.Name, c.Type, c.URL, c.Secret, c.Lang, c.Disabled, ms(tx.now), cid); err != nil {
			return fmt.Errorf("update channel: %w", err)
		}
		if out, err = getChannel(tx.ctx, tx, cid); err != nil {
			return err
		}
		return tx.audit("channel.update", "channel", cid, out)
	})
	return out, err
}

// GetChannel returns a channel, without its secret.
func (db *DB) GetChannel(ctx context.Context, id string) (sqm.Channel, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return sqm.Channel{}, err
	}
	cid, err := parseID("Channel", id)
	if err != nil {
		return sqm.Channel{}, err
	}
	return getChannel(ctx, db.ro, cid)
}

// ListChannels returns a page of channels.
func (db *DB) ListChannels(ctx context.Context, cursor string, limit int) (sqm.Page[sqm.Channel], error) {
	w := where{}
	w.add("builtin = ?", "")
	return listWhere(ctx, db, cursor, limit, channelColumns+` FROM channels`, "id", w, false, scanChannel)
}

const channelColumns = `SELECT id, name, type, url, secret <> '', lang, disabled, created_at, updated_at`

func getChannel(ctx context.Context, q querier, id int64) (sqm.Channel, error) {
	c, _, err := scanChannel(q.QueryRowContext(ctx, channelColumns+` FROM channels WHERE id = $1 AND builtin = ''`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, sqm.Errorf(sqm.ENOTFOUND, "Channel %d not found.", id)
	}
	return c, err
}

func scanChannel(sc scanner) (sqm.Channel, int64, error) {
	var (
		c        sqm.Channel
		id, a, u int64
	)
	if err := sc.Scan(&id, &c.Name, &c.Type, &c.URL, &c.HasSecret, &c.Lang, &c.Disabled, &a, &u); err != nil {
		return c, 0, err
	}
	c.ID, c.CreatedAt, c.UpdatedAt = idString(id), fromMS(a), fromMS(u)
	return c, id, nil
}

// CreateRule stores a notification rule. Managers and admins.
func (db *DB) CreateRule(ctx context.Context, r sqm.NotificationRule) (sqm.NotificationRule, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return r, err
	}
	if err := r.Validate(); err != nil {
		return r, err
	}
	err := db.write(ctx, func(tx *Tx) error {
		cid, err := tx.existing("channel_id", "channels", "Channel", r.ChannelID)
		if err != nil {
			return err
		}
		var builtin string
		if err := tx.QueryRowContext(tx.ctx, `SELECT builtin FROM channels WHERE id = $1`, cid).Scan(&builtin); err != nil {
			return fmt.Errorf("rule: %w", err)
		}
		if builtin != "" {
			return sqm.FieldError("channel_id", "Channel %s is sqm's own mail to requesters; rules cannot use it.", r.ChannelID)
		}
		var sid sql.NullInt64
		if r.ServiceID != "" {
			id, err := tx.existing("service_id", "services", "Service", r.ServiceID)
			if err != nil {
				return err
			}
			sid = sql.NullInt64{Int64: id, Valid: true}
		}
		events, _ := json.Marshal(r.Events)
		prios, _ := json.Marshal(r.Priorities)
		id, err := tx.insert(`INSERT INTO notification_rules (channel_id, service_id, events, priorities, created_at)
			VALUES ($1, $2, $3, $4, $5)`, cid, sid, string(events), string(prios), ms(tx.now))
		if err != nil {
			return fmt.Errorf("create rule: %w", err)
		}
		r.ID, r.CreatedAt = idString(id), tx.now
		return tx.audit("rule.create", "notification_rule", id, r)
	})
	return r, err
}

// DeleteRule removes a notification rule. Managers and admins.
func (db *DB) DeleteRule(ctx context.Context, id string) error {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return err
	}
	rid, err := parseID("Notification rule", id)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		res, err := tx.exec(`DELETE FROM notification_rules WHERE id = $1`, rid)
		if err != nil {
			return fmt.Errorf("delete rule: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sqm.Errorf(sqm.ENOTFOUND, "Notification rule %d not found.", rid)
		}
		return tx.audit("rule.delete", "notification_rule", rid, nil)
	})
}

// ListRules returns a page of notification rules.
func (db *DB) ListRules(ctx context.Context, cursor string, limit int) (sqm.Page[sqm.NotificationRule], error) {
	return list(ctx, db, cursor, limit, ruleColumns+` FROM notification_rules`, scanRule)
}

const ruleColumns = `SELECT id, channel_id, service_id, events, priorities, created_at`

func scanRule(sc scanner) (sqm.NotificationRule, int64, error) {
	var (
		r             sqm.NotificationRule
		id, ch, c     int64
		svc           sql.NullInt64
		events, prios string
	)
	if err := sc.Scan(&id, &ch, &svc, &events, &prios, &c); err != nil {
		return r, 0, err
	}
	if err := json.Unmarshal([]byte(events), &r.Events); err != nil {
		return r, 0, err
	}
	if err := json.Unmarshal([]byte(prios), &r.Priorities); err != nil {
		return r, 0, err
	}
	r.ID, r.ChannelID, r.ServiceID, r.CreatedAt = idString(id), idString(ch), nullIDString(svc), fromMS(c)
	return r, id, nil
}

// notify writes, in the transaction of what caused it, one delivery of the
// notice for each channel whose rules route it. key names the cause, so
// that an event is delivered at most once per channel however often it is
// written.
func (tx *Tx) notify(key string, n sqm.Notice) error {
	rows, err := tx.QueryContext(tx.ctx, ruleColumns+` FROM notification_rules
		WHERE channel_id IN (SELECT id FROM channels WHERE NOT disabled) ORDER BY id`)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	var channels []string
	for rows.Next() {
		r, _, err := scanRule(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("notify: %w", err)
		}
		if r.Matches(n.Event, n.ServiceID, n.Priority) {
			channels = append(channels, r.ChannelID)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return tx.deliver(key, n, channels)
}

// deliver writes one delivery of the notice for each channel, at most one
// per key and channel. An unacknowledged incident's notice carries its
// acknowledgement link.
func (tx *Tx) deliver(key string, n sqm.Notice, channels []string) error {
	if len(channels) == 0 {
		return nil
	}
	if tid, err := strconv.ParseInt(n.TicketID, 10, 64); err == nil && n.AckToken == "" {
		var incident, acked bool
		if err := tx.QueryRowContext(tx.ctx, `SELECT type = 'incident', fr_met_at IS NOT NULL FROM tickets WHERE id = $1`, tid).
			Scan(&incident, &acked); err != nil {
			return fmt.Errorf("notify: %w", err)
		}
		if incident && !acked {
			if n.AckToken, err = tx.ackToken(tid); err != nil {
				return err
			}
		}
	}
	if n.Service == "" {
		if err := tx.QueryRowContext(tx.ctx, `SELECT name FROM services WHERE id = $1`, n.ServiceID).Scan(&n.Service); err != nil {
			return fmt.Errorf("notify: %w", err)
		}
	}
	n.At = tx.now
	payload, err := json.Marshal(n)
	if err != nil {
		return err
	}
	ticket, _ := refID("", "", n.TicketID)
	for _, ch := range channels {
		if _, err := tx.exec(`INSERT INTO deliveries (event_key, channel_id, event, ticket_id, payload, status, next_at, created_at)
			VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6) ON CONFLICT (event_key, channel_id) DO NOTHING`,
			key, ch, n.Event, ticket, string(payload), ms(tx.now)); err != nil {
			return fmt.Errorf("notify: %w", err)
		}
	}
	return nil
}

// ticketNotice is a notice about a ticket.
func ticketNotice(event string, t *sqm.Ticket) sqm.Notice {
	return sqm.Notice{Event: event, TicketID: t.ID, ServiceID: t.ServiceID, Title: t.Title, Priority: t.Priority, Status: t.Status}
}

// noticeOf is a notice about a stored ticket.
func (tx *Tx) noticeOf(event string, tid int64) (sqm.Notice, error) {
	n := sqm.Notice{Event: event, TicketID: idString(tid)}
	var sid int64
	err := tx.QueryRowContext(tx.ctx, `SELECT t.service_id, s.name, t.title, t.priority, t.status FROM tickets t
		JOIN services s ON s.id = t.service_id WHERE t.id = $1`, tid).Scan(&sid, &n.Service, &n.Title, &n.Priority, &n.Status)
	n.ServiceID = idString(sid)
	return n, err
}

// Delivery work: a claimed delivery is leased for deliveryLease; a worker
// that dies mid-send leaves it to be sent again after that.
const (
	deliveryLease    = time.Minute
	MaxAttempts      = 10
	ClaimBatch       = 100
	deliveryErrorLen = 500
)

// backoff is the wait before the next attempt after n failed ones.
func backoff(n int) time.Duration {
	steps := []time.Duration{10 * time.Second, 30 * time.Second, time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour}
	return steps[min(max(n-1, 0), len(steps)-1)]
}

// Outgoing is a claimed delivery with what sending it needs.
type Outgoing struct {
	sqm.Delivery
	Channel sqm.Channel
	Secret  string
	// Recipient is the address of a mail to a requester, through the
	// built-in requester channel; "" for a channel's own recipients.
	Recipient string
}

// ClaimDeliveries leases the deliveries that are due (FOR UPDATE SKIP
// LOCKED on PostgreSQL, so replicas share the work) and returns them.
func (db *DB) ClaimDeliveries(ctx context.Context, limit int) ([]Outgoing, error) {
	if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
		return nil, err
	}
	var out []Outgoing
	err := db.write(ctx, func(tx *Tx) error {
		out = out[:0]
		lock := ""
		if db.dialect.name() == "postgres" {
			lock = " FOR UPDATE OF d SKIP LOCKED"
		}
		rows, err := tx.QueryContext(tx.ctx, `SELECT d.id, d.event_key, d.event, d.ticket_id, d.payload, d.attempts, d.created_at,
			c.id, c.name, c.type, c.url, c.secret, c.lang, d.recipient
			FROM deliveries d JOIN channels c ON c.id = d.channel_id
			WHERE d.status = 'pending' AND d.next_at <= $1 ORDER BY d.next_at LIMIT $2`+lock, ms(tx.now), limit)
		if err != nil {
			return fmt.Errorf("claim deliveries: %w", err)
		}
		var ids []any
		for rows.Next() {
			var (
				o               Outgoing
				id, ch, created int64
				ticket          sql.NullInt64
				key, payload    string
			)
			if err := rows.Scan(&id, &key, &o.Event, &ticket, &payload, &o.Attempts, &created,
				&ch, &o.Channel.Name, &o.Channel.Type, &o.Channel.URL, &o.Secret, &o.Channel.Lang, &o.Recipient); err != nil {
				rows.Close()
				return fmt.Errorf("claim deliveries: %w", err)
			}
			o.ID, o.ChannelID, o.TicketID, o.CreatedAt = idString(id), idString(ch), nullIDString(ticket), fromMS(created)
			o.Channel.ID, o.Payload, o.Status = o.ChannelID, []byte(payload), sqm.DeliveryPending
			out = append(out, o)
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("claim deliveries: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		marks := make([]string, len(ids))
		for i := range ids {
			marks[i] = "$" + strconv.Itoa(i+2)
		}
		_, err = tx.exec(`UPDATE deliveries SET next_at = $1, attempts = attempts + 1 WHERE id IN (`+strings.Join(marks, ", ")+`)`,
			append([]any{ms(tx.now.Add(deliveryLease))}, ids...)...)
		return err
	})
	for i := range out {
		out[i].Attempts++
	}
	return out, err
}

// ReleaseOrphans makes the deliveries leased by an earlier run of this
// process due at once, on SQLite, where no other process can hold them:
// those it was sending when it stopped or died. On PostgreSQL a lease may
// belong to a live replica, so it runs out instead.
func (db *DB) ReleaseOrphans(ctx context.Context) (int64, error) {
	if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
		return 0, err
	}
	if db.dialect.name() == "postgres" {
		return 0, nil
	}
	var n int64
	err := db.write(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE deliveries SET next_at = $1 WHERE status = 'pending' AND next_at > $1 AND attempts > 0
			AND last_error = ''`, ms(tx.now))
		if err != nil {
			return fmt.Errorf("release deliveries: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}

// Outcome is how sending one claimed delivery went: Err nil when sent.
type Outcome struct {
	Delivery Outgoing
	Err      error
}

// FinishDeliveries records how sending claimed deliveries went, in one
// transaction: sent, or failed and due again after a back-off, or given up
// after MaxAttempts.
func (db *DB) FinishDeliveries(ctx context.Context, outcomes []Outcome) error {
	if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
		return err
	}
	return db.write(context.WithoutCancel(ctx), func(tx *Tx) error {
		var sent []any
		for _, o := range outcomes {
			id, err := parseID("Delivery", o.Delivery.ID)
			if err != nil {
				return err
			}
			if o.Err == nil {
				sent = append(sent, id)
				continue
			}
			msg := truncate(o.Err.Error(), deliveryErrorLen)
			if o.Delivery.Attempts >= MaxAttempts {
				_, err = tx.exec(`UPDATE deliveries SET status = 'failed', next_at = NULL, last_error = $1 WHERE id = $2`, msg, id)
			} else {
				_, err = tx.exec(`UPDATE deliveries SET next_at = $1, last_error = $2 WHERE id = $3`,
					ms(tx.now.Add(backoff(o.Delivery.Attempts))), msg, id)
			}
			if err != nil {
				return fmt.Errorf("finish delivery: %w", err)
			}
		}
		if len(sent) == 0 {
			return nil
		}
		marks := make([]string, len(sent))
		for i := range sent {
			marks[i] = "$" + strconv.Itoa(i+2)
		}
		_, err := tx.exec(`UPDATE deliveries SET status = 'sent', sent_at = $1, next_at = NULL, last_error = '' WHERE id IN (`+
			strings.Join(marks, ", ")+`)`, append([]any{ms(tx.now)}, sent...)...)
		return err
	})
}

// FinishDelivery records how sending one claimed delivery went.
func (db *DB) FinishDelivery(ctx context.Context, o Outgoing, sendErr error) error {
	return db.FinishDeliveries(ctx, []Outcome{{o, sendErr}})
}

// ListDeliveries returns a page of deliveries, the newest first, of one
// channel and status when set.
func (db *DB) ListDeliveries(ctx context.Context, channelID, status, cursor string, limit int) (sqm.Page[sqm.Delivery], error) {
	w := where{}
	if channelID != "" {
		cid, err := refID("channel_id", "Channel", channelID)
		if err != nil {
			return sqm.Page[sqm.Delivery]{}, err
		}
		w.add("channel_id = ?", cid.Int64)
	}
	switch status {
	case "":
	case sqm.DeliveryPending, sqm.DeliverySent, sqm.DeliveryFailed:
		w.add("status = ?", status)
	default:
		return sqm.Page[sqm.Delivery]{}, sqm.FieldError("status", "Status must be pending, sent or failed.")
	}
	return listWhere(ctx, db, cursor, limit, `SELECT id, channel_id, event, ticket_id, status, attempts, last_error, next_at, sent_at, created_at
		FROM deliveries`, "id", w, true, scanDelivery)
}

func scanDelivery(sc scanner) (sqm.Delivery, int64, error) {
	var (
		d                  sqm.Delivery
		id, ch, c          int64
		ticket, next, sent sql.NullInt64
	)
	if err := sc.Scan(&id, &ch, &d.Event, &ticket, &d.Status, &d.Attempts, &d.LastError, &next, &sent, &c); err != nil {
		return d, 0, err
	}
	d.ID, d.ChannelID, d.TicketID = idString(id), idString(ch), nullIDString(ticket)
	d.NextAt, d.SentAt, d.CreatedAt = fromNullMS(next), fromNullMS(sent), fromMS(c)
	return d, id, nil
}

// mailRequester queues a mail to a requester through the built-in
// requester channel, at most one per key, when mail to requesters is on.
func (tx *Tx) mailRequester(key, to string, n sqm.Notice) error {
	if !tx.db.MailRequesters || to == "" {
		return nil
	}
	var ch int64
	if err := tx.QueryRowContext(tx.ctx, `SELECT id FROM channels WHERE builtin = 'requester'`).Scan(&ch); err != nil {
		return fmt.Errorf("mail requester: %w", err)
	}
	if n.Service == "" {
		if err := tx.QueryRowContext(tx.ctx, `SELECT name FROM services WHERE id = $1`, n.ServiceID).Scan(&n.Service); err != nil {
			return fmt.Errorf("mail requester: %w", err)
		}
	}
	n.At = tx.now
	payload, err := json.Marshal(n)
	if err != nil {
		return err
	}
	ticket, _ := refID("", "", n.TicketID)
	if _, err := tx.exec(`INSERT INTO deliveries (event_key, channel_id, event, ticket_id, payload, status, next_at, created_at, recipient)
		VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6, $7) ON CONFLICT (event_key, channel_id) DO NOTHING`,
		key, ch, n.Event, ticket, string(payload), ms(tx.now), to); err != nil {
		return fmt.Errorf("mail requester: %w", err)
	}
	return nil
}
