package notify_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"log/slog"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/notify"
	"github.com/sqmhq/sqm/internal/sqlstore"
	"github.com/sqmhq/sqm/internal/testpeer"
)

// emailSender sends through ms with the given TLS mode and password.
func emailSender(ms *testpeer.MailServer, mode, password string) *notify.Sender {
	s := notify.NewSender("https://sqm.example.com")
	s.Now = func() time.Time { return now }
	s.SMTP = &notify.SMTP{Addr: ms.Addr, Username: "sqm", Password: password, From: "sqm <sqm@example.com>",
		TLS: mode, RootCAs: ms.RootCAs, Timeout: 5 * time.Second}
	return s
}

var emailChannel = sqm.Channel{Name: "Ops mail", Type: sqm.ChannelEmail, URL: "mailto:ops@example.com,oncall@example.com"}

// parsed is a testpeer.Mail message read as a mail client would.
type parsed struct {
	Header  mail.Header
	Subject string // decoded
	Body    string // decoded
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	h, subject, body, err := testpeer.Mail{Data: data}.Decode()
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	return parsed{Header: h, Subject: subject, Body: body}
}

func TestEmailOverStartTLSWithAuth(t *testing.T) {
	for _, c := range []struct {
		lang          string
		subject, body []string
		footer        string
	}{
		{"en", []string{"[P1] SLA breached: first response"}, []string{"#12 Checkout fails · Payments", "Open: https://sqm.example.com/tickets/12"},
			"You receive this because a notification rule of sqm routes sla_breached to the channel Ops mail."},
		{"zh", []string{"[P1] SLA 已超时：首次响应", "截止"}, []string{"#12 Checkout fails · Payments", "查看：https://sqm.example.com/tickets/12"},
			"sqm 的一条通知规则把 sla_breached 发往通道「Ops mail」"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			ms := testpeer.NewMailServer(t, testpeer.MailOptions{StartTLS: true, User: "sqm", Password: "right"})
			ch := emailChannel
			ch.Lang = c.lang
			if err := emailSender(ms, "", "right").Send(context.Background(), ch, "", "77", notice()); err != nil {
				t.Fatal(err)
			}
			got := ms.Got()
			if len(got) != 1 {
				t.Fatalf("%d messages arrived; want 1", len(got))
			}
			r := got[0]
			if !r.TLS {
				t.Error("the message was sent without TLS; want STARTTLS")
			}
			if r.AuthUser != "sqm" {
				t.Errorf("authenticated as %q; want sqm", r.AuthUser)
			}
			if a := ms.AuthAttempts(); len(a) != 1 || a[0] != "sqm:right" {
				t.Errorf("AUTH attempts %q; want one, sqm:right", a)
			}
			if r.From != "sqm@example.com" || strings.Join(r.To, ",") != "ops@example.com,oncall@example.com" {
				t.Errorf("envelope from %q to %q", r.From, r.To)
			}
			m := parse(t, r.Data)
			if from, _ := m.Header.AddressList("From"); len(from) != 1 || from[0].Address != "sqm@example.com" || from[0].Name != "sqm" {
				t.Errorf("From: %q", m.Header.Get("From"))
			}
			to, _ := m.Header.AddressList("To")
			if len(to) != 2 || to[0].Address != "ops@example.com" || to[1].Address != "oncall@example.com" {
				t.Errorf("To: %q", m.Header.Get("To"))
			}
			raw := m.Header.Get("Subject")
			if c.lang == "zh" && !strings.HasPrefix(strings.ToUpper(raw), "=?UTF-8?") {
				t.Errorf("raw subject %q: want RFC 2047 encoded words", raw)
			}
			for _, r := range raw {
				if r > 0x7e {
					t.Fatalf("raw subject %q has non-ASCII", raw)
				}
			}
			for _, w := range c.subject {
				if !strings.Contains(m.Subject, w) {
					t.Errorf("subject %q lacks %q", m.Subject, w)
				}
			}
			if strings.Contains(m.Subject, "#12") {
				t.Errorf("subject %q: want the headline only", m.Subject)
			}
			for _, w := range append(c.body, c.subject[0], c.footer) {
				if !strings.Contains(m.Body, w) {
					t.Errorf("body %q lacks %q", m.Body, w)
				}
			}
			if m.Header.Get("X-Sqm-Delivery") != "77" || m.Header.Get("X-Sqm-Event") != "sla_breached" {
				t.Errorf("X-Sqm-Delivery %q, X-Sqm-Event %q", m.Header.Get("X-Sqm-Delivery"), m.Header.Get("X-Sqm-Event"))
			}
			if !strings.HasPrefix(m.Header.Get("Content-Type"), "text/plain") || !strings.Contains(strings.ToLower(m.Header.Get("Content-Type")), "utf-8") {
				t.Errorf("Content-Type %q", m.Header.Get("Content-Type"))
			}
			if d, err := m.Header.Date(); err != nil || !d.Equal(now) {
				t.Errorf("Date %q: %v", m.Header.Get("Date"), err)
			}
		})
	}
}

