package app_test

import (
	"context"
	"html"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

// Feedback submitted on the portal is cut into words in the background (a
// real Chinese segmenter); a submission like open feedback of its service
// gets a note saying so within seconds, and the analysis shows the group,
// on the page and through the API.
func TestFeedbackGroupsEndToEnd(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		a, c := start(t, dsn)
		if err := a.DB.SetPassword(sqm.WithActor(context.Background(), sqm.SystemActor), "admin", "admin-password-1"); err != nil {
			t.Fatal(err)
		}
		sid := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Mobile app"})["id"].(string)
		submit := func(kind, title, description string) string {
			resp, _ := post(t, c.base+"/portal/feedback", url.Values{"kind": {kind}, "service": {sid}, "title": {title}, "description": {description}})
			if resp.StatusCode != 303 {
				t.Fatalf("submit: %d", resp.StatusCode)
			}
			return strings.Split(strings.TrimPrefix(resp.Header.Get("Location"), "/portal/t/"), ".")[0]
		}
		first := submit("bug", "登录后闪退", "更新到新版本以后，一登录应用就闪退。")
		waitSegmented(t, c)
		second := submit("complaint", "一登录就闪退 <script>", "每次登录都闪退，应用根本没法用")
		other := submit("suggestion", "希望增加夜间模式", "晚上屏幕太亮，请加一个深色主题")
		submit("bug", "App crashes after login", "The app crashes right after I log in")
		waitSegmented(t, c)

		note := func(id string) string {
			for _, ev := range c.must(200, "GET", "/api/v1/tickets/"+id, nil)["events"].([]any) {
				if b, _ := ev.(map[string]any)["body"].(string); strings.Contains(b, "Resembles open feedback") {
					return b
				}
			}
			return ""
		}
		if !strings.Contains(note(second), "#"+first+" ") || note(other) != "" || note(first) != "" {
			t.Fatalf("notes: second %q, other %q", note(second), note(other))
		}

		q := "?from=" + url.QueryEscape(time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)) + "&to=" + url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		groups := c.must(200, "GET", "/api/v1/feedback/groups"+q, nil)["items"].([]any)
		top := groups[0].(map[string]any)
		if top["size"].(float64) != 2 || top["leader_id"] != first || !strings.Contains(strings.Join(toStrings(top["label"]), " "), "闪退") {
			t.Fatalf("groups: %v", groups)
		}
		stats := c.must(200, "GET", "/api/v1/feedback/stats"+q, nil)
		if stats["total"].(float64) != 4 || stats["by_kind"].(map[string]any)["bug"].(float64) != 2 {
			t.Fatalf("stats: %v", stats)
		}
		c.must(422, "GET", "/api/v1/feedback/groups?from=x&to=y", nil)

		code, page := signInHTTP(t, c.base, "admin", "admin-password-1").get("/feedback")
		if code != 200 || !strings.Contains(page, `id="weeks"`) || !strings.Contains(page, "Response and resolution of feedback") ||
			!strings.Contains(page, "闪退") || !strings.Contains(page, `href="/tickets/`+second+`"`) || strings.Contains(page, "<script>") ||
			!strings.Contains(page, html.EscapeString("一登录就闪退 <script>")) {
			t.Fatalf("the analysis page:\n%s", page)
		}
	})
}

// waitSegmented waits until the background job has cut every piece of
// feedback into terms. The first time, the job loads the segmenter's
// dictionary: about 2 s, but half a minute under the race detector.
func waitSegmented(t *testing.T, c *client) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		items := c.must(200, "GET", "/api/v1/tickets?type=feedback", nil)["items"].([]any)
		q := "?from=" + url.QueryEscape(time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)) + "&to=" + url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		n := 0
		for _, g := range c.must(200, "GET", "/api/v1/feedback/groups"+q, nil)["items"].([]any) {
			n += int(g.(map[string]any)["size"].(float64))
		}
		if n == len(items) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d pieces of feedback segmented within 2 minutes", n, len(items))
		}
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
