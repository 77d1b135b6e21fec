package http

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// period is a scorecard's span in the viewer's zone.
type period struct {
	Kind     string // week, month, quarter, half, custom
	From, To time.Time
}

// periodOf reads the period of a scorecard request: a kind and a day in it,
// or a custom [from, to) of days.
func periodOf(r *http.Request, p *page) (period, error) {
	q := r.URL.Query()
	day := func(name string, def time.Time) (time.Time, error) {
		v := q.Get(name)
		if v == "" {
			return def, nil
		}
		t, err := time.ParseInLocation(time.DateOnly, v, p.Loc)
		if err != nil {
			return t, sqm.FieldError(name, "%s is a date such as 2026-11-01.", name)
		}
		return t, nil
	}
	now := p.Now.In(p.Loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, p.Loc)
	kind := q.Get("period")
	if kind == "custom" {
		from, err := day("from", today.AddDate(0, -1, 0))
		if err != nil {
			return period{}, err
		}
		to, err := day("to", today)
		if err != nil {
			return period{}, err
		}
		return period{Kind: kind, From: from, To: to.AddDate(0, 0, 1)}, nil
	}
	at, err := day("at", today)
	if err != nil {
		return period{}, err
	}
	return periodAround(kind, at), nil
}

// periodAround returns the period of the kind that holds the day.
func periodAround(kind string, at time.Time) period {
	y, m, d := at.Date()
	loc := at.Location()
	switch kind {
	case "week":
		off := (int(at.Weekday()) + 6) % 7 // weeks start on Monday
		from := time.Date(y, m, d-off, 0, 0, 0, 0, loc)
		return period{kind, from, from.AddDate(0, 0, 7)}
	case "quarter":
		from := time.Date(y, (m-1)/3*3+1, 1, 0, 0, 0, 0, loc)
		return period{kind, from, from.AddDate(0, 3, 0)}
	case "half":
		from := time.Date(y, (m-1)/6*6+1, 1, 0, 0, 0, 0, loc)
		return period{kind, from, from.AddDate(0, 6, 0)}
	default:
		from := time.Date(y, m, 1, 0, 0, 0, 0, loc)
		return period{"month", from, from.AddDate(0, 1, 0)}
	}
}

// trendPoint is one period of the attainment trend.
type trendPoint struct {
	Label   string
	FR, Res *float64
}

// bar is one bar of the server-rendered SVG trend chart.
type bar struct {
	X, Y, H int
	Class   string
	Title   string
}

// chart lays out the trend as bars of 0–100%, two per period.
type chart struct {
	Bars   []bar
	Labels []struct {
		X    int
		Text string
	}
	GoalY int
}

const chartHeight = 140

func trendChart(p *page, trend []trendPoint, goal float64) chart {
	var c chart
	c.GoalY = 10 + chartHeight - int(goal*chartHeight)
	for i, tp := range trend {
		x := 50 + i*95
		for j, v := range []*float64{tp.FR, tp.Res} {
			b := bar{X: x + j*30, Class: []string{"fr", "res"}[j]}
			label := p.T([]string{"clock.first_response", "clock.resolution"}[j])
			if v == nil {
				b.Y, b.H, b.Class, b.Title = 10+chartHeight-2, 2, b.Class+" none", label+": "+p.T("dash.no_data")
			} else {
				b.H = max(2, int(*v*chartHeight))
				b.Y, b.Title = 10+chartHeight-b.H, label+": "+p.Pct(v)
			}
			c.Bars = append(c.Bars, b)
		}
		c.Labels = append(c.Labels, struct {
			X    int
			Text string
		}{x + 28, tp.Label})
	}
	return c
}

// distChart lays out a clock's distribution as bars scaled to the largest.
func distChart(p *page, f sqm.ClockFigures) chart {
	var c chart
	top := 1
	for _, b := range f.Distribution {
		top = max(top, b.Count)
	}
	for i, b := range f.Distribution {
		x := 40 + i*62
		label := "> " + p.Dur(time.Duration(sqm.DistributionBounds[len(sqm.DistributionBounds)-1])*time.Second)
		if b.UpTo != nil {
			label = "≤ " + p.Dur(time.Duration(*b.UpTo)*time.Second)
		}
		h := max(1, b.Count*chartHeight/top)
		c.Bars = append(c.Bars, bar{X: x, Y: 10 + chartHeight - h, H: h, Class: "fr", Title: fmt.Sprintf("%s: %d", label, b.Count)})
		c.Labels = append(c.Labels, struct {
			X    int
			Text string
		}{x + 13, label})
	}
	return c
}

type scorecardPage struct {
	Dists    [2]chart
	Chart    chart
	Period   period
	Query    sqm.ScorecardQuery
	Card     sqm.Scorecard
	Trend    []trendPoint
	Services []sqm.Service
	Teams    []sqm.Team
	Drill    func(state string) string
	CSV      string
	Exact    string // this page with the percentiles
	// Satisfaction breaks the CSAT down; FeedbackCSV and SurveysCSV export
	// the period's feedback and survey answers.
	Satisfaction            sqm.SatisfactionReport
	FeedbackCSV, SurveysCSV string
}

