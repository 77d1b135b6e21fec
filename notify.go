package sqm

import (
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
)

// ChannelType names where a channel delivers.
type ChannelType string

const (
	ChannelWebhook  ChannelType = "webhook"  // a JSON POST signed with HMAC-SHA256
	ChannelSlack    ChannelType = "slack"    // a Slack incoming webhook
	ChannelWeCom    ChannelType = "wecom"    // 企业微信 group robot
	ChannelDingTalk ChannelType = "dingtalk" // 钉钉 robot, signed
	ChannelFeishu   ChannelType = "feishu"   // 飞书 / Lark bot, signed
	ChannelEmail    ChannelType = "email"    // e-mail through the installation's SMTP server; the URL is mailto:
)

// ChannelTypes lists the channel types.
var ChannelTypes = []ChannelType{ChannelWebhook, ChannelSlack, ChannelWeCom, ChannelDingTalk, ChannelFeishu, ChannelEmail}

// MaxMailRecipients is the most recipients an e-mail channel can list.
const MaxMailRecipients = 50

// Channel is a destination for notifications.
type Channel struct {
	ID   string      `json:"id"`
	Name string      `json:"name"`
	Type ChannelType `json:"type"`
	// URL is the endpoint, or for an e-mail channel a mailto: URL listing
	// the recipients (mailto:ops@example.com,oncall@example.com).
	URL string `json:"url"`
	// Secret signs deliveries (webhook, DingTalk, Feishu); it is written,
	// never read back: HasSecret says whether one is set.
	Secret    string    `json:"-"`
	HasSecret bool      `json:"has_secret"`
	Lang      string    `json:"lang"` // of the messages: en or zh
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks a channel's own fields and fills its defaults.
func (c *Channel) Validate() error {
	if err := CheckName("name", c.Name); err != nil {
		return err
	}
	if !slices.Contains(ChannelTypes, c.Type) {
		return FieldError("type", "Type must be one of webhook, slack, wecom, dingtalk, feishu, email.")
	}
	if c.Type == ChannelEmail {
		if len(c.URL) > 2000 {
			return FieldError("url", "The URL is at most 2000 characters.")
		}
		if _, err := MailRecipients(c.URL); err != nil {
			return err
		}
	} else {
		u, err := url.Parse(c.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(c.URL) > 2000 {
			return FieldError("url", "The URL is an http:// or https:// address.")
		}
	}
	if len(c.Secret) > 500 {
		return FieldError("secret", "The secret is at most 500 characters.")
	}
	switch c.Lang {
	case "":
		c.Lang = "en"
	case "en", "zh":
	default:
		return FieldError("lang", "The language is en or zh.")
	}
	return nil
}

// MailRecipients reads the recipients of an e-mail channel's mailto: URL,
// such as "mailto:ops@example.com,oncall@example.com": between one and
// MaxMailRecipients addresses separated by commas, percent-encoded or not
// (RFC 6068); header fields after a "?" are refused. Its error is a
// FieldError on "url".
func MailRecipients(mailto string) ([]*mail.Address, error) {
	const example = "such as mailto:ops@example.com,oncall@example.com"
	scheme, list, ok := strings.Cut(mailto, ":")
	if !ok || !strings.EqualFold(scheme, "mailto") {
		return nil, FieldError("url", "An e-mail channel's URL is mailto: with the recipients, %s.", example)
	}
	if strings.Contains(list, "?") {
		return nil, FieldError("url", "The mailto: URL lists the recipients only, without ?subject= or other fields.")
	}
	if unescaped, err := url.PathUnescape(list); err == nil {
		list = unescaped
	}
	if strings.TrimSpace(list) == "" {
		return nil, FieldError("url", "The mailto: URL lists at least one recipient, %s.", example)
	}
	addrs, err := mail.ParseAddressList(list)
	if err != nil {
		return nil, FieldError("url", "The mailto: URL lists e-mail addresses separated by commas, %s (%v).", example, err)
	}
	switch {
	case len(addrs) == 0:
		return nil, FieldError("url", "The mailto: URL lists at least one recipient, %s.", example)
	case len(addrs) > MaxMailRecipients:
		return nil, FieldError("url", "The mailto: URL lists at most %d recipients, not %d.", MaxMailRecipients, len(addrs))
	}
	return addrs, nil
}

// Notification events: what a rule can ask to hear of.
const (
	NotifyAlertFiring   = "alert_firing"
	NotifyAlertResolved = "alert_resolved"
	NotifySLAWarning    = "sla_warning"
	NotifySLABreached   = "sla_breached"
	NotifyMonitorDown   = "monitor_down"
	NotifyMonitorUp     = "monitor_up"
	NotifySurveyUnhappy = "survey_unhappy" // a survey rated 1 or 2 reopened its ticket
)

// Mail to requesters, not routed by rules: the receipt of a submission with
// its tracking link, and the satisfaction survey.
const (
	MailFeedbackReceived = "feedback_received"
	MailFeedbackReply    = "feedback_reply"
	MailSurvey           = "survey"
)

// NotifyEvents lists the notification events.
var NotifyEvents = []string{NotifyAlertFiring, NotifyAlertResolved, NotifySLAWarning, NotifySLABreached, NotifyMonitorDown, NotifyMonitorUp,
	NotifySurveyUnhappy}

// Escalations are not routed by rules: a policy names its channels.

// NotificationRule routes events to a channel: of one service or all, of
// some priorities or all.
type NotificationRule struct {
	ID         string     `json:"id"`
	ChannelID  string     `json:"channel_id"`
	ServiceID  string     `json:"service_id"` // empty: every service
	Events     []string   `json:"events"`
	Priorities []Priority `json:"priorities"` // empty: every priority
	CreatedAt  time.Time  `json:"created_at"`
}

// Validate checks a rule's own fields.
func (r *NotificationRule) Validate() error {
	if r.ChannelID == "" {
		return FieldError("channel_id", "A channel is required.")
	}
	if len(r.Events) == 0 {
		return FieldError("events", "Name at least one event: alert_firing, alert_resolved, sla_warning, sla_breached, monitor_down, monitor_up.")
	}
	for _, e := range r.Events {
		if !slices.Contains(NotifyEvents, e) {
			return FieldError("events", "Unknown event %q; the events are alert_firing, alert_resolved, sla_warning, sla_breached, monitor_down, monitor_up.", e)
		}
	}
	for _, p := range r.Priorities {
		if !p.Valid() {
			return FieldError("priorities", "Priorities are P1, P2, P3, P4.")
		}
	}
	if r.Priorities == nil {
		r.Priorities = []Priority{}
	}
	return nil
}

// Matches says whether the rule routes an event of a ticket.
func (r NotificationRule) Matches(event, serviceID string, p Priority) bool {
	return slices.Contains(r.Events, event) && (r.ServiceID == "" || r.ServiceID == serviceID) &&
		(len(r.Priorities) == 0 || slices.Contains(r.Priorities, p))
}

// Delivery statuses.
const (
	DeliveryPending = "pending"
	DeliverySent    = "sent"
	DeliveryFailed  = "failed" // gave up after its attempts
)

// Delivery is one notification for one channel: sent at most once, retried
// with back-off until it is.
type Delivery struct {
	ID        string     `json:"id"`
	ChannelID string     `json:"channel_id"`
	Event     string     `json:"event"`
	TicketID  string     `json:"ticket_id"`
	Status    string     `json:"status"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error"`
	NextAt    *time.Time `json:"next_at"`
	SentAt    *time.Time `json:"sent_at"`
	CreatedAt time.Time  `json:"created_at"`
	// Payload is the event as delivered to a webhook channel (JSON).
	Payload []byte `json:"-"`
}

// Notice is what a notification says: the event and the ticket, with the
// alert, clock or monitor behind it. It is the body of a webhook delivery.
type Notice struct {
	Event      string     `json:"event"`
	DeliveryID string     `json:"delivery_id"`
	At         time.Time  `json:"at"`
	TicketID   string     `json:"ticket_id"`
	ServiceID  string     `json:"service_id"`
	Service    string     `json:"service"`
	Title      string     `json:"title"`
	Priority   Priority   `json:"priority"`
	Status     Status     `json:"status"`
	Clock      ClockName  `json:"clock,omitempty"`
	DueAt      *time.Time `json:"due_at,omitempty"`
	Alert      *Alert     `json:"alert,omitempty"`
	Monitor    string     `json:"monitor,omitempty"`
	Detail     string     `json:"detail,omitempty"`
	URL        string     `json:"url,omitempty"`
	// Level is the escalation level that calls, for an escalation, and
	// OnCall the people its schedules have on call.
	Level  int      `json:"level,omitempty"`
	OnCall []string `json:"on_call,omitempty"`
	// AckURL acknowledges the ticket with no sign-in; AckToken is its
	// secret, held until the sender makes the URL.
	AckURL   string `json:"ack_url,omitempty"`
	AckToken string `json:"ack_token,omitempty"`
	// Lang is the language of a mail to a requester ("" for the channel's);
	// LinkPath is the portal page it links to (/portal/t/… or
	// /portal/s/…), and Until when a survey closes.
	Lang     string     `json:"lang,omitempty"`
	LinkPath string     `json:"link_path,omitempty"`
	Until    *time.Time `json:"until,omitempty"`
}
