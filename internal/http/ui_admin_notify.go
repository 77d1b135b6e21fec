package http

import (
	"net/http"
	"strings"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// notifyPage is the notification settings: channels, rules, escalation
// policies, on-call schedules and the latest deliveries, failed ones first
// to see.
type notifyPage struct {
	F            adminForm
	Channel      sqm.Channel
	Rule         sqm.NotificationRule
	Policy       escalationForm
	Schedule     scheduleForm
	Channels     []sqm.Channel
	Rules        []sqm.NotificationRule
	Deliveries   []sqm.Delivery
	Services     []sqm.Service
	Users        []sqm.User
	ChannelName  map[string]string
	ServiceName  map[string]string
	UserName     map[string]string
	ScheduleName map[string]string
	Status       string
	Policies     []sqm.EscalationPolicy
	Schedules    []scheduleRow
	Zones        []string
}

// scheduleRow is a schedule with who it has on call now.
type scheduleRow struct {
	sqm.Schedule
	Now sqm.OnCall
}

// newNotifyPage is the notification settings with their forms as first shown.
func newNotifyPage(p *page) notifyPage {
	return notifyPage{Channel: sqm.Channel{Type: sqm.ChannelWebhook, Lang: p.Lang}, Policy: newEscalationForm(), Schedule: newScheduleForm(p)}
}

func (s *Server) adminNotify(w http.ResponseWriter, r *http.Request, p *page) {
	doneNotice(r, p)
	s.showNotify(w, r, p, http.StatusOK, newNotifyPage(p))
}

func (s *Server) showNotify(w http.ResponseWriter, r *http.Request, p *page, status int, d notifyPage) {
	ctx := r.Context()
	var err error
	if d.Channels, err = all(func(c string) (sqm.Page[sqm.Channel], error) { return s.db.ListChannels(ctx, c, sqlstore.MaxLimit) }); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	if d.Rules, err = all(func(c string) (sqm.Page[sqm.NotificationRule], error) {
		return s.db.ListRules(ctx, c, sqlstore.MaxLimit)
	}); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	if d.Services, err = all(func(c string) (sqm.Page[sqm.Service], error) { return s.db.ListServices(ctx, c, sqlstore.MaxLimit) }); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d.Status = r.URL.Query().Get("status")
	deliveries, err := s.db.ListDeliveries(ctx, "", d.Status, "", adminPageSize)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d.Deliveries = deliveries.Items
	if d.Policies, err = s.db.ListEscalationPolicies(ctx); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	schedules, err := all(func(c string) (sqm.Page[sqm.Schedule], error) { return s.db.ListSchedules(ctx, c, sqlstore.MaxLimit) })
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	if d.Users, err = all(func(c string) (sqm.Page[sqm.User], error) { return s.db.ListUsers(ctx, c, sqlstore.MaxLimit) }); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d.ChannelName, d.ServiceName, d.UserName, d.ScheduleName = map[string]string{}, map[string]string{}, map[string]string{}, map[string]string{}
	for _, sch := range schedules {
		who, _ := s.db.WhoIsOnCall(ctx, sch.ID, p.Now) // nobody on call is shown as such
		d.Schedules = append(d.Schedules, scheduleRow{sch, who})
		d.ScheduleName[sch.ID] = sch.Name
	}
	for _, c := range d.Channels {
		d.ChannelName[c.ID] = c.Name
	}
	for _, svc := range d.Services {
		d.ServiceName[svc.ID] = svc.Name
	}
	for _, u := range d.Users {
		d.UserName[u.ID] = u.Name
	}
	d.Zones = zoneHints
	p.Title, p.Nav, p.Data = p.T("admin.notify"), "admin", d
	s.render(w, status, "admin_notify", p)
}

func (s *Server) adminCreateChannel(w http.ResponseWriter, r *http.Request, p *page) {
	f := r.PostFormValue
	in := sqm.Channel{Name: strings.TrimSpace(f("name")), Type: sqm.ChannelType(f("type")), URL: strings.TrimSpace(f("url")),
		Secret: f("secret"), Lang: f("lang")}
	if _, err := s.db.CreateChannel(r.Context(), in); err != nil {
		if fe, ok := s.formError(w, r, p, err, "channel"); ok {
			in.Secret = ""
			d := newNotifyPage(p)
			d.F, d.Channel = fe, in
			s.showNotify(w, r, p, http.StatusUnprocessableEntity, d)
		}
		return
	}
	seeOther(w, r, "/admin/notifications", "created")
}

func (s *Server) adminCreateRule(w http.ResponseWriter, r *http.Request, p *page) {
	if err := r.ParseForm(); err != nil {
		s.uiError(w, r, p, sqm.Errorf(sqm.EINVALID, "The form could not be read."))
		return
	}
	in := sqm.NotificationRule{ChannelID: r.PostFormValue("channel_id"), ServiceID: r.PostFormValue("service_id"), Events: r.PostForm["events"]}
	for _, pr := range r.PostForm["priorities"] {
		in.Priorities = append(in.Priorities, sqm.Priority(pr))
	}
	if _, err := s.db.CreateRule(r.Context(), in); err != nil {
		if fe, ok := s.formError(w, r, p, err, "rule"); ok {
			d := newNotifyPage(p)
			d.F, d.Rule = fe, in
			s.showNotify(w, r, p, http.StatusUnprocessableEntity, d)
		}
		return
	}
	seeOther(w, r, "/admin/notifications", "created")
}

func (s *Server) adminDeleteRule(w http.ResponseWriter, r *http.Request, p *page) {
	if err := s.db.DeleteRule(r.Context(), r.PathValue("id")); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	seeOther(w, r, "/admin/notifications", "deleted")
}
