package http

import (
	"net/http"

	"github.com/sqmhq/sqm"
)

// statusPageInput is a status page as a caller writes it. On an update an
// empty slug keeps the page's own.
type statusPageInput struct {
	Slug        string   `json:"slug"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	ServiceIDs  []string `json:"service_ids"`
}

func (in statusPageInput) page() sqm.StatusPage {
	return sqm.StatusPage{Slug: in.Slug, Title: in.Title, Description: in.Description, ServiceIDs: in.ServiceIDs}
}

func (s *Server) listStatusPages(w http.ResponseWriter, r *http.Request) {
	listOf(s, func(r *http.Request, c string, l int) (sqm.Page[sqm.StatusPage], error) {
		return s.db.ListStatusPages(r.Context(), c, l)
	})(w, r)
}

func (s *Server) createStatusPage(w http.ResponseWriter, r *http.Request) {
	var in statusPageInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.db.CreateStatusPage(r.Context(), in.page())
	s.reply(w, r, http.StatusCreated, p, err)
}

func (s *Server) showStatusPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.db.GetStatusPage(r.Context(), r.PathValue("id"))
	s.reply(w, r, http.StatusOK, p, err)
}

func (s *Server) updateStatusPage(w http.ResponseWriter, r *http.Request) {
	var in statusPageInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.db.UpdateStatusPage(r.Context(), r.PathValue("id"), in.page())
	s.reply(w, r, http.StatusOK, p, err)
}

func (s *Server) deleteStatusPage(w http.ResponseWriter, r *http.Request) {
	if err := s.db.DeleteStatusPage(r.Context(), r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// publicStatus answers what a status page shows, to anyone: no token, and
// readable from other sites' scripts (it holds nothing private).
func (s *Server) publicStatus(w http.ResponseWriter, r *http.Request) {
	v, err := s.db.PublicStatus(r.Context(), r.PathValue("slug"), s.db.Now())
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if err == nil {
		w.Header().Set("Cache-Control", publicStatusCache)
	}
	s.reply(w, r, http.StatusOK, v, err)
}

// publicStatusCache lets browsers and proxies keep a status for a little
// while, so that a crowd refreshing a status page during an outage does
// not recompute it on every request.
const publicStatusCache = "public, max-age=30"
