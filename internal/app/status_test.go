package app_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/app"
	"github.com/sqmhq/sqm/internal/testdb"
)

// fetch GETs a page as a stranger would: no cookie, no token, no redirect
// followed, optionally with an Accept-Language.
func fetch(t *testing.T, url, lang string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var statusBars = regexp.MustCompile(`(?s)<svg class="sp-bars"[^>]*>(.*?)</svg>`)

// barCounts is the number of bars in each service's chart.
func barCounts(body string) []int {
	var out []int
	for _, m := range statusBars.FindAllStringSubmatch(body, -1) {
		out = append(out, strings.Count(m[1], "<rect "))
	}
	return out
}

// waitMonitor waits until a monitor's checks find it in the state wanted.
func waitMonitor(t *testing.T, c *client, id, want string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if c.must(200, "GET", "/api/v1/monitors/"+id, nil)["state"] == want {
			return
		}
	}
	t.Fatalf("monitor %s is not %s within 15 s", id, want)
}

// history creates a paused monitor on a service, records its checks of the
// past days (one every six hours, failing through each outage), then lets
// the scheduler check it: a status page shows bars of every colour.
func history(t *testing.T, a *app.App, c *client, serviceID, name string, days int, outages map[int]time.Duration) {
	t.Helper()
	m := c.must(201, "POST", "/api/v1/monitors", map[string]any{"service_id": serviceID, "name": name, "type": "http",
		"target": c.base + "/healthz", "interval": "1m", "timeout": "2s", "down_after": 1, "up_after": 1, "auto_resolve": true, "paused": true})
	id := m["id"].(string)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	var results []sqm.CheckResult
	for d := days; d >= 1; d-- {
		day := today.AddDate(0, 0, -d)
		down, failed := outages[d]
		from := day.Add(13 * time.Hour) // an outage starts at 13:00
		for h := time.Duration(0); h < 24*time.Hour; h += 6 * time.Hour {
			if at := day.Add(h); !failed || at.Before(from) || !at.Before(from.Add(down)) {
				results = append(results, sqm.CheckResult{MonitorID: id, At: at, OK: true, Latency: 40 * time.Millisecond})
			}
		}
		if failed {
			results = append(results, sqm.CheckResult{MonitorID: id, At: from, OK: false, Error: "status 502"},
				sqm.CheckResult{MonitorID: id, At: from.Add(down), OK: true})
		}
	}
	slices.SortFunc(results, func(a, b sqm.CheckResult) int { return a.At.Compare(b.At) })
	if err := a.DB.RecordChecks(sqm.WithActor(context.Background(), sqm.SystemActor), results); err != nil {
		t.Fatal(err)
	}
	m["paused"] = false
	for _, k := range []string{"id", "state", "state_since", "last_check_at", "last_error", "last_latency_ms", "incident_id", "created_at", "updated_at"} {
		delete(m, k)
	}
	c.must(200, "PUT", "/api/v1/monitors/"+id, m)
	waitMonitor(t, c, id, "up")
}

