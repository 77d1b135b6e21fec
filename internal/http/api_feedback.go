package http

import (
	"net/http"

	"github.com/sqmhq/sqm"
)

// baseURL is the address the request reached sqm at, for links in answers.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func trackingURL(r *http.Request, token string) string { return baseURL(r) + "/portal/t/" + token }
func surveyURL(r *http.Request, token string) string   { return baseURL(r) + "/portal/s/" + token }

// submitFeedback takes feedback from a product's own form.
func (s *Server) submitFeedback(w http.ResponseWriter, r *http.Request) {
	var in sqm.NewFeedback
	if err := decode(w, r, maxFeedbackBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	rc, err := s.db.SubmitFeedback(r.Context(), in)
	if err == nil {
		rc.TrackingURL = trackingURL(r, rc.Token)
	}
	s.reply(w, r, http.StatusCreated, rc, err)
}

// renewTracking revokes a feedback ticket's tracking link and answers the
// new one.
func (s *Server) renewTracking(w http.ResponseWriter, r *http.Request) {
	token, err := s.db.RenewTracking(r.Context(), r.PathValue("id"))
	s.reply(w, r, http.StatusOK, map[string]string{"tracking_url": trackingURL(r, token)}, err)
}

// answerSurvey takes the one answer of a survey; the token is the
// authority.
func (s *Server) answerSurvey(w http.ResponseWriter, r *http.Request) {
	var in sqm.SurveyAnswer
	if err := decode(w, r, maxFeedbackBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	v, err := s.db.AnswerSurvey(r.Context(), r.PathValue("token"), in)
	if err == nil {
		v.URL = surveyURL(r, v.Token)
	}
	s.reply(w, r, http.StatusOK, v, err)
}

// maxFeedbackBody bounds a feedback or survey request: the longest text
// and its JSON escaping.
const maxFeedbackBody = 64 << 10