// A resend (after a crash cut the first send) carries the same Message-ID;
// another delivery has another.
func TestEmailMessageIDFollowsTheDelivery(t *testing.T) {
	ms := testpeer.NewMailServer(t, testpeer.MailOptions{StartTLS: true, User: "sqm", Password: "right"})
	s := emailSender(ms, notify.SMTPStartTLS, "right")
	for _, id := range []string{"77", "77", "78"} {
		if err := s.Send(context.Background(), emailChannel, "", id, notice()); err != nil {
			t.Fatal(err)
		}
	}
	got := ms.Got()
	if len(got) != 3 {
		t.Fatalf("%d messages; want 3", len(got))
	}
	var ids []string
	for _, r := range got {
		ids = append(ids, parse(t, r.Data).Header.Get("Message-Id"))
	}
	if ids[0] == "" || ids[0] != ids[1] || ids[0] == ids[2] {
		t.Fatalf("Message-IDs %q; want the first two alike, the third different", ids)
	}
	if !strings.HasPrefix(ids[0], "<sqm.delivery.77.") || !strings.HasSuffix(ids[0], "@example.com>") {
		t.Errorf("Message-ID %q", ids[0])
	}
	if _, err := mail.ParseAddress(strings.Trim(ids[0], "<>")); err != nil {
		t.Errorf("Message-ID %q is not an addr-spec: %v", ids[0], err)
	}
}

func TestEmailWrongPasswordFails(t *testing.T) {
	ms := testpeer.NewMailServer(t, testpeer.MailOptions{StartTLS: true, User: "sqm", Password: "right"})
	err := emailSender(ms, notify.SMTPStartTLS, "wrong").Send(context.Background(), emailChannel, "", "77", notice())
	if err == nil || !strings.Contains(err.Error(), "AUTH") {
		t.Fatalf("error %v; want an SMTP AUTH failure", err)
	}
	if len(ms.Got()) != 0 {
		t.Fatal("a message arrived with a wrong password")
	}
	if a := ms.AuthAttempts(); len(a) != 1 || a[0] != "sqm:wrong" {
		t.Errorf("AUTH attempts %q", a)
	}

	// The worker records it as a failed attempt, which the store retries.
	payload, _ := json.Marshal(notice())
	store := &oneDelivery{out: sqlstore.Outgoing{Delivery: sqm.Delivery{ID: "77", Event: sqm.NotifySLABreached, Attempts: 1, Payload: payload},
		Channel: emailChannel}}
	w := &notify.Worker{Store: store, Sender: emailSender(ms, notify.SMTPStartTLS, "wrong"), Log: slog.New(slog.DiscardHandler)}
	if n := w.RunOnce(context.Background(), 4); n != 1 {
		t.Fatalf("claimed %d; want 1", n)
	}
	if len(store.outcomes) != 1 || store.outcomes[0].Err == nil {
		t.Fatalf("outcomes %+v; want one failed attempt", store.outcomes)
	}
}

// oneDelivery is a store with one due delivery.
type oneDelivery struct {
	out      sqlstore.Outgoing
	claimed  bool
	outcomes []sqlstore.Outcome
}

func (s *oneDelivery) ReleaseOrphans(context.Context) (int64, error) { return 0, nil }
func (s *oneDelivery) ClaimDeliveries(context.Context, int) ([]sqlstore.Outgoing, error) {
	if s.claimed {
		return nil, nil
	}
	s.claimed = true
	return []sqlstore.Outgoing{s.out}, nil
}
func (s *oneDelivery) FinishDeliveries(_ context.Context, o []sqlstore.Outcome) error {
	s.outcomes = append(s.outcomes, o...)
	return nil
}

// With STARTTLS required, a server that does not offer it is refused
// before the password or the message is sent.
func TestEmailRequiresStartTLS(t *testing.T) {
	ms := testpeer.NewMailServer(t, testpeer.MailOptions{})
	err := emailSender(ms, notify.SMTPStartTLS, "right").Send(context.Background(), emailChannel, "", "77", notice())
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("error %v; want STARTTLS refused", err)
	}
	if len(ms.Got()) != 0 || len(ms.AuthAttempts()) != 0 {
		t.Fatal("sent over a plain connection")
	}
	// The default is required STARTTLS too.
	if err := emailSender(ms, "", "right").Send(context.Background(), emailChannel, "", "77", notice()); err == nil {
		t.Fatal("the default TLS mode sent without STARTTLS")
	}
}

// A certificate the sender does not trust is refused.
func TestEmailChecksTheCertificate(t *testing.T) {
	ms := testpeer.NewMailServer(t, testpeer.MailOptions{StartTLS: true, User: "sqm", Password: "right"})
	s := emailSender(ms, notify.SMTPStartTLS, "right")
	s.SMTP.RootCAs = x509.NewCertPool()
	if err := s.Send(context.Background(), emailChannel, "", "77", notice()); err == nil {
		t.Fatal("sent to a server with an untrusted certificate")
	}
	if len(ms.Got()) != 0 || len(ms.AuthAttempts()) != 0 {
		t.Fatal("sent to a server with an untrusted certificate")
	}
}