// A status page is public: anyone sees its services' state, 90 days of
// bars and the incidents of the last days without signing in, in English or
// Chinese; what its services and incidents are called is shown as text.
func TestPublicStatusPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		a, c := start(t, dsn)
		pay := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Payments"})
		evil := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "<script>alert(1)</script>"})
		page := c.must(201, "POST", "/api/v1/status-pages", map[string]any{"slug": "acme", "title": "Acme status",
			"description": "Our shop & its payments.", "service_ids": []any{pay["id"], evil["id"]}})
		if page["slug"] != "acme" || len(page["service_ids"].([]any)) != 2 {
			t.Fatalf("created %v", page)
		}
		if code, p := c.do("POST", "/api/v1/status-pages", map[string]any{"slug": "acme", "title": "again", "service_ids": []any{pay["id"]}}); code != 409 || p["field"] != "slug" {
			t.Fatalf("a taken slug: %d %v", code, p)
		}
		if code, p := c.do("POST", "/api/v1/status-pages", map[string]any{"slug": "Not OK", "title": "x", "service_ids": []any{pay["id"]}}); code != 422 || p["field"] != "slug" {
			t.Fatalf("a bad slug: %d %v", code, p)
		}

		// Before any check: the page shows, with grey bars and no verdict.
		resp, body := fetch(t, c.base+"/status/acme", "")
		if resp.StatusCode != 200 || !strings.Contains(body, "No monitoring data yet") {
			t.Fatalf("a page without checks: %d\n%s", resp.StatusCode, body)
		}

		// Both services up: all operational.
		history(t, a, c, pay["id"].(string), "Checkout", 30, map[int]time.Duration{5: 6 * time.Hour})
		up := c.must(201, "POST", "/api/v1/monitors", map[string]any{"service_id": evil["id"], "name": "Health", "type": "http",
			"target": c.base + "/healthz", "interval": "1s", "timeout": "500ms"})
		waitMonitor(t, c, up["id"].(string), "up")
		resp, body = fetch(t, c.base+"/status/acme", "")
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: a signed-out visitor is not shown the page", resp.StatusCode)
		}
		if bars := barCounts(body); len(bars) != 2 || bars[0] != 90 || bars[1] != 90 {
			t.Fatalf("bars per service: %v; want 90 for each of two", bars)
		}
		for _, want := range []string{"All systems operational", "Acme status", "Our shop &amp; its payments.", "Payments",
			"&lt;script&gt;alert(1)&lt;/script&gt;", `class="bad"`, `class="ok"`, `class="none"`, "75.00%", "Operational"} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if strings.Contains(body, "<script>alert(1)") {
			t.Error("a service's name is shown as markup")
		}
		if strings.Contains(body, `href="/tickets"`) || strings.Contains(body, "Sign out") || strings.Contains(body, `name="csrf"`) {
			t.Error("the public page shows the console's navigation")
		}
		h := resp.Header
		if !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") || h.Get("X-Frame-Options") != "DENY" ||
			h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			t.Errorf("headers %v", h)
		}

		// A monitor goes down and an incident opens, with a private
		// description: a partial outage; only the title is public.
		dead := c.must(201, "POST", "/api/v1/monitors", map[string]any{"service_id": pay["id"], "name": "Card gateway", "type": "http",
			"target": "http://127.0.0.1:9/health", "interval": "1s", "timeout": "500ms", "down_after": 1})
		waitMonitor(t, c, dead["id"].(string), "down")
		c.must(201, "POST", "/api/v1/tickets", map[string]any{"service_id": pay["id"], "type": "incident", "priority": "P1",
			"title": "Card payments fail", "description": "the private key leaked: k3y"})
		_, body = fetch(t, c.base+"/status/acme", "")
		for _, want := range []string{"Partial outage", "Card payments fail", "Card gateway is down", "Outage"} {
			if !strings.Contains(body, want) {
				t.Errorf("with a monitor down, the page lacks %q", want)
			}
		}
		if strings.Contains(body, "k3y") || strings.Contains(body, "connection refused") {
			t.Error("the page shows an incident's description or a check's error")
		}

		// Past incidents: one resolved three days ago after 90 minutes is
		// listed under its day, its title shown as text and its
		// description not at all; one resolved 20 days ago is not.
		today := time.Now().UTC().Truncate(24 * time.Hour)
		past := func(title string, opened time.Time, lasted time.Duration) map[string]any {
			return map[string]any{"ref": title, "service_id": pay["id"], "type": "incident", "priority": "P2", "title": title,
				"description": "the private key leaked: k3y", "opened_at": opened.Format(time.RFC3339), "events": []any{
					map[string]any{"at": opened.Add(lasted).Format(time.RFC3339), "type": "status", "status": "resolved"}}}
		}
		c.must(201, "POST", "/api/v1/import/tickets", map[string]any{"tickets": []any{
			past("Checkout <script>alert(2)</script> failed", today.AddDate(0, 0, -3).Add(10*time.Hour), 90*time.Minute),
			past("Old outage", today.AddDate(0, 0, -20).Add(10*time.Hour), time.Hour)}})
		_, body = fetch(t, c.base+"/status/acme", "")
		_, history, _ := strings.Cut(body, `id="history-heading"`)
		day := today.AddDate(0, 0, -3).Format("2 Jan 2006")
		for _, want := range []string{"Past incidents", "No incidents reported.", `<time datetime="` + today.AddDate(0, 0, -3).Format(time.DateOnly) + `">` + day,
			"Checkout &lt;script&gt;alert(2)&lt;/script&gt; failed", "Resolved", day + " 10:00 – 11:30 UTC", "Lasted 1 h 30 min"} {
			if !strings.Contains(history, want) {
				t.Errorf("the history lacks %q", want)
			}
		}
		if strings.Contains(body, "<script>alert(2)") || strings.Contains(body, "Old outage") || strings.Contains(body, "k3y") {
			t.Error("the history shows a title as markup, an incident resolved 20 days ago or a description")
		}
		if n := strings.Count(history, `<div class="sp-day">`); n != sqm.HistoryDays {
			t.Errorf("the history has %d days; want %d", n, sqm.HistoryDays)
		}
		// A bar's tooltip says the day's uptime and how long it was down.
		if want := "· 75.00% uptime · down 6 h</title>"; !strings.Contains(body, want) {
			t.Errorf("no bar says %q", want)
		}
		resp, raw := fetch(t, c.base+"/api/v1/status/acme", "")
		if resp.StatusCode != 200 || !strings.Contains(raw, `"past_incidents":[{`) || !strings.Contains(raw, `"duration_seconds":5400`) ||
			strings.Contains(raw, "Old outage") || strings.Contains(raw, "k3y") {
			t.Errorf("the public JSON's history: %d %s", resp.StatusCode, raw)
		}

		// Chinese, from the browser's language or chosen.
		_, zh := fetch(t, c.base+"/status/acme", "zh-CN,zh;q=0.9")
		_, chosen := fetch(t, c.base+"/status/acme?lang=zh", "en")
		for _, b := range []string{zh, chosen} {
			if !strings.Contains(b, "部分服务中断") || !strings.Contains(b, `lang="zh-Hans"`) || !strings.Contains(b, "90 天前") {
				t.Errorf("the Chinese page lacks its labels")
			}
			for _, want := range []string{"历史事件", "当日无事件。", "已解决", "持续 1 小时 30 分钟", "可用率 75.00% · 中断 6 小时",
				today.AddDate(0, 0, -3).Format("2006年1月2日") + " 10:00 – 11:30 UTC"} {
				if !strings.Contains(b, want) {
					t.Errorf("the Chinese page lacks %q", want)
				}
			}
		}

		// The JSON is public too, and readable from other sites.
		resp, raw = fetch(t, c.base+"/api/v1/status/acme", "")
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(raw, `"state":"down"`) ||
			strings.Contains(raw, "k3y") {
			t.Fatalf("the public JSON: %d %s", resp.StatusCode, raw)
		}

		// An unknown or deleted page is a 404 page, public too.
		resp, body = fetch(t, c.base+"/status/nope", "")
		if resp.StatusCode != 404 || !strings.Contains(body, "No status page here") || strings.Contains(body, "/login") {
			t.Fatalf("an unknown page: %d\n%s", resp.StatusCode, body)
		}
		c.must(204, "DELETE", "/api/v1/status-pages/"+page["id"].(string), nil)
		if resp, _ := fetch(t, c.base+"/status/acme", ""); resp.StatusCode != 404 {
			t.Fatalf("a deleted page answers %d", resp.StatusCode)
		}
		if resp, _ := fetch(t, c.base+"/api/v1/status/acme", ""); resp.StatusCode != 404 {
			t.Fatalf("a deleted page's JSON answers %d", resp.StatusCode)
		}
		// The settings need a token.
		if resp, _ := fetch(t, c.base+"/api/v1/status-pages", ""); resp.StatusCode != 401 {
			t.Fatalf("the settings without a token: %d", resp.StatusCode)
		}
	})
}

