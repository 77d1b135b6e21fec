// Package probe runs monitors' checks: the checks themselves (HTTP, TCP)
// and the scheduler that starts each on a fixed beat and hands the results
// to the store in batches.
package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sqmhq/sqm"
)

// maxBody is how much of an answer a body condition reads.
const maxBody = 1 << 20

// Checker runs one check of a monitor. Its HTTP clients keep connections
// alive between checks, as a browser would; one verifies TLS, one does not.
type Checker struct {
	verify, insecure *http.Client
	dialer           net.Dialer
	// Pings tells when a heartbeat monitor was last pinged (and created).
	Pings interface {
		LastPing(ctx context.Context, id string) (last, created time.Time, err error)
	}
	// Now is the clock heartbeats are judged by.
	Now func() time.Time

	mu      sync.Mutex
	regexps map[string]*regexp.Regexp
}

// NewChecker returns a Checker.
func NewChecker() *Checker {
	mk := func(skip bool) *http.Client {
		tr := &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        4096,
			MaxIdleConnsPerHost: 1024,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second,
			TLSClientConfig:     &tls.Config{InsecureSkipVerify: skip}, //nolint:gosec // the monitor's owner chose it
		}
		return &http.Client{Transport: tr, CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("more than 5 redirects")
			}
			return nil
		}}
	}
	return &Checker{verify: mk(false), insecure: mk(true), regexps: map[string]*regexp.Regexp{}, Now: time.Now}
}

// Check runs one check of m, bounded by its timeout, and says how it went.
// A result without a MonitorID is no result: a heartbeat not yet due.
func (c *Checker) Check(ctx context.Context, m sqm.Monitor) sqm.CheckResult {
	ctx, cancel := context.WithTimeout(ctx, m.Timeout)
	defer cancel()
	start := time.Now()
	var err error
	switch m.Type {
	case sqm.MonitorHTTP:
		err = c.checkHTTP(ctx, m)
	case sqm.MonitorTCP:
		err = c.checkTCP(ctx, m)
	case sqm.MonitorTLS:
		err = c.checkTLS(ctx, m)
	case sqm.MonitorKPI:
		err = c.checkKPI(ctx, m)
	case sqm.MonitorDNS:
		err = c.checkDNS(ctx, m)
	case sqm.MonitorHeartbeat:
		due, herr := c.checkHeartbeat(ctx, m)
		if !due {
			return sqm.CheckResult{}
		}
		err = herr
	default:
		err = fmt.Errorf("monitor type %q cannot be checked", m.Type)
	}
	r := sqm.CheckResult{MonitorID: m.ID, At: start, OK: err == nil, Latency: time.Since(start)}
	if err != nil {
		r.Error = describe(ctx, err, m.Timeout)
	}
	return r
}

func (c *Checker) checkTCP(ctx context.Context, m sqm.Monitor) error {
	conn, err := c.dialer.DialContext(ctx, "tcp", m.Target)
	if err != nil {
		return err
	}
	return conn.Close()
}

// checkTLS connects, verifies the chain unless told not to, and fails when
// the leaf certificate expires within the warning days.
func (c *Checker) checkTLS(ctx context.Context, m sqm.Monitor) error {
	t := m.TLS
	if t == nil {
		t = &sqm.TLSCheck{WarnDays: 14}
	}
	host, _, _ := net.SplitHostPort(m.Target)
	name := t.ServerName
	if name == "" {
		name = host
	}
	d := tls.Dialer{NetDialer: &c.dialer, Config: &tls.Config{ServerName: name, InsecureSkipVerify: t.SkipVerify}} //nolint:gosec // the monitor's owner chose it
	conn, err := d.DialContext(ctx, "tcp", m.Target)
	if err != nil {
		return err
	}
	defer conn.Close()
	certs := conn.(*tls.Conn).ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return errors.New("the server sent no certificate")
	}
	expires := certs[0].NotAfter
	left := expires.Sub(c.Now())
	switch {
	case left <= 0:
		return fmt.Errorf("the certificate expired on %s", expires.UTC().Format("2006-01-02"))
	case left < time.Duration(t.WarnDays)*24*time.Hour:
		return fmt.Errorf("the certificate expires in %d days, on %s (warning from %d days)", int(left.Hours()/24), expires.UTC().Format("2006-01-02"), t.WarnDays)
	}
	return nil
}