func TestEmailImplicitTLSAndPlainRelay(t *testing.T) {
	ms := testpeer.NewMailServer(t, testpeer.MailOptions{ImplicitTLS: true, User: "sqm", Password: "right"})
	if err := emailSender(ms, notify.SMTPTLS, "right").Send(context.Background(), emailChannel, "", "77", notice()); err != nil {
		t.Fatal(err)
	}
	if got := ms.Got(); len(got) != 1 || !got[0].TLS || got[0].AuthUser != "sqm" {
		t.Fatalf("implicit TLS: %+v", got)
	}

	relay := testpeer.NewMailServer(t, testpeer.MailOptions{})
	s := emailSender(relay, notify.SMTPNoTLS, "")
	s.SMTP.Username = ""
	if err := s.Send(context.Background(), emailChannel, "", "77", notice()); err != nil {
		t.Fatal(err)
	}
	if got := relay.Got(); len(got) != 1 || got[0].TLS || got[0].AuthUser != "" {
		t.Fatalf("plain relay: %+v", got)
	}
}

func TestEmailWithoutSMTP(t *testing.T) {
	s := notify.NewSender("https://sqm.example.com")
	err := s.Send(context.Background(), emailChannel, "", "77", notice())
	if !errors.Is(err, notify.ErrNoSMTP) || !strings.Contains(err.Error(), "--smtp-addr") {
		t.Fatalf("error %v; want ErrNoSMTP", err)
	}
}

func TestSMTPValidate(t *testing.T) {
	for _, c := range []struct {
		smtp notify.SMTP
		ok   bool
	}{
		{notify.SMTP{Addr: "smtp.example.com:587", From: "sqm@example.com"}, true},
		{notify.SMTP{Addr: "smtp.example.com", From: "sqm <sqm@example.com>", TLS: "tls"}, true},
		{notify.SMTP{Addr: "", From: "sqm@example.com"}, false},
		{notify.SMTP{Addr: "smtp.example.com:587"}, false},
		{notify.SMTP{Addr: "smtp.example.com:587", From: "not an address"}, false},
		{notify.SMTP{Addr: "smtp.example.com:587", From: "sqm@example.com", TLS: "ssl"}, false},
		{notify.SMTP{Addr: "smtp.example.com:x", From: "sqm@example.com"}, false},
	} {
		if err := c.smtp.Validate(); (err == nil) != c.ok {
			t.Errorf("%+v: error %v; want ok %v", c.smtp, err, c.ok)
		}
	}
}

func TestEmailChannelValidate(t *testing.T) {
	many := make([]string, sqm.MaxMailRecipients+1)
	for i := range many {
		many[i] = "p" + string(rune('a'+i%26)) + "@example.com"
	}
	for _, c := range []struct {
		url string
		ok  bool
	}{
		{"mailto:ops@example.com", true},
		{"mailto:ops@example.com,oncall@example.com", true},
		{"mailto:ops@example.com, Oncall <oncall@example.com>", true},
		{"MAILTO:ops@example.com", true},
		{"mailto:ops%40example.com,oncall@example.com", true},
		{"mailto:" + strings.Join(many[:sqm.MaxMailRecipients], ","), true},
		{"mailto:" + strings.Join(many, ","), false},
		{"mailto:", false},
		{"mailto:   ", false},
		{"mailto:ops", false},
		{"mailto:ops@example.com,", true}, // net/mail allows an empty member (RFC 5322 obs-addr-list)
		{"mailto:ops@example.com;oncall@example.com", false},
		{"mailto:ops@example.com?subject=hi", false},
		{"ops@example.com", false},
		{"https://example.com/hook", false},
		{"mailto:ops@example.com\r\nBcc: x@example.com", false},
	} {
		ch := sqm.Channel{Name: "Mail", Type: sqm.ChannelEmail, URL: c.url}
		err := ch.Validate()
		if c.ok && err != nil {
			t.Errorf("%q: %v", c.url, err)
		}
		if !c.ok && sqm.ErrorField(err) != "url" {
			t.Errorf("%q: error %v; want one on url", c.url, err)
		}
	}
	// An e-mail address is no URL for the other types.
	ch := sqm.Channel{Name: "Hook", Type: sqm.ChannelWebhook, URL: "mailto:ops@example.com"}
	if sqm.ErrorField(ch.Validate()) != "url" {
		t.Error("a webhook took a mailto: URL")
	}
	ch = sqm.Channel{Name: "Mail", Type: "pigeon", URL: "mailto:ops@example.com"}
	if err := ch.Validate(); sqm.ErrorField(err) != "type" || !strings.Contains(err.Error(), "email") {
		t.Errorf("unknown type: %v", err)
	}
}
