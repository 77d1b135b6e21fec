package http

import (
	"net/http"
	"sort"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// feedbackRoutes lists the console's analysis of user feedback: what users
// commonly care about. Its JSON API is in routes.go with the rest.
func (s *Server) feedbackRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /feedback", s.console(sqm.RoleViewer, s.feedbackPage))
}

// feedbackPeriod reads from and to (RFC 3339) of an API request.
func feedbackPeriod(r *http.Request) (time.Time, time.Time, error) {
	from, err := queryTime(r, "from")
	if err != nil {
		return from, from, err
	}
	to, err := queryTime(r, "to")
	return from, to, err
}

func (s *Server) feedbackGroups(w http.ResponseWriter, r *http.Request) {
	from, to, err := feedbackPeriod(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	g, err := s.db.FeedbackGroups(r.Context(), from, to, r.URL.Query().Get("service_id"))
	s.reply(w, r, http.StatusOK, sqm.Page[sqm.FeedbackGroup]{Items: g}, err)
}

func (s *Server) feedbackStats(w http.ResponseWriter, r *http.Request) {
	from, to, err := feedbackPeriod(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	st, err := s.db.FeedbackStats(r.Context(), from, to, r.URL.Query().Get("service_id"))
	s.reply(w, r, http.StatusOK, st, err)
}

// feedbackView is what templates/feedback.html shows.
type feedbackView struct {
	From, To  time.Time // the period, [From, To)
	ServiceID string
	Services  []sqm.Service
	Stats     sqm.FeedbackStats
	Kinds     []countRow
	ByService []countRow
	Statuses  []countRow
	Groups    []sqm.FeedbackGroup
	Shown     int // groups shown; the rest are single pieces of feedback
	Clocks    sqm.Scorecard
	Peak      int // the largest week
}

// Width is a week's bar as a percentage of the largest week.
func (d feedbackView) Width(n int) int {
	if d.Peak == 0 {
		return 0
	}
	return n * 100 / d.Peak
}

type countRow struct {
	Key   string
	Count int
}

// rows orders counts largest first, then by key.
func rows(m map[string]int) []countRow {
	out := make([]countRow, 0, len(m))
	for k, v := range m {
		out = append(out, countRow{k, v})
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Count != out[b].Count {
			return out[a].Count > out[b].Count
		}
		return out[a].Key < out[b].Key
	})
	return out
}

// feedbackPage shows the volumes of feedback and its groups of similar
// feedback over a period (the last 30 days by default).
func (s *Server) feedbackPage(w http.ResponseWriter, r *http.Request, p *page) {
	ctx := r.Context()
	q := r.URL.Query()
	today := time.Date(p.Now.In(p.Loc).Year(), p.Now.In(p.Loc).Month(), p.Now.In(p.Loc).Day(), 0, 0, 0, 0, p.Loc)
	d := feedbackView{From: today.AddDate(0, 0, -29), To: today.AddDate(0, 0, 1), ServiceID: q.Get("service_id")}
	if v, err := time.ParseInLocation(time.DateOnly, q.Get("from"), p.Loc); err == nil {
		d.From = v
	}
	if v, err := time.ParseInLocation(time.DateOnly, q.Get("to"), p.Loc); err == nil {
		d.To = v.AddDate(0, 0, 1)
	}
	var err error
	if d.Services, err = all(func(c string) (sqm.Page[sqm.Service], error) { return s.db.ListServices(ctx, c, sqlstore.MaxLimit) }); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	if d.Stats, err = s.db.FeedbackStats(ctx, d.From, d.To, d.ServiceID); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	for _, w := range d.Stats.Weeks {
		d.Peak = max(d.Peak, w.Count)
	}
	if d.Clocks, err = s.db.Scorecard(ctx, sqm.ScorecardQuery{From: d.From, To: d.To, ServiceID: d.ServiceID, Type: sqm.TypeFeedback, Summary: true}); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	if d.Groups, err = s.db.FeedbackGroups(ctx, d.From, d.To, d.ServiceID); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	for _, g := range d.Groups {
		if g.Size > 1 && d.Shown < 50 {
			d.Shown++
		}
	}
	d.Groups = d.Groups[:d.Shown]
	d.Kinds, d.ByService, d.Statuses = rows(d.Stats.ByKind), rows(d.Stats.ByService), rows(d.Stats.ByStatus)
	p.Title, p.Nav, p.Data = p.T("fb.title"), "feedback", d
	s.render(w, http.StatusOK, "feedback", p)
}
