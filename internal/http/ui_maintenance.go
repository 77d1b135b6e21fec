package http

import (
	"net/http"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
)

// maintenanceForm is the maintenance window form as typed; its times are
// datetime-local values in the viewer's zone. Its inputs' ids start with
// "maint_", as the monitor form on the same page has a name and a service.
type maintenanceForm struct {
	ServiceID, Title, StartsAt, EndsAt string
}

// silenceForm is the silence form as typed: one label=value a line. Its
// inputs' ids start with "silence_".
type silenceForm struct {
	ServiceID, Matchers, Comment, StartsAt, EndsAt string
}

// newMaintenanceForm plans a window from the next full hour, for two hours.
func newMaintenanceForm(p *page) maintenanceForm {
	start := p.Now.In(p.Loc).Truncate(time.Hour).Add(time.Hour)
	return maintenanceForm{StartsAt: localValue(p, start), EndsAt: localValue(p, start.Add(2*time.Hour))}
}

// newSilenceForm silences from now (an empty start) for two hours.
func newSilenceForm(p *page) silenceForm {
	return silenceForm{EndsAt: localValue(p, p.Now.Add(2*time.Hour))}
}

// localLayout is the value of a datetime-local input.
const localLayout = "2006-01-02T15:04"

// localValue shows an instant in a datetime-local input, in the viewer's zone.
func localValue(p *page, t time.Time) string { return t.In(p.Loc).Format(localLayout) }

// localTime reads a datetime-local input in the viewer's zone as an
// instant in UTC; empty is the zero time, unless required.
func localTime(p *page, field, v string, required bool) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			return time.Time{}, sqm.FieldError(field, "Choose a date and time.")
		}
		return time.Time{}, nil
	}
	for _, layout := range []string{localLayout, localLayout + ":05"} {
		if t, err := time.ParseInLocation(layout, v, p.Loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, sqm.FieldError(field, "Write a date and time such as 2026-03-01T22:00.")
}

// maintenanceOf reads the maintenance window form.
func maintenanceOf(r *http.Request, p *page) (sqm.MaintenanceWindow, maintenanceForm, error) {
	f := maintenanceForm{ServiceID: r.PostFormValue("service_id"), Title: strings.TrimSpace(r.PostFormValue("title")),
		StartsAt: r.PostFormValue("starts_at"), EndsAt: r.PostFormValue("ends_at")}
	w := sqm.MaintenanceWindow{ServiceID: f.ServiceID, Title: f.Title}
	var err error
	if w.StartsAt, err = localTime(p, "starts_at", f.StartsAt, true); err != nil {
		return w, f, err
	}
	w.EndsAt, err = localTime(p, "ends_at", f.EndsAt, true)
	return w, f, err
}

// silenceOf reads the silence form; an empty start is now.
func silenceOf(r *http.Request, p *page) (sqm.Silence, silenceForm, error) {
	f := silenceForm{ServiceID: r.PostFormValue("service_id"), Matchers: r.PostFormValue("matchers"),
		Comment: strings.TrimSpace(r.PostFormValue("comment")), StartsAt: r.PostFormValue("starts_at"), EndsAt: r.PostFormValue("ends_at")}
	s := sqm.Silence{ServiceID: f.ServiceID, Comment: f.Comment}
	var err error
	if s.Matchers, err = matchersOf(f.Matchers); err != nil {
		return s, f, err
	}
	if s.StartsAt, err = localTime(p, "starts_at", f.StartsAt, false); err != nil {
		return s, f, err
	}
	if s.StartsAt.IsZero() {
		s.StartsAt = p.Now
	}
	s.EndsAt, err = localTime(p, "ends_at", f.EndsAt, true)
	return s, f, err
}

// matchersOf reads one label=value a line (the value may be quoted, as in
// Alertmanager). A silence matches labels exactly: regular expressions and
// negations are refused rather than read as part of a name.
func matchersOf(text string) (map[string]string, error) {
	out := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		_, twice := out[k]
		switch {
		case !ok || k == "":
			return nil, sqm.FieldError("matchers", "Line %d: write label=value, such as alertname=DiskFull.", i+1)
		case strings.HasSuffix(k, "!") || strings.HasPrefix(v, "~"):
			return nil, sqm.FieldError("matchers", "Line %d: a silence matches labels exactly (label=value); != and =~ are not supported.", i+1)
		case twice:
			return nil, sqm.FieldError("matchers", "Line %d: the label %s appears twice.", i+1, k)
		}
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		out[k] = v
	}
	return out, nil
}

func (s *Server) createMaintenancePage(w http.ResponseWriter, r *http.Request, p *page) {
	in, form, err := maintenanceOf(r, p)
	if err == nil {
		_, err = s.db.CreateMaintenance(r.Context(), in)
	}
	if err != nil {
		if f, ok := s.formError(w, r, p, err, "maintenance"); ok {
			d := newMonitorsPage(p)
			d.F, d.Maint = f.prefixed("maint_"), form
			s.showMonitors(w, r, p, http.StatusUnprocessableEntity, d)
		}
		return
	}
	seeOther(w, r, "/monitors", "created")
}

func (s *Server) deleteMaintenancePage(w http.ResponseWriter, r *http.Request, p *page) {
	if err := s.db.DeleteMaintenance(r.Context(), r.PathValue("id")); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	seeOther(w, r, "/monitors", "deleted")
}

func (s *Server) createSilencePage(w http.ResponseWriter, r *http.Request, p *page) {
	in, form, err := silenceOf(r, p)
	if err == nil {
		_, err = s.db.CreateSilence(r.Context(), in)
	}
	if err != nil {
		if f, ok := s.formError(w, r, p, err, "silence"); ok {
			d := newMonitorsPage(p)
			d.F, d.Silence = f.prefixed("silence_"), form
			s.showMonitors(w, r, p, http.StatusUnprocessableEntity, d)
		}
		return
	}
	seeOther(w, r, "/monitors", "created")
}

func (s *Server) expireSilencePage(w http.ResponseWriter, r *http.Request, p *page) {
	if err := s.db.ExpireSilence(r.Context(), r.PathValue("id")); err != nil {
		s.uiError(w, r, p, err)
		return
	}
	seeOther(w, r, "/monitors", "ended")
}
