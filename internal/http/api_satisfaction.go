package http

import (
	"net/http"

	"github.com/sqmhq/sqm"
)

// scorecardQuery reads a scorecard's period and filters as the API takes
// them: from and to as RFC 3339 instants, service_id, team_id and type.
func scorecardQuery(r *http.Request) (sqm.ScorecardQuery, error) {
	from, err := queryTime(r, "from")
	if err != nil {
		return sqm.ScorecardQuery{}, err
	}
	to, err := queryTime(r, "to")
	if err != nil {
		return sqm.ScorecardQuery{}, err
	}
	q := r.URL.Query()
	return sqm.ScorecardQuery{From: from, To: to, ServiceID: q.Get("service_id"), TeamID: q.Get("team_id"),
		Type: sqm.TicketType(q.Get("type"))}, nil
}

// showSatisfaction answers a period's CSAT by service, team and agent, with
// the latest comments.
func (s *Server) showSatisfaction(w http.ResponseWriter, r *http.Request) {
	q, err := scorecardQuery(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rep, err := s.db.SatisfactionReport(r.Context(), q)
	s.reply(w, r, http.StatusOK, rep, err)
}
