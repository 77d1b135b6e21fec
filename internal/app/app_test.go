package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/app"
	"github.com/sqmhq/sqm/internal/testdb"
)

// client talks to a running sqm over real HTTP.
type client struct {
	t     *testing.T
	base  string
	token string
}

func (c *client) do(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		r = bytes.NewReader(buf)
	}
	req, _ := http.NewRequest(method, c.base+path, r)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return resp.StatusCode, out
}

// text fetches a page as text.
func (c *client) text(path string) string {
	c.t.Helper()
	resp, err := http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// must sends a request and fails the test unless it answers want.
func (c *client) must(want int, method, path string, body any) map[string]any {
	c.t.Helper()
	got, out := c.do(method, path, body)
	if got != want {
		c.t.Fatalf("%s %s: status %d, want %d: %v", method, path, got, want, out)
	}
	return out
}

// start runs sqm on 127.0.0.1:0 and returns an admin client.
func start(t *testing.T, dsn string) (*app.App, *client) {
	t.Helper()
	ctx := context.Background()
	a, err := app.New(ctx, app.Config{Addr: "127.0.0.1:0", DSN: dsn, Sweep: 200 * time.Millisecond, ProbeRefresh: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Stop(context.Background()) })
	tok, err := a.DB.CreateToken(sqm.WithActor(ctx, sqm.SystemActor), "admin", "test")
	if err != nil {
		t.Fatal(err)
	}
	return a, &client{t: t, base: "http://" + a.Addr(), token: tok.Secret}
}

func TestAPI(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		_, c := start(t, dsn)
		cal := c.must(201, "POST", "/api/v1/calendars", map[string]any{
			"name": "Office", "timezone": "Asia/Shanghai",
			"hours":    map[string][]string{"mon": {"09:00-12:00", "13:30-18:00"}, "tue": {"09:00-12:00", "13:30-18:00"}},
			"holidays": []string{"2026-10-01"}, "workdays": []string{"2026-09-27"}, "holiday_set": "cn"})
		pol := c.must(201, "POST", "/api/v1/sla-policies", map[string]any{
			"name": "Gold", "calendar_id": cal["id"], "pause_statuses": []string{"waiting_on_customer"}, "warn_at_percent": 80,
			"targets": map[string]any{
				"P1": map[string]string{"first_response": "15m", "resolution": "4h"},
				"P2": map[string]string{"first_response": "30m", "resolution": "8h"},
				"P3": map[string]string{"first_response": "2h", "resolution": "24h"},
				"P4": map[string]any{"first_response": 14400, "resolution": "40h"}}})
		if tg := pol["targets"].(map[string]any)["P1"].(map[string]any); tg["first_response"] != 900.0 || tg["resolution"] != 14400.0 {
			t.Fatalf("targets are integer seconds on output: %v", tg)
		}
		svc := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Payments"})
		tk := c.must(201, "POST", "/api/v1/tickets", map[string]any{"service_id": svc["id"], "type": "incident",
			"priority": "P1", "title": "Checkout fails", "description": "HTTP 500 on pay"})
		id := tk["id"].(string)
		fr := tk["sla"].(map[string]any)["first_response"].(map[string]any)
		if fr["state"] != "running" || fr["target_seconds"] != 3600.0 || fr["met_at"] != nil || fr["due_at"] == nil {
			t.Fatalf("a new ticket's first response clock on the default policy: %v", fr)
		}
		c.must(201, "POST", "/api/v1/tickets/"+id+"/events", map[string]any{"type": "comment", "public": true, "body": "Looking into it"})
		got := c.must(200, "GET", "/api/v1/tickets/"+id, nil)
		fr = got["sla"].(map[string]any)["first_response"].(map[string]any)
		if fr["state"] != "met" || fr["met_at"] == nil {
			t.Fatalf("after a public reply: %v", fr)
		}
		if n := len(got["events"].([]any)); n != 2 {
			t.Fatalf("timeline has %d events, want opened and comment", n)
		}
		q := c.must(200, "GET", "/api/v1/tickets?service_id="+svc["id"].(string)+"&type=incident&sla_state=running&limit=10", nil)
		if items := q["items"].([]any); len(items) != 1 {
			t.Fatalf("queue: %v", q)
		}
		sc := c.must(200, "GET", "/api/v1/scorecard?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&service_id="+svc["id"].(string), nil)
		if f := sc["first_response"].(map[string]any); f["tickets"] != 1.0 || f["met"] != 1.0 || f["attainment"] != 1.0 {
			t.Fatalf("scorecard: %v", sc)
		}
		audit := c.must(200, "GET", "/api/v1/audit?object_type=ticket", nil)
		if n := len(audit["items"].([]any)); n != 2 {
			t.Fatalf("audit of tickets: %v", audit)
		}
		imp := c.must(201, "POST", "/api/v1/import/tickets", map[string]any{"tickets": []any{map[string]any{
			"ref": "LEGACY-1", "service_id": svc["id"], "type": "request", "priority": "P3", "title": "Old request",
			"opened_at": "2026-01-05T09:00:00+08:00", "events": []any{
				map[string]any{"at": "2026-01-05T09:30:00+08:00", "type": "comment", "by": "requester", "public": true, "body": "any news?"},
				map[string]any{"at": "2026-01-05T10:00:00+08:00", "type": "ack"},
				map[string]any{"at": "2026-01-05T11:00:00+08:00", "type": "status", "status": "resolved"}}}}})
		if r := imp["tickets"].([]any)[0].(map[string]any); r["ref"] != "LEGACY-1" || r["id"] == "" {
			t.Fatalf("import: %v", imp)
		}
	})
}

