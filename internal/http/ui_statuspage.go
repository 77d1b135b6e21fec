package http

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// statusRoutes lists the public status pages, which anyone may read, and
// their administration, for managers and admins. The JSON API of status
// pages is in routes.go with the rest of the API.
func (s *Server) statusRoutes(mux *http.ServeMux) {
	c, m := s.console, sqm.RoleManager
	mux.HandleFunc("GET /status/{slug}", s.publicStatusPage)
	mux.HandleFunc("GET /admin/status-pages", c(m, s.adminStatusPages))
	mux.HandleFunc("POST /admin/status-pages", c(m, s.adminCreateStatusPage))
	mux.HandleFunc("GET /admin/status-pages/{id}", c(m, s.adminEditStatusPage))
	mux.HandleFunc("POST /admin/status-pages/{id}", c(m, s.adminUpdateStatusPage))
	mux.HandleFunc("POST /admin/status-pages/{id}/delete", c(m, s.adminDeleteStatusPage))
}

// statusView is what templates/status.html shows: the page's figures made
// ready to draw.
type statusView struct {
	NotFound, Failed bool
	Page             sqm.StatusPage
	Banner           string // ok, partial, major, incident, maintenance, unknown
	BannerText       string
	Updated          string
	Rows             []statusRow
	Incidents        []statusIncident
	MoreIncidents    []statusIncident // shown on demand, under MoreText
	MoreText         string
	Maintenance      []statusMaintenance
	History          []statusDay // today first
	HistoryAbout     string
}

// shownIncidents is how many open incidents a status page lists before
// it folds the others away, so that the services stay in sight.
const shownIncidents = 3

// statusRow is one service with its bars.
type statusRow struct {
	Name, State, StateLabel string
	Uptime                  string // "99.95% uptime", or that there is no figure
	Label                   string // the chart's description for screen readers
	Bars                    []statusBar
}

// statusBar is one day's bar of the chart.
type statusBar struct {
	X          int
	Class, Tip string
}

type statusIncident struct {
	Title, Service, Status, Since string
	New                           bool
}

type statusMaintenance struct {
	Title, Services, When string
	Now                   bool
}

// barStep is the distance between two bars of a chart, in the units of its
// viewBox (templates/status.html: bars 8 wide, 90 of them in 898).
const barStep = 10

// publicStatusPage shows a status page to anyone, in the language asked
// for (?lang=zh|en) or the browser's, with times in UTC.
func (s *Server) publicStatusPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, r.URL.Query().Get("lang"), "UTC")
	v, err := s.db.PublicStatus(r.Context(), r.PathValue("slug"), s.db.Now())
	if err != nil {
		d := statusView{NotFound: true}
		status := http.StatusNotFound
		p.Title = p.T("sp.not_found")
		if sqm.ErrorCode(err) != sqm.ENOTFOUND {
			s.log.Error("status_page_failed", "slug", r.PathValue("slug"), "error", err)
			d = statusView{Failed: true}
			status = http.StatusInternalServerError
			p.Title = p.T("sp.failed")
		}
		p.Data = d
		s.render(w, status, "status", p)
		return
	}
	p.Title, p.Data = v.Page.Title, newStatusView(p, v)
	w.Header().Set("Cache-Control", publicStatusCache)
	w.Header().Set("Vary", "Accept-Language") // the language comes from it, unless ?lang= names one
	s.render(w, http.StatusOK, "status", p)
}

