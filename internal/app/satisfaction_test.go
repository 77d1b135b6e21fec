package app_test

import (
	"context"
	"encoding/csv"
	"html"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

// resolvedFeedback submits feedback on the service, replies in public,
// resolves it and answers its survey; it returns the ticket's ID.
func resolvedFeedback(t *testing.T, c *client, sid, title string, rating int, comment string) string {
	t.Helper()
	id := c.must(201, "POST", "/api/v1/feedback", map[string]any{"service_id": sid, "kind": "complaint", "title": title,
		"description": "d", "contact_email": "li@example.com"})["ticket_id"].(string)
	c.must(201, "POST", "/api/v1/tickets/"+id+"/events", map[string]any{"type": "comment", "public": true, "body": "已修复。"})
	c.must(201, "POST", "/api/v1/tickets/"+id+"/events", map[string]any{"type": "status", "status": "resolved"})
	token := c.must(200, "GET", "/api/v1/tickets/"+id, nil)["survey"].(map[string]any)["token"].(string)
	anon := &client{t: t, base: c.base}
	anon.must(200, "POST", "/api/v1/surveys/"+token, map[string]any{"rating": rating, "comment": comment})
	return id
}

// readCSV fetches an export as the session, checks what makes it a
// download Excel reads right, and returns its records.
func readCSV(t *testing.T, s *session, path, filename string) [][]string {
	t.Helper()
	resp, err := s.http.Get(s.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), `attachment; filename="`+filename) {
		t.Fatalf("%s: %d %v\n%s", path, resp.StatusCode, resp.Header, b)
	}
	body, ok := strings.CutPrefix(string(b), "\ufeff")
	if !ok {
		t.Fatalf("%s has no byte order mark", path)
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v\n%s", path, err, body)
	}
	return records
}