func TestAPIErrors(t *testing.T) {
	testdb.Each(t, testAPIErrors)
}

func testAPIErrors(t *testing.T, dsn string) {
	_, c := start(t, dsn)
	svc := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Payments"})
	tk := c.must(201, "POST", "/api/v1/tickets", map[string]any{"service_id": svc["id"], "type": "incident", "priority": "P1", "title": "x"})
	viewer := &client{t: t, base: c.base}
	c.must(201, "POST", "/api/v1/users", map[string]any{"name": "vera", "role": "viewer"})
	viewer.token = c.must(201, "POST", "/api/v1/tokens", map[string]any{"user": "vera"})["token"].(string)
	anonymous := &client{t: t, base: c.base}
	huge := `{"service_id":"1","type":"incident","priority":"P1","title":"x","description":"` + strings.Repeat("a", 2<<20) + `"}`
	tests := []struct {
		name         string
		c            *client
		method, path string
		body         any
		status       int
		field        string
	}{
		{"no token", anonymous, "GET", "/api/v1/tickets", nil, 401, ""},
		{"a wrong token", &client{t: t, base: c.base, token: "sqm_nope"}, "GET", "/api/v1/tickets", nil, 401, ""},
		{"a viewer opening a ticket", viewer, "POST", "/api/v1/tickets", map[string]any{"service_id": svc["id"], "type": "incident", "priority": "P1", "title": "x"}, 403, ""},
		{"a missing ticket", c, "GET", "/api/v1/tickets/424242", nil, 404, ""},
		{"a malformed ID", c, "GET", "/api/v1/tickets/abc", nil, 404, ""},
		{"malformed JSON", c, "POST", "/api/v1/tickets", `{"title":`, 400, ""},
		{"an unknown field", c, "POST", "/api/v1/tickets", map[string]any{"service_id": svc["id"], "titel": "x"}, 422, "titel"},
		{"a wrong JSON type", c, "POST", "/api/v1/tickets", map[string]any{"service_id": 1}, 422, "service_id"},
		{"an invalid priority", c, "POST", "/api/v1/tickets", map[string]any{"service_id": svc["id"], "type": "incident", "priority": "P0", "title": "x"}, 422, "priority"},
		{"a body over the limit", c, "POST", "/api/v1/tickets", huge, 413, ""},
		{"a bad duration", c, "POST", "/api/v1/sla-policies", map[string]any{"name": "x", "calendar_id": "1",
			"targets": map[string]any{"P1": map[string]string{"first_response": "soon"}}}, 422, "targets.P1.first_response"},
		{"a backdated event", c, "POST", fmt.Sprintf("/api/v1/tickets/%s/events", tk["id"]), map[string]any{"type": "ack", "at": "2026-01-01T00:00:00Z"}, 422, "at"},
		{"a status that does not change", c, "POST", fmt.Sprintf("/api/v1/tickets/%s/events", tk["id"]), map[string]any{"type": "status", "status": "new"}, 409, "status"},
		{"a duplicate service name", c, "POST", "/api/v1/services", map[string]any{"name": "Payments"}, 409, "name"},
		{"a bad cursor", c, "GET", "/api/v1/tickets?cursor=zzz", nil, 422, "cursor"},
		{"a bad scorecard period", c, "GET", "/api/v1/scorecard?from=yesterday&to=2026-01-01T00:00:00Z", nil, 422, "from"},
		{"an unknown endpoint", c, "GET", "/api/v1/nothing", nil, 404, ""},
		{"a method the endpoint does not take", c, "DELETE", "/api/v1/tickets", nil, 405, ""},
		{"a duplicate user name", c, "POST", "/api/v1/users", map[string]any{"name": "vera", "role": "agent"}, 409, "name"},
		{"a body that is not an object", c, "POST", "/api/v1/tickets", `["x"]`, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := tt.c.do(tt.method, tt.path, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %v", status, tt.status, out)
			}
			if out["status"] != float64(tt.status) || out["detail"] == "" || out["title"] == "" {
				t.Fatalf("not a problem document: %v", out)
			}
			if f, _ := out["field"].(string); f != tt.field {
				t.Fatalf("field %q, want %q: %v", f, tt.field, out)
			}
		})
	}
	list := c.must(200, "GET", "/api/v1/tickets", nil)
	if n := len(list["items"].([]any)); n != 1 {
		t.Fatalf("refused requests created tickets: %d", n)
	}
}

