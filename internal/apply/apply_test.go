package apply_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/apply"
)

const example = `
monitors:
  - service: Payments API
    name: Checkout health
    type: http
    target: https://shop.example.com/health
    interval: 30s
    timeout: 5s
    down_after: 3
    priority: P1
    auto_resolve: true
    http:
      expect_status: [200]
      body_contains: '"ok"'
      max_latency: 800ms
  - service: Payments API
    name: Certificate
    type: tls
    target: shop.example.com:443
    interval: 1h
    tls: {warn_days: 21}
  - service: Payments API
    name: Error rate
    type: kpi
    target: http://prometheus:9090
    kpi: {query: 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))', op: "<", threshold: 0.01}
  - service: Nightly jobs
    name: Backup
    type: heartbeat
    interval: 24h
    heartbeat: {grace: 30m}
`

func TestParse(t *testing.T) {
	specs, err := apply.Parse(strings.NewReader(example))
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 4 {
		t.Fatalf("%d specs", len(specs))
	}
	h := specs[0]
	if h.Service != "Payments API" || h.Interval != 30*time.Second || h.HTTP.MaxLatency != 800*time.Millisecond ||
		h.HTTP.ExpectStatus[0] != 200 || !h.AutoResolve || h.Priority != sqm.P1 {
		t.Fatalf("the HTTP monitor: %+v %+v", h, h.HTTP)
	}
	if specs[1].TLS.WarnDays != 21 || specs[2].KPI.Op != "<" || specs[2].KPI.Threshold != 0.01 || specs[3].Heartbeat.Grace != 30*time.Minute {
		t.Fatalf("settings: %+v %+v %+v", specs[1].TLS, specs[2].KPI, specs[3].Heartbeat)
	}
}

func TestParseRefuses(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"", "empty"},
		{"monitors:\n  - service: A\n    name: x\n    intervall: 30s\n", "line 4: field intervall not found"},
		{"monitors:\n  - name: x\n", "monitors[0].service"},
		{"monitors:\n  - service: A\n    name: x\n    interval: soon\n", "monitors[0].interval"},
		{"monitors: [1, 2]\n", "not valid YAML"},
		{"monitors: []\n---\nmonitors: []\n", "more than one"},
	} {
		_, err := apply.Parse(strings.NewReader(c.yaml))
		if err == nil || !strings.Contains(err.Error()+" "+sqm.ErrorField(err), c.want) {
			t.Errorf("%q: %v; want it to mention %q", c.yaml, err, c.want)
		}
	}
}

// Whatever the bytes, parsing never panics, and what it accepts is named.
func FuzzParse(f *testing.F) {
	f.Add([]byte(example))
	f.Add([]byte("monitors:\n  - service: A\n    name: x\n    type: tcp\n    target: h:1\n"))
	f.Add([]byte("monitors: {a: b}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		specs, err := apply.Parse(strings.NewReader(string(b)))
		if err != nil {
			return
		}
		for _, s := range specs {
			if s.Service == "" {
				t.Fatalf("a spec without a service: %+v", s)
			}
		}
	})
}
