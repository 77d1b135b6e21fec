package app_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sqmhq/sqm/internal/testdb"
)

// A monitor on a real HTTP target: when the target fails, the monitor goes
// down and opens one incident on its service; when it recovers, the monitor
// comes back up and the availability counts the downtime.
func TestMonitorEndToEnd(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		_, c := start(t, dsn)
		var failing atomic.Bool
		target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if failing.Load() {
				http.Error(w, "maintenance", http.StatusServiceUnavailable)
				return
			}
			fmt.Fprint(w, `{"status":"ok"}`)
		}))
		defer target.Close()

		svc := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Checkout"})
		sid := svc["id"].(string)
		began := time.Now()
		m := c.must(201, "POST", "/api/v1/monitors", map[string]any{"service_id": sid, "name": "Health", "type": "http",
			"target": target.URL + "/health", "interval": "1s", "timeout": "500ms", "down_after": 2, "up_after": 1,
			"http": map[string]any{"expect_status": []int{200}, "body_contains": `"ok"`}})
		path := "/api/v1/monitors/" + m["id"].(string)
		if m["state"] != "unknown" || m["interval"] != 1.0 {
			t.Fatalf("a new monitor: %v", m)
		}
		waitState := func(want string) map[string]any {
			t.Helper()
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				if got := c.must(200, "GET", path, nil); got["state"] == want {
					return got
				}
			}
			t.Fatalf("the monitor is not %s within 10 s: %v", want, c.must(200, "GET", path, nil))
			return nil
		}
		waitState("up")
		failing.Store(true)
		down := waitState("down")
		if down["last_error"] == "" || down["incident_id"] == "" {
			t.Fatalf("a down monitor: %v", down)
		}
		list := c.must(200, "GET", "/api/v1/tickets?service_id="+sid+"&type=incident", nil)
		if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != down["incident_id"] {
			t.Fatalf("incidents of the service: %v; want the one the monitor opened", list["items"])
		}
		time.Sleep(1500 * time.Millisecond) // more failures attach to it
		failing.Store(false)
		waitState("up")
		if items := c.must(200, "GET", "/api/v1/tickets?service_id="+sid+"&type=incident", nil)["items"].([]any); len(items) != 1 {
			t.Fatalf("%d incidents for one outage", len(items))
		}
		q := fmt.Sprintf("%s/availability?from=%s&to=%s", path, began.Add(-time.Minute).UTC().Format(time.RFC3339), time.Now().Add(time.Minute).UTC().Format(time.RFC3339))
		a := c.must(200, "GET", q, nil)
		if a["monitored_seconds"].(float64) < 2 || a["down_seconds"].(float64) < 2 || a["failed_checks"].(float64) < 2 ||
			a["checks"].(float64) <= a["failed_checks"].(float64) || a["failure_rate"].(float64) <= 0 {
			t.Fatalf("availability %v", a)
		}

		// Bad input names its field and stores nothing.
		for body, field := range map[string]string{
			`{"service_id":"` + sid + `","name":"x","type":"http","target":"http://h/","interval":"soon"}`:          "interval",
			`{"service_id":"` + sid + `","name":"x","type":"ping","target":"h"}`:                                    "type",
			`{"service_id":"` + sid + `","name":"x","type":"http","target":"http://h/","http":{"max_latency":"x"}}`: "http.max_latency",
		} {
			if code, p := c.do("POST", "/api/v1/monitors", body); code != 422 || p["field"] != field {
				t.Errorf("%s: %d %v; want 422 naming %s", body, code, p, field)
			}
		}
		if items := c.must(200, "GET", "/api/v1/monitors?service_id="+sid, nil)["items"].([]any); len(items) != 1 {
			t.Fatalf("%d monitors after refused ones", len(items))
		}
		if code, p := c.do("GET", path+"/availability?from=yesterday&to=now", nil); code != 422 || p["field"] != "from" {
			t.Errorf("a bad period: %d %v", code, p)
		}
	})
}

