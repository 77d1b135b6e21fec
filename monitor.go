package sqm

import (
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/sqmhq/sqm/uptime"
)

// MonitorType names what a monitor checks.
type MonitorType string

const (
	MonitorHTTP      MonitorType = "http"      // an HTTP(S) request and what its answer must be
	MonitorTCP       MonitorType = "tcp"       // a TCP connection to host:port
	MonitorTLS       MonitorType = "tls"       // the certificate of host:port, and how soon it expires
	MonitorHeartbeat MonitorType = "heartbeat" // a job that pings sqm; silence is a failure
	MonitorKPI       MonitorType = "kpi"       // a PromQL query against Prometheus, compared with a threshold
	MonitorDNS       MonitorType = "dns"       // a DNS lookup and the answer it must hold
)

// Monitor checks a target of a service on a fixed beat. Enough failures in a
// row take it down, which opens an incident on the service; enough
// successes bring it back up.
type Monitor struct {
	ID        string        `json:"id"`
	ServiceID string        `json:"service_id"`
	Name      string        `json:"name"`
	Type      MonitorType   `json:"type"`
	Target    string        `json:"target"`
	Interval  time.Duration `json:"interval"`
	Timeout   time.Duration `json:"timeout"`
	DownAfter int           `json:"down_after"`
	UpAfter   int           `json:"up_after"`
	// Priority is the priority of the incident a down monitor opens.
	Priority Priority `json:"priority"`
	// AutoResolve resolves that incident when the monitor is back up.
	AutoResolve bool       `json:"auto_resolve"`
	Paused      bool       `json:"paused"`
	HTTP        *HTTPCheck `json:"http,omitempty"`
	TLS         *TLSCheck  `json:"tls,omitempty"`
	Heartbeat   *Heartbeat `json:"heartbeat,omitempty"`
	KPI         *KPICheck  `json:"kpi,omitempty"`
	DNS         *DNSCheck  `json:"dns,omitempty"`

	// What the checks have found, kept by sqm.
	State       uptime.State  `json:"state"`
	StateSince  *time.Time    `json:"state_since"`
	LastCheckAt *time.Time    `json:"last_check_at"`
	LastError   string        `json:"last_error"`
	LastLatency time.Duration `json:"last_latency"`
	IncidentID  string        `json:"incident_id"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
}

// HTTPCheck is what an HTTP monitor sends and expects.
type HTTPCheck struct {
	Method  string            `json:"method"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	// ExpectStatus lists the acceptable status codes; empty means 200–399.
	ExpectStatus []int `json:"expect_status"`
	// BodyContains and BodyRegex must match the answer's body when set.
	BodyContains string `json:"body_contains"`
	BodyRegex    string `json:"body_regex"`
	// MaxLatency fails an answer slower than it, when set.
	MaxLatency time.Duration `json:"max_latency"`
	// SkipTLSVerify accepts any certificate; TLS is verified by default.
	SkipTLSVerify bool `json:"skip_tls_verify"`
}

// TLSCheck is what a TLS monitor expects of a certificate.
type TLSCheck struct {
	// WarnDays fails the check when the certificate expires within that
	// many days (14 when zero).
	WarnDays int `json:"warn_days"`
	// ServerName is the name to verify, when it differs from the host.
	ServerName string `json:"server_name"`
	// SkipVerify checks expiry only, accepting an untrusted chain.
	SkipVerify bool `json:"skip_verify"`
}

// Heartbeat is a job that pings POST /api/v1/heartbeats/{token} every
// interval; no ping for interval + grace fails the check.
type Heartbeat struct {
	Grace time.Duration `json:"grace"`
	// Token is the secret in the ping URL, made by sqm.
	Token string `json:"token"`
	// LastPing is when the job last pinged.
	LastPing *time.Time `json:"last_ping"`
}

// KPICheck is a key figure of system health read from Prometheus: the
// check fails when the query returns no sample, or a sample that breaks
// the condition "value Op Threshold" (error rate < 0.01, p99 latency <
// 0.5, queue depth <= 1000). The monitor's target is the Prometheus base
// URL.
type KPICheck struct {
	Query     string  `json:"query"`
	Op        string  `json:"op"` // <, <=, >, >=
	Threshold float64 `json:"threshold"`
}

