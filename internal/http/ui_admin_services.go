package http

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// servicesPage is the list of services with the form that creates one, or
// the form that edits one.
type servicesPage struct {
	F          adminForm
	Edit       bool
	Form       sqm.Service
	Services   []sqm.Service
	Next       string
	Teams      []sqm.Team
	Policies   []sqm.SLAPolicy
	TeamName   map[string]string
	PolicyName map[string]string
	Default    string // the default policy's name
}

// adminServices lists the services.
func (s *Server) adminServices(w http.ResponseWriter, r *http.Request, p *page) {
	doneNotice(r, p)
	s.showServices(w, r, p, http.StatusOK, servicesPage{})
}

// showServices fills in the lists a services page shows and renders it.
func (s *Server) showServices(w http.ResponseWriter, r *http.Request, p *page, status int, d servicesPage) {
	ctx := r.Context()
	var err error
	if !d.Edit {
		list, err := s.db.ListServices(ctx, r.URL.Query().Get("cursor"), adminPageSize)
		if err != nil {
			s.uiError(w, r, p, err)
			return
		}
		d.Services, d.Next = list.Items, nextPage(r, list.NextCursor)
	}
	if d.Teams, err = all(func(c string) (sqm.Page[sqm.Team], error) { return s.db.ListTeams(ctx, c, sqlstore.MaxLimit) }); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	if d.Policies, err = all(func(c string) (sqm.Page[sqm.SLAPolicy], error) { return s.db.ListPolicies(ctx, c, sqlstore.MaxLimit) }); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d.TeamName, d.PolicyName = map[string]string{}, map[string]string{}
	for _, t := range d.Teams {
		d.TeamName[t.ID] = t.Name
	}
	for _, pol := range d.Policies {
		d.PolicyName[pol.ID] = pol.Name
		if pol.Default {
			d.Default = pol.Name
		}
	}
	p.Title, p.Nav, p.Data = p.T("admin.services"), "admin", d
	if d.Edit {
		p.Title = p.T("admin.edit") + " · " + d.Form.Name
	}
	s.render(w, status, "admin_services", p)
}

// serviceOf reads the service form.
func serviceOf(r *http.Request) sqm.Service {
	return sqm.Service{Name: strings.TrimSpace(r.PostFormValue("name")), Description: r.PostFormValue("description"),
		TeamID: r.PostFormValue("team_id"), SLAPolicyID: r.PostFormValue("sla_policy_id")}
}

// adminCreateService creates a service from the form.
func (s *Server) adminCreateService(w http.ResponseWriter, r *http.Request, p *page) {
	in := serviceOf(r)
	if _, err := s.db.CreateService(r.Context(), in); err != nil {
		if f, ok := s.formError(w, r, p, err, "service"); ok {
			s.showServices(w, r, p, http.StatusUnprocessableEntity, servicesPage{F: f, Form: in})
		}
		return
	}
	seeOther(w, r, "/admin/services", "created")
}

// adminEditService shows the form that edits a service.
func (s *Server) adminEditService(w http.ResponseWriter, r *http.Request, p *page) {
	svc, err := s.db.GetService(r.Context(), r.PathValue("id"))
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	s.showServices(w, r, p, http.StatusOK, servicesPage{Edit: true, Form: svc})
}

// adminUpdateService saves the edited service.
func (s *Server) adminUpdateService(w http.ResponseWriter, r *http.Request, p *page) {
	id := r.PathValue("id")
	in := serviceOf(r)
	if _, err := s.db.UpdateService(r.Context(), id, in); err != nil {
		if f, ok := s.formError(w, r, p, err, "service"); ok {
			in.ID = id
			s.showServices(w, r, p, http.StatusUnprocessableEntity, servicesPage{F: f, Edit: true, Form: in})
		}
		return
	}
	seeOther(w, r, "/admin/services", "saved")
}

// teamsPage lists the teams with the form that creates one.
type teamsPage struct {
	F     adminForm
	Form  sqm.Team
	Teams []sqm.Team
	Next  string
}

// adminTeams lists the teams.
func (s *Server) adminTeams(w http.ResponseWriter, r *http.Request, p *page) {
	doneNotice(r, p)
	s.showTeams(w, r, p, http.StatusOK, teamsPage{})
}

func (s *Server) showTeams(w http.ResponseWriter, r *http.Request, p *page, status int, d teamsPage) {
	list, err := s.db.ListTeams(r.Context(), r.URL.Query().Get("cursor"), adminPageSize)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d.Teams, d.Next = list.Items, nextPage(r, list.NextCursor)
	p.Title, p.Nav, p.Data = p.T("admin.teams"), "admin", d
	s.render(w, status, "admin_teams", p)
}

// adminCreateTeam creates a team from the form.
func (s *Server) adminCreateTeam(w http.ResponseWriter, r *http.Request, p *page) {
	in := sqm.Team{Name: strings.TrimSpace(r.PostFormValue("name"))}
	if _, err := s.db.CreateTeam(r.Context(), in); err != nil {
		if f, ok := s.formError(w, r, p, err, "team"); ok {
			s.showTeams(w, r, p, http.StatusUnprocessableEntity, teamsPage{F: f, Form: in})
		}
		return
	}
	seeOther(w, r, "/admin/teams", "created")
}

// goalRow is one quantified target with its value as a percentage.
type goalRow struct {
	sqm.Goal
	Label, Percent string
}

type goalsPage struct {
	F     adminForm
	Goals []goalRow
}

// adminGoals lists the quantified targets, each with a form to change it.
func (s *Server) adminGoals(w http.ResponseWriter, r *http.Request, p *page) {
	doneNotice(r, p)
	s.showGoals(w, r, p, http.StatusOK, goalsPage{}, "", "")
}

// showGoals renders the goals; the goal key, if any, keeps the value typed.
func (s *Server) showGoals(w http.ResponseWriter, r *http.Request, p *page, status int, d goalsPage, key, typed string) {
	goals, err := s.db.Goals(r.Context())
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	for _, g := range goals {
		row := goalRow{Goal: g, Label: p.T("goal." + g.Key), Percent: percentText(g.Value)}
		if g.Key == key {
			row.Percent = typed
		}
		d.Goals = append(d.Goals, row)
	}
	p.Title, p.Nav, p.Data = p.T("admin.goals"), "admin", d
	s.render(w, status, "admin_goals", p)
}

// adminUpdateGoal changes one goal; the form gives it as a percentage.
func (s *Server) adminUpdateGoal(w http.ResponseWriter, r *http.Request, p *page) {
	key, typed := r.PathValue("key"), strings.TrimSpace(r.PostFormValue("goal"))
	v, ok := parsePercent(typed)
	var err error
	if !ok {
		err = sqm.FieldError("goal", "%s", p.T("admin.err.percent"))
	} else {
		_, err = s.db.UpdateGoal(r.Context(), key, v/100)
	}
	if err != nil {
		if f, ok := s.formError(w, r, p, err, "goal:"+key); ok {
			f.Field, f.Label = "goal_"+key, p.T("goal."+key)
			s.showGoals(w, r, p, http.StatusUnprocessableEntity, goalsPage{F: f}, key, typed)
		}
		return
	}
	seeOther(w, r, "/admin/goals", "saved")
}

// editPath is the edit page of an object in a section.
func editPath(section, id string) string { return "/admin/" + section + "/" + url.PathEscape(id) }