// newStatusView lays out a status for the page's language.
func newStatusView(p *page, v sqm.StatusView) statusView {
	d := statusView{Page: v.Page, Updated: utcTime(p, v.Updated)}
	names := map[string]string{}
	down := 0
	for _, svc := range v.Services {
		names[svc.ID] = svc.Name
		if svc.State == sqm.ServiceDown {
			down++
		}
		row := statusRow{Name: svc.Name, State: svc.State, StateLabel: p.T("sp.state." + svc.State),
			Uptime: p.T("sp.uptime.none")}
		figure := p.T("sp.bar.none")
		if svc.Availability != nil {
			figure = uptimeText(*svc.Availability)
			row.Uptime = fmt.Sprintf(p.T("sp.uptime"), figure)
		}
		row.Label = fmt.Sprintf(p.T("sp.bars"), svc.Name, figure)
		for i, day := range svc.Days {
			bar := statusBar{X: i * barStep, Class: "none", Tip: dayText(p, day.Date) + " · " + p.T("sp.bar.none")}
			if a := day.Availability; a != nil {
				bar.Tip = dayText(p, day.Date) + " · " + fmt.Sprintf(p.T("sp.uptime"), uptimeText(*a))
				if day.DownSeconds > 0 {
					bar.Tip += " · " + fmt.Sprintf(p.T("sp.bar.down"), spanText(p, day.DownSeconds))
				}
				switch {
				case *a >= 0.999:
					bar.Class = "ok"
				case *a >= 0.99:
					bar.Class = "warn"
				default:
					bar.Class = "bad"
				}
			}
			row.Bars = append(row.Bars, bar)
		}
		d.Rows = append(d.Rows, row)
	}
	for _, in := range v.Incidents {
		label := "sp.incident.working"
		if in.Status == sqm.StatusNew {
			label = "sp.incident.new"
		}
		d.Incidents = append(d.Incidents, statusIncident{Title: in.Title, Service: names[in.ServiceID], Status: p.T(label),
			Since: p.T("sp.incident.since") + " " + utcTime(p, in.OpenedAt), New: in.Status == sqm.StatusNew})
	}
	if len(d.Incidents) > shownIncidents {
		d.Incidents, d.MoreIncidents = d.Incidents[:shownIncidents], d.Incidents[shownIncidents:]
		d.MoreText = fmt.Sprintf(p.T("sp.incident.more"), len(d.MoreIncidents))
	}
	d.History, d.HistoryAbout = newStatusHistory(p, v, names), fmt.Sprintf(p.T("sp.history.about"), sqm.HistoryDays)
	ongoing := false
	for _, m := range v.Maintenance {
		row := statusMaintenance{Title: m.Title, Services: names[m.ServiceID], Now: m.Ongoing(v.Updated)}
		if m.ServiceID == "" {
			row.Services = p.T("sp.maintenance.all")
		}
		row.When = spanWhen(p, m.StartsAt, m.EndsAt)
		ongoing = ongoing || row.Now
		d.Maintenance = append(d.Maintenance, row)
	}
	switch {
	case down > 0 && down == len(v.Services):
		d.Banner = "major"
	case down > 0:
		d.Banner = "partial"
	case len(v.Incidents) > 0:
		d.Banner = "incident"
	case ongoing:
		d.Banner = "maintenance"
	case v.Known():
		d.Banner = "ok"
	default:
		d.Banner = "unknown"
	}
	d.BannerText = p.T("sp.banner." + d.Banner)
	return d
}

// uptimeText is an availability as a percentage with two decimals, rounded
// down, so that a day with any downtime never reads 100%.
func uptimeText(a float64) string {
	if a >= 1 {
		return "100%"
	}
	return fmt.Sprintf("%.2f%%", math.Floor(a*10000)/100)
}

// dayText is a bar's date, 2006-01-02, in the page's language.
func dayText(p *page, date string) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	if p.Lang == "zh" {
		return d.Format("2006年1月2日")
	}
	return d.Format("2 Jan 2006")
}

func utcTime(p *page, t time.Time) string { return p.Time(t.UTC()) + " UTC" }

// statusPagesPage lists the status pages with the form that creates one,
// or shows the form that edits one.
type statusPagesPage struct {
	F        adminForm
	Edit     bool
	Form     sqm.StatusPage
	Chosen   map[string]bool
	Pages    []statusPageRow
	Next     string
	Services []sqm.Service
}

type statusPageRow struct {
	sqm.StatusPage
	Services string
}

func (s *Server) adminStatusPages(w http.ResponseWriter, r *http.Request, p *page) {
	doneNotice(r, p)
	s.showStatusPages(w, r, p, http.StatusOK, statusPagesPage{})
}