// A heartbeat monitor goes down when its job stops pinging, and up when it
// pings again; the ping URL needs no token but its own secret.
func TestHeartbeatEndToEnd(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		_, c := start(t, dsn)
		svc := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Nightly backup"})
		m := c.must(201, "POST", "/api/v1/monitors", map[string]any{"service_id": svc["id"], "name": "Backup job", "type": "heartbeat",
			"interval": "1s", "timeout": "1s", "down_after": 1, "heartbeat": map[string]any{"grace": "500ms"}})
		hb := m["heartbeat"].(map[string]any)
		ping := hb["ping_path"].(string)
		if len(hb["token"].(string)) < 30 || !strings.HasSuffix(ping, hb["token"].(string)) {
			t.Fatalf("heartbeat settings %v", hb)
		}
		path := "/api/v1/monitors/" + m["id"].(string)
		waitFor := func(state string) {
			t.Helper()
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				if c.must(200, "GET", path, nil)["state"] == state {
					return
				}
			}
			t.Fatalf("the heartbeat is not %s within 10 s: %v", state, c.must(200, "GET", path, nil))
		}
		waitFor("down") // never pinged
		anon := &client{t: t, base: c.base}
		for range 3 {
			anon.must(200, "POST", ping, nil)
			time.Sleep(300 * time.Millisecond)
		}
		waitFor("up")
		if code, _ := anon.do("POST", "/api/v1/heartbeats/not-a-token", nil); code != 404 {
			t.Fatalf("an unknown heartbeat answered %d", code)
		}
		if got := c.must(200, "GET", path, nil); !strings.Contains(fmt.Sprint(got["heartbeat"]), "last_ping") {
			t.Fatalf("no last ping: %v", got)
		}
	})
}

func TestMaintenanceAndSilencesAPI(t *testing.T) {
	_, c := start(t, testdb.SQLite(t))
	svc := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "payments"})
	now := time.Now().UTC()
	w := c.must(201, "POST", "/api/v1/maintenance-windows", map[string]any{"service_id": svc["id"], "title": "Upgrade",
		"starts_at": now.Add(-time.Minute).Format(time.RFC3339), "ends_at": now.Add(time.Hour).Format(time.RFC3339)})
	if code, p := c.do("POST", "/api/v1/maintenance-windows", map[string]any{"title": "x", "starts_at": now.Format(time.RFC3339),
		"ends_at": now.Add(-time.Hour).Format(time.RFC3339)}); code != 422 || p["field"] != "ends_at" {
		t.Fatalf("a window ending before it starts: %d %v", code, p)
	}
	in := c.must(200, "POST", "/api/v1/integrations/webhook", map[string]any{"service": "payments", "name": "Down"})
	if in["suppressed"] != 1.0 || len(in["opened"].([]any)) != 0 {
		t.Fatalf("an alert in maintenance: %v", in)
	}
	c.must(204, "DELETE", "/api/v1/maintenance-windows/"+w["id"].(string), nil)
	s := c.must(201, "POST", "/api/v1/silences", map[string]any{"matchers": map[string]string{"alertname": "Noisy"},
		"ends_at": now.Add(time.Hour).Format(time.RFC3339), "comment": "flapping"})
	if items := c.must(200, "GET", "/api/v1/silences", nil)["items"].([]any); len(items) != 1 {
		t.Fatalf("silences %v", items)
	}
	if code, p := c.do("POST", "/api/v1/silences", map[string]any{"ends_at": now.Add(time.Hour).Format(time.RFC3339)}); code != 422 || p["field"] != "matchers" {
		t.Fatalf("a silence of everything: %d %v", code, p)
	}
	c.must(204, "DELETE", "/api/v1/silences/"+s["id"].(string), nil)
	c.must(404, "DELETE", "/api/v1/silences/"+s["id"].(string), nil)
}
