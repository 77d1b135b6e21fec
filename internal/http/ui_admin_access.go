package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// roleChoices are the roles, least powerful first.
var roleChoices = []sqm.Role{sqm.RoleViewer, sqm.RoleAgent, sqm.RoleManager, sqm.RoleAdmin}

// usersPage is the list of users with the form that creates one, or one
// user's forms: role, team and access; password.
type usersPage struct {
	F        adminForm
	Edit     bool
	Self     bool // the user edits their own account
	Form     sqm.User
	Users    []sqm.User
	Next     string
	Teams    []sqm.Team
	TeamName map[string]string
	Roles    []sqm.Role
}

// adminUsers lists the users.
func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request, p *page) {
	doneNotice(r, p)
	s.showUsers(w, r, p, http.StatusOK, usersPage{Form: sqm.User{Role: sqm.RoleAgent}})
}

func (s *Server) showUsers(w http.ResponseWriter, r *http.Request, p *page, status int, d usersPage) {
	ctx := r.Context()
	if !d.Edit {
		list, err := s.db.ListUsers(ctx, r.URL.Query().Get("cursor"), adminPageSize)
		if err != nil {
			s.uiError(w, r, p, err)
			return
		}
		d.Users, d.Next = list.Items, nextPage(r, list.NextCursor)
	}
	teams, err := all(func(c string) (sqm.Page[sqm.Team], error) { return s.db.ListTeams(ctx, c, sqlstore.MaxLimit) })
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d.Teams, d.TeamName, d.Roles = teams, map[string]string{}, roleChoices
	for _, t := range teams {
		d.TeamName[t.ID] = t.Name
	}
	d.Self = d.Edit && d.Form.ID == p.User.UserID
	p.Title, p.Nav, p.Data = p.T("admin.users"), "admin", d
	if d.Edit {
		p.Title = p.T("admin.edit") + " · " + d.Form.Name
	}
	s.render(w, status, "admin_users", p)
}

// adminCreateUser creates a user, then shows their page to set a password.
func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request, p *page) {
	in := sqm.User{Name: strings.TrimSpace(r.PostFormValue("name")), Role: sqm.Role(r.PostFormValue("role")),
		TeamID: r.PostFormValue("team_id")}
	u, err := s.db.CreateUser(r.Context(), in)
	if err != nil {
		if f, ok := s.formError(w, r, p, err, "user"); ok {
			s.showUsers(w, r, p, http.StatusUnprocessableEntity, usersPage{F: f, Form: in})
		}
		return
	}
	seeOther(w, r, editPath("users", u.ID), "created")
}

// adminEditUser shows one user's forms.
func (s *Server) adminEditUser(w http.ResponseWriter, r *http.Request, p *page) {
	u, err := s.db.GetUser(r.Context(), r.PathValue("id"))
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	doneNotice(r, p)
	s.showUsers(w, r, p, http.StatusOK, usersPage{Edit: true, Form: u})
}

// adminUpdateUser changes a user's role, team or access; the name stays.
func (s *Server) adminUpdateUser(w http.ResponseWriter, r *http.Request, p *page) {
	id := r.PathValue("id")
	old, err := s.db.GetUser(r.Context(), id)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	in := sqm.User{Name: old.Name, Role: sqm.Role(r.PostFormValue("role")), TeamID: r.PostFormValue("team_id"),
		Disabled: r.PostFormValue("disabled") == "true"}
	if _, err := s.db.UpdateUser(r.Context(), id, in); err != nil {
		if f, ok := s.formError(w, r, p, err, "user"); ok {
			in.ID, in.CreatedAt = id, old.CreatedAt
			s.showUsers(w, r, p, http.StatusUnprocessableEntity, usersPage{F: f, Edit: true, Form: in})
		}
		return
	}
	seeOther(w, r, editPath("users", id), "saved")
}

// adminSetPassword sets a user's password.
func (s *Server) adminSetPassword(w http.ResponseWriter, r *http.Request, p *page) {
	id := r.PathValue("id")
	u, err := s.db.GetUser(r.Context(), id)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	if err := s.db.SetPassword(r.Context(), u.Name, r.PostFormValue("password")); err != nil {
		if f, ok := s.formError(w, r, p, err, "password"); ok {
			s.showUsers(w, r, p, http.StatusUnprocessableEntity, usersPage{F: f, Edit: true, Form: u})
		}
		return
	}
	seeOther(w, r, editPath("users", id), "password")
}

// tokensPage lists the API tokens with the form that creates one; right
// after a creation it shows the new token's secret, this once.
type tokensPage struct {
	F       adminForm
	User    string
	Name    string
	Tokens  []sqm.Token
	Next    string
	Users   []sqm.User // those who may hold a new token
	Created *sqm.Token
}

