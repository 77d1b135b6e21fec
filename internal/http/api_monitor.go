package http

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/uptime"
)

// monitorJSON is a monitor on the wire: durations in whole seconds, the
// last latency in milliseconds.
type monitorJSON struct {
	ID            string         `json:"id"`
	ServiceID     string         `json:"service_id"`
	Name          string         `json:"name"`
	Type          string         `json:"type"`
	Target        string         `json:"target"`
	Interval      Duration       `json:"interval"`
	Timeout       Duration       `json:"timeout"`
	DownAfter     int            `json:"down_after"`
	UpAfter       int            `json:"up_after"`
	Priority      sqm.Priority   `json:"priority"`
	AutoResolve   bool           `json:"auto_resolve"`
	Paused        bool           `json:"paused"`
	HTTP          *httpJSON      `json:"http,omitempty"`
	TLS           *sqm.TLSCheck  `json:"tls,omitempty"`
	Heartbeat     *heartbeatJSON `json:"heartbeat,omitempty"`
	KPI           *sqm.KPICheck  `json:"kpi,omitempty"`
	DNS           *sqm.DNSCheck  `json:"dns,omitempty"`
	State         uptime.State   `json:"state"`
	StateSince    *time.Time     `json:"state_since"`
	LastCheckAt   *time.Time     `json:"last_check_at"`
	LastError     string         `json:"last_error"`
	LastLatencyMS int64          `json:"last_latency_ms"`
	IncidentID    string         `json:"incident_id"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
}

type httpJSON struct {
	Method        string            `json:"method"`
	Headers       map[string]string `json:"headers"`
	Body          string            `json:"body"`
	ExpectStatus  []int             `json:"expect_status"`
	BodyContains  string            `json:"body_contains"`
	BodyRegex     string            `json:"body_regex"`
	MaxLatency    Duration          `json:"max_latency"`
	SkipTLSVerify bool              `json:"skip_tls_verify"`
}

// heartbeatJSON is a heartbeat's settings on the wire, with its ping URL's
// path.
type heartbeatJSON struct {
	Grace    Duration   `json:"grace"`
	Token    string     `json:"token"`
	PingPath string     `json:"ping_path"`
	LastPing *time.Time `json:"last_ping"`
}

func toMonitorJSON(m sqm.Monitor) monitorJSON {
	out := monitorJSON{ID: m.ID, ServiceID: m.ServiceID, Name: m.Name, Type: string(m.Type), Target: m.Target,
		Interval: Duration(m.Interval), Timeout: Duration(m.Timeout), DownAfter: m.DownAfter, UpAfter: m.UpAfter,
		Priority: m.Priority, AutoResolve: m.AutoResolve, Paused: m.Paused, State: m.State, StateSince: m.StateSince,
		LastCheckAt: m.LastCheckAt, LastError: m.LastError, LastLatencyMS: m.LastLatency.Milliseconds(),
		IncidentID: m.IncidentID, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, TLS: m.TLS, KPI: m.KPI, DNS: m.DNS}
	if h := m.Heartbeat; h != nil {
		out.Heartbeat = &heartbeatJSON{Grace: Duration(h.Grace), Token: h.Token, LastPing: h.LastPing}
		if h.Token != "" {
			out.Heartbeat.PingPath = "/api/v1/heartbeats/" + h.Token
		}
	}
	if h := m.HTTP; h != nil {
		out.HTTP = &httpJSON{Method: h.Method, Headers: h.Headers, Body: h.Body, ExpectStatus: h.ExpectStatus,
			BodyContains: h.BodyContains, BodyRegex: h.BodyRegex, MaxLatency: Duration(h.MaxLatency), SkipTLSVerify: h.SkipTLSVerify}
		if out.HTTP.Headers == nil {
			out.HTTP.Headers = map[string]string{}
		}
		if out.HTTP.ExpectStatus == nil {
			out.HTTP.ExpectStatus = []int{}
		}
	}
	return out
}

// monitorInput is a monitor as a caller writes it: durations as Go
// duration strings ("30s") or whole seconds.
type monitorInput struct {
	ServiceID   string          `json:"service_id"`
	Name        string          `json:"name"`
	Type        sqm.MonitorType `json:"type"`
	Target      string          `json:"target"`
	Interval    json.RawMessage `json:"interval"`
	Timeout     json.RawMessage `json:"timeout"`
	DownAfter   int             `json:"down_after"`
	UpAfter     int             `json:"up_after"`
	Priority    sqm.Priority    `json:"priority"`
	AutoResolve bool            `json:"auto_resolve"`
	Paused      bool            `json:"paused"`
	HTTP        *struct {
		Method        string            `json:"method"`
		Headers       map[string]string `json:"headers"`
		Body          string            `json:"body"`
		ExpectStatus  []int             `json:"expect_status"`
		BodyContains  string            `json:"body_contains"`
		BodyRegex     string            `json:"body_regex"`
		MaxLatency    json.RawMessage   `json:"max_latency"`
		SkipTLSVerify bool              `json:"skip_tls_verify"`
	} `json:"http"`
	TLS       *sqm.TLSCheck `json:"tls"`
	KPI       *sqm.KPICheck `json:"kpi"`
	DNS       *sqm.DNSCheck `json:"dns"`
	Heartbeat *struct {
		Grace json.RawMessage `json:"grace"`
	} `json:"heartbeat"`
}

func (in monitorInput) monitor() (sqm.Monitor, error) {
	m := sqm.Monitor{ServiceID: in.ServiceID, Name: in.Name, Type: in.Type, Target: in.Target, DownAfter: in.DownAfter,
		UpAfter: in.UpAfter, Priority: in.Priority, AutoResolve: in.AutoResolve, Paused: in.Paused}
	var err error
	if m.Interval, err = durationField("interval", in.Interval); err != nil {
		return m, err
	}
	if m.Timeout, err = durationField("timeout", in.Timeout); err != nil {
		return m, err
	}
	if h := in.HTTP; h != nil {
		m.HTTP = &sqm.HTTPCheck{Method: h.Method, Headers: h.Headers, Body: h.Body, ExpectStatus: h.ExpectStatus,
			BodyContains: h.BodyContains, BodyRegex: h.BodyRegex, SkipTLSVerify: h.SkipTLSVerify}
		if m.HTTP.MaxLatency, err = durationField("http.max_latency", h.MaxLatency); err != nil {
			return m, err
		}
	}
	m.TLS, m.KPI, m.DNS = in.TLS, in.KPI, in.DNS
	if in.Heartbeat != nil {
		m.Heartbeat = &sqm.Heartbeat{}
		if m.Heartbeat.Grace, err = durationField("heartbeat.grace", in.Heartbeat.Grace); err != nil {
			return m, err
		}
	}
	return m, nil
}

// durationField reads an optional duration, naming its field on error.
func durationField(field string, raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var d Duration
	if err := json.Unmarshal(raw, &d); err != nil {
		return 0, sqm.FieldError(field, "%s", sqm.ErrorMessage(err))
	}
	return time.Duration(d), nil
}

func (s *Server) listMonitors(w http.ResponseWriter, r *http.Request) {
	listOf(s, func(r *http.Request, c string, l int) (sqm.Page[monitorJSON], error) {
		p, err := s.db.ListMonitors(r.Context(), r.URL.Query().Get("service_id"), c, l)
		out := sqm.Page[monitorJSON]{Items: []monitorJSON{}, NextCursor: p.NextCursor}
		for _, m := range p.Items {
			out.Items = append(out.Items, toMonitorJSON(m))
		}
		return out, err
	})(w, r)
}

func (s *Server) createMonitor(w http.ResponseWriter, r *http.Request) {
	var in monitorInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	m, err := in.monitor()
	if err == nil {
		m, err = s.db.CreateMonitor(r.Context(), m)
	}
	s.reply(w, r, http.StatusCreated, toMonitorJSON(m), err)
}

func (s *Server) showMonitor(w http.ResponseWriter, r *http.Request) {
	m, err := s.db.GetMonitor(r.Context(), r.PathValue("id"))
	s.reply(w, r, http.StatusOK, toMonitorJSON(m), err)
}

func (s *Server) updateMonitor(w http.ResponseWriter, r *http.Request) {
	var in monitorInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	m, err := in.monitor()
	if err == nil {
		m, err = s.db.UpdateMonitor(r.Context(), r.PathValue("id"), m)
	}
	s.reply(w, r, http.StatusOK, toMonitorJSON(m), err)
}

func (s *Server) deleteMonitor(w http.ResponseWriter, r *http.Request) {
	if err := s.db.DeleteMonitor(r.Context(), r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) monitorAvailability(w http.ResponseWriter, r *http.Request) {
	from, err := queryTime(r, "from")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	to, err := queryTime(r, "to")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	a, err := s.db.MonitorAvailability(r.Context(), r.PathValue("id"), from, to)
	s.reply(w, r, http.StatusOK, a, err)
}

// heartbeat records a job's ping: the token in the path is the authority.
func (s *Server) heartbeat(w http.ResponseWriter, r *http.Request) {
	err := s.db.PingHeartbeat(r.Context(), r.PathValue("token"))
	s.reply(w, r, http.StatusOK, map[string]string{"status": "ok"}, err)
}
