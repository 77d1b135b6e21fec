package http

import (
	"net/http"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/calendar"
)

// pageParams reads the cursor and limit of a collection request.
func pageParams(r *http.Request) (string, int, error) {
	limit, err := queryInt(r, "limit")
	return r.URL.Query().Get("cursor"), limit, err
}

// listOf serves a collection from a store list method.
func listOf[T any](s *Server, fn func(r *http.Request, cursor string, limit int) (sqm.Page[T], error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cursor, limit, err := pageParams(r)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		p, err := fn(r, cursor, limit)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		s.JSON(w, http.StatusOK, p)
	}
}

// reply writes v with status, or the error.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.JSON(w, status, v)
}

func (s *Server) listCalendars(w http.ResponseWriter, r *http.Request) {
	listOf(s, func(r *http.Request, c string, l int) (sqm.Page[sqm.Calendar], error) {
		return s.db.ListCalendars(r.Context(), c, l)
	})(w, r)
}

func (s *Server) createCalendar(w http.ResponseWriter, r *http.Request) {
	var c sqm.Calendar
	if err := decode(w, r, maxBody, &calendarInput{&c}); err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.db.CreateCalendar(r.Context(), c)
	s.reply(w, r, http.StatusCreated, c, err)
}

func (s *Server) showCalendar(w http.ResponseWriter, r *http.Request) {
	c, err := s.db.GetCalendar(r.Context(), r.PathValue("id"))
	s.reply(w, r, http.StatusOK, c, err)
}

func (s *Server) updateCalendar(w http.ResponseWriter, r *http.Request) {
	var c sqm.Calendar
	if err := decode(w, r, maxBody, &calendarInput{&c}); err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.db.UpdateCalendar(r.Context(), r.PathValue("id"), c)
	s.reply(w, r, http.StatusOK, c, err)
}

func (s *Server) listHolidaySets(w http.ResponseWriter, r *http.Request) {
	s.JSON(w, http.StatusOK, sqm.Page[string]{Items: calendar.HolidaySets()})
}

func (s *Server) listServices(w http.ResponseWriter, r *http.Request) {
	listOf(s, func(r *http.Request, c string, l int) (sqm.Page[sqm.Service], error) {
		return s.db.ListServices(r.Context(), c, l)
	})(w, r)
}

type serviceInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	TeamID      string `json:"team_id"`
	SLAPolicyID string `json:"sla_policy_id"`
}

func (in serviceInput) service() sqm.Service {
	return sqm.Service{Name: in.Name, Description: in.Description, TeamID: in.TeamID, SLAPolicyID: in.SLAPolicyID}
}

func (s *Server) createService(w http.ResponseWriter, r *http.Request) {
	var in serviceInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	v, err := s.db.CreateService(r.Context(), in.service())
	s.reply(w, r, http.StatusCreated, v, err)
}

func (s *Server) showService(w http.ResponseWriter, r *http.Request) {
	v, err := s.db.GetService(r.Context(), r.PathValue("id"))
	s.reply(w, r, http.StatusOK, v, err)
}

func (s *Server) updateService(w http.ResponseWriter, r *http.Request) {
	var in serviceInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	v, err := s.db.UpdateService(r.Context(), r.PathValue("id"), in.service())
	s.reply(w, r, http.StatusOK, v, err)
}

func (s *Server) listTeams(w http.ResponseWriter, r *http.Request) {
	listOf(s, func(r *http.Request, c string, l int) (sqm.Page[sqm.Team], error) {
		return s.db.ListTeams(r.Context(), c, l)
	})(w, r)
}

func (s *Server) createTeam(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	v, err := s.db.CreateTeam(r.Context(), sqm.Team{Name: in.Name})
	s.reply(w, r, http.StatusCreated, v, err)
}

func (s *Server) showTeam(w http.ResponseWriter, r *http.Request) {
	v, err := s.db.GetTeam(r.Context(), r.PathValue("id"))
	s.reply(w, r, http.StatusOK, v, err)
}

// calendarInput decodes only the fields a caller may set.
type calendarInput struct{ c *sqm.Calendar }

func (in *calendarInput) UnmarshalJSON(b []byte) error {
	var v struct {
		Name       string              `json:"name"`
		Timezone   string              `json:"timezone"`
		Hours      map[string][]string `json:"hours"`
		Holidays   []string            `json:"holidays"`
		Workdays   []string            `json:"workdays"`
		HolidaySet string              `json:"holiday_set"`
	}
	if err := strictUnmarshal(b, &v); err != nil {
		return err
	}
	*in.c = sqm.Calendar{Name: v.Name, Timezone: v.Timezone, Hours: v.Hours, Holidays: v.Holidays, Workdays: v.Workdays, HolidaySet: v.HolidaySet}
	return nil
}
