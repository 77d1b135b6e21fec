package probe_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/probe"
)

func TestTLSCheck(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	target := strings.TrimPrefix(srv.URL, "https://")
	expires := srv.Certificate().NotAfter
	c := probe.NewChecker()
	c.Now = func() time.Time { return expires.Add(-30 * 24 * time.Hour) } // 30 days before expiry
	check := func(tc sqm.TLSCheck) sqm.CheckResult {
		m := sqm.Monitor{ID: "1", Type: sqm.MonitorTLS, Target: target, Timeout: 5 * time.Second, TLS: &tc}
		return c.Check(context.Background(), m)
	}
	if r := check(sqm.TLSCheck{WarnDays: 14, SkipVerify: true}); !r.OK {
		t.Errorf("30 days left, warning from 14: %+v", r)
	}
	if r := check(sqm.TLSCheck{WarnDays: 45, SkipVerify: true}); r.OK || !strings.Contains(r.Error, "expires in 30 days") {
		t.Errorf("30 days left, warning from 45: %+v", r)
	}
	if r := check(sqm.TLSCheck{WarnDays: 14}); r.OK || !strings.Contains(r.Error, "certificate") {
		t.Errorf("an untrusted chain verified: %+v", r)
	}
	c.Now = func() time.Time { return expires.Add(time.Hour) }
	if r := check(sqm.TLSCheck{WarnDays: 14, SkipVerify: true}); r.OK || !strings.Contains(r.Error, "expired") {
		t.Errorf("an expired certificate: %+v", r)
	}
}

func TestHTTPCheckConditions(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Probe") != "yes" {
			http.Error(w, "no header", http.StatusForbidden)
			return
		}
		if r.URL.Path == "/slow" {
			time.Sleep(300 * time.Millisecond)
		}
		w.Write([]byte(`{"status":"ok","version":"1.4.2"}`))
	}))
	defer srv.Close()
	c := probe.NewChecker()
	for _, tc := range []struct {
		path string
		h    sqm.HTTPCheck
		ok   bool
		why  string
	}{
		{"/", sqm.HTTPCheck{Method: "GET", Headers: map[string]string{"X-Probe": "yes"}, ExpectStatus: []int{200}, BodyContains: `"ok"`}, true, ""},
		{"/", sqm.HTTPCheck{Method: "GET", ExpectStatus: []int{200}}, false, "status 403, expected 200"},
		{"/", sqm.HTTPCheck{Method: "GET", Headers: map[string]string{"X-Probe": "yes"}, BodyRegex: `"version":"1\.[0-9]+`}, true, ""},
		{"/", sqm.HTTPCheck{Method: "GET", Headers: map[string]string{"X-Probe": "yes"}, BodyContains: "degraded"}, false, "does not contain"},
		{"/slow", sqm.HTTPCheck{Method: "GET", Headers: map[string]string{"X-Probe": "yes"}, MaxLatency: 100 * time.Millisecond}, false, "over the limit"},
		{"/slow", sqm.HTTPCheck{Method: "GET", Headers: map[string]string{"X-Probe": "yes"}}, false, "timeout"},
	} {
		timeout := time.Second
		if tc.why == "timeout" {
			timeout = 100 * time.Millisecond
		}
		r := c.Check(context.Background(), sqm.Monitor{ID: "1", Type: sqm.MonitorHTTP, Target: srv.URL + tc.path, Timeout: timeout, HTTP: &tc.h})
		if r.OK != tc.ok || !strings.Contains(r.Error, tc.why) {
			t.Errorf("%s %+v: ok %v, error %q; want ok %v and %q", tc.path, tc.h, r.OK, r.Error, tc.ok, tc.why)
		}
	}
}
