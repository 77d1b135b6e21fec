package http

import (
	"net/http"
	"time"

	"github.com/sqmhq/sqm"
)

type maintenanceInput struct {
	ServiceID string    `json:"service_id"`
	Title     string    `json:"title"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
}

type silenceInput struct {
	ServiceID string            `json:"service_id"`
	Matchers  map[string]string `json:"matchers"`
	Comment   string            `json:"comment"`
	StartsAt  time.Time         `json:"starts_at"`
	EndsAt    time.Time         `json:"ends_at"`
}

func (s *Server) listMaintenance(w http.ResponseWriter, r *http.Request) {
	list, err := s.db.ListMaintenance(r.Context(), s.db.Now().Add(-24*time.Hour), 0)
	s.reply(w, r, http.StatusOK, sqm.Page[sqm.MaintenanceWindow]{Items: list}, err)
}

func (s *Server) createMaintenance(w http.ResponseWriter, r *http.Request) {
	var in maintenanceInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	v, err := s.db.CreateMaintenance(r.Context(), sqm.MaintenanceWindow{ServiceID: in.ServiceID, Title: in.Title, StartsAt: in.StartsAt, EndsAt: in.EndsAt})
	s.reply(w, r, http.StatusCreated, v, err)
}

func (s *Server) deleteMaintenance(w http.ResponseWriter, r *http.Request) {
	if err := s.db.DeleteMaintenance(r.Context(), r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listSilences(w http.ResponseWriter, r *http.Request) {
	list, err := s.db.ListSilences(r.Context(), s.db.Now())
	s.reply(w, r, http.StatusOK, sqm.Page[sqm.Silence]{Items: list}, err)
}

func (s *Server) createSilence(w http.ResponseWriter, r *http.Request) {
	var in silenceInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	if in.StartsAt.IsZero() {
		in.StartsAt = s.db.Now()
	}
	v, err := s.db.CreateSilence(r.Context(), sqm.Silence{ServiceID: in.ServiceID, Matchers: in.Matchers, Comment: in.Comment,
		StartsAt: in.StartsAt, EndsAt: in.EndsAt})
	s.reply(w, r, http.StatusCreated, v, err)
}

func (s *Server) expireSilence(w http.ResponseWriter, r *http.Request) {
	if err := s.db.ExpireSilence(r.Context(), r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
