package http

import (
	"math"
	"net/http"
	"time"

	"github.com/sqmhq/sqm"
)

// targetCard is one quantified target of the strategy on the dashboard.
type targetCard struct {
	sqm.TargetFigure
	Label, Source string
	Trend         chart // the figure of the last six months, this one last
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
	var months []sqm.Scorecard // the five months before, and this one
	for i := 5; i >= 0; i-- {
		m := from.AddDate(0, -i, 0)
		sc, err := s.db.Scorecard(ctx, sqm.ScorecardQuery{From: m, To: m.AddDate(0, 1, 0), Summary: true})
		if err != nil {
			s.uiError(w, r, p, err)
			return
		}
		months = append(months, sc)
	}
	d := dashboard{From: from}
	var err error
	for k, f := range months[len(months)-1].Targets {
		card := targetCard{TargetFigure: f, Label: p.T("goal." + f.Key), Source: p.T("goal.source." + f.Key)}
		var trend []*float64
		for _, sc := range months {
			trend = append(trend, sc.Targets[k].Actual)
		}
		card.Trend = sparkline(p, f, months, trend)
		d.Cards = append(d.Cards, card)
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

// sparkline lays out a target's last six figures as small bars against its
// goal, on a scale that shows the differences near the goal; a period with
// no figure is a stub.
func sparkline(p *page, f sqm.TargetFigure, months []sqm.Scorecard, trend []*float64) chart {
	lo, hi := 0.0, 1.0
	if f.Comparison == "lt" {
		hi = f.Goal * 1.5
		for _, v := range trend {
			if v != nil {
				hi = max(hi, *v*1.1)
			}
		}
	} else {
		lo = f.Goal
		for _, v := range trend {
			if v != nil {
				lo = min(lo, *v)
			}
		}
		lo = max(0, math.Floor(lo*20)/20-0.05) // a round 5% below the lowest
	}
	const h = 36 // the bars' height in the 120×40 box
	y := func(v float64) int { return 2 + h - int(math.Round((min(max(v, lo), hi)-lo)/(hi-lo)*h)) }
	c := chart{GoalY: y(f.Goal)}
	for i, v := range trend {
		b := bar{X: 4 + i*19, Class: "none"}
		label := p.Month(months[i].From)
		if v == nil {
			b.Y, b.H, b.Title = 2+h-2, 2, label+": "+p.T("dash.no_data")
		} else {
			b.Y = min(y(*v), 2+h-2)
			b.H = 2 + h - b.Y
			b.Class, b.Title = "ok", label+": "+p.Pct(v)
			if (f.Comparison == "lt" && *v >= f.Goal) || (f.Comparison != "lt" && *v < f.Goal) {
				b.Class = "bad"
			}
		}
		c.Bars = append(c.Bars, b)
	}
	return c
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
