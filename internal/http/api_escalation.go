package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/oncall"
)

// escalationJSON is a policy on the wire: delays in whole seconds.
type escalationJSON struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	ServiceIDs []string    `json:"service_ids"`
	Levels     []levelJSON `json:"levels"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
}

type levelJSON struct {
	After       Duration `json:"after"`
	ChannelIDs  []string `json:"channel_ids"`
	ScheduleIDs []string `json:"schedule_ids"`
}

func toEscalationJSON(p sqm.EscalationPolicy) escalationJSON {
	out := escalationJSON{ID: p.ID, Name: p.Name, ServiceIDs: p.ServiceIDs, Levels: []levelJSON{}, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	for _, l := range p.Levels {
		lv := levelJSON{After: Duration(l.After), ChannelIDs: l.ChannelIDs, ScheduleIDs: l.ScheduleIDs}
		if lv.ChannelIDs == nil {
			lv.ChannelIDs = []string{}
		}
		if lv.ScheduleIDs == nil {
			lv.ScheduleIDs = []string{}
		}
		out.Levels = append(out.Levels, lv)
	}
	return out
}

// escalationInput is a policy as a caller writes it: delays as Go duration
// strings ("5m") or whole seconds.
type escalationInput struct {
	Name       string   `json:"name"`
	ServiceIDs []string `json:"service_ids"`
	Levels     []struct {
		After       json.RawMessage `json:"after"`
		ChannelIDs  []string        `json:"channel_ids"`
		ScheduleIDs []string        `json:"schedule_ids"`
	} `json:"levels"`
}

func (s *Server) listEscalationPolicies(w http.ResponseWriter, r *http.Request) {
	list, err := s.db.ListEscalationPolicies(r.Context())
	out := sqm.Page[escalationJSON]{Items: []escalationJSON{}}
	for _, p := range list {
		out.Items = append(out.Items, toEscalationJSON(p))
	}
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) createEscalationPolicy(w http.ResponseWriter, r *http.Request) {
	var in escalationInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	p := sqm.EscalationPolicy{Name: in.Name, ServiceIDs: in.ServiceIDs}
	for i, l := range in.Levels {
		after, err := durationField(fmt.Sprintf("levels[%d].after", i), l.After)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		p.Levels = append(p.Levels, sqm.EscalationLevel{After: after, ChannelIDs: l.ChannelIDs, ScheduleIDs: l.ScheduleIDs})
	}
	p, err := s.db.CreateEscalationPolicy(r.Context(), p)
	s.reply(w, r, http.StatusCreated, toEscalationJSON(p), err)
}

func (s *Server) deleteEscalationPolicy(w http.ResponseWriter, r *http.Request) {
	if err := s.db.DeleteEscalationPolicy(r.Context(), r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ackPage is the page of an acknowledgement link: the incident, and a
// button that acknowledges it. Opening the link changes nothing, so that
// mail scanners that follow links do not acknowledge for anybody.
type ackPage struct {
	Ticket sqm.Ticket
	Token  string
	Done   bool
}

func (s *Server) showAck(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "", "")
	p.Title = p.T("ack.title")
	t, err := s.db.AckTarget(r.Context(), r.PathValue("token"))
	if err != nil {
		s.consoleError(w, p, http.StatusNotFound, "ack.invalid")
		return
	}
	p.Data = ackPage{Ticket: t, Token: r.PathValue("token"), Done: t.SLA.FirstResponse.MetAt != nil}
	s.render(w, http.StatusOK, "ack", p)
}

func (s *Server) postAck(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "", "")
	p.Title = p.T("ack.title")
	if !sameOrigin(r) {
		s.consoleError(w, p, http.StatusForbidden, "error.csrf")
		return
	}
	t, err := s.db.AcknowledgeByLink(r.Context(), r.PathValue("token"))
	if err != nil {
		s.consoleError(w, p, http.StatusNotFound, "ack.invalid")
		return
	}
	p.Data = ackPage{Ticket: t, Token: r.PathValue("token"), Done: true}
	s.render(w, http.StatusOK, "ack", p)
}

func (s *Server) listSchedules(w http.ResponseWriter, r *http.Request) {
	listOf(s, func(r *http.Request, c string, l int) (sqm.Page[sqm.Schedule], error) {
		return s.db.ListSchedules(r.Context(), c, l)
	})(w, r)
}

func (s *Server) createSchedule(w http.ResponseWriter, r *http.Request) {
	var in scheduleInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	v, err := s.db.CreateSchedule(r.Context(), sqm.Schedule{Name: in.Name, Timezone: in.Timezone, Start: in.Start,
		Handoff: in.Handoff, Days: in.Days, Members: in.Members, Overrides: in.Overrides})
	s.reply(w, r, http.StatusCreated, v, err)
}

func (s *Server) deleteSchedule(w http.ResponseWriter, r *http.Request) {
	if err := s.db.DeleteSchedule(r.Context(), r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// onCall answers who a schedule has on call, now or ?at=.
func (s *Server) onCall(w http.ResponseWriter, r *http.Request) {
	at := s.db.Now()
	if r.URL.Query().Get("at") != "" {
		t, err := queryTime(r, "at")
		if err != nil {
			s.Error(w, r, err)
			return
		}
		at = t
	}
	v, err := s.db.WhoIsOnCall(r.Context(), r.PathValue("id"), at)
	s.reply(w, r, http.StatusOK, v, err)
}

type scheduleInput struct {
	Name      string            `json:"name"`
	Timezone  string            `json:"timezone"`
	Start     string            `json:"start"`
	Handoff   string            `json:"handoff"`
	Days      int               `json:"days"`
	Members   []oncall.Member   `json:"members"`
	Overrides []oncall.Override `json:"overrides"`
}