// Holds says whether a value meets the condition.
func (k KPICheck) Holds(v float64) bool {
	switch k.Op {
	case "<":
		return v < k.Threshold
	case "<=":
		return v <= k.Threshold
	case ">":
		return v > k.Threshold
	case ">=":
		return v >= k.Threshold
	}
	return false
}

// DNSCheck is what a DNS monitor asks of its target (a host name): records
// of a type, one of which must contain Expect when it is set. Resolver
// (host:port) asks a given server instead of the system's.
type DNSCheck struct {
	RecordType string `json:"record_type"` // A, AAAA, CNAME, MX, TXT, NS
	Expect     string `json:"expect"`
	Resolver   string `json:"resolver"`
}

// DNSRecordTypes are the record types a DNS monitor can ask for.
var DNSRecordTypes = []string{"A", "AAAA", "CNAME", "MX", "TXT", "NS"}

// Bounds of a monitor's settings.
const (
	MinInterval = time.Second
	MaxInterval = 24 * time.Hour
	MaxTimeout  = time.Minute
	MaxRun      = 100 // down_after and up_after
)

// Validate checks a monitor's own settings and fills its defaults.
func (m *Monitor) Validate() error {
	if err := CheckName("name", m.Name); err != nil {
		return err
	}
	if m.ServiceID == "" {
		return FieldError("service_id", "A service is required.")
	}
	if m.Interval == 0 {
		m.Interval = time.Minute
	}
	if m.Timeout == 0 {
		m.Timeout = min(10*time.Second, m.Interval)
	}
	if m.DownAfter == 0 {
		m.DownAfter = 3
	}
	if m.UpAfter == 0 {
		m.UpAfter = 1
	}
	if m.Priority == "" {
		m.Priority = P2
	}
	switch {
	case m.Interval < MinInterval || m.Interval > MaxInterval:
		return FieldError("interval", "The interval must be between 1s and 24h.")
	case m.Timeout < 0 || m.Timeout > MaxTimeout || m.Timeout > m.Interval:
		return FieldError("timeout", "The timeout must be positive, at most 1m and at most the interval.")
	case m.DownAfter < 1 || m.DownAfter > MaxRun:
		return FieldError("down_after", "down_after must be between 1 and 100 failed checks.")
	case m.UpAfter < 1 || m.UpAfter > MaxRun:
		return FieldError("up_after", "up_after must be between 1 and 100 successful checks.")
	case !m.Priority.Valid():
		return FieldError("priority", "Priority must be one of P1, P2, P3, P4.")
	}
	switch m.Type {
	case MonitorHTTP:
		u, err := url.Parse(m.Target)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(m.Target) > 2000 {
			return FieldError("target", "An HTTP monitor's target is an http:// or https:// URL.")
		}
		if m.HTTP == nil {
			m.HTTP = &HTTPCheck{}
		}
		if err := m.HTTP.validate(); err != nil {
			return err
		}
	case MonitorTCP, MonitorTLS:
		host, port, err := net.SplitHostPort(m.Target)
		if err != nil || host == "" || port == "" || len(m.Target) > 1000 {
			return FieldError("target", "A TCP or TLS monitor's target is host:port.")
		}
		if m.Type == MonitorTLS {
			if m.TLS == nil {
				m.TLS = &TLSCheck{}
			}
			if m.TLS.WarnDays == 0 {
				m.TLS.WarnDays = 14
			}
			if m.TLS.WarnDays < 0 || m.TLS.WarnDays > 3650 {
				return FieldError("tls.warn_days", "warn_days is between 1 and 3650.")
			}
			if len(m.TLS.ServerName) > 253 {
				return FieldError("tls.server_name", "The server name is at most 253 characters.")
			}
		}
	case MonitorKPI:
		u, err := url.Parse(m.Target)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(m.Target) > 2000 {
			return FieldError("target", "A KPI monitor's target is the Prometheus server's http:// or https:// URL.")
		}
		if m.KPI == nil || m.KPI.Query == "" || len(m.KPI.Query) > 4000 {
			return FieldError("kpi.query", "A PromQL query of at most 4,000 characters is required.")
		}
		switch m.KPI.Op {
		case "<", "<=", ">", ">=":
		default:
			return FieldError("kpi.op", "The comparison is one of <, <=, >, >=.")
		}
	case MonitorDNS:
		if m.Target == "" || len(m.Target) > 253 || strings.ContainsAny(m.Target, " /:") {
			return FieldError("target", "A DNS monitor's target is a host name, such as shop.example.com.")
		}
		if m.DNS == nil {
			m.DNS = &DNSCheck{}
		}
		if m.DNS.RecordType == "" {
			m.DNS.RecordType = "A"
		}
		if !slices.Contains(DNSRecordTypes, m.DNS.RecordType) {
			return FieldError("dns.record_type", "The record type is one of A, AAAA, CNAME, MX, TXT, NS.")
		}
		if m.DNS.Resolver != "" {
			if _, _, err := net.SplitHostPort(m.DNS.Resolver); err != nil {
				return FieldError("dns.resolver", "The resolver is host:port, such as 1.1.1.1:53.")
			}
		}
		if len(m.DNS.Expect) > 1000 {
			return FieldError("dns.expect", "At most 1,000 characters.")
		}
	case MonitorHeartbeat:
		if m.Target != "" {
			return FieldError("target", "A heartbeat monitor has no target: the job pings sqm.")
		}
		if m.Heartbeat == nil {
			m.Heartbeat = &Heartbeat{}
		}
		if m.Heartbeat.Grace < 0 || m.Heartbeat.Grace > MaxInterval {
			return FieldError("heartbeat.grace", "The grace period is at most 24h.")
		}
	default:
		return FieldError("type", "Type must be one of http, tcp, tls, dns, heartbeat, kpi.")
	}
	if m.Type != MonitorHTTP && m.HTTP != nil {
		return FieldError("http", "Only an HTTP monitor has http settings.")
	}
	if m.Type != MonitorTLS && m.TLS != nil {
		return FieldError("tls", "Only a TLS monitor has tls settings.")
	}
	if m.Type != MonitorDNS && m.DNS != nil {
		return FieldError("dns", "Only a DNS monitor has dns settings.")
	}
	if m.Type != MonitorKPI && m.KPI != nil {
		return FieldError("kpi", "Only a KPI monitor has kpi settings.")
	}
	if m.Type != MonitorHeartbeat && m.Heartbeat != nil {
		return FieldError("heartbeat", "Only a heartbeat monitor has heartbeat settings.")
	}
	return nil
}

