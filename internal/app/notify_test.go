package app_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sqmhq/sqm/internal/testdb"
)

// A firing alert reaches a webhook channel, signed, within two seconds, and
// once however often the alert repeats.
func TestNotificationReachesWebhook(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		_, c := start(t, dsn)
		var (
			mu   sync.Mutex
			got  []map[string]any
			when []time.Time
		)
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			m := hmac.New(sha256.New, []byte("hook-secret"))
			m.Write(body)
			if r.Header.Get("X-Sqm-Signature") != "sha256="+hex.EncodeToString(m.Sum(nil)) {
				t.Errorf("bad signature %q", r.Header.Get("X-Sqm-Signature"))
			}
			var v map[string]any
			json.Unmarshal(body, &v)
			mu.Lock()
			got, when = append(got, v), append(when, time.Now())
			mu.Unlock()
		}))
		defer hook.Close()

		svc := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "payments"})
		ch := c.must(201, "POST", "/api/v1/channels", map[string]any{"name": "ops", "type": "webhook", "url": hook.URL, "secret": "hook-secret"})
		if ch["has_secret"] != true || ch["secret"] != nil {
			t.Fatalf("a channel shows its secret: %v", ch)
		}
		c.must(201, "POST", "/api/v1/notification-rules", map[string]any{"channel_id": ch["id"], "service_id": svc["id"],
			"events": []string{"alert_firing", "alert_resolved", "sla_warning", "sla_breached"}})
		if code, p := c.do("POST", "/api/v1/notification-rules", map[string]any{"channel_id": ch["id"], "events": []string{"often"}}); code != 422 || p["field"] != "events" {
			t.Fatalf("a bad rule: %d %v", code, p)
		}

		sent := time.Now()
		alert := map[string]any{"service": "payments", "name": "DiskFull", "severity": "error", "summary": "/var at 95%"}
		in := c.must(200, "POST", "/api/v1/integrations/webhook", alert)
		c.must(200, "POST", "/api/v1/integrations/webhook", alert) // a repeat
		deadline := time.Now().Add(5 * time.Second)
		for {
			mu.Lock()
			n := len(got)
			mu.Unlock()
			if n > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond) // room for a second delivery, which must not come
		mu.Lock()
		defer mu.Unlock()
		if len(got) != 1 {
			t.Fatalf("%d deliveries; want exactly one: %v", len(got), got)
		}
		d := got[0]
		incident := in["opened"].([]any)[0]
		if d["event"] != "alert_firing" || d["ticket_id"] != incident || d["service_id"] != svc["id"] || d["alert"].(map[string]any)["name"] != "DiskFull" {
			t.Fatalf("delivery %v", d)
		}
		if took := when[0].Sub(sent); took > 2*time.Second {
			t.Errorf("the notification took %v from the alert; the target is under 2 s", took)
		}
		list := c.must(200, "GET", "/api/v1/deliveries?status=sent", nil)["items"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["attempts"] != 1.0 {
			t.Fatalf("sent deliveries %v", list)
		}
	})
}

// An incident under an escalation policy calls its first level with an
// acknowledgement link; following it (GET shows, POST acknowledges, no
// sign-in) acknowledges the incident and stops the escalation.
func TestEscalationAndAckLink(t *testing.T) {
	_, c := start(t, testdb.SQLite(t))
	got := make(chan map[string]any, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v map[string]any
		json.NewDecoder(r.Body).Decode(&v)
		got <- v
	}))
	defer hook.Close()
	svc := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "payments"})
	ch := c.must(201, "POST", "/api/v1/channels", map[string]any{"name": "on-call", "type": "webhook", "url": hook.URL})
	c.must(201, "POST", "/api/v1/escalation-policies", map[string]any{"name": "Payments", "service_ids": []any{svc["id"]},
		"levels": []any{map[string]any{"after": "0s", "channel_ids": []any{ch["id"]}}, map[string]any{"after": "1h", "channel_ids": []any{ch["id"]}}}})
	if code, p := c.do("POST", "/api/v1/escalation-policies", map[string]any{"name": "x", "levels": []any{map[string]any{"after": "soon", "channel_ids": []any{ch["id"]}}}}); code != 422 || p["field"] != "levels[0].after" {
		t.Fatalf("a bad delay: %d %v", code, p)
	}
	inc := c.must(201, "POST", "/api/v1/tickets", map[string]any{"service_id": svc["id"], "type": "incident", "priority": "P1", "title": "Checkout down"})
	var n map[string]any
	select {
	case n = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("no escalation within 10 s")
	}
	ack, _ := n["ack_url"].(string)
	if n["event"] != "escalation" || n["level"] != 1.0 || n["ticket_id"] != inc["id"] || !strings.Contains(ack, "/ack/") || n["ack_token"] != nil {
		t.Fatalf("the escalation: %v", n)
	}
	anon := &client{t: t, base: ""}
	if code, page := anon.do("GET", ack, nil); code != 200 || len(page) != 0 {
		t.Fatalf("the link's page: %d", code)
	}
	if acked := c.must(200, "GET", "/api/v1/tickets/"+inc["id"].(string), nil)["sla"].(map[string]any)["first_response"].(map[string]any)["met_at"]; acked != nil {
		t.Fatal("opening the link acknowledged the incident")
	}
	resp, err := http.Post(ack, "application/x-www-form-urlencoded", nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("acknowledging: %v %v", resp, err)
	}
	resp.Body.Close()
	if acked := c.must(200, "GET", "/api/v1/tickets/"+inc["id"].(string), nil)["sla"].(map[string]any)["first_response"].(map[string]any)["met_at"]; acked == nil {
		t.Fatal("the link did not acknowledge the incident")
	}
	bad, _ := http.Get(ack + "x")
	if bad.StatusCode != 404 {
		t.Fatalf("a forged link answered %d", bad.StatusCode)
	}
	bad.Body.Close()
}