// Managers create and delete status pages in the console; viewers may not.
func TestStatusPagesInConsole(t *testing.T) {
	a, c := start(t, testdb.SQLite(t))
	sys := sqm.WithActor(context.Background(), sqm.SystemActor)
	for name, role := range map[string]sqm.Role{"mia": sqm.RoleManager, "vera": sqm.RoleViewer} {
		if _, err := a.DB.CreateUser(sys, sqm.User{Name: name, Role: role}); err != nil {
			t.Fatal(err)
		}
		if err := a.DB.SetPassword(sys, name, name+"-password-1"); err != nil {
			t.Fatal(err)
		}
	}
	svc := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Payments"})
	m := signInHTTP(t, c.base, "mia", "mia-password-1")
	if body := m.adminGet("/admin"); !strings.Contains(body, `href="/admin/status-pages"`) {
		t.Fatal("the administration index has no status pages")
	}
	body := m.adminPost(422, "/admin/status-pages", m.adminForm("slug", "bad slug", "title", "Shop", "service_ids", svc["id"].(string)))
	if !strings.Contains(body, `id="slug" name="slug" value="bad slug"`) || !strings.Contains(body, `aria-invalid="true"`) {
		t.Fatalf("a bad slug is not shown back:\n%s", adminExcerpt(body))
	}
	m.adminPost(303, "/admin/status-pages", m.adminForm("slug", " Shop ", "title", "Shop status", "description", "d", "service_ids", svc["id"].(string)))
	body = m.adminGet("/admin/status-pages")
	if !strings.Contains(body, `href="/status/shop"`) || !strings.Contains(body, "Shop status") {
		t.Fatalf("the list lacks the new page:\n%s", adminExcerpt(body))
	}
	list := c.must(200, "GET", "/api/v1/status-pages", nil)["items"].([]any)
	id := list[0].(map[string]any)["id"].(string)
	m.adminPost(303, "/admin/status-pages/"+id, m.adminForm("title", "Shop, renamed", "service_ids", svc["id"].(string)))
	if got := c.must(200, "GET", "/api/v1/status-pages/"+id, nil); got["title"] != "Shop, renamed" || got["slug"] != "shop" {
		t.Fatalf("after editing: %v", got)
	}

	v := signInHTTP(t, c.base, "vera", "vera-password-1")
	if code, _ := v.get("/admin/status-pages"); code != http.StatusForbidden {
		t.Fatalf("a viewer sees the status pages' administration: %d", code)
	}
	if code, _ := v.post("/admin/status-pages/"+id+"/delete", map[string][]string{"csrf": {v.csrf}}); code != http.StatusForbidden {
		t.Fatalf("a viewer deletes a status page: %d", code)
	}
	m.adminPost(303, "/admin/status-pages/"+id+"/delete", m.adminForm())
	if items := c.must(200, "GET", "/api/v1/status-pages", nil)["items"].([]any); len(items) != 0 {
		t.Fatalf("%d pages after deleting", len(items))
	}
}