// checkKPI runs an instant PromQL query (Prometheus's HTTP API,
// /api/v1/query) and fails on no sample, or on any sample that breaks the
// condition.
func (c *Checker) checkKPI(ctx context.Context, m sqm.Monitor) error {
	k := m.KPI
	if k == nil {
		return errors.New("the monitor has no query")
	}
	u, err := url.Parse(strings.TrimRight(m.Target, "/") + "/api/v1/query")
	if err != nil {
		return err
	}
	u.RawQuery = url.Values{"query": {k.Query}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := c.verify.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxBody)).Decode(&r); err != nil {
		return fmt.Errorf("Prometheus answered %s, not its API: %w", resp.Status, err)
	}
	if r.Status != "success" {
		return fmt.Errorf("Prometheus refused the query: %s", r.Error)
	}
	type sample struct {
		Metric map[string]string `json:"metric"`
		Value  [2]any            `json:"value"`
	}
	var samples []sample
	switch r.Data.ResultType {
	case "vector":
		if err := json.Unmarshal(r.Data.Result, &samples); err != nil {
			return err
		}
	case "scalar":
		var v [2]any
		if err := json.Unmarshal(r.Data.Result, &v); err != nil {
			return err
		}
		samples = []sample{{Value: v}}
	default:
		return fmt.Errorf("the query returns a %s; a KPI check needs an instant vector or a scalar", r.Data.ResultType)
	}
	if len(samples) == 0 {
		return fmt.Errorf("the query returned no data: %s", k.Query)
	}
	for _, s := range samples {
		text, _ := s.Value[1].(string)
		v, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return fmt.Errorf("a sample is not a number: %q", text)
		}
		if !k.Holds(v) {
			return fmt.Errorf("%s = %g, expected %s %g%s", k.Query, v, k.Op, k.Threshold, labelsOf(s.Metric))
		}
	}
	return nil
}

func labelsOf(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.Quote(m[k])
	}
	return " {" + strings.Join(parts, ", ") + "}"
}

// checkDNS looks the target up and fails when there is no record of the
// type, or none that contains the expected text.
func (c *Checker) checkDNS(ctx context.Context, m sqm.Monitor) error {
	d := m.DNS
	if d == nil {
		d = &sqm.DNSCheck{RecordType: "A"}
	}
	r := net.DefaultResolver
	if d.Resolver != "" {
		r = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return c.dialer.DialContext(ctx, network, d.Resolver)
		}}
	}
	var answers []string
	var err error
	switch d.RecordType {
	case "A", "AAAA":
		network := "ip4"
		if d.RecordType == "AAAA" {
			network = "ip6"
		}
		var ips []net.IP
		if ips, err = r.LookupIP(ctx, network, m.Target); err == nil {
			for _, ip := range ips {
				answers = append(answers, ip.String())
			}
		}
	case "CNAME":
		var name string
		if name, err = r.LookupCNAME(ctx, m.Target); err == nil {
			answers = append(answers, name)
		}
	case "MX":
		var mxs []*net.MX
		if mxs, err = r.LookupMX(ctx, m.Target); err == nil {
			for _, mx := range mxs {
				answers = append(answers, fmt.Sprintf("%d %s", mx.Pref, mx.Host))
			}
		}
	case "TXT":
		answers, err = r.LookupTXT(ctx, m.Target)
	case "NS":
		var nss []*net.NS
		if nss, err = r.LookupNS(ctx, m.Target); err == nil {
			for _, ns := range nss {
				answers = append(answers, ns.Host)
			}
		}
	default:
		return fmt.Errorf("record type %q cannot be looked up", d.RecordType)
	}
	if err != nil {
		return err
	}
	if len(answers) == 0 {
		return fmt.Errorf("no %s record for %s", d.RecordType, m.Target)
	}
	if d.Expect == "" {
		return nil
	}
	for _, a := range answers {
		if strings.Contains(a, d.Expect) {
			return nil
		}
	}
	return fmt.Errorf("no %s record of %s contains %q: %s", d.RecordType, m.Target, d.Expect, strings.Join(answers, ", "))
}

