package testpeer

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
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
)

// Mail is one message as the SMTP server took it, with what the server
// knew of its session.
type Mail struct {
	From     string
	To       []string
	Data     []byte
	TLS      bool   // the session ran over TLS (STARTTLS or implicit)
	AuthUser string // who authenticated ("" for nobody)
}

// MailServer is a real SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1: with STARTTLS when it has a certificate, and AUTH PLAIN
// required when it has a user.
type MailServer struct {
	Addr     string
	RootCAs  *x509.CertPool // trusts its certificate
	user     string
	password string

	mu       sync.Mutex
	messages []Mail
	auths    []string // user:password of every AUTH attempt
}

// MailOptions says how a MailServer is reached.
type MailOptions struct {
	StartTLS    bool // offer STARTTLS, with a self-signed certificate
	ImplicitTLS bool // TLS from the first byte (port 465 style)
	User        string
	Password    string // with User: AUTH PLAIN is required before MAIL
}

// NewMailServer starts a mail server for the test on 127.0.0.1.
func NewMailServer(t testing.TB, o MailOptions) *MailServer {
	t.Helper()
	ms := &MailServer{user: o.User, password: o.Password}
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
	if o.StartTLS || o.ImplicitTLS {
		cert, pool := selfSigned(t)
		ms.RootCAs = pool
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		if o.ImplicitTLS {
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

// Got returns the messages taken so far.
func (ms *MailServer) Got() []Mail {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]Mail(nil), ms.messages...)
}

// AuthAttempts returns user:password of every AUTH attempt.
func (ms *MailServer) AuthAttempts() []string {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]string(nil), ms.auths...)
}

type mailSession struct {
	server   *MailServer
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
	s.server.messages = append(s.server.messages, Mail{From: s.from, To: s.to, Data: b, TLS: s.tls, AuthUser: s.authUser})
	s.server.mu.Unlock()
	return nil
}

func (s *mailSession) Reset()        { s.from, s.to = "", nil }
func (s *mailSession) Logout() error { return nil }

type discardLog struct{}

func (discardLog) Printf(string, ...any) {}
func (discardLog) Println(...any)        {}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
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

// Decode reads the message: its header, its decoded subject and its
// plain-text body (quoted-printable undone).
func (m Mail) Decode() (header mail.Header, subject, body string, err error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return nil, "", "", fmt.Errorf("not a message: %w", err)
	}
	if subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return nil, "", "", fmt.Errorf("subject %q: %w", msg.Header.Get("Subject"), err)
	}
	var r io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		r = quotedprintable.NewReader(msg.Body)
	}
	b, err := io.ReadAll(r)
	return msg.Header, subject, string(b), err
}
