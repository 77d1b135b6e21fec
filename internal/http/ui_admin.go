package http

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// adminRoutes lists the console's administration pages. Configuration is
// for managers and admins; people, tokens and the audit log for admins.
// The store checks the same roles again.
func (s *Server) adminRoutes(mux *http.ServeMux) {
	c := s.console
	m, a := sqm.RoleManager, sqm.RoleAdmin
	mux.HandleFunc("GET /admin", c(m, s.adminIndex))
	mux.HandleFunc("GET /admin/{$}", c(m, s.adminIndex))

	mux.HandleFunc("GET /admin/services", c(m, s.adminServices))
	mux.HandleFunc("POST /admin/services", c(m, s.adminCreateService))
	mux.HandleFunc("GET /admin/services/{id}", c(m, s.adminEditService))
	mux.HandleFunc("POST /admin/services/{id}", c(m, s.adminUpdateService))

	mux.HandleFunc("GET /admin/calendars", c(m, s.adminCalendars))
	mux.HandleFunc("POST /admin/calendars", c(m, s.adminCreateCalendar))
	mux.HandleFunc("GET /admin/calendars/{id}", c(m, s.adminEditCalendar))
	mux.HandleFunc("POST /admin/calendars/{id}", c(m, s.adminUpdateCalendar))

	mux.HandleFunc("GET /admin/policies", c(m, s.adminPolicies))
	mux.HandleFunc("POST /admin/policies", c(m, s.adminCreatePolicy))
	mux.HandleFunc("GET /admin/policies/{id}", c(m, s.adminEditPolicy))
	mux.HandleFunc("POST /admin/policies/{id}", c(m, s.adminUpdatePolicy))

	mux.HandleFunc("GET /admin/teams", c(m, s.adminTeams))
	mux.HandleFunc("POST /admin/teams", c(m, s.adminCreateTeam))

	mux.HandleFunc("GET /admin/notifications", c(m, s.adminNotify))
	mux.HandleFunc("POST /admin/notifications/channels", c(m, s.adminCreateChannel))
	mux.HandleFunc("POST /admin/notifications/rules", c(m, s.adminCreateRule))
	mux.HandleFunc("POST /admin/notifications/rules/{id}/delete", c(m, s.adminDeleteRule))
	mux.HandleFunc("POST /admin/notifications/escalation", c(m, s.adminCreateEscalation))
	mux.HandleFunc("POST /admin/notifications/escalation/{id}/delete", c(m, s.adminDeleteEscalation))
	mux.HandleFunc("POST /admin/notifications/schedules", c(m, s.adminCreateSchedule))
	mux.HandleFunc("POST /admin/notifications/schedules/{id}/delete", c(m, s.adminDeleteSchedule))

	mux.HandleFunc("GET /admin/goals", c(m, s.adminGoals))
	mux.HandleFunc("POST /admin/goals/{key}", c(m, s.adminUpdateGoal))

	mux.HandleFunc("GET /admin/users", c(a, s.adminUsers))
	mux.HandleFunc("POST /admin/users", c(a, s.adminCreateUser))
	mux.HandleFunc("GET /admin/users/{id}", c(a, s.adminEditUser))
	mux.HandleFunc("POST /admin/users/{id}", c(a, s.adminUpdateUser))
	mux.HandleFunc("POST /admin/users/{id}/password", c(a, s.adminSetPassword))

	mux.HandleFunc("GET /admin/tokens", c(a, s.adminTokens))
	mux.HandleFunc("POST /admin/tokens", c(a, s.adminCreateToken))
	mux.HandleFunc("POST /admin/tokens/{id}/revoke", c(a, s.adminRevokeToken))

	mux.HandleFunc("GET /admin/audit", c(a, s.adminAudit))
}

// adminSection is one entry of the administration index.
type adminSection struct {
	Path, Title, About string
}

// adminIndex links to each section the user's role may use.
func (s *Server) adminIndex(w http.ResponseWriter, r *http.Request, p *page) {
	var list []adminSection
	for _, sec := range []struct {
		key  string
		role sqm.Role
	}{
		{"services", sqm.RoleManager}, {"calendars", sqm.RoleManager}, {"policies", sqm.RoleManager},
		{"teams", sqm.RoleManager}, {"goals", sqm.RoleManager}, {"notifications", sqm.RoleManager},
		{"status-pages", sqm.RoleManager},
		{"users", sqm.RoleAdmin}, {"tokens", sqm.RoleAdmin}, {"audit", sqm.RoleAdmin},
	} {
		if p.User.Role.AtLeast(sec.role) {
			list = append(list, adminSection{Path: "/admin/" + sec.key, Title: p.T("admin." + sec.key), About: p.T("admin." + sec.key + ".about")})
		}
	}
	p.Title, p.Nav, p.Data = p.T("admin.title"), "admin", list
	s.render(w, http.StatusOK, "admin", p)
}

// adminForm is the state of the form just submitted when the store refused
// it: which form, the input at fault (its id) and the store's message.
type adminForm struct {
	Form    string
	Field   string
	Label   string
	Message string
}

// In reports whether the refused form is the one named.
func (f adminForm) In(form string) bool { return f.Message != "" && f.Form == form }

