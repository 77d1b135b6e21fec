package http

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// monitorRoutes lists the monitoring pages: everyone signed in sees them;
// managers and admins change monitors and plan maintenance; agents and up
// silence alerts, as the store allows.
func (s *Server) monitorRoutes(mux *http.ServeMux) {
	c := s.console
	mux.HandleFunc("GET /monitors", c(sqm.RoleViewer, s.monitorsPage))
	mux.HandleFunc("POST /monitors", c(sqm.RoleManager, s.createMonitorPage))
	mux.HandleFunc("POST /monitors/maintenance", c(sqm.RoleManager, s.createMaintenancePage))
	mux.HandleFunc("POST /monitors/maintenance/{id}/delete", c(sqm.RoleManager, s.deleteMaintenancePage))
	mux.HandleFunc("POST /monitors/silences", c(sqm.RoleAgent, s.createSilencePage))
	mux.HandleFunc("POST /monitors/silences/{id}/expire", c(sqm.RoleAgent, s.expireSilencePage))
	mux.HandleFunc("GET /monitors/{id}", c(sqm.RoleViewer, s.monitorPage))
	mux.HandleFunc("POST /monitors/{id}", c(sqm.RoleManager, s.updateMonitorPage))
	mux.HandleFunc("POST /monitors/{id}/delete", c(sqm.RoleManager, s.deleteMonitorPage))
	mux.HandleFunc("GET /alerts", c(sqm.RoleViewer, s.alertsPage))
}

// monitorRow is a monitor in the list, with its last day's figures.
type monitorRow struct {
	sqm.Monitor
	Service string
	Day     sqm.Availability
}

type monitorsPage struct {
	F           adminForm
	Form        sqm.Monitor
	Maint       maintenanceForm
	Silence     silenceForm
	Monitors    []monitorRow
	Next        string
	Firing      []sqm.Alert
	Services    []sqm.Service
	Counts      map[string]int // monitors by state
	Maintenance []sqm.MaintenanceWindow
	Silences    []sqm.Silence
	ServiceName map[string]string
}

// newMonitorsPage is the monitoring page with its forms as first shown.
func newMonitorsPage(p *page) monitorsPage {
	return monitorsPage{Form: sqm.Monitor{Type: sqm.MonitorHTTP, Interval: time.Minute, Timeout: 10 * time.Second,
		DownAfter: 3, UpAfter: 1, Priority: sqm.P2}, Maint: newMaintenanceForm(p), Silence: newSilenceForm(p)}
}

func (s *Server) monitorsPage(w http.ResponseWriter, r *http.Request, p *page) {
	doneNotice(r, p)
	s.showMonitors(w, r, p, http.StatusOK, newMonitorsPage(p))
}

func (s *Server) showMonitors(w http.ResponseWriter, r *http.Request, p *page, status int, d monitorsPage) {
	ctx := r.Context()
	list, err := s.db.ListMonitors(ctx, r.URL.Query().Get("service_id"), r.URL.Query().Get("cursor"), adminPageSize)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d.Next = nextPage(r, list.NextCursor)
	if d.Services, err = all(func(c string) (sqm.Page[sqm.Service], error) { return s.db.ListServices(ctx, c, sqlstore.MaxLimit) }); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	names := map[string]string{}
	for _, svc := range d.Services {
		names[svc.ID] = svc.Name
	}
	d.Counts = map[string]int{}
	now := p.Now
	for _, m := range list.Items {
		row := monitorRow{Monitor: m, Service: names[m.ServiceID]}
		if row.Day, err = s.db.MonitorAvailability(ctx, m.ID, now.Add(-24*time.Hour), now); err != nil {
			s.uiError(w, r, p, err)
			return
		}
		d.Counts[string(m.State)]++
		d.Monitors = append(d.Monitors, row)
	}
	firing, err := s.db.ListAlerts(ctx, "", sqm.AlertFiring, "", 20)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d.Firing = firing.Items
	if d.Maintenance, err = s.db.ListMaintenance(ctx, now, 20); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	if d.Silences, err = s.db.ListSilences(ctx, now); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d.ServiceName = names
	p.Title, p.Nav, p.Data = p.T("nav.monitoring"), "monitoring", d
	s.render(w, status, "monitors", p)
}

