package http

import (
	"net/http"

	"github.com/sqmhq/sqm"
)

// channelInput is a channel as a caller writes it; its secret is never
// read back.
type channelInput struct {
	Name     string          `json:"name"`
	Type     sqm.ChannelType `json:"type"`
	URL      string          `json:"url"`
	Secret   string          `json:"secret"`
	Lang     string          `json:"lang"`
	Disabled bool            `json:"disabled"`
}

func (in channelInput) channel() sqm.Channel {
	return sqm.Channel{Name: in.Name, Type: in.Type, URL: in.URL, Secret: in.Secret, Lang: in.Lang, Disabled: in.Disabled}
}

func (s *Server) listChannels(w http.ResponseWriter, r *http.Request) {
	listOf(s, func(r *http.Request, c string, l int) (sqm.Page[sqm.Channel], error) {
		return s.db.ListChannels(r.Context(), c, l)
	})(w, r)
}

func (s *Server) createChannel(w http.ResponseWriter, r *http.Request) {
	var in channelInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.db.CreateChannel(r.Context(), in.channel())
	s.reply(w, r, http.StatusCreated, c, err)
}

func (s *Server) showChannel(w http.ResponseWriter, r *http.Request) {
	c, err := s.db.GetChannel(r.Context(), r.PathValue("id"))
	s.reply(w, r, http.StatusOK, c, err)
}

func (s *Server) updateChannel(w http.ResponseWriter, r *http.Request) {
	var in channelInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.db.UpdateChannel(r.Context(), r.PathValue("id"), in.channel())
	s.reply(w, r, http.StatusOK, c, err)
}

type ruleInput struct {
	ChannelID  string         `json:"channel_id"`
	ServiceID  string         `json:"service_id"`
	Events     []string       `json:"events"`
	Priorities []sqm.Priority `json:"priorities"`
}

func (s *Server) listRules(w http.ResponseWriter, r *http.Request) {
	listOf(s, func(r *http.Request, c string, l int) (sqm.Page[sqm.NotificationRule], error) {
		return s.db.ListRules(r.Context(), c, l)
	})(w, r)
}

func (s *Server) createRule(w http.ResponseWriter, r *http.Request) {
	var in ruleInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	rule, err := s.db.CreateRule(r.Context(), sqm.NotificationRule{ChannelID: in.ChannelID, ServiceID: in.ServiceID,
		Events: in.Events, Priorities: in.Priorities})
	s.reply(w, r, http.StatusCreated, rule, err)
}

func (s *Server) deleteRule(w http.ResponseWriter, r *http.Request) {
	if err := s.db.DeleteRule(r.Context(), r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) {
	listOf(s, func(r *http.Request, c string, l int) (sqm.Page[sqm.Delivery], error) {
		q := r.URL.Query()
		p, err := s.db.ListDeliveries(r.Context(), q.Get("channel_id"), q.Get("status"), c, l)
		if p.Items == nil {
			p.Items = []sqm.Delivery{}
		}
		return p, err
	})(w, r)
}