// Attr gives input id of the named form its description (the ids of its
// hints) and, when it is at fault, marks it invalid, described by the error
// message too, and gives it the focus.
func (f adminForm) Attr(form, id string, hints ...string) template.HTMLAttr {
	bad := f.In(form) && f.Field == id
	if bad {
		hints = append([]string{"form-error"}, hints...)
	}
	var b strings.Builder
	if len(hints) > 0 {
		b.WriteString(`aria-describedby="` + template.HTMLEscapeString(strings.Join(hints, " ")) + `"`)
	}
	if bad {
		b.WriteString(` aria-invalid="true" autofocus`)
	}
	return template.HTMLAttr(b.String())
}

// prefixed names the input at fault by its id on a page whose forms share
// field names: the form's inputs are prefix + field ("maint_title").
func (f adminForm) prefixed(prefix string) adminForm {
	if f.Field != "" {
		f.Field = prefix + f.Field
	}
	return f
}

// formError turns a refused write into the state of its form. It reports
// false, having answered, when the error is no fault of the input (not
// found, forbidden, internal).
func (s *Server) formError(w http.ResponseWriter, r *http.Request, p *page, err error, form string) (adminForm, bool) {
	switch sqm.ErrorCode(err) {
	case sqm.EINVALID, sqm.ECONFLICT, sqm.ETOOLARGE:
		id := inputID(sqm.ErrorField(err))
		return adminForm{Form: form, Field: id, Label: inputLabel(p, id), Message: sqm.ErrorMessage(err)}, true
	}
	s.uiError(w, r, p, err)
	return adminForm{}, false
}

// inputID maps a store field ("hours.mon[1]", "targets.P1.resolution") to
// the id of the input that holds it ("hours_mon", "targets_P1_resolution").
func inputID(field string) string {
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i]
	}
	id := strings.ReplaceAll(field, ".", "_")
	switch {
	case id == "hours":
		return "hours_mon"
	case id == "pause_statuses":
		return "pause_" + string(sqm.StatusInProgress)
	case strings.HasPrefix(id, "targets_") && strings.Count(id, "_") == 1:
		return id + "_first_response"
	}
	return id
}

// inputLabel is the label of an input, to name it in an error message.
func inputLabel(p *page, id string) string {
	if day, ok := strings.CutPrefix(id, "hours_"); ok {
		return p.T("admin.day." + day)
	}
	if rest, ok := strings.CutPrefix(id, "targets_"); ok {
		if prio, clock, ok := strings.Cut(rest, "_"); ok {
			return prio + " · " + p.T("clock."+clock)
		}
	}
	if strings.HasPrefix(id, "pause_") {
		return p.T("admin.pause")
	}
	if strings.HasPrefix(id, "goal_") {
		return p.T("admin.goal")
	}
	key, ok := map[string]string{
		"name": "admin.name", "description": "admin.description", "team_id": "admin.team",
		"sla_policy_id": "admin.policy", "timezone": "admin.timezone", "holidays": "admin.holidays",
		"workdays": "admin.workdays", "holiday_set": "admin.holiday_set", "calendar_id": "admin.calendar",
		"warn_at_percent": "admin.warn", "role": "admin.role", "password": "admin.password", "user": "admin.user",
		"service_id": "tickets.service", "title": "mon.maint.title", "starts_at": "mon.starts_at", "ends_at": "mon.ends_at",
		"matchers": "mon.matchers", "comment": "mon.comment", "service_ids": "notify.policy.services", "levels": "notify.levels",
		"start": "notify.start", "handoff": "notify.handoff", "days": "notify.days", "members": "notify.members",
		"overrides": "notify.overrides",
	}[id]
	if !ok {
		return ""
	}
	return p.T(key)
}

// maxAll bounds the rows collected for a form's choices.
const maxAll = 20 * sqlstore.MaxLimit

// all collects every page of a collection, for a form's choices.
func all[T any](fetch func(cursor string) (sqm.Page[T], error)) ([]T, error) {
	var out []T
	cursor := ""
	for len(out) < maxAll {
		pg, err := fetch(cursor)
		if err != nil {
			return nil, err
		}
		out = append(out, pg.Items...)
		if pg.NextCursor == "" {
			break
		}
		cursor = pg.NextCursor
	}
	return out, nil
}

// adminPageSize is the number of rows of an administration list.
const adminPageSize = 100

// nextPage is the link to the page after the cursor, keeping the query.
func nextPage(r *http.Request, cursor string) string {
	if cursor == "" {
		return ""
	}
	q := r.URL.Query()
	q.Set("cursor", cursor)
	return r.URL.Path + "?" + q.Encode()
}

// seeOther answers a successful write with the page to show next.
func seeOther(w http.ResponseWriter, r *http.Request, path string, notice string) {
	if notice != "" {
		path += "?" + url.Values{"done": {notice}}.Encode()
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// doneNotice shows what the last write did, from the redirect's query; only
// known notices are shown.
func doneNotice(r *http.Request, p *page) {
	switch v := r.URL.Query().Get("done"); v {
	case "created", "saved", "revoked", "password", "deleted", "ended":
		p.Notice = p.T("admin.done." + v)
	}
}
