package app_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

// post sends a form as a stranger's browser would, without following the
// redirect.
func post(t *testing.T, target string, form url.Values) (*http.Response, string) {
	t.Helper()
	cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := cl.PostForm(target, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

const xss = `<script>alert("x")</script><img src=x onerror=alert(1)>`

// The portal's closed loop over real HTTP: a stranger submits, follows the
// tracking link and replies; the agent answers and resolves; the survey is
// answered once; the scorecard's CSAT moves. Whatever the stranger typed is
// shown back as text on every page.
func TestFeedbackPortal(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		a, c := start(t, dsn)
		if _, err := a.DB.CreateUser(sqm.WithActor(context.Background(), sqm.SystemActor), sqm.User{Name: "agnes", Role: sqm.RoleAgent}); err != nil {
			t.Fatal(err)
		}
		svc := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Mobile app"})
		sid := svc["id"].(string)

		// The form lists the services and the kinds, in Chinese when asked.
		_, body := fetch(t, c.base+"/portal", "zh-CN")
		for _, want := range []string{"意见反馈", "功能故障", `<option value="` + sid + `"`, "Mobile app", `name="website"`} {
			if !strings.Contains(body, want) {
				t.Fatalf("the form lacks %q", want)
			}
		}

		// A bad submission shows the form again with the field's message,
		// keeps what was typed (escaped), and opens nothing.
		resp, body := post(t, c.base+"/portal/feedback?lang=en", url.Values{"kind": {"bug"}, "service": {sid}, "title": {xss},
			"description": {"x"}, "email": {"not-an-address"}})
		if resp.StatusCode != 422 || !strings.Contains(body, "Enter an e-mail address") || strings.Contains(body, xss) ||
			!strings.Contains(body, html.EscapeString(xss)) {
			t.Fatalf("a bad address: %d\n%s", resp.StatusCode, body)
		}
		if out := c.must(200, "GET", "/api/v1/tickets?type=feedback", nil); len(out["items"].([]any)) != 0 {
			t.Fatal("a refused submission opened a ticket")
		}

		// A bot filling the honeypot is thanked and nothing is kept.
		resp, _ = post(t, c.base+"/portal/feedback", url.Values{"kind": {"bug"}, "service": {sid}, "title": {"t"}, "description": {"d"}, "website": {"http://spam"}})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/portal?sent=1" {
			t.Fatalf("the honeypot: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}

		// The contract: form fields kind, service, title, description, email;
		// a redirect to the tracking page. The service may be named.
		resp, _ = post(t, c.base+"/portal/feedback", url.Values{"kind": {"bug"}, "service": {"Mobile app"}, "title": {xss},
			"description": {"Crashes on start " + xss}, "email": {"li@example.com"}})
		loc := resp.Header.Get("Location")
		if resp.StatusCode != 303 || !strings.HasPrefix(loc, "/portal/t/") {
			t.Fatalf("submit: %d %q", resp.StatusCode, loc)
		}
		resp, body = fetch(t, c.base+loc, "")
		if resp.StatusCode != 200 || strings.Contains(body, xss) || !strings.Contains(body, html.EscapeString(xss)) ||
			!strings.Contains(body, "Received") || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("the tracking page: %d\n%s", resp.StatusCode, body)
		}
		list := c.must(200, "GET", "/api/v1/tickets?type=feedback&service_id="+sid, nil)["items"].([]any)
		if len(list) != 1 {
			t.Fatalf("feedback tickets: %v", list)
		}
		tid := list[0].(map[string]any)["id"].(string)

		// The submitter replies through the link.
		resp, _ = post(t, c.base+loc+"/reply", url.Values{"body": {"Also on iOS " + xss}})
		if resp.StatusCode != 303 {
			t.Fatalf("reply: %d", resp.StatusCode)
		}

		// The loop is closed before resolving: 409 without a public reply.
		got, out := c.do("POST", "/api/v1/tickets/"+tid+"/events", map[string]any{"type": "status", "status": "resolved"})
		if got != 409 || !strings.Contains(out["detail"].(string), "public reply") {
			t.Fatalf("resolve without a reply: %d %v", got, out)
		}
		c.must(201, "POST", "/api/v1/tickets/"+tid+"/events", map[string]any{"type": "comment", "public": true, "body": "Fixed in 2.3.1."})
		c.must(201, "POST", "/api/v1/tickets/"+tid+"/events", map[string]any{"type": "comment", "public": false, "body": "internal: root cause X"})
		_, body = fetch(t, c.base+loc, "")
		if !strings.Contains(body, "Fixed in 2.3.1.") || strings.Contains(body, "root cause X") || !strings.Contains(body, html.EscapeString("Also on iOS "+xss)) {
			t.Fatalf("the tracking page after replies:\n%s", body)
		}
		c.must(201, "POST", "/api/v1/tickets/"+tid+"/events", map[string]any{"type": "status", "status": "resolved"})

		// The survey shows on the ticket and on the tracking page.
		tk := c.must(200, "GET", "/api/v1/tickets/"+tid, nil)
		sv, ok := tk["survey"].(map[string]any)
		if !ok || sv["rating"] != nil || !strings.HasPrefix(sv["url"].(string), c.base+"/portal/s/") || sv["token"] == "" {
			t.Fatalf("the ticket's survey: %v", tk["survey"])
		}
		token := sv["token"].(string)
		// An agent does not see the link that would let them rate their own work.
		agentTok, err := a.DB.CreateToken(sqm.WithActor(context.Background(), sqm.SystemActor), "agnes", "test")
		if err != nil {
			t.Fatal(err)
		}
		agent := &client{t: t, base: c.base, token: agentTok.Secret}
		if s := agent.must(200, "GET", "/api/v1/tickets/"+tid, nil)["survey"].(map[string]any); s["token"] != "" || s["url"] != "" {
			t.Fatalf("an agent sees the survey link: %v", s)
		}
		if _, body = fetch(t, c.base+loc, ""); !strings.Contains(body, "/portal/s/"+token) {
			t.Fatal("the tracking page does not offer the survey")
		}
		if _, body = fetch(t, c.base+"/portal/s/"+token+"?lang=zh", ""); !strings.Contains(body, "非常满意") || strings.Contains(body, xss) {
			t.Fatalf("the survey page:\n%s", body)
		}
		before := c.must(200, "GET", "/api/v1/scorecard?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z", nil)["satisfaction"].(map[string]any)
		if before["responses"].(float64) != 0 || before["csat"] != nil {
			t.Fatalf("satisfaction before: %v", before)
		}

		// Answered without an account; a second answer is refused.
		anon := &client{t: t, base: c.base}
		anon.must(422, "POST", "/api/v1/surveys/"+token, map[string]any{"rating": 0})
		anon.must(404, "POST", "/api/v1/surveys/"+token+"x", map[string]any{"rating": 5})
		ans := anon.must(200, "POST", "/api/v1/surveys/"+token, map[string]any{"rating": 5, "comment": "快 " + xss})
		if ans["rating"].(float64) != 5 {
			t.Fatalf("answer: %v", ans)
		}
		anon.must(409, "POST", "/api/v1/surveys/"+token, map[string]any{"rating": 1})
		resp, body = post(t, c.base+"/portal/s/"+token, url.Values{"rating": {"1"}})
		if resp.StatusCode != 409 || !strings.Contains(body, "already been answered") {
			t.Fatalf("a second answer on the page: %d", resp.StatusCode)
		}
		after := c.must(200, "GET", "/api/v1/scorecard?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z", nil)["satisfaction"].(map[string]any)
		if after["responses"].(float64) != 1 || after["satisfied"].(float64) != 1 || after["csat"].(float64) != 1 {
			t.Fatalf("satisfaction after: %v", after)
		}
		if st := c.must(200, "GET", "/api/v1/tickets/"+tid, nil)["status"]; st != "resolved" {
			t.Fatalf("a happy rating moved the ticket to %v", st)
		}

		// Renewing the link revokes the old one.
		fresh := c.must(200, "POST", "/api/v1/tickets/"+tid+"/tracking", nil)["tracking_url"].(string)
		if resp, body = fetch(t, c.base+loc, ""); resp.StatusCode != 404 || !strings.Contains(body, "not valid") {
			t.Fatalf("the old link: %d", resp.StatusCode)
		}
		if resp, _ = fetch(t, fresh, ""); resp.StatusCode != 200 {
			t.Fatalf("the new link: %d", resp.StatusCode)
		}
	})
}

