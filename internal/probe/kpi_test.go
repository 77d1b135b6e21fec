package probe_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/probe"
	"github.com/sqmhq/sqm/internal/testpeer"
)

// prometheus starts Debian's prometheus scraping target every second; it
// skips without one, unless CI is set.
func prometheus(t *testing.T, target string) string {
	t.Helper()
	bin := testpeer.Find(t, "prometheus")
	dir := t.TempDir()
	cfg := fmt.Sprintf("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: [%q]\n", target)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := testpeer.FreeAddr(t)
	return testpeer.Start(t, bin, addr, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+addr, "--log.level=warn")
}

// A KPI check reads a real Prometheus: it passes while the error ratio is
// under its threshold, fails with the value when it is not, and fails when
// the query has no data.
func TestKPICheckAgainstPrometheus(t *testing.T) {
	var ratio atomic.Value
	ratio.Store("0.002")
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "# TYPE checkout_error_ratio gauge\ncheckout_error_ratio{route=\"/pay\"} %s\n", ratio.Load())
	}))
	defer app.Close()
	prom := prometheus(t, strings.TrimPrefix(app.URL, "http://"))
	c := probe.NewChecker()
	check := func(query, op string, threshold float64) sqm.CheckResult {
		return c.Check(context.Background(), sqm.Monitor{ID: "1", Type: sqm.MonitorKPI, Target: prom, Timeout: 5 * time.Second,
			KPI: &sqm.KPICheck{Query: query, Op: op, Threshold: threshold}})
	}
	wait := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if ok() {
				return
			}
		}
		t.Fatalf("not within 30 s: %s", what)
	}
	wait("the first scrape", func() bool { return check("checkout_error_ratio", "<", 0.01).OK })

	ratio.Store("0.05")
	var r sqm.CheckResult
	wait("the check failing after the ratio rose", func() bool { r = check("checkout_error_ratio", "<", 0.01); return !r.OK })
	if !strings.Contains(r.Error, "= 0.05, expected < 0.01") || !strings.Contains(r.Error, `route="/pay"`) {
		t.Fatalf("the failure says %q", r.Error)
	}
	if r := check("checkout_error_ratio", "<=", 0.05); !r.OK {
		t.Fatalf("0.05 <= 0.05: %+v", r)
	}
	if r := check(`absent_metric_for_sure`, "<", 1); r.OK || !strings.Contains(r.Error, "no data") {
		t.Fatalf("no data: %+v", r)
	}
	if r := check(`sum(`, "<", 1); r.OK || !strings.Contains(r.Error, "refused the query") {
		t.Fatalf("a bad query: %+v", r)
	}
	if r := check(`scalar(checkout_error_ratio)`, ">", 0.01); !r.OK {
		t.Fatalf("a scalar: %+v", r)
	}
}
