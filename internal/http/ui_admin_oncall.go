package http

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/oncall"
)

// The escalation policy and on-call schedule forms of the notification
// settings. Their inputs' ids start with "escalation_" and "schedule_", as
// the channel and rule forms on the same page have a name and a service.

// escalationForm is the escalation policy form as typed: a fixed number of
// level rows, the empty ones left out; more levels take the API.
type escalationForm struct {
	Name       string
	ServiceIDs []string
	Levels     []levelRow
}

// levelRow is one level of the policy form: the minutes it waits, and the
// channels and schedules it calls.
type levelRow struct {
	N           int
	After       string
	ChannelIDs  []string
	ScheduleIDs []string
}

// levelRows is the number of level rows the form offers.
const levelRows = 3

func newEscalationForm() escalationForm {
	f := escalationForm{}
	for i := range levelRows {
		f.Levels = append(f.Levels, levelRow{N: i + 1})
	}
	return f
}

// Covers says whether the form puts the service under the policy.
func (f escalationForm) Covers(serviceID string) bool {
	return slices.Contains(f.ServiceIDs, serviceID)
}

// CallsChannel says whether the level calls the channel.
func (l levelRow) CallsChannel(id string) bool { return slices.Contains(l.ChannelIDs, id) }

// CallsSchedule says whether the level calls the schedule's on-call member.
func (l levelRow) CallsSchedule(id string) bool { return slices.Contains(l.ScheduleIDs, id) }

// escalationOf reads the escalation policy form; a level waits whole minutes.
func escalationOf(r *http.Request) (sqm.EscalationPolicy, escalationForm, error) {
	r.ParseForm() //nolint:errcheck // a malformed form reads as empty, which the store refuses
	f := escalationForm{Name: strings.TrimSpace(r.PostFormValue("name")), ServiceIDs: r.PostForm["service_ids"]}
	for i := range levelRows {
		key := fmt.Sprintf("level%d_", i+1)
		f.Levels = append(f.Levels, levelRow{N: i + 1, After: strings.TrimSpace(r.PostFormValue(key + "after")),
			ChannelIDs: r.PostForm[key+"channel_ids"], ScheduleIDs: r.PostForm[key+"schedule_ids"]})
	}
	p, err := f.policy()
	return p, f, err
}

func (f escalationForm) policy() (sqm.EscalationPolicy, error) {
	p := sqm.EscalationPolicy{Name: f.Name, ServiceIDs: f.ServiceIDs}
	for _, l := range f.Levels {
		if l.After == "" && len(l.ChannelIDs) == 0 && len(l.ScheduleIDs) == 0 {
			continue
		}
		minutes := 0
		if l.After != "" {
			var err error
			if minutes, err = strconv.Atoi(l.After); err != nil {
				return p, sqm.FieldError(fmt.Sprintf("levels[%d].after", len(p.Levels)),
					"Level %d: write the minutes to wait as a whole number, such as 0 or 15.", l.N)
			}
		}
		p.Levels = append(p.Levels, sqm.EscalationLevel{After: time.Duration(minutes) * time.Minute, ChannelIDs: l.ChannelIDs, ScheduleIDs: l.ScheduleIDs})
	}
	return p, nil
}

// scheduleForm is the on-call schedule form as typed: a fixed number of
// member rows, in turn order, and of override rows, the empty ones left
// out. Override times are datetime-local values in the viewer's zone.
type scheduleForm struct {
	Name, Timezone, Start, Handoff, Days string
	Members                              []memberRow
	Overrides                            []overrideRow
}

// memberRow is one member of the schedule form.
type memberRow struct {
	N                 int
	UserID, ChannelID string
}

// overrideRow is one override of the schedule form.
type overrideRow struct {
	N                 int
	UserID, ChannelID string
	From, To          string
}

// memberRows and overrideRows are the rows the schedule form offers.
const memberRows, overrideRows = 6, 2

// newScheduleForm starts a weekly rotation today, in the viewer's zone.
func newScheduleForm(p *page) scheduleForm {
	f := scheduleForm{Timezone: p.Loc.String(), Start: p.Now.In(p.Loc).Format(time.DateOnly), Handoff: "09:00", Days: "7"}
	for i := range memberRows {
		f.Members = append(f.Members, memberRow{N: i + 1})
	}
	for i := range overrideRows {
		f.Overrides = append(f.Overrides, overrideRow{N: i + 1})
	}
	return f
}