func TestOperationsEndpoints(t *testing.T) {
	_, c := start(t, testdb.SQLite(t))
	for _, path := range []string{"/healthz", "/readyz", "/api/v1/openapi.json"} {
		c.must(200, "GET", path, nil)
	}
	body := c.text("/metrics")
	for _, want := range []string{"sqm_sla_events_total", "sqm_http_request_duration_seconds", "sqm_sla_sweep_runs_total"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// The sweep writes warning and breach events within 5 seconds of their
// instants, on a real clock.
func TestSweepOnTime(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		_, c := start(t, dsn)
		targets := map[string]any{}
		for _, p := range []string{"P1", "P2", "P3", "P4"} {
			targets[p] = map[string]string{"first_response": "2s", "resolution": "1h"}
		}
		pol := c.must(201, "POST", "/api/v1/sla-policies", map[string]any{"name": "Instant", "calendar_id": "1", "targets": targets, "warn_at_percent": 50})
		svc := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Fast", "sla_policy_id": pol["id"]})
		tk := c.must(201, "POST", "/api/v1/tickets", map[string]any{"service_id": svc["id"], "type": "incident", "priority": "P1", "title": "x"})
		due, _ := time.Parse(time.RFC3339, tk["sla"].(map[string]any)["first_response"].(map[string]any)["due_at"].(string))
		for time.Now().Before(due.Add(5 * time.Second)) {
			time.Sleep(100 * time.Millisecond)
			got := c.must(200, "GET", "/api/v1/tickets/"+tk["id"].(string), nil)
			var seen []string
			for _, e := range got["events"].([]any) {
				ev := e.(map[string]any)
				if ev["clock"] == "first_response" {
					seen = append(seen, ev["type"].(string))
				}
			}
			if len(seen) == 2 {
				if seen[0] != "sla_warning" || seen[1] != "sla_breached" {
					t.Fatalf("events %v", seen)
				}
				metrics := c.text("/metrics")
				for _, want := range []string{`sqm_sla_events_total{clock="first_response",type="sla_warning"} 1`,
					`sqm_sla_events_total{clock="first_response",type="sla_breached"} 1`} {
					if !strings.Contains(metrics, want) {
						t.Errorf("/metrics lacks %s", want)
					}
				}
				return
			}
		}
		t.Fatal("no warning and breach within 5 seconds of the due instant")
	})
}
