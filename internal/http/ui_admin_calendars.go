package http

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/calendar"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// calendarForm is a calendar as its form holds it: text as typed.
type calendarForm struct {
	ID, Name, Timezone string
	Days               []dayField
	Holidays, Workdays string
	HolidaySet         string
}

// dayField is one weekday of the week editor: its intervals as text.
type dayField struct {
	Key, Value string
}

// calendarFormOf shows a calendar in its form.
func calendarFormOf(c sqm.Calendar) calendarForm {
	f := calendarForm{ID: c.ID, Name: c.Name, Timezone: c.Timezone, HolidaySet: c.HolidaySet,
		Holidays: strings.Join(c.Holidays, "\n"), Workdays: strings.Join(c.Workdays, "\n")}
	for _, d := range sqm.Weekdays {
		f.Days = append(f.Days, dayField{Key: d, Value: strings.Join(c.Hours[d], ", ")})
	}
	return f
}

// calendarOf reads the calendar form: intervals separated by commas (or
// semicolons, or new lines), dates by commas or white space.
func calendarOf(r *http.Request) (sqm.Calendar, calendarForm) {
	f := calendarForm{Name: strings.TrimSpace(r.PostFormValue("name")), Timezone: strings.TrimSpace(r.PostFormValue("timezone")),
		Holidays: r.PostFormValue("holidays"), Workdays: r.PostFormValue("workdays"), HolidaySet: r.PostFormValue("holiday_set")}
	c := sqm.Calendar{Name: f.Name, Timezone: f.Timezone, HolidaySet: f.HolidaySet, Hours: map[string][]string{},
		Holidays: splitDates(f.Holidays), Workdays: splitDates(f.Workdays)}
	for _, d := range sqm.Weekdays {
		v := r.PostFormValue("hours_" + d)
		f.Days = append(f.Days, dayField{Key: d, Value: v})
		if spans := splitIntervals(v); len(spans) > 0 {
			c.Hours[d] = spans
		}
	}
	return c, f
}

// splitIntervals splits "09:00-12:00, 13:30 - 18:00" into its intervals,
// without spaces; full-width punctuation counts too.
func splitIntervals(s string) []string {
	s = strings.NewReplacer("：", ":", "－", "-", "–", "-", "—", "-", "~", "-", "～", "-").Replace(s)
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",，;；、\n\r", r) }) {
		if v := strings.Join(strings.Fields(part), ""); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// splitDates splits a list of dates on commas and white space.
func splitDates(s string) []string {
	out := []string{}
	for _, d := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000'
	}) {
		out = append(out, d)
	}
	return out
}

type calendarsPage struct {
	F           adminForm
	Edit        bool
	Form        calendarForm
	Calendars   []sqm.Calendar
	Next        string
	HolidaySets []string
	Zones       []string
}