// checkHeartbeat fails when the job has not pinged for interval + grace.
// Before the first ping is due it has nothing to say.
func (c *Checker) checkHeartbeat(ctx context.Context, m sqm.Monitor) (due bool, err error) {
	if c.Pings == nil {
		return true, errors.New("heartbeats cannot be read")
	}
	last, created, err := c.Pings.LastPing(ctx, m.ID)
	if err != nil {
		return true, err
	}
	grace := time.Duration(0)
	if m.Heartbeat != nil {
		grace = m.Heartbeat.Grace
	}
	allowed, now := m.Interval+grace, c.Now()
	if last.IsZero() {
		if now.Sub(created) < allowed {
			return false, nil
		}
		return true, fmt.Errorf("no ping since the monitor was created, %s ago", now.Sub(created).Round(time.Second))
	}
	if silent := now.Sub(last); silent > allowed {
		return true, fmt.Errorf("no ping for %s (expected every %s, grace %s)", silent.Round(time.Second), m.Interval, grace)
	}
	return true, nil
}

func (c *Checker) checkHTTP(ctx context.Context, m sqm.Monitor) error {
	h := m.HTTP
	if h == nil {
		h = &sqm.HTTPCheck{Method: http.MethodGet}
	}
	var body io.Reader
	if h.Body != "" {
		body = strings.NewReader(h.Body)
	}
	req, err := http.NewRequestWithContext(ctx, h.Method, m.Target, body)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "sqm-monitor/1")
	for k, v := range h.Headers {
		req.Header.Set(k, v)
	}
	client := c.verify
	if h.SkipTLSVerify {
		client = c.insecure
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	needBody := h.BodyContains != "" || h.BodyRegex != ""
	var b []byte
	if needBody {
		b, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
		if err != nil {
			return fmt.Errorf("reading the answer: %w", err)
		}
	} else {
		io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody)) //nolint:errcheck // to reuse the connection
	}
	took := time.Since(start)
	if len(h.ExpectStatus) > 0 {
		if !slices.Contains(h.ExpectStatus, resp.StatusCode) {
			return fmt.Errorf("status %d, expected %s", resp.StatusCode, statusList(h.ExpectStatus))
		}
	} else if resp.StatusCode < 200 || resp.StatusCode > 399 {
		return fmt.Errorf("status %d, expected 200–399", resp.StatusCode)
	}
	if h.BodyContains != "" && !bytes.Contains(b, []byte(h.BodyContains)) {
		return fmt.Errorf("the answer does not contain %q", h.BodyContains)
	}
	if h.BodyRegex != "" {
		re, err := c.regexp(h.BodyRegex)
		if err != nil {
			return err
		}
		if !re.Match(b) {
			return fmt.Errorf("the answer does not match /%s/", h.BodyRegex)
		}
	}
	if h.MaxLatency > 0 && took > h.MaxLatency {
		return fmt.Errorf("answered in %s, over the limit of %s", took.Round(time.Millisecond), h.MaxLatency)
	}
	return nil
}

// regexp compiles a body condition once.
func (c *Checker) regexp(expr string) (*regexp.Regexp, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if re, ok := c.regexps[expr]; ok {
		return re, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	if len(c.regexps) > 10_000 {
		clear(c.regexps)
	}
	c.regexps[expr] = re
	return re, nil
}

func statusList(codes []int) string {
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = fmt.Sprint(c)
	}
	return strings.Join(s, ", ")
}

// describe says in a line why a check failed.
func describe(ctx context.Context, err error, timeout time.Duration) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within the timeout of %s", timeout)
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return "DNS: " + dns.Error()
	}
	var cert *tls.CertificateVerificationError
	if errors.As(err, &cert) {
		return "TLS: " + cert.Err.Error()
	}
	return err.Error()
}