// POST /api/v1/feedback is the contract for products with their own form.
func TestFeedbackAPI(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		_, c := start(t, dsn)
		sid := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Web"})["id"].(string)
		out := c.must(201, "POST", "/api/v1/feedback", map[string]any{"service_id": sid, "kind": "suggestion", "title": "Dark mode",
			"description": "Please add one.", "contact_email": "a@example.com"})
		if out["ticket_id"] == "" || !strings.HasPrefix(out["tracking_url"].(string), c.base+"/portal/t/") {
			t.Fatalf("receipt: %v", out)
		}
		tk := c.must(200, "GET", "/api/v1/tickets/"+out["ticket_id"].(string), nil)
		if tk["type"] != "feedback" || tk["kind"] != "suggestion" || tk["priority"] != "P4" || tk["requester_email"] != "a@example.com" {
			t.Fatalf("the ticket: %v", tk)
		}
		for field, body := range map[string]map[string]any{
			"kind":          {"service_id": sid, "kind": "rant", "title": "t", "description": "d"},
			"title":         {"service_id": sid, "kind": "bug", "title": "", "description": "d"},
			"contact_email": {"service_id": sid, "kind": "bug", "title": "t", "description": "d", "contact_email": "x@"},
			"service_id":    {"service_id": "999", "kind": "bug", "title": "t", "description": "d"},
		} {
			got, p := c.do("POST", "/api/v1/feedback", body)
			if got != 422 || p["field"] != field {
				t.Errorf("bad %s: %d %v", field, got, p)
			}
		}
		if got, p := c.do("POST", "/api/v1/feedback", map[string]any{"service_id": sid, "kind": "bug", "title": "t", "description": "d", "extra": 1}); got != 422 || p["field"] != "extra" {
			t.Errorf("an unknown field: %d %v", got, p)
		}
		c.must(413, "POST", "/api/v1/feedback", map[string]any{"service_id": sid, "kind": "bug", "title": "t", "description": strings.Repeat("x", 70<<10)})
		anon := &client{t: t, base: c.base}
		anon.must(401, "POST", "/api/v1/feedback", map[string]any{"service_id": sid, "kind": "bug", "title": "t", "description": "d"})
	})
}

// Posts to the portal are limited per client address.
func TestPortalRateLimit(t *testing.T) {
	_, c := start(t, testdb.SQLite(t))
	sid := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Web"})["id"].(string)
	codes := map[int]int{}
	for range 12 {
		resp, _ := post(t, c.base+"/portal/feedback", url.Values{"kind": {"bug"}, "service": {sid}, "title": {"t"}, "description": {"d"}})
		codes[resp.StatusCode]++
		if resp.StatusCode == 429 && resp.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	}
	if codes[303] != 10 || codes[429] != 2 {
		t.Fatalf("12 posts from one address: %v; want 10 taken and 2 refused", codes)
	}
}