// The satisfaction breakdown over real HTTP: the API answers it, the
// console exports the period's feedback and survey answers as CSV that
// Excel reads (Chinese intact, formulas neutralised), and the scorecard
// page shows the comments as text. Viewers may read all of it; nobody
// signed out may.
func TestSatisfactionBreakdownAndExports(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		a, c := start(t, dsn)
		sys := sqm.WithActor(context.Background(), sqm.SystemActor)
		c.must(201, "POST", "/api/v1/users", map[string]any{"name": "vera", "role": "viewer"})
		if err := a.DB.SetPassword(sys, "vera", "password-of-vera"); err != nil {
			t.Fatal(err)
		}
		sid := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "支付服务"})["id"].(string)
		formula := `=HYPERLINK("http://evil.example/","点我")`
		first := resolvedFeedback(t, c, sid, "付款失败 "+formula, 5, "很满意，"+xss)
		second := resolvedFeedback(t, c, sid, "@SUM(1+1) 退款太慢", 2, formula)
		now := time.Now().UTC()
		period := url.Values{"from": {now.Add(-time.Hour).Format(time.RFC3339)}, "to": {now.Add(time.Hour).Format(time.RFC3339)}}.Encode()

		// The API, for a viewer's token; not without one.
		viewer := &client{t: t, base: c.base, token: c.must(201, "POST", "/api/v1/tokens", map[string]any{"user": "vera"})["token"].(string)}
		rep := viewer.must(200, "GET", "/api/v1/satisfaction?"+period+"&service_id="+sid, nil)
		svc := rep["services"].([]any)[0].(map[string]any)
		agent := rep["agents"].([]any)[0].(map[string]any)
		team := rep["teams"].([]any)[0].(map[string]any)
		if svc["id"] != sid || svc["name"] != "支付服务" || svc["responses"] != 2.0 || svc["satisfied"] != 1.0 || svc["csat"] != 0.5 ||
			agent["name"] != "admin" || agent["responses"] != 2.0 || team["name"] != "—" || team["id"] != "" || rep["service_id"] != sid {
			t.Fatalf("the breakdown: %v", rep)
		}
		comments := rep["comments"].([]any)
		if len(comments) != 2 || comments[0].(map[string]any)["ticket_id"] != second || comments[0].(map[string]any)["comment"] != formula ||
			comments[1].(map[string]any)["comment"] != "很满意，"+xss || comments[1].(map[string]any)["ticket_title"] != "付款失败 "+formula {
			t.Fatalf("the comments: %v", comments)
		}
		(&client{t: t, base: c.base}).must(401, "GET", "/api/v1/satisfaction?"+period, nil)
		if _, p := c.do("GET", "/api/v1/satisfaction?from=yesterday&to="+now.Format(time.RFC3339), nil); p["field"] != "from" || p["status"] != 422.0 {
			t.Fatalf("a bad period: %v", p)
		}

		// The exports, for a viewer signed in to the console.
		s := signInHTTP(t, c.base, "vera", "password-of-vera")
		fb := readCSV(t, s, "/feedback.csv?"+period, "feedback-"+now.Add(-time.Hour).Format(time.DateOnly)+".csv")
		if want := []string{"id", "opened_at", "kind", "service", "status", "priority", "title", "requester_email",
			"first_response_met_at", "resolution_met_at", "survey_rating", "survey_comment"}; !slices.Equal(fb[0], want) {
			t.Fatalf("feedback.csv header %q", fb[0])
		}
		if len(fb) != 3 {
			t.Fatalf("feedback.csv has %d rows: %q", len(fb)-1, fb)
		}
		r := fb[1]
		opened, err := time.Parse(time.RFC3339, r[1])
		if r[0] != first || err != nil || opened.Location() != time.UTC || r[2] != "complaint" || r[3] != "支付服务" || r[4] != "resolved" ||
			r[6] != "付款失败 "+formula || r[7] != "li@example.com" || r[8] == "" || r[9] == "" || r[10] != "5" || r[11] != "很满意，"+xss {
			t.Errorf("feedback.csv row %q", r)
		}
		if r := fb[2]; r[0] != second || r[6] != "'@SUM(1+1) 退款太慢" || r[10] != "2" || r[11] != "'"+formula {
			t.Errorf("feedback.csv row %q: the title and the comment are not neutralised", r)
		}
		sv := readCSV(t, s, "/surveys.csv?"+period, "surveys-")
		if want := []string{"id", "ticket_id", "ticket_type", "service", "team", "agent", "sla_breached", "sent_at", "answered_at",
			"rating", "comment"}; !slices.Equal(sv[0], want) {
			t.Fatalf("surveys.csv header %q", sv[0])
		}
		if len(sv) != 3 || sv[1][1] != first || sv[1][2] != "feedback" || sv[1][3] != "支付服务" || sv[1][4] != "" || sv[1][5] != "admin" ||
			sv[1][6] != "false" || sv[1][9] != "5" || sv[1][10] != "很满意，"+xss || sv[2][1] != second || sv[2][10] != "'"+formula {
			t.Errorf("surveys.csv: %q", sv)
		}
		// The scorecard's export is written the same way.
		if sc := readCSV(t, s, "/scorecard.csv", "scorecard-"); len(sc) != 3 || sc[0][0] != "id" {
			t.Errorf("scorecard.csv: %q", sc)
		}
		// A period without answers is the header alone; a bad period is a page.
		empty := url.Values{"from": {"2001-01-01T00:00:00Z"}, "to": {"2001-02-01T00:00:00+08:00"}}.Encode()
		if rows := readCSV(t, s, "/surveys.csv?"+empty, "surveys-2001-01-01.csv"); len(rows) != 1 {
			t.Errorf("an empty export: %q", rows)
		}
		if code, body := s.get("/feedback.csv?from=2026-01-01&to=2026-02-01"); code != 422 || !strings.Contains(body, "RFC 3339") {
			t.Errorf("a bad period: %d", code)
		}

		// The scorecard page shows the breakdown, the comments as text
		// with links to their tickets, and links to the exports.
		code, body := s.get("/scorecard")
		if code != 200 || !strings.Contains(body, `id="satisfaction-detail"`) || !strings.Contains(body, "支付服务") ||
			!strings.Contains(body, `href="/tickets/`+second+`"`) || !strings.Contains(body, "2/5") ||
			!strings.Contains(body, html.EscapeString("很满意，"+xss)) || strings.Contains(body, xss) ||
			!strings.Contains(body, `href="/feedback.csv?from=`) || !strings.Contains(body, `href="/surveys.csv?from=`) {
			t.Errorf("the scorecard page: %d\n%s", code, body)
		}

		// Signed out, the exports lead to the sign-in form.
		anon := &session{t: t, base: c.base, http: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		for _, path := range []string{"/feedback.csv?" + period, "/surveys.csv?" + period} {
			if code, body := anon.get(path); code != http.StatusSeeOther || strings.Contains(body, "支付服务") {
				t.Errorf("signed out, %s answered %d", path, code)
			}
		}
	})
}