// adminTokens lists the tokens.
func (s *Server) adminTokens(w http.ResponseWriter, r *http.Request, p *page) {
	doneNotice(r, p)
	s.showTokens(w, r, p, http.StatusOK, tokensPage{User: r.URL.Query().Get("user")})
}

func (s *Server) showTokens(w http.ResponseWriter, r *http.Request, p *page, status int, d tokensPage) {
	ctx := r.Context()
	list, err := s.db.ListTokens(ctx, r.URL.Query().Get("cursor"), adminPageSize)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d.Tokens, d.Next = list.Items, nextPage(r, list.NextCursor)
	users, err := all(func(c string) (sqm.Page[sqm.User], error) { return s.db.ListUsers(ctx, c, sqlstore.MaxLimit) })
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d.Users = slices.DeleteFunc(users, func(u sqm.User) bool { return u.Disabled })
	p.Title, p.Nav, p.Data = p.T("admin.tokens"), "admin", d
	s.render(w, status, "admin_tokens", p)
}

// adminCreateToken creates a token for a user and shows its secret once;
// the page is not stored by the browser.
func (s *Server) adminCreateToken(w http.ResponseWriter, r *http.Request, p *page) {
	d := tokensPage{User: r.PostFormValue("user"), Name: strings.TrimSpace(r.PostFormValue("name"))}
	var err error
	if d.User == "" {
		err = sqm.FieldError("user", "%s", p.T("admin.err.user"))
	} else {
		var t sqm.Token
		if t, err = s.db.CreateToken(r.Context(), d.User, d.Name); err == nil {
			d.Created, d.User, d.Name = &t, "", ""
			p.Notice = p.T("admin.done.token")
			w.Header().Set("Cache-Control", "no-store")
			s.showTokens(w, r, p, http.StatusCreated, d)
			return
		}
	}
	if f, ok := s.formError(w, r, p, err, "token"); ok {
		d.F = f
		s.showTokens(w, r, p, http.StatusUnprocessableEntity, d)
	}
}

// adminRevokeToken revokes a token.
func (s *Server) adminRevokeToken(w http.ResponseWriter, r *http.Request, p *page) {
	if err := s.db.RevokeToken(r.Context(), r.PathValue("id")); err != nil {
		if f, ok := s.formError(w, r, p, err, "revoke"); ok {
			s.showTokens(w, r, p, http.StatusUnprocessableEntity, tokensPage{F: f})
		}
		return
	}
	seeOther(w, r, "/admin/tokens", "revoked")
}

// auditTypes are the kinds of object the audit log records.
var auditTypes = []string{"calendar", "goal", "service", "sla_policy", "team", "ticket", "token", "user"}

type auditPage struct {
	Type    string
	Types   []string
	Entries []sqm.AuditEntry
	Next    string
}

// ObjectLabel names a kind of object in the page's language.
func (auditPage) ObjectLabel(p *page, objectType string) string {
	if _, ok := messages["admin.object."+objectType]; ok {
		return p.T("admin.object." + objectType)
	}
	return objectType
}

// ObjectLink is the page of an entry's object, where there is one.
func (auditPage) ObjectLink(e sqm.AuditEntry) string {
	switch e.ObjectType {
	case "calendar":
		return editPath("calendars", e.ObjectID)
	case "service":
		return editPath("services", e.ObjectID)
	case "sla_policy":
		return editPath("policies", e.ObjectID)
	case "user":
		return editPath("users", e.ObjectID)
	case "goal":
		return "/admin/goals"
	case "ticket":
		return "/tickets/" + url.PathEscape(e.ObjectID)
	}
	return ""
}

// Pretty lays out an entry's detail as indented JSON.
func (auditPage) Pretty(e sqm.AuditEntry) string {
	raw, ok := e.Detail.(json.RawMessage)
	if !ok {
		return fmt.Sprint(e.Detail)
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}

// adminAudit lists the audit log, newest first, optionally of one kind of
// object.
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request, p *page) {
	q := r.URL.Query()
	d := auditPage{Type: q.Get("object_type"), Types: auditTypes}
	list, err := s.db.ListAudit(r.Context(), sqlstore.AuditFilter{ObjectType: d.Type, Cursor: q.Get("cursor"), Limit: adminPageSize})
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d.Entries, d.Next = list.Items, nextPage(r, list.NextCursor)
	p.Title, p.Nav, p.Data = p.T("admin.audit"), "admin", d
	s.render(w, http.StatusOK, "admin_audit", p)
}
