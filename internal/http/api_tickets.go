package http

import (
	"net/http"

	"github.com/sqmhq/sqm"
)

func (s *Server) listTickets(w http.ResponseWriter, r *http.Request) {
	cursor, limit, err := pageParams(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	p, err := s.db.ListTickets(r.Context(), sqm.TicketFilter{
		ServiceID: q.Get("service_id"), TeamID: q.Get("team_id"), Type: sqm.TicketType(q.Get("type")),
		Status: sqm.Status(q.Get("status")), Priority: sqm.Priority(q.Get("priority")),
		SLAState: sqm.ClockState(q.Get("sla_state")), Sort: q.Get("sort"), Cursor: cursor, Limit: limit,
	})
	s.reply(w, r, http.StatusOK, p, err)
}

func (s *Server) createTicket(w http.ResponseWriter, r *http.Request) {
	var in sqm.NewTicket
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	t, err := s.db.CreateTicket(r.Context(), in)
	if err == nil {
		s.metrics.TicketsOpened.Inc()
	}
	s.reply(w, r, http.StatusCreated, t, err)
}

func (s *Server) showTicket(w http.ResponseWriter, r *http.Request) {
	t, err := s.db.GetTicket(r.Context(), r.PathValue("id"))
	if err == nil && t.Survey != nil {
		// Whoever holds the link may answer: only managers and admins (who
		// may need to send it again) see it, not the agents rated by it.
		if sqm.ActorFrom(r.Context()).Role.AtLeast(sqm.RoleManager) {
			t.Survey.URL = surveyURL(r, t.Survey.Token)
		} else {
			t.Survey.Token = ""
		}
	}
	s.reply(w, r, http.StatusOK, t, err)
}

func (s *Server) createEvent(w http.ResponseWriter, r *http.Request) {
	var in sqm.NewEvent
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	t, err := s.db.AddEvent(r.Context(), r.PathValue("id"), in)
	s.reply(w, r, http.StatusCreated, t, err)
}

func (s *Server) importTickets(w http.ResponseWriter, r *http.Request) {
	if err := sqm.Require(r.Context(), sqm.RoleAdmin); err != nil {
		s.Error(w, r, err) // before reading a body of up to 32 MiB
		return
	}
	var in struct {
		Tickets []sqm.ImportTicket `json:"tickets"`
	}
	if err := decode(w, r, maxImportBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	out, err := s.db.ImportTickets(r.Context(), in.Tickets)
	s.reply(w, r, http.StatusCreated, map[string]any{"tickets": out}, err)
}

func (s *Server) showScorecard(w http.ResponseWriter, r *http.Request) {
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
	q := r.URL.Query()
	sc, err := s.db.Scorecard(r.Context(), sqm.ScorecardQuery{From: from, To: to,
		ServiceID: q.Get("service_id"), TeamID: q.Get("team_id"), Type: sqm.TicketType(q.Get("type"))})
	s.reply(w, r, http.StatusOK, sc, err)
}

func (s *Server) listGoals(w http.ResponseWriter, r *http.Request) {
	g, err := s.db.Goals(r.Context())
	s.reply(w, r, http.StatusOK, sqm.Page[sqm.Goal]{Items: g}, err)
}

func (s *Server) updateGoal(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Goal float64 `json:"goal"`
	}
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	g, err := s.db.UpdateGoal(r.Context(), r.PathValue("key"), in.Goal)
	s.reply(w, r, http.StatusOK, g, err)
}
