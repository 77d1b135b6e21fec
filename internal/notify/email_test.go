package notify_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/notify"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// received is one message as the SMTP server took it, with what the server
// knew of its session.
type received struct {
	From     string
	To       []string
	Data     []byte
	TLS      bool   // the session ran over TLS (STARTTLS or implicit)
	AuthUser string // who authenticated ("" for nobody)
}

// mailServer is a real SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1: with STARTTLS when it has a certificate, and AUTH PLAIN
// required when it has a user.
type mailServer struct {
	Addr     string
	RootCAs  *x509.CertPool // trusts its certificate
	user     string
	password string

	mu       sync.Mutex
	messages []received
	auths    []string // user:password of every AUTH attempt
}

type mailServerOptions struct {
	startTLS    bool // offer STARTTLS, with a self-signed certificate
	implicitTLS bool // TLS from the first byte (port 465 style)
	user        string
	password    string // with user: AUTH PLAIN is required before MAIL
}

func newMailServer(t *testing.T, o mailServerOptions) *mailServer {
	t.Helper()
	ms := &mailServer{user: o.user, password: o.password}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &mailSession{server: ms, tls: isTLS}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxRecipients = 100
	srv.ErrorLog = discardLog{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if o.startTLS || o.implicitTLS {
		cert, pool := selfSigned(t)
		ms.RootCAs = pool
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		if o.implicitTLS {
			ln = tls.NewListener(ln, cfg)
		} else {
			srv.TLSConfig = cfg
		}
	}
	ms.Addr = ln.Addr().String()
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	t.Cleanup(func() { srv.Close() })
	return ms
}

func (ms *mailServer) got() []received {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]received(nil), ms.messages...)
}

func (ms *mailServer) authAttempts() []string {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]string(nil), ms.auths...)
}

type mailSession struct {
	server   *mailServer
	tls      bool
	authUser string
	from     string
	to       []string
}

func (s *mailSession) AuthMechanisms() []string {
	if s.server.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *mailSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		s.server.mu.Lock()
		s.server.auths = append(s.server.auths, username+":"+password)
		s.server.mu.Unlock()
		if username != s.server.user || password != s.server.password {
			return errors.New("invalid username or password")
		}
		s.authUser = username
		return nil
	}), nil
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.server.user != "" && s.authUser == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.server.mu.Lock()
	s.server.messages = append(s.server.messages, received{From: s.from, To: s.to, Data: b, TLS: s.tls, AuthUser: s.authUser})
	s.server.mu.Unlock()
	return nil
}

func (s *mailSession) Reset()        { s.from, s.to = "", nil }
func (s *mailSession) Logout() error { return nil }

type discardLog struct{}

func (discardLog) Printf(string, ...any) {}
func (discardLog) Println(...any)        {}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "sqm test SMTP"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// emailSender sends through ms with the given TLS mode and password.
func emailSender(ms *mailServer, mode, password string) *notify.Sender {
	s := notify.NewSender("https://sqm.example.com")
	s.Now = func() time.Time { return now }
	s.SMTP = &notify.SMTP{Addr: ms.Addr, Username: "sqm", Password: password, From: "sqm <sqm@example.com>",
		TLS: mode, RootCAs: ms.RootCAs, Timeout: 5 * time.Second}
	return s
}

var emailChannel = sqm.Channel{Name: "Ops mail", Type: sqm.ChannelEmail, URL: "mailto:ops@example.com,oncall@example.com"}

// parsed is a received message read as a mail client would.
type parsed struct {
	Header  mail.Header
	Subject string // decoded
	Body    string // decoded
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a message: %v\n%s", err, data)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject %q: %v", m.Header.Get("Subject"), err)
	}
	var body io.Reader = m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(m.Body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return parsed{Header: m.Header, Subject: subject, Body: string(b)}
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
			ms := newMailServer(t, mailServerOptions{startTLS: true, user: "sqm", password: "right"})
			ch := emailChannel
			ch.Lang = c.lang
			if err := emailSender(ms, "", "right").Send(context.Background(), ch, "", "77", notice()); err != nil {
				t.Fatal(err)
			}
			got := ms.got()
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
			if a := ms.authAttempts(); len(a) != 1 || a[0] != "sqm:right" {
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
	ms := newMailServer(t, mailServerOptions{startTLS: true, user: "sqm", password: "right"})
	s := emailSender(ms, notify.SMTPStartTLS, "right")
	for _, id := range []string{"77", "77", "78"} {
		if err := s.Send(context.Background(), emailChannel, "", id, notice()); err != nil {
			t.Fatal(err)
		}
	}
	got := ms.got()
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
	ms := newMailServer(t, mailServerOptions{startTLS: true, user: "sqm", password: "right"})
	err := emailSender(ms, notify.SMTPStartTLS, "wrong").Send(context.Background(), emailChannel, "", "77", notice())
	if err == nil || !strings.Contains(err.Error(), "AUTH") {
		t.Fatalf("error %v; want an SMTP AUTH failure", err)
	}
	if len(ms.got()) != 0 {
		t.Fatal("a message arrived with a wrong password")
	}
	if a := ms.authAttempts(); len(a) != 1 || a[0] != "sqm:wrong" {
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
	ms := newMailServer(t, mailServerOptions{})
	err := emailSender(ms, notify.SMTPStartTLS, "right").Send(context.Background(), emailChannel, "", "77", notice())
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("error %v; want STARTTLS refused", err)
	}
	if len(ms.got()) != 0 || len(ms.authAttempts()) != 0 {
		t.Fatal("sent over a plain connection")
	}
	// The default is required STARTTLS too.
	if err := emailSender(ms, "", "right").Send(context.Background(), emailChannel, "", "77", notice()); err == nil {
		t.Fatal("the default TLS mode sent without STARTTLS")
	}
}

// A certificate the sender does not trust is refused.
func TestEmailChecksTheCertificate(t *testing.T) {
	ms := newMailServer(t, mailServerOptions{startTLS: true, user: "sqm", password: "right"})
	s := emailSender(ms, notify.SMTPStartTLS, "right")
	s.SMTP.RootCAs = x509.NewCertPool()
	if err := s.Send(context.Background(), emailChannel, "", "77", notice()); err == nil {
		t.Fatal("sent to a server with an untrusted certificate")
	}
	if len(ms.got()) != 0 || len(ms.authAttempts()) != 0 {
		t.Fatal("sent to a server with an untrusted certificate")
	}
}

func TestEmailImplicitTLSAndPlainRelay(t *testing.T) {
	ms := newMailServer(t, mailServerOptions{implicitTLS: true, user: "sqm", password: "right"})
	if err := emailSender(ms, notify.SMTPTLS, "right").Send(context.Background(), emailChannel, "", "77", notice()); err != nil {
		t.Fatal(err)
	}
	if got := ms.got(); len(got) != 1 || !got[0].TLS || got[0].AuthUser != "sqm" {
		t.Fatalf("implicit TLS: %+v", got)
	}

	relay := newMailServer(t, mailServerOptions{})
	s := emailSender(relay, notify.SMTPNoTLS, "")
	s.SMTP.Username = ""
	if err := s.Send(context.Background(), emailChannel, "", "77", notice()); err != nil {
		t.Fatal(err)
	}
	if got := relay.got(); len(got) != 1 || got[0].TLS || got[0].AuthUser != "" {
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
