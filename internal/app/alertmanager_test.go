package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm/internal/testdb"
	"github.com/sqmhq/sqm/internal/testpeer"
)

// alertmanager starts Debian's prometheus-alertmanager with sqm as its
// webhook receiver; without it the test skips, unless CI is set.
func alertmanager(t *testing.T, sqmBase, token string) string {
	t.Helper()
	bin := testpeer.Find(t, "prometheus-alertmanager")
	dir := t.TempDir()
	config := fmt.Sprintf(`route:
  receiver: sqm
  group_by: [service, alertname]
  group_wait: 200ms
  group_interval: 500ms
  repeat_interval: 1s
receivers:
  - name: sqm
    webhook_configs:
      - url: %s/api/v1/integrations/alertmanager?auto_resolve=true
        send_resolved: true
        http_config:
          authorization:
            credentials: %s
`, sqmBase, token)
	if err := os.WriteFile(filepath.Join(dir, "am.yml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := testpeer.FreeAddr(t)
	return testpeer.Start(t, bin, addr, "--config.file="+filepath.Join(dir, "am.yml"), "--storage.path="+dir,
		"--web.listen-address="+addr, "--cluster.listen-address=", "--log.level=warn")
}

// post sends alerts to Alertmanager's API, as Prometheus would.
func postAlerts(t *testing.T, am string, alerts ...map[string]any) {
	t.Helper()
	b, _ := json.Marshal(alerts)
	resp, err := http.Post(am+"/api/v2/alerts", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("alertmanager refused the alerts: %s", resp.Status)
	}
}

func amAlert(service, name, severity string, ends time.Time) map[string]any {
	a := map[string]any{"labels": map[string]string{"alertname": name, "service": service, "severity": severity},
		"annotations": map[string]string{"summary": name + " on " + service}}
	if !ends.IsZero() {
		a["endsAt"] = ends.UTC().Format(time.RFC3339Nano)
	}
	return a
}

// Alerts posted to a real Alertmanager reach sqm through its webhook: one
// incident per group, repeats deduplicated, resolved when the group is.
func TestAlertmanagerIntake(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		_, c := start(t, dsn)
		am := alertmanager(t, c.base, c.token)
		svc := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "payments"})
		sid := svc["id"].(string)
		incidents := func() []any {
			return c.must(200, "GET", "/api/v1/tickets?type=incident&service_id="+sid, nil)["items"].([]any)
		}
		wait := func(what string, ok func() bool) {
			t.Helper()
			for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				if ok() {
					return
				}
			}
			t.Fatalf("not within 20 s: %s; incidents %v; alerts %v", what, incidents(), c.must(200, "GET", "/api/v1/alerts", nil)["items"])
		}

		// Two groups (by alertname): two incidents; the second alert of the
		// first group joins its incident.
		postAlerts(t, am, amAlert("payments", "HighErrorRate", "critical", time.Time{}), amAlert("payments", "SlowCheckout", "warning", time.Time{}))
		wait("two incidents", func() bool { return len(incidents()) == 2 })
		for _, inc := range incidents() {
			title, prio := inc.(map[string]any)["title"].(string), inc.(map[string]any)["priority"]
			if strings.Contains(title, "HighErrorRate") && prio != "P1" || strings.Contains(title, "SlowCheckout") && prio != "P3" {
				t.Errorf("incident %q has priority %v", title, prio)
			}
		}
		// Alertmanager repeats the groups every second: deduplicated.
		wait("repeats deduplicated", func() bool {
			for _, a := range c.must(200, "GET", "/api/v1/alerts?status=firing", nil)["items"].([]any) {
				if a.(map[string]any)["received"].(float64) >= 2 {
					return true
				}
			}
			return false
		})
		if n := len(incidents()); n != 2 {
			t.Fatalf("%d incidents after repeats; want 2", n)
		}

		// Resolving one group's alert resolves its incident (auto_resolve);
		// the other stays open.
		postAlerts(t, am, amAlert("payments", "HighErrorRate", "critical", time.Now().Add(-time.Second)))
		wait("the resolved group's incident resolved", func() bool {
			for _, inc := range incidents() {
				m := inc.(map[string]any)
				if strings.Contains(m["title"].(string), "HighErrorRate") {
					return m["status"] == "resolved"
				}
			}
			return false
		})
		for _, inc := range incidents() {
			m := inc.(map[string]any)
			if strings.Contains(m["title"].(string), "SlowCheckout") && m["status"] == "resolved" {
				t.Fatal("the other group's incident was resolved too")
			}
		}
	})
}
