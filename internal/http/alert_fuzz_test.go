package http

import (
	"fmt"
	"testing"

	"github.com/sqmhq/sqm"
)

// Notifications of alerts arrive from outside: whatever the bytes, parsing
// never panics, a refusal is a client error, and what is accepted either
// validates or is refused by validation with a field named.
func FuzzAlertmanagerPayload(f *testing.F) {
	f.Add([]byte(`{"version":"4","groupKey":"{}:{alertname=\"X\"}","status":"firing","receiver":"sqm","groupLabels":{"alertname":"X"},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am","alerts":[{"status":"firing","labels":{"alertname":"X","service":"payments","severity":"critical"},"annotations":{"summary":"s"},"startsAt":"2026-11-27T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://p","fingerprint":"abc"}]}`))
	f.Add([]byte(`{"version":"3","alerts":[]}`))
	f.Add([]byte(`{"version":"4","alerts":[{"status":"resolved","labels":{},"startsAt":"x"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkAlerts(t, parseAlertmanager, b)
	})
}

func FuzzWebhookPayload(f *testing.F) {
	f.Add([]byte(`{"service":"payments","name":"DiskFull","severity":"error","summary":"disk 95%"}`))
	f.Add([]byte(`{"alerts":[{"service":"payments","name":"A","status":"resolved","labels":{"k":"v"}}]}`))
	f.Add([]byte(`{"alerts":[]}`))
	f.Add([]byte(`{"name":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkAlerts(t, parseWebhook, b)
	})
}

func checkAlerts(t *testing.T, parse func([]byte) ([]sqm.Alert, error), b []byte) {
	alerts, err := parse(b)
	if err != nil {
		if s := statusOf(err); s < 400 || s >= 500 {
			t.Fatalf("refused with status %d: %v", s, err)
		}
		return
	}
	if len(alerts) == 0 {
		t.Fatal("accepted a notification without alerts")
	}
	for i := range alerts {
		if alerts[i].Fingerprint == "" {
			t.Fatalf("alert %d has no fingerprint", i)
		}
		if err := alerts[i].Validate(fmt.Sprintf("alerts[%d]", i)); err != nil && sqm.ErrorField(err) == "" {
			t.Fatalf("refused without naming a field: %v", err)
		}
	}
}
