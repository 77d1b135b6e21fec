package http

import (
	"net/http"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

type userInput struct {
	Name     string   `json:"name"`
	Role     sqm.Role `json:"role"`
	TeamID   string   `json:"team_id"`
	Disabled bool     `json:"disabled"`
}

func (in userInput) user() sqm.User {
	return sqm.User{Name: in.Name, Role: in.Role, TeamID: in.TeamID, Disabled: in.Disabled}
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	listOf(s, func(r *http.Request, c string, l int) (sqm.Page[sqm.User], error) {
		return s.db.ListUsers(r.Context(), c, l)
	})(w, r)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	var in userInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	u, err := s.db.CreateUser(r.Context(), in.user())
	s.reply(w, r, http.StatusCreated, u, err)
}

func (s *Server) showUser(w http.ResponseWriter, r *http.Request) {
	u, err := s.db.GetUser(r.Context(), r.PathValue("id"))
	s.reply(w, r, http.StatusOK, u, err)
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) {
	var in userInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	u, err := s.db.UpdateUser(r.Context(), r.PathValue("id"), in.user())
	s.reply(w, r, http.StatusOK, u, err)
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	listOf(s, func(r *http.Request, c string, l int) (sqm.Page[sqm.Token], error) {
		return s.db.ListTokens(r.Context(), c, l)
	})(w, r)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var in struct {
		User string `json:"user"`
		Name string `json:"name"`
	}
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	if in.User == "" {
		in.User = sqm.ActorFrom(r.Context()).Name
	}
	t, err := s.db.CreateToken(r.Context(), in.User, in.Name)
	s.reply(w, r, http.StatusCreated, t, err)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	if err := s.db.RevokeToken(r.Context(), r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) {
	cursor, limit, err := pageParams(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	p, err := s.db.ListAudit(r.Context(), sqlstore.AuditFilter{ObjectType: q.Get("object_type"),
		ObjectID: q.Get("object_id"), Action: q.Get("action"), Cursor: cursor, Limit: limit})
	s.reply(w, r, http.StatusOK, p, err)
}