// monitorOf reads the monitor form.
func monitorOf(r *http.Request) (sqm.Monitor, error) {
	f := r.PostFormValue
	m := sqm.Monitor{ServiceID: f("service_id"), Name: strings.TrimSpace(f("name")), Type: sqm.MonitorType(f("type")),
		Target: strings.TrimSpace(f("target")), Priority: sqm.Priority(f("priority")), AutoResolve: f("auto_resolve") != "",
		Paused: f("paused") != ""}
	for _, d := range []struct {
		field string
		to    *time.Duration
	}{{"interval", &m.Interval}, {"timeout", &m.Timeout}} {
		v, err := time.ParseDuration(strings.TrimSpace(f(d.field)))
		if err != nil {
			return m, sqm.FieldError(d.field, "Write a duration such as 30s, 1m or 5m.")
		}
		*d.to = v
	}
	for _, n := range []struct {
		field string
		to    *int
	}{{"down_after", &m.DownAfter}, {"up_after", &m.UpAfter}} {
		v, err := strconv.Atoi(f(n.field))
		if err != nil {
			return m, sqm.FieldError(n.field, "Write a whole number.")
		}
		*n.to = v
	}
	switch m.Type {
	case sqm.MonitorTLS:
		days, err := strconv.Atoi(strings.TrimSpace(f("warn_days")))
		if err != nil {
			return m, sqm.FieldError("tls.warn_days", "Write a whole number of days.")
		}
		m.TLS = &sqm.TLSCheck{WarnDays: days}
	case sqm.MonitorDNS:
		m.DNS = &sqm.DNSCheck{RecordType: f("dns_type"), Expect: strings.TrimSpace(f("dns_expect"))}
	case sqm.MonitorKPI:
		threshold, err := strconv.ParseFloat(strings.TrimSpace(f("kpi_threshold")), 64)
		if err != nil {
			return m, sqm.FieldError("kpi.threshold", "Write a number, such as 0.01.")
		}
		m.KPI = &sqm.KPICheck{Query: strings.TrimSpace(f("kpi_query")), Op: f("kpi_op"), Threshold: threshold}
	case sqm.MonitorHeartbeat:
		grace, err := time.ParseDuration(strings.TrimSpace(f("grace")))
		if err != nil {
			return m, sqm.FieldError("heartbeat.grace", "Write a duration such as 0s, 5m or 1h.")
		}
		m.Heartbeat = &sqm.Heartbeat{Grace: grace}
	}
	if m.Type == sqm.MonitorHTTP {
		m.HTTP = &sqm.HTTPCheck{BodyContains: f("body_contains")}
		for _, c := range strings.FieldsFunc(f("expect_status"), func(r rune) bool { return r == ',' || r == ' ' }) {
			code, err := strconv.Atoi(c)
			if err != nil {
				return m, sqm.FieldError("http.expect_status", "List status codes such as 200, 204.")
			}
			m.HTTP.ExpectStatus = append(m.HTTP.ExpectStatus, code)
		}
	}
	return m, nil
}

func (s *Server) createMonitorPage(w http.ResponseWriter, r *http.Request, p *page) {
	in, err := monitorOf(r)
	if err == nil {
		_, err = s.db.CreateMonitor(r.Context(), in)
	}
	if err != nil {
		if f, ok := s.formError(w, r, p, err, "monitor"); ok {
			d := newMonitorsPage(p)
			d.F, d.Form = f, in
			s.showMonitors(w, r, p, http.StatusUnprocessableEntity, d)
		}
		return
	}
	seeOther(w, r, "/monitors", "created")
}

