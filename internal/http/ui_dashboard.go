package http

import (
	"net/http"
	"time"

	"github.com/sqmhq/sqm"
)

// targetCard is one quantified target of the strategy on the dashboard.
type targetCard struct {
	sqm.TargetFigure
	Label, Source string
}

type dashboard struct {
	From      time.Time
	Cards     []targetCard
	DueSoon   []sqm.Ticket
	Breaches  []sqm.Ticket
	Incidents []prioCount
}

type prioCount struct {
	Priority sqm.Priority
	Count    int
}

// showDashboard answers "are we keeping our promises?" for this month.
func (s *Server) showDashboard(w http.ResponseWriter, r *http.Request, p *page) {
	ctx := r.Context()
	now := p.Now.In(p.Loc)
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, p.Loc)
	sc, err := s.db.Scorecard(ctx, sqm.ScorecardQuery{From: from, To: from.AddDate(0, 1, 0), Summary: true})
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d := dashboard{From: from}
	for _, f := range sc.Targets {
		d.Cards = append(d.Cards, targetCard{TargetFigure: f, Label: p.T("goal." + f.Key), Source: p.T("goal.source." + f.Key)})
	}
	if d.DueSoon, err = s.db.DueSoon(ctx, 8); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	if d.Breaches, err = s.db.RecentBreaches(ctx, 8); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	open, err := s.db.OpenIncidents(ctx)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	for _, pr := range sqm.Priorities {
		d.Incidents = append(d.Incidents, prioCount{pr, open[pr]})
	}
	p.Title, p.Nav, p.Data = p.T("nav.dashboard"), "dashboard", d
	s.render(w, http.StatusOK, "dashboard", p)
}

// uiError shows an application error as a page, logging internal ones.
func (s *Server) uiError(w http.ResponseWriter, r *http.Request, p *page, err error) {
	switch sqm.ErrorCode(err) {
	case sqm.ENOTFOUND:
		s.consoleError(w, p, http.StatusNotFound, "error.not_found")
	case sqm.EFORBIDDEN:
		s.consoleError(w, p, http.StatusForbidden, "error.forbidden")
	case sqm.EINTERNAL:
		s.log.Error("page_failed", "path", r.URL.Path, "error", err)
		p.Title, p.Data = p.T("error.title"), sqm.ErrorMessage(err)
		s.render(w, http.StatusInternalServerError, "error", p)
	default:
		p.Title, p.Data = p.T("error.title"), sqm.ErrorMessage(err)
		s.render(w, http.StatusUnprocessableEntity, "error", p)
	}
}
