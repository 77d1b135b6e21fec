package http

import (
	"net/http"
	"net/url"
	"time"

	"github.com/sqmhq/sqm"
)

type ticketList struct {
	Filter   sqm.TicketFilter
	Services []sqm.Service
	Tickets  []sqm.Ticket
	Next     string
}

// Lists for the filter and action forms.
type choices struct {
	Types      []sqm.TicketType
	Priorities []sqm.Priority
	Statuses   []sqm.Status
	States     []sqm.ClockState
}

var formChoices = choices{sqm.TicketTypes, sqm.Priorities, sqm.Statuses,
	[]sqm.ClockState{sqm.ClockRunning, sqm.ClockPaused, sqm.ClockBreached, sqm.ClockMet}}

// Choices returns the values the forms offer.
func (p *page) Choices() choices { return formChoices }

// listTicketsPage shows the ticket queue, filtered.
func (s *Server) listTicketsPage(w http.ResponseWriter, r *http.Request, p *page) {
	q := r.URL.Query()
	f := sqm.TicketFilter{ServiceID: q.Get("service_id"), Type: sqm.TicketType(q.Get("type")),
		Status: sqm.Status(q.Get("status")), Priority: sqm.Priority(q.Get("priority")),
		SLAState: sqm.ClockState(q.Get("sla_state")), TeamID: q.Get("team_id"), Cursor: q.Get("cursor"), Limit: 50,
		Sort: "due"} // time left, unless the newest are asked for
	if q.Get("sort") == "newest" {
		f.Sort = ""
	}
	for name, dst := range map[string]*time.Time{"from": &f.OpenedFrom, "to": &f.OpenedTo} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				s.uiError(w, r, p, sqm.FieldError(name, "%s is an RFC 3339 instant.", name))
				return
			}
			*dst = t
		}
	}
	list, err := s.db.ListTickets(r.Context(), f)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	services, err := s.db.ListServices(r.Context(), "", 500)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	d := ticketList{Filter: f, Services: services.Items, Tickets: list.Items}
	if list.NextCursor != "" {
		q.Set("cursor", list.NextCursor)
		d.Next = "/tickets?" + q.Encode()
	}
	p.Title, p.Nav, p.Data = p.T("tickets.title"), "tickets", d
	s.render(w, http.StatusOK, "tickets", p)
}

// showTicketPage shows one ticket with its timeline, clocks and actions.
func (s *Server) showTicketPage(w http.ResponseWriter, r *http.Request, p *page) {
	s.renderTicket(w, r, p, "")
}

// renderTicket shows the ticket of the path, with a new tracking link when
// one was just made.
func (s *Server) renderTicket(w http.ResponseWriter, r *http.Request, p *page, tracking string) {
	t, err := s.db.GetTicket(r.Context(), r.PathValue("id"))
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	svc, err := s.db.GetService(r.Context(), t.ServiceID)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	p.Title, p.Nav = "#"+t.ID+" "+t.Title, "tickets"
	p.Data = struct {
		T        sqm.Ticket
		Service  sqm.Service
		CanAct   bool
		Tracking string
	}{t, svc, p.User.Role.AtLeast(sqm.RoleAgent), tracking}
	s.render(w, http.StatusOK, "ticket", p)
}

// renewTrackingPage replaces a feedback ticket's tracking link and shows
// the new one, once.
func (s *Server) renewTrackingPage(w http.ResponseWriter, r *http.Request, p *page) {
	token, err := s.db.RenewTracking(r.Context(), r.PathValue("id"))
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.renderTicket(w, r, p, trackingURL(r, token))
}

// postTicketEvent applies one action of the ticket page.
func (s *Server) postTicketEvent(w http.ResponseWriter, r *http.Request, p *page) {
	ne := sqm.NewEvent{Type: sqm.EventType(r.PostFormValue("type"))}
	switch ne.Type {
	case sqm.EventComment:
		public := r.PostFormValue("public") == "true"
		ne.Public, ne.Body = &public, r.PostFormValue("body")
	case sqm.EventStatus:
		ne.Status = sqm.Status(r.PostFormValue("status"))
	case sqm.EventPriority:
		ne.Priority = sqm.Priority(r.PostFormValue("priority"))
	}
	id := r.PathValue("id")
	if _, err := s.db.AddEvent(r.Context(), id, ne); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	http.Redirect(w, r, "/tickets/"+url.PathEscape(id), http.StatusSeeOther)
}

// newTicketPage shows the form that opens a ticket.
func (s *Server) newTicketPage(w http.ResponseWriter, r *http.Request, p *page) {
	services, err := s.db.ListServices(r.Context(), "", 500)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	p.Title, p.Nav, p.Data = p.T("new.title"), "new", services.Items
	s.render(w, http.StatusOK, "new_ticket", p)
}

// createTicketPage opens a ticket from the form.
func (s *Server) createTicketPage(w http.ResponseWriter, r *http.Request, p *page) {
	t, err := s.db.CreateTicket(r.Context(), sqm.NewTicket{ServiceID: r.PostFormValue("service_id"),
		Type: sqm.TicketType(r.PostFormValue("type")), Priority: sqm.Priority(r.PostFormValue("priority")),
		Title: r.PostFormValue("title"), Description: r.PostFormValue("description")})
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	http.Redirect(w, r, "/tickets/"+t.ID, http.StatusSeeOther)
}

// ticketAttachment sends a file of a ticket to someone signed in.
func (s *Server) ticketAttachment(w http.ResponseWriter, r *http.Request, p *page) {
	f, err := s.db.GetAttachment(r.Context(), r.PathValue("id"), r.PathValue("aid"))
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	serveAttachment(w, f)
}