// scheduleOf reads the on-call schedule form.
func scheduleOf(r *http.Request, p *page) (sqm.Schedule, scheduleForm, error) {
	r.ParseForm() //nolint:errcheck // a malformed form reads as empty, which the store refuses
	v := func(key string) string { return strings.TrimSpace(r.PostFormValue(key)) }
	nth := func(key string, i int) string { // the rows' inputs share names, one value a row
		if list := r.PostForm[key]; i < len(list) {
			return strings.TrimSpace(list[i])
		}
		return ""
	}
	f := scheduleForm{Name: v("name"), Timezone: v("timezone"), Start: v("start"), Handoff: v("handoff"), Days: v("days")}
	for i := range memberRows {
		f.Members = append(f.Members, memberRow{N: i + 1, UserID: nth("member_user", i), ChannelID: nth("member_channel", i)})
	}
	for i := range overrideRows {
		f.Overrides = append(f.Overrides, overrideRow{N: i + 1, UserID: nth("override_user", i), ChannelID: nth("override_channel", i),
			From: nth("override_from", i), To: nth("override_to", i)})
	}
	s, err := f.schedule(p)
	return s, f, err
}

func (f scheduleForm) schedule(p *page) (sqm.Schedule, error) {
	s := sqm.Schedule{Name: f.Name, Timezone: f.Timezone, Start: f.Start, Handoff: f.Handoff,
		Members: []oncall.Member{}, Overrides: []oncall.Override{}}
	s.Days, _ = strconv.Atoi(f.Days) // not a number reads as 0, which the store refuses
	var err error
	for _, m := range f.Members {
		if m.UserID != "" || m.ChannelID != "" {
			s.Members = append(s.Members, oncall.Member{UserID: m.UserID, ChannelID: m.ChannelID})
		}
	}
	for _, o := range f.Overrides {
		if o.UserID == "" && o.ChannelID == "" && o.From == "" && o.To == "" {
			continue
		}
		v := oncall.Override{Member: oncall.Member{UserID: o.UserID, ChannelID: o.ChannelID}}
		if v.From, err = localTime(p, "overrides", o.From, true); err != nil {
			return s, err
		}
		if v.To, err = localTime(p, "overrides", o.To, true); err != nil {
			return s, err
		}
		s.Overrides = append(s.Overrides, v)
	}
	return s, nil
}

func (s *Server) adminCreateEscalation(w http.ResponseWriter, r *http.Request, p *page) {
	in, form, err := escalationOf(r)
	if err == nil {
		_, err = s.db.CreateEscalationPolicy(r.Context(), in)
	}
	if err != nil {
		if fe, ok := s.formError(w, r, p, err, "escalation"); ok {
			d := newNotifyPage(p)
			d.F, d.Policy = fe.prefixed("escalation_"), form
			s.showNotify(w, r, p, http.StatusUnprocessableEntity, d)
		}
		return
	}
	seeOther(w, r, "/admin/notifications", "created")
}

func (s *Server) adminDeleteEscalation(w http.ResponseWriter, r *http.Request, p *page) {
	if err := s.db.DeleteEscalationPolicy(r.Context(), r.PathValue("id")); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	seeOther(w, r, "/admin/notifications", "deleted")
}

func (s *Server) adminCreateSchedule(w http.ResponseWriter, r *http.Request, p *page) {
	in, form, err := scheduleOf(r, p)
	if err == nil {
		_, err = s.db.CreateSchedule(r.Context(), in)
	}
	if err != nil {
		if fe, ok := s.formError(w, r, p, err, "schedule"); ok {
			d := newNotifyPage(p)
			d.F, d.Schedule = fe.prefixed("schedule_"), form
			s.showNotify(w, r, p, http.StatusUnprocessableEntity, d)
		}
		return
	}
	seeOther(w, r, "/admin/notifications", "created")
}

func (s *Server) adminDeleteSchedule(w http.ResponseWriter, r *http.Request, p *page) {
	if err := s.db.DeleteSchedule(r.Context(), r.PathValue("id")); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	seeOther(w, r, "/admin/notifications", "deleted")
}
