package notify

// E-mail goes through github.com/wneessen/go-mail rather than net/smtp and
// hand-written MIME, because sending mail correctly is mostly the parts
// that are easy to get subtly wrong, and the library is kept for exactly
// them:
//   - TLS policy: STARTTLS can be required (TLSMandatory refuses a server
//     that does not offer it, instead of quietly sending the password and
//     the message in the clear, which net/smtp's SendMail does), or
//     implicit TLS on port 465, or none for a local relay;
//   - authentication: it discovers the server's mechanisms (SCRAM-SHA-256,
//     SCRAM-SHA-1, CRAM-MD5, PLAIN, LOGIN, ...) and never offers PLAIN or
//     LOGIN over an unencrypted connection;
//   - MIME and UTF-8: a Chinese subject is encoded as RFC 2047 words, the
//     body as quoted-printable UTF-8, with lines folded as RFC 5322 wants;
//   - headers: Date, MIME-Version, and a Message-ID it lets us set, which we
//     derive from the delivery so that a resend carries the same one;
//   - errors: the server's replies come back as errors with their SMTP and
//     enhanced status codes, for the delivery's last_error.

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/sqmhq/sqm"
)

// SMTP TLS modes.
const (
	SMTPStartTLS = "starttls" // STARTTLS, required (port 587 by default)
	SMTPTLS      = "tls"      // implicit TLS (port 465 by default)
	SMTPNoTLS    = "none"     // plain, for a local relay (port 25 by default)
)

// ErrNoSMTP is the error of an e-mail delivery when the installation has no
// SMTP server.
var ErrNoSMTP = errors.New("no SMTP server configured: set --smtp-addr / SQM_SMTP_ADDR")

// SMTP is the installation's mail server, through which every e-mail
// channel is sent.
type SMTP struct {
	// Addr is the server, host:port; without a port, 587 for starttls,
	// 465 for tls and 25 for none.
	Addr string
	// Username and Password authenticate, with the strongest mechanism the
	// server offers; no Username: no authentication. Over TLS "none" only
	// mechanisms that do not send the password in the clear are used.
	Username string
	Password string
	// From is the sender, an address such as "sqm <sqm@example.com>".
	From string
	// TLS is starttls (the default), tls or none.
	TLS string
	// RootCAs verifies the server's certificate (nil: the system's roots),
	// for a server with a private CA, and for tests.
	RootCAs *x509.CertPool
	// Timeout bounds each step of a send (30s when zero).
	Timeout time.Duration
}

// Validate checks the settings and fills the TLS default.
func (c *SMTP) Validate() error {
	if c.Addr == "" {
		return ErrNoSMTP
	}
	switch c.TLS {
	case "":
		c.TLS = SMTPStartTLS
	case SMTPStartTLS, SMTPTLS, SMTPNoTLS:
	default:
		return fmt.Errorf("SMTP TLS mode %q: use starttls, tls or none", c.TLS)
	}
	if _, _, err := c.hostPort(); err != nil {
		return err
	}
	if c.From == "" {
		return errors.New("no sender for e-mail: set --smtp-from / SQM_SMTP_FROM")
	}
	if _, err := netmail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("SMTP sender %q: %w", c.From, err)
	}
	return nil
}

// hostPort splits Addr, with the TLS mode's default port.
func (c *SMTP) hostPort() (string, int, error) {
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		host, port = strings.Trim(c.Addr, "[]"), map[string]string{SMTPTLS: "465", SMTPNoTLS: "25"}[c.TLS]
		if port == "" {
			port = "587"
		}
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 || host == "" {
		return "", 0, fmt.Errorf("SMTP address %q: want host:port", c.Addr)
	}
	return host, p, nil
}

// client is a go-mail client for one send (a Sender sends in parallel; a
// client per message keeps them apart).
func (c SMTP) client() (*mail.Client, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	host, port, _ := c.hostPort()
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	opts := []mail.Option{
		mail.WithPort(port),
		mail.WithTimeout(timeout),
		mail.WithTLSConfig(&tls.Config{ServerName: host, RootCAs: c.RootCAs, MinVersion: tls.VersionTLS12}),
	}
	switch c.TLS {
	case SMTPStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case SMTPTLS:
		opts = append(opts, mail.WithSSL())
	case SMTPNoTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if c.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(c.Username), mail.WithPassword(c.Password))
	}
	return mail.NewClient(host, opts...)
}