// showScorecardPage shows the figures of a period against the goals.
func (s *Server) showScorecardPage(w http.ResponseWriter, r *http.Request, p *page) {
	per, err := periodOf(r, p)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	q := sqm.ScorecardQuery{From: per.From, To: per.To, ServiceID: r.URL.Query().Get("service_id"), TeamID: r.URL.Query().Get("team_id")}
	// The percentiles need every stopped clock of the period, which costs a
	// scan of its tickets: the page reads the rollup and fetches them after
	// it is shown, from the same page with exact=1.
	exact := r.URL.Query()
	q.Summary = exact.Get("exact") != "1"
	exact.Set("exact", "1")
	ctx := r.Context()
	sc, err := s.db.Scorecard(ctx, q)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d := scorecardPage{Period: per, Query: q, Card: sc}
	if per.Kind != "custom" { // the five periods before, and this one
		for i := 5; i >= 0; i-- {
			prev := per.From
			for range i {
				prev = periodAround(per.Kind, prev.AddDate(0, 0, -1)).From
			}
			pp := periodAround(per.Kind, prev)
			pq := q
			pq.From, pq.To, pq.Summary = pp.From, pp.To, true
			psc, err := s.db.Scorecard(ctx, pq)
			if err != nil {
				s.uiError(w, r, p, err)
				return
			}
			d.Trend = append(d.Trend, trendPoint{Label: pp.From.Format("2006-01-02"), FR: psc.FirstResponse.Attainment, Res: psc.Resolution.Attainment})
		}
	}
	goal := 0.95
	for _, t := range sc.Targets {
		if t.Key == sqm.GoalFirstResponse {
			goal = t.Goal
		}
	}
	d.Chart = trendChart(p, d.Trend, goal)
	d.Dists = [2]chart{distChart(p, sc.FirstResponse), distChart(p, sc.Resolution)}
	services, err := s.db.ListServices(ctx, "", 500)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	teams, err := s.db.ListTeams(ctx, "", 500)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d.Services, d.Teams = services.Items, teams.Items
	if d.Satisfaction, err = s.db.SatisfactionReport(ctx, q); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	base := url.Values{"from": {per.From.Format(time.RFC3339)}, "to": {per.To.Format(time.RFC3339)}}
	if q.ServiceID != "" {
		base.Set("service_id", q.ServiceID)
	}
	if q.TeamID != "" {
		base.Set("team_id", q.TeamID)
	}
	d.Drill = func(state string) string {
		v := url.Values{}
		for k, x := range base {
			v[k] = x
		}
		if state != "" {
			v.Set("sla_state", state)
		}
		return "/tickets?" + v.Encode()
	}
	d.CSV = "/scorecard.csv?" + r.URL.RawQuery
	d.FeedbackCSV, d.SurveysCSV = "/feedback.csv?"+base.Encode(), "/surveys.csv?"+base.Encode()
	d.Exact = "/scorecard?" + exact.Encode()
	p.Title, p.Nav, p.Data = p.T("nav.scorecard"), "scorecard", d
	s.render(w, http.StatusOK, "scorecard", p)
}

// exportScorecard writes the tickets behind a scorecard as CSV.
func (s *Server) exportScorecard(w http.ResponseWriter, r *http.Request, p *page) {
	per, err := periodOf(r, p)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	f := sqm.TicketFilter{OpenedFrom: per.From, OpenedTo: per.To, ServiceID: r.URL.Query().Get("service_id"),
		TeamID: r.URL.Query().Get("team_id"), Limit: sqlstore.MaxLimit}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="scorecard-%s.csv"`, per.From.Format("2006-01-02")))
	io.WriteString(w, "\ufeff") //nolint:errcheck // as every export: UTF-8 with a byte order mark, for Excel
	out := csv.NewWriter(w)
	out.Write([]string{"id", "ref", "service_id", "team_id", "type", "priority", "status", "opened_at", //nolint:errcheck
		"first_response_state", "first_response_target_seconds", "first_response_elapsed_seconds", "first_response_due_at", "first_response_met_at",
		"resolution_state", "resolution_target_seconds", "resolution_elapsed_seconds", "resolution_due_at", "resolution_met_at"})
	when := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	for {
		page, err := s.db.ListTickets(r.Context(), f)
		if err != nil {
			s.log.Error("export_failed", "error", err)
			return
		}
		for _, t := range page.Items {
			row := []string{t.ID, t.Ref, t.ServiceID, t.TeamID, string(t.Type), string(t.Priority), string(t.Status), t.OpenedAt.UTC().Format(time.RFC3339)}
			for _, c := range []sqm.Clock{t.SLA.FirstResponse, t.SLA.Resolution} {
				row = append(row, string(c.State), strconv.FormatInt(int64(c.Target/time.Second), 10),
					strconv.FormatInt(int64(c.Elapsed/time.Second), 10), when(c.DueAt), when(c.MetAt))
			}
			for i, c := range row {
				row[i] = csvSafe(c) // a ref is user text
			}
			out.Write(row) //nolint:errcheck
		}
		if f.Cursor = page.NextCursor; f.Cursor == "" {
			break
		}
	}
	out.Flush()
}