// monitorPage is one monitor: its state, figures over three periods, its
// recent checks and outages, and (for managers) its settings.
type monitorPage struct {
	PingURL  string // a heartbeat's, as this request reached sqm
	F        adminForm
	Form     sqm.Monitor
	Service  string
	Periods  []monitorPeriod
	Services []sqm.Service
}

type monitorPeriod struct {
	Label string
	A     sqm.Availability
}

func (s *Server) monitorPage(w http.ResponseWriter, r *http.Request, p *page) {
	doneNotice(r, p)
	m, err := s.db.GetMonitor(r.Context(), r.PathValue("id"))
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	s.renderMonitor(w, r, p, http.StatusOK, monitorPage{Form: m})
}

func (s *Server) renderMonitor(w http.ResponseWriter, r *http.Request, p *page, status int, d monitorPage) {
	ctx := r.Context()
	for _, per := range []struct {
		key string
		d   time.Duration
	}{{"mon.24h", 24 * time.Hour}, {"mon.7d", 7 * 24 * time.Hour}, {"mon.30d", 30 * 24 * time.Hour}} {
		a, err := s.db.MonitorAvailability(ctx, d.Form.ID, p.Now.Add(-per.d), p.Now)
		if err != nil {
			s.uiError(w, r, p, err)
			return
		}
		d.Periods = append(d.Periods, monitorPeriod{p.T(per.key), a})
	}
	var err error
	if d.Services, err = all(func(c string) (sqm.Page[sqm.Service], error) { return s.db.ListServices(ctx, c, sqlstore.MaxLimit) }); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	for _, svc := range d.Services {
		if svc.ID == d.Form.ServiceID {
			d.Service = svc.Name
		}
	}
	if h := d.Form.Heartbeat; h != nil && h.Token != "" {
		scheme := "http"
		if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
			scheme = "https"
		}
		d.PingURL = scheme + "://" + r.Host + "/api/v1/heartbeats/" + h.Token
	}
	p.Title, p.Nav, p.Data = d.Form.Name, "monitoring", d
	s.render(w, status, "monitor", p)
}

func (s *Server) updateMonitorPage(w http.ResponseWriter, r *http.Request, p *page) {
	id := r.PathValue("id")
	in, err := monitorOf(r)
	if err == nil {
		_, err = s.db.UpdateMonitor(r.Context(), id, in)
	}
	if err != nil {
		if f, ok := s.formError(w, r, p, err, "monitor"); ok {
			old, gerr := s.db.GetMonitor(r.Context(), id)
			if gerr != nil {
				s.uiError(w, r, p, gerr)
				return
			}
			in.ID, in.State, in.StateSince, in.LastCheckAt, in.LastError, in.IncidentID = id, old.State, old.StateSince, old.LastCheckAt, old.LastError, old.IncidentID
			s.renderMonitor(w, r, p, http.StatusUnprocessableEntity, monitorPage{F: f, Form: in})
		}
		return
	}
	seeOther(w, r, "/monitors/"+id, "saved")
}

func (s *Server) deleteMonitorPage(w http.ResponseWriter, r *http.Request, p *page) {
	if err := s.db.DeleteMonitor(r.Context(), r.PathValue("id")); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	seeOther(w, r, "/monitors", "deleted")
}

type alertsPage struct {
	Alerts []sqm.Alert
	Next   string
	Status string
}

func (s *Server) alertsPage(w http.ResponseWriter, r *http.Request, p *page) {
	status := r.URL.Query().Get("status")
	list, err := s.db.ListAlerts(r.Context(), r.URL.Query().Get("service_id"), status, r.URL.Query().Get("cursor"), adminPageSize)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	p.Title, p.Nav, p.Data = p.T("mon.alerts"), "monitoring", alertsPage{Alerts: list.Items, Next: nextPage(r, list.NextCursor), Status: status}
	s.render(w, http.StatusOK, "alerts", p)
}