// zoneHints are offered while typing a time zone; any IANA name is accepted.
var zoneHints = []string{"Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo",
	"Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "UTC"}

// Summary describes a calendar's week in a few lines: runs of days with
// the same hours, such as "Mon–Fri 09:00-12:00, 13:30-18:00".
func (calendarsPage) Summary(p *page, c sqm.Calendar) []string {
	var out []string
	days := sqm.Weekdays
	for i := 0; i < len(days); {
		j := i
		hours := strings.Join(c.Hours[days[i]], ", ")
		for j+1 < len(days) && strings.Join(c.Hours[days[j+1]], ", ") == hours {
			j++
		}
		if hours != "" {
			name := p.T("admin.dshort." + days[i])
			if j > i {
				name += "–" + p.T("admin.dshort."+days[j])
			}
			out = append(out, name+" "+hours)
		}
		i = j + 1
	}
	return out
}

// adminCalendars lists the calendars with the form that creates one.
func (s *Server) adminCalendars(w http.ResponseWriter, r *http.Request, p *page) {
	doneNotice(r, p)
	zone := p.Loc.String()
	if zone == "Local" {
		zone = "UTC"
	}
	form := calendarForm{Timezone: zone}
	for _, d := range sqm.Weekdays {
		v := ""
		if d != "sat" && d != "sun" {
			v = "09:00-12:00, 13:30-18:00"
		}
		form.Days = append(form.Days, dayField{Key: d, Value: v})
	}
	s.showCalendars(w, r, p, http.StatusOK, calendarsPage{Form: form})
}

func (s *Server) showCalendars(w http.ResponseWriter, r *http.Request, p *page, status int, d calendarsPage) {
	if !d.Edit {
		list, err := s.db.ListCalendars(r.Context(), r.URL.Query().Get("cursor"), adminPageSize)
		if err != nil {
			s.uiError(w, r, p, err)
			return
		}
		d.Calendars, d.Next = list.Items, nextPage(r, list.NextCursor)
	}
	d.HolidaySets, d.Zones = calendar.HolidaySets(), zoneHints
	p.Title, p.Nav, p.Data = p.T("admin.calendars"), "admin", d
	if d.Edit {
		p.Title = p.T("admin.edit") + " · " + d.Form.Name
	}
	s.render(w, status, "admin_calendars", p)
}

// adminCreateCalendar creates a calendar from the form.
func (s *Server) adminCreateCalendar(w http.ResponseWriter, r *http.Request, p *page) {
	c, form := calendarOf(r)
	if _, err := s.db.CreateCalendar(r.Context(), c); err != nil {
		if f, ok := s.formError(w, r, p, err, "calendar"); ok {
			s.showCalendars(w, r, p, http.StatusUnprocessableEntity, calendarsPage{F: f, Form: form})
		}
		return
	}
	seeOther(w, r, "/admin/calendars", "created")
}

// adminEditCalendar shows the form that edits a calendar.
func (s *Server) adminEditCalendar(w http.ResponseWriter, r *http.Request, p *page) {
	c, err := s.db.GetCalendar(r.Context(), r.PathValue("id"))
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	s.showCalendars(w, r, p, http.StatusOK, calendarsPage{Edit: true, Form: calendarFormOf(c)})
}

// adminUpdateCalendar saves the edited calendar; the store recomputes the
// clocks of the open tickets that run on it.
func (s *Server) adminUpdateCalendar(w http.ResponseWriter, r *http.Request, p *page) {
	id := r.PathValue("id")
	c, form := calendarOf(r)
	if _, err := s.db.UpdateCalendar(r.Context(), id, c); err != nil {
		if f, ok := s.formError(w, r, p, err, "calendar"); ok {
			form.ID = id
			s.showCalendars(w, r, p, http.StatusUnprocessableEntity, calendarsPage{F: f, Edit: true, Form: form})
		}
		return
	}
	seeOther(w, r, "/admin/calendars", "saved")
}

// policyForm is an SLA policy as its form holds it.
type policyForm struct {
	ID, Name, CalendarID string
	Targets              []targetField
	Pauses               map[sqm.Status]bool
	Warn                 string
	Default              bool
}

// targetField is one priority's targets as typed.
type targetField struct {
	Priority                  sqm.Priority
	FirstResponse, Resolution string
}

// pauseChoices are the statuses that may pause a resolution clock.
var pauseChoices = []sqm.Status{sqm.StatusInProgress, sqm.StatusWaitingOnCustomer}

// shortDur writes a duration the way people type it: "15m", "4h", "1h30m".
func shortDur(d time.Duration) string {
	v := d.String()
	if strings.HasSuffix(v, "m0s") {
		v = strings.TrimSuffix(v, "0s")
	}
	if strings.HasSuffix(v, "h0m") {
		v = strings.TrimSuffix(v, "0m")
	}
	return v
}

func policyFormOf(pol sqm.SLAPolicy) policyForm {
	f := policyForm{ID: pol.ID, Name: pol.Name, CalendarID: pol.CalendarID, Pauses: map[sqm.Status]bool{},
		Warn: strconv.Itoa(pol.WarnAtPercent), Default: pol.Default}
	for _, pr := range sqm.Priorities {
		t := pol.Targets[pr]
		f.Targets = append(f.Targets, targetField{Priority: pr, FirstResponse: shortDur(t.FirstResponse), Resolution: shortDur(t.Resolution)})
	}
	for _, st := range pol.PauseStatuses {
		f.Pauses[st] = true
	}
	return f
}

// policyOf reads the policy form; targets are Go durations ("15m", "4h",
// "1h30m").
func policyOf(r *http.Request, p *page) (sqm.SLAPolicy, policyForm, error) {
	f := policyForm{Name: strings.TrimSpace(r.PostFormValue("name")), CalendarID: r.PostFormValue("calendar_id"),
		Pauses: map[sqm.Status]bool{}, Warn: strings.TrimSpace(r.PostFormValue("warn_at_percent"))}
	pol := sqm.SLAPolicy{Name: f.Name, CalendarID: f.CalendarID, Targets: map[sqm.Priority]sqm.Target{}, PauseStatuses: []sqm.Status{}}
	var bad error
	parse := func(field, v string) time.Duration {
		if v == "" {
			if bad == nil {
				bad = sqm.FieldError(field, "%s", p.T("admin.err.target_missing"))
			}
			return 0
		}
		d, err := time.ParseDuration(v)
		if err != nil && bad == nil {
			bad = sqm.FieldError(field, p.T("admin.err.duration"), v)
		}
		return d
	}
	for _, pr := range sqm.Priorities {
		prefix := "targets_" + string(pr) + "_"
		t := targetField{Priority: pr, FirstResponse: strings.TrimSpace(r.PostFormValue(prefix + "first_response")),
			Resolution: strings.TrimSpace(r.PostFormValue(prefix + "resolution"))}
		f.Targets = append(f.Targets, t)
		pol.Targets[pr] = sqm.Target{FirstResponse: parse("targets."+string(pr)+".first_response", t.FirstResponse),
			Resolution: parse("targets."+string(pr)+".resolution", t.Resolution)}
	}
	for _, v := range r.PostForm["pause_statuses"] {
		st := sqm.Status(v)
		if !f.Pauses[st] {
			f.Pauses[st] = true
			pol.PauseStatuses = append(pol.PauseStatuses, st)
		}
	}
	slices.SortFunc(pol.PauseStatuses, func(a, b sqm.Status) int {
		return slices.Index(sqm.Statuses, a) - slices.Index(sqm.Statuses, b)
	})
	if f.Warn == "" {
		f.Warn = "0"
	}
	warn, err := strconv.Atoi(strings.TrimSuffix(f.Warn, "%"))
	if err != nil && bad == nil {
		bad = sqm.FieldError("warn_at_percent", "%s", p.T("admin.err.warn"))
	}
	pol.WarnAtPercent = warn
	return pol, f, bad
}

type policiesPage struct {
	F            adminForm
	Edit         bool
	Form         policyForm
	Policies     []sqm.SLAPolicy
	Next         string
	Calendars    []sqm.Calendar
	CalendarName map[string]string
	PauseChoices []sqm.Status
}

// Targets formats a policy's targets of one priority, "15m / 4h".
func (d policiesPage) Targets(pol sqm.SLAPolicy, pr sqm.Priority) string {
	t, ok := pol.Targets[pr]
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%s / %s", shortDur(t.FirstResponse), shortDur(t.Resolution))
}

// adminPolicies lists the SLA policies with the form that creates one,
// filled in with the strategy's defaults.
func (s *Server) adminPolicies(w http.ResponseWriter, r *http.Request, p *page) {
	doneNotice(r, p)
	form := policyFormOf(sqm.DefaultPolicy(""))
	form.Name, form.Default = "", false
	s.showPolicies(w, r, p, http.StatusOK, policiesPage{Form: form})
}

func (s *Server) showPolicies(w http.ResponseWriter, r *http.Request, p *page, status int, d policiesPage) {
	ctx := r.Context()
	if !d.Edit {
		list, err := s.db.ListPolicies(ctx, r.URL.Query().Get("cursor"), adminPageSize)
		if err != nil {
			s.uiError(w, r, p, err)
			return
		}
		d.Policies, d.Next = list.Items, nextPage(r, list.NextCursor)
	}
	cals, err := all(func(c string) (sqm.Page[sqm.Calendar], error) { return s.db.ListCalendars(ctx, c, sqlstore.MaxLimit) })
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d.Calendars, d.CalendarName, d.PauseChoices = cals, map[string]string{}, pauseChoices
	for _, c := range cals {
		d.CalendarName[c.ID] = c.Name
	}
	p.Title, p.Nav, p.Data = p.T("admin.policies"), "admin", d
	if d.Edit {
		p.Title = p.T("admin.edit") + " · " + d.Form.Name
	}
	s.render(w, status, "admin_policies", p)
}

// adminCreatePolicy creates an SLA policy from the form.
func (s *Server) adminCreatePolicy(w http.ResponseWriter, r *http.Request, p *page) {
	pol, form, err := policyOf(r, p)
	if err == nil {
		_, err = s.db.CreatePolicy(r.Context(), pol)
	}
	if err != nil {
		if f, ok := s.formError(w, r, p, err, "policy"); ok {
			s.showPolicies(w, r, p, http.StatusUnprocessableEntity, policiesPage{F: f, Form: form})
		}
		return
	}
	seeOther(w, r, "/admin/policies", "created")
}

// adminEditPolicy shows the form that edits an SLA policy.
func (s *Server) adminEditPolicy(w http.ResponseWriter, r *http.Request, p *page) {
	pol, err := s.db.GetPolicy(r.Context(), r.PathValue("id"))
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	s.showPolicies(w, r, p, http.StatusOK, policiesPage{Edit: true, Form: policyFormOf(pol)})
}

// adminUpdatePolicy saves the edited policy; the store recomputes the
// clocks of the open tickets it governs.
func (s *Server) adminUpdatePolicy(w http.ResponseWriter, r *http.Request, p *page) {
	id := r.PathValue("id")
	pol, form, err := policyOf(r, p)
	if err == nil {
		_, err = s.db.UpdatePolicy(r.Context(), id, pol)
	}
	if err != nil {
		if f, ok := s.formError(w, r, p, err, "policy"); ok {
			form.ID = id
			if old, err := s.db.GetPolicy(r.Context(), id); err == nil {
				form.Default = old.Default
			}
			s.showPolicies(w, r, p, http.StatusUnprocessableEntity, policiesPage{F: f, Edit: true, Form: form})
		}
		return
	}
	seeOther(w, r, "/admin/policies", "saved")
}

// percentText writes a ratio as a percentage without needless digits.
func percentText(v float64) string {
	return strconv.FormatFloat(math.Round(v*1e6)/1e4, 'f', -1, 64)
}

// parsePercent reads a percentage above 0 and at most 100, "95" or "99.5%".
func parsePercent(s string) (float64, bool) {
	s = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), "%％"))
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || math.IsNaN(v) || v <= 0 || v > 100 {
		return 0, false
	}
	return v, true
}
