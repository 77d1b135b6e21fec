package app_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
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