func (h *HTTPCheck) validate() error {
	switch h.Method {
	case "":
		h.Method = "GET"
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS":
	default:
		return FieldError("http.method", "The method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS.")
	}
	if len(h.Headers) > 50 {
		return FieldError("http.headers", "At most 50 headers.")
	}
	for k, v := range h.Headers {
		if k == "" || len(k) > 200 || len(v) > 4000 {
			return FieldError("http.headers", "A header has a name of 1 to 200 characters and a value of at most 4,000.")
		}
	}
	if len(h.Body) > 64<<10 {
		return FieldError("http.body", "The request body is at most 64 KiB.")
	}
	for _, c := range h.ExpectStatus {
		if c < 100 || c > 599 {
			return FieldError("http.expect_status", "Status codes are between 100 and 599.")
		}
	}
	if len(h.BodyContains) > 4000 {
		return FieldError("http.body_contains", "At most 4,000 characters.")
	}
	if h.BodyRegex != "" {
		if _, err := regexp.Compile(h.BodyRegex); err != nil || len(h.BodyRegex) > 1000 {
			return FieldError("http.body_regex", "Not a regular expression (RE2 syntax, at most 1,000 characters).")
		}
	}
	if h.MaxLatency < 0 || h.MaxLatency > MaxTimeout {
		return FieldError("http.max_latency", "The latency limit is at most 1m.")
	}
	return nil
}

// CheckResult is one check of a monitor.
type CheckResult struct {
	MonitorID string        `json:"monitor_id"`
	At        time.Time     `json:"at"`
	OK        bool          `json:"ok"`
	Latency   time.Duration `json:"latency"`
	Error     string        `json:"error,omitempty"`
}

// Availability is a monitor's or service's figures over a period, as
// DESIGN.md defines them: time-based, with the count-based figure beside.
type Availability struct {
	From             time.Time `json:"from"`
	To               time.Time `json:"to"`
	MonitoredSeconds int64     `json:"monitored_seconds"`
	DownSeconds      int64     `json:"down_seconds"`
	FailureRate      *float64  `json:"failure_rate"`
	Availability     *float64  `json:"availability"`
	Checks           int       `json:"checks"`
	FailedChecks     int       `json:"failed_checks"`
}