func (s *Server) showStatusPages(w http.ResponseWriter, r *http.Request, p *page, status int, d statusPagesPage) {
	ctx := r.Context()
	var err error
	if d.Services, err = all(func(c string) (sqm.Page[sqm.Service], error) { return s.db.ListServices(ctx, c, sqlstore.MaxLimit) }); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	names := map[string]string{}
	for _, svc := range d.Services {
		names[svc.ID] = svc.Name
	}
	if !d.Edit {
		list, err := s.db.ListStatusPages(ctx, r.URL.Query().Get("cursor"), adminPageSize)
		if err != nil {
			s.uiError(w, r, p, err)
			return
		}
		d.Next = nextPage(r, list.NextCursor)
		for _, pg := range list.Items {
			var shown []string
			for _, id := range pg.ServiceIDs {
				shown = append(shown, names[id])
			}
			d.Pages = append(d.Pages, statusPageRow{StatusPage: pg, Services: strings.Join(shown, p.T("sp.list_sep"))})
		}
	}
	d.Chosen = map[string]bool{}
	for _, id := range d.Form.ServiceIDs {
		d.Chosen[id] = true
	}
	p.Title, p.Nav, p.Data = p.T("admin.status-pages"), "admin", d
	if d.Edit {
		p.Title = p.T("sp.admin.edit") + " · " + d.Form.Title
	}
	s.render(w, status, "admin_status_pages", p)
}

// statusPageOf reads the status page form.
func statusPageOf(r *http.Request) sqm.StatusPage {
	r.ParseForm() //nolint:errcheck // a malformed form reads as empty, which the store refuses
	return sqm.StatusPage{Slug: strings.ToLower(strings.TrimSpace(r.PostFormValue("slug"))), Title: strings.TrimSpace(r.PostFormValue("title")),
		Description: strings.TrimSpace(r.PostFormValue("description")), ServiceIDs: r.PostForm["service_ids"]}
}

// statusPageError is the state of the refused status page form, its
// input at fault named by the form's own label.
func (s *Server) statusPageError(w http.ResponseWriter, r *http.Request, p *page, err error) (adminForm, bool) {
	f, ok := s.formError(w, r, p, err, "status_page")
	if key, known := map[string]string{"slug": "sp.admin.slug", "title": "sp.admin.title", "service_ids": "sp.admin.services"}[f.Field]; known {
		f.Label = p.T(key)
	}
	return f, ok
}

func (s *Server) adminCreateStatusPage(w http.ResponseWriter, r *http.Request, p *page) {
	in := statusPageOf(r)
	if _, err := s.db.CreateStatusPage(r.Context(), in); err != nil {
		if f, ok := s.statusPageError(w, r, p, err); ok {
			s.showStatusPages(w, r, p, http.StatusUnprocessableEntity, statusPagesPage{F: f, Form: in})
		}
		return
	}
	seeOther(w, r, "/admin/status-pages", "created")
}

func (s *Server) adminEditStatusPage(w http.ResponseWriter, r *http.Request, p *page) {
	pg, err := s.db.GetStatusPage(r.Context(), r.PathValue("id"))
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	s.showStatusPages(w, r, p, http.StatusOK, statusPagesPage{Edit: true, Form: pg})
}

func (s *Server) adminUpdateStatusPage(w http.ResponseWriter, r *http.Request, p *page) {
	id := r.PathValue("id")
	in := statusPageOf(r)
	in.Slug = "" // the address does not change
	if _, err := s.db.UpdateStatusPage(r.Context(), id, in); err != nil {
		if f, ok := s.statusPageError(w, r, p, err); ok {
			if old, err := s.db.GetStatusPage(r.Context(), id); err == nil {
				in.Slug = old.Slug
			}
			in.ID = id
			s.showStatusPages(w, r, p, http.StatusUnprocessableEntity, statusPagesPage{F: f, Edit: true, Form: in})
		}
		return
	}
	seeOther(w, r, "/admin/status-pages", "saved")
}

func (s *Server) adminDeleteStatusPage(w http.ResponseWriter, r *http.Request, p *page) {
	if err := s.db.DeleteStatusPage(r.Context(), r.PathValue("id")); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	seeOther(w, r, "/admin/status-pages", "deleted")
}
