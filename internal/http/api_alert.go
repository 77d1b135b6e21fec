package http

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
)

// maxAlertBody bounds a notification of alerts.
const maxAlertBody = 4 << 20

// amNotification is Prometheus Alertmanager's webhook payload, version 4.
// Fields Alertmanager may add later are ignored, so an upgrade of it never
// turns its notifications away.
type amNotification struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   int               `json:"truncatedAlerts"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []amAlert         `json:"alerts"`
}

type amAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// parseAlertmanager reads an Alertmanager notification into alerts.
func parseAlertmanager(body []byte) ([]sqm.Alert, error) {
	var n amNotification
	if err := json.Unmarshal(body, &n); err != nil {
		return nil, decodeError(err, maxAlertBody)
	}
	if n.Version != "4" {
		return nil, sqm.FieldError("version", "Only version 4 of Alertmanager's webhook payload is understood; got %q.", n.Version)
	}
	if len(n.Alerts) == 0 {
		return nil, sqm.FieldError("alerts", "The notification has no alerts.")
	}
	out := make([]sqm.Alert, 0, len(n.Alerts))
	for _, a := range n.Alerts {
		al := sqm.Alert{Source: "alertmanager", Fingerprint: a.Fingerprint, GroupKey: n.GroupKey, Status: a.Status,
			Service: a.Labels["service"], Name: a.Labels["alertname"], Severity: a.Labels["severity"],
			Summary: firstOf(a.Annotations["summary"], a.Annotations["description"]), Labels: a.Labels, Annotations: a.Annotations,
			URL: a.GeneratorURL, StartsAt: a.StartsAt}
		if al.Fingerprint == "" {
			al.Fingerprint = fingerprint(a.Labels)
		}
		if a.Status == sqm.AlertResolved && !a.EndsAt.IsZero() {
			ends := a.EndsAt
			al.EndsAt = &ends
		}
		out = append(out, al)
	}
	return out, nil
}

// webhookAlert is the generic JSON webhook's alert, for senders other than
// Alertmanager.
type webhookAlert struct {
	Service     string            `json:"service"`
	Name        string            `json:"name"`
	Status      string            `json:"status"`
	Severity    string            `json:"severity"`
	Summary     string            `json:"summary"`
	Fingerprint string            `json:"fingerprint"`
	Group       string            `json:"group"`
	Labels      map[string]string `json:"labels"`
	URL         string            `json:"url"`
	StartsAt    *time.Time        `json:"starts_at"`
}

// parseWebhook reads the generic webhook: one alert object, or
// {"alerts":[...]}. The fingerprint defaults to one of the service, the
// name and the labels; the group to the alert's name.
func parseWebhook(body []byte) ([]sqm.Alert, error) {
	var batch struct {
		Alerts []webhookAlert `json:"alerts"`
	}
	trimmed := strings.TrimSpace(string(body))
	if strings.HasPrefix(trimmed, `{"alerts"`) {
		if err := strictUnmarshal(body, &batch); err != nil {
			return nil, decodeError(err, maxAlertBody)
		}
	} else {
		var one webhookAlert
		if err := strictUnmarshal(body, &one); err != nil {
			return nil, decodeError(err, maxAlertBody)
		}
		batch.Alerts = []webhookAlert{one}
	}
	if len(batch.Alerts) == 0 {
		return nil, sqm.FieldError("alerts", "The notification has no alerts.")
	}
	out := make([]sqm.Alert, 0, len(batch.Alerts))
	for i, w := range batch.Alerts {
		if w.Name == "" {
			return nil, sqm.FieldError(fmt.Sprintf("alerts[%d].name", i), "An alert needs a name.")
		}
		if w.Status == "" {
			w.Status = sqm.AlertFiring
		}
		labels := map[string]string{}
		for k, v := range w.Labels {
			labels[k] = v
		}
		labels["service"], labels["alertname"] = w.Service, w.Name
		a := sqm.Alert{Source: "webhook", Fingerprint: w.Fingerprint, GroupKey: firstOf(w.Group, w.Name), Status: w.Status,
			Service: w.Service, Name: w.Name, Severity: w.Severity, Summary: w.Summary, Labels: labels, Annotations: map[string]string{},
			URL: w.URL}
		if w.StartsAt != nil {
			a.StartsAt = *w.StartsAt
		}
		if a.Fingerprint == "" {
			a.Fingerprint = fingerprint(labels)
		}
		out = append(out, a)
	}
	return out, nil
}

// fingerprint identifies an alert by its labels, sorted.
func fingerprint(labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	h := sha256.New()
	for _, k := range keys {
		fmt.Fprintf(h, "%s\x00%s\x00", k, labels[k])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func (s *Server) alertmanagerWebhook(w http.ResponseWriter, r *http.Request) {
	s.intake(w, r, parseAlertmanager)
}

func (s *Server) genericWebhook(w http.ResponseWriter, r *http.Request) {
	s.intake(w, r, parseWebhook)
}

// intake reads a notification of alerts with parse and hands it to the
// store; ?auto_resolve=true resolves an incident when its last alert does.
func (s *Server) intake(w http.ResponseWriter, r *http.Request, parse func([]byte) ([]sqm.Alert, error)) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAlertBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			err = &sqm.Error{Code: sqm.ETOOLARGE, Message: fmt.Sprintf("The body is larger than %d bytes.", maxAlertBody)}
		}
		s.Error(w, r, err)
		return
	}
	alerts, err := parse(body)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	auto := false
	switch v := r.URL.Query().Get("auto_resolve"); v {
	case "", "false", "0":
	case "true", "1":
		auto = true
	default:
		s.Error(w, r, sqm.FieldError("auto_resolve", "auto_resolve is true or false."))
		return
	}
	in, err := s.db.IngestAlerts(r.Context(), alerts, auto)
	s.reply(w, r, http.StatusOK, in, err)
}

func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request) {
	listOf(s, func(r *http.Request, c string, l int) (sqm.Page[sqm.Alert], error) {
		q := r.URL.Query()
		p, err := s.db.ListAlerts(r.Context(), q.Get("service_id"), q.Get("status"), c, l)
		if p.Items == nil {
			p.Items = []sqm.Alert{}
		}
		return p, err
	})(w, r)
}