// WithSMTP sets the mail server of e-mail channels and returns s.
func (s *Sender) WithSMTP(c *SMTP) *Sender {
	s.SMTP = c
	return s
}

// sendEmail sends a notice to an e-mail channel's recipients.
func (s *Sender) sendEmail(ctx context.Context, ch sqm.Channel, deliveryID string, n sqm.Notice) error {
	if s.SMTP == nil || s.SMTP.Addr == "" {
		return ErrNoSMTP
	}
	cfg := *s.SMTP
	client, err := cfg.client()
	if err != nil {
		return err
	}
	m, err := s.EmailMessage(ch, deliveryID, n)
	if err != nil {
		return err
	}
	if err := client.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("email via %s: %w", cfg.Addr, err)
	}
	return nil
}

// emailFooter says why the message came, in English and Chinese.
var emailFooter = [2]string{
	"You receive this because a notification rule of sqm routes %s to the channel %s.",
	"你收到这封邮件，是因为 sqm 的一条通知规则把 %s 发往通道「%s」。",
}

// EmailMessage is the e-mail of a notice to a channel: the subject is the
// headline of Text, the plain-text body all of Text and a footer saying
// why it came, from the SMTP settings' sender to the channel's mailto:
// recipients; X-Sqm-Delivery and X-Sqm-Event name the delivery and its
// event, and the Message-ID is made of the delivery's ID, the same on a
// resend. n is the notice as Send completes it (URL, DeliveryID).
func (s *Sender) EmailMessage(ch sqm.Channel, deliveryID string, n sqm.Notice) (*mail.Msg, error) {
	if s.SMTP == nil {
		return nil, ErrNoSMTP
	}
	to, err := sqm.MailRecipients(ch.URL)
	if err != nil {
		return nil, fmt.Errorf("channel %s: %w", ch.Name, err)
	}
	from, err := netmail.ParseAddress(s.SMTP.From)
	if err != nil {
		return nil, fmt.Errorf("SMTP sender %q: %w", s.SMTP.From, err)
	}
	text := Text(ch.Lang, n)
	subject, _, _ := strings.Cut(text, "\n")
	footer := emailFooter[0]
	if ch.Lang == "zh" {
		footer = emailFooter[1]
	}
	m := mail.NewMsg(mail.WithNoDefaultUserAgent())
	m.FromMailAddress(from)
	m.ToMailAddress(to...)
	m.Subject(subject)
	m.SetBodyString(mail.TypeTextPlain, text+"\n\n-- \n"+fmt.Sprintf(footer, n.Event, ch.Name)+"\n")
	m.SetDateWithValue(s.now())
	m.SetMessageIDWithValue(messageID(deliveryID, s.BaseURL, from.Address))
	m.SetUserAgent("sqm-notify/1")
	m.SetGenHeader("X-Sqm-Delivery", deliveryID)
	m.SetGenHeader("X-Sqm-Event", n.Event)
	// RFC 3834: a machine's message, to which no auto-reply is due.
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	return m, nil
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// messageID is the Message-ID of a delivery's e-mail, without the angle
// brackets: the delivery ID and a digest of the console's address (the
// installation), at the sender's domain. It depends on nothing else, so a
// delivery sent again after a crash carries the same one and the
// recipients' mail systems can recognise the repeat.
func messageID(deliveryID, baseURL, fromAddr string) string {
	sum := sha256.Sum256([]byte(baseURL))
	domain := fromAddr[strings.LastIndexByte(fromAddr, '@')+1:]
	if !dotAtom(domain) {
		domain = "sqm.invalid"
	}
	id := strings.Map(func(r rune) rune {
		if r < 0x80 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, deliveryID)
	return "sqm.delivery." + id + "." + hex.EncodeToString(sum[:6]) + "@" + domain
}

// dotAtom says whether s is a plain domain fit for the right of a
// Message-ID (letters, digits, hyphens and dots).
func dotAtom(s string) bool {
	if s == "" || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") || strings.Contains(s, "..") {
		return false
	}
	for _, r := range s {
		if r >= 0x80 || !(r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
