package http

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/sqmhq/sqm"
)

// policyJSON is a policy on the wire: targets as integer seconds on output.
type policyJSON struct {
	ID            string                               `json:"id"`
	Name          string                               `json:"name"`
	CalendarID    string                               `json:"calendar_id"`
	Targets       map[sqm.Priority]map[string]Duration `json:"targets"`
	PauseStatuses []sqm.Status                         `json:"pause_statuses"`
	WarnAtPercent int                                  `json:"warn_at_percent"`
	Default       bool                                 `json:"default"`
	CreatedAt     time.Time                            `json:"created_at"`
	UpdatedAt     time.Time                            `json:"updated_at"`
}

func toPolicyJSON(p sqm.SLAPolicy) policyJSON {
	out := policyJSON{ID: p.ID, Name: p.Name, CalendarID: p.CalendarID, PauseStatuses: p.PauseStatuses,
		WarnAtPercent: p.WarnAtPercent, Default: p.Default, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
		Targets: map[sqm.Priority]map[string]Duration{}}
	if out.PauseStatuses == nil {
		out.PauseStatuses = []sqm.Status{}
	}
	for pr, t := range p.Targets {
		out.Targets[pr] = map[string]Duration{"first_response": Duration(t.FirstResponse), "resolution": Duration(t.Resolution)}
	}
	return out
}

// policyInput is a policy as a caller writes it: durations as Go duration
// strings ("15m", "4h") or whole seconds.
type policyInput struct {
	Name          string                                      `json:"name"`
	CalendarID    string                                      `json:"calendar_id"`
	Targets       map[sqm.Priority]map[string]json.RawMessage `json:"targets"`
	PauseStatuses []sqm.Status                                `json:"pause_statuses"`
	WarnAtPercent *int                                        `json:"warn_at_percent"`
}

func (in policyInput) policy() (sqm.SLAPolicy, error) {
	p := sqm.SLAPolicy{Name: in.Name, CalendarID: in.CalendarID, PauseStatuses: in.PauseStatuses,
		Targets: map[sqm.Priority]sqm.Target{}, WarnAtPercent: 80}
	if in.WarnAtPercent != nil {
		p.WarnAtPercent = *in.WarnAtPercent
	}
	for pr, m := range in.Targets {
		var t sqm.Target
		for k, raw := range m {
			field := "targets." + string(pr) + "." + k
			var d Duration
			if err := json.Unmarshal(raw, &d); err != nil {
				return p, sqm.FieldError(field, "%s", sqm.ErrorMessage(err))
			}
			switch k {
			case "first_response":
				t.FirstResponse = time.Duration(d)
			case "resolution":
				t.Resolution = time.Duration(d)
			default:
				return p, sqm.FieldError(field, "A target has first_response and resolution only.")
			}
		}
		p.Targets[pr] = t
	}
	return p, nil
}

func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request) {
	listOf(s, func(r *http.Request, c string, l int) (sqm.Page[policyJSON], error) {
		p, err := s.db.ListPolicies(r.Context(), c, l)
		out := sqm.Page[policyJSON]{Items: []policyJSON{}, NextCursor: p.NextCursor}
		for _, v := range p.Items {
			out.Items = append(out.Items, toPolicyJSON(v))
		}
		return out, err
	})(w, r)
}

func (s *Server) createPolicy(w http.ResponseWriter, r *http.Request) {
	var in policyInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := in.policy()
	if err == nil {
		p, err = s.db.CreatePolicy(r.Context(), p)
	}
	s.reply(w, r, http.StatusCreated, toPolicyJSON(p), err)
}

func (s *Server) showPolicy(w http.ResponseWriter, r *http.Request) {
	p, err := s.db.GetPolicy(r.Context(), r.PathValue("id"))
	s.reply(w, r, http.StatusOK, toPolicyJSON(p), err)
}

func (s *Server) updatePolicy(w http.ResponseWriter, r *http.Request) {
	var in policyInput
	if err := decode(w, r, maxBody, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := in.policy()
	if err == nil {
		p, err = s.db.UpdatePolicy(r.Context(), r.PathValue("id"), p)
	}
	s.reply(w, r, http.StatusOK, toPolicyJSON(p), err)
}

// strictUnmarshal decodes b into v, refusing unknown fields.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
