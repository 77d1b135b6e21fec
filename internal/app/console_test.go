package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

// session is a browser-like client of the console: cookies, no redirects.
type session struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func signInHTTP(t *testing.T, base, user, pw string) *session {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	s := &session{t: t, base: base, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	code, _ := s.post("/login", url.Values{"username": {user}, "password": {pw}})
	if code != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", user, code)
	}
	code, body := s.get("/")
	m := csrfField.FindStringSubmatch(body)
	if code != 200 || m == nil {
		t.Fatalf("dashboard after sign-in: %d", code)
	}
	s.csrf = m[1]
	return s
}

func (s *session) get(path string) (int, string) {
	s.t.Helper()
	resp, err := s.http.Get(s.base + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (s *session) post(path string, form url.Values) (int, string) {
	s.t.Helper()
	resp, err := s.http.PostForm(s.base+path, form)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Every page and action of the console, for every role, checked on the server.
func TestConsoleRoles(t *testing.T) {
	a, c := start(t, testdb.SQLite(t))
	sys := sqm.WithActor(context.Background(), sqm.SystemActor)
	roles := []sqm.Role{sqm.RoleViewer, sqm.RoleAgent, sqm.RoleManager, sqm.RoleAdmin}
	for _, r := range roles {
		if _, err := a.DB.CreateUser(sys, sqm.User{Name: "u-" + string(r), Role: r}); err != nil {
			t.Fatal(err)
		}
		if err := a.DB.SetPassword(sys, "u-"+string(r), "password-of-"+string(r)); err != nil {
			t.Fatal(err)
		}
	}
	svc := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Payments"})
	tk := c.must(201, "POST", "/api/v1/tickets", map[string]any{"service_id": svc["id"], "type": "incident", "priority": "P2", "title": "x"})
	id := tk["id"].(string)
	ch := c.must(201, "POST", "/api/v1/channels", map[string]any{"name": "ops", "type": "webhook", "url": "http://127.0.0.1:9/hook"})["id"].(string)
	inDays := time.Now().AddDate(0, 0, 20).Format("2006-01-02T15:04") // a silence's end, whatever the user's zone
	type action struct {
		name     string
		method   string
		path     string
		form     url.Values
		min      sqm.Role
		okStatus int
	}
	actions := []action{
		{"see the dashboard", "GET", "/", nil, sqm.RoleViewer, 200},
		{"see the queue", "GET", "/tickets?status=new", nil, sqm.RoleViewer, 200},
		{"see a ticket", "GET", "/tickets/" + id, nil, sqm.RoleViewer, 200},
		{"see the account", "GET", "/account", nil, sqm.RoleViewer, 200},
		{"open the new-ticket form", "GET", "/tickets/new", nil, sqm.RoleAgent, 200},
		{"open a ticket", "POST", "/tickets", url.Values{"service_id": {svc["id"].(string)}, "type": {"request"},
			"priority": {"P4"}, "title": {"from the console"}}, sqm.RoleAgent, 303},
		{"add an internal note", "POST", "/tickets/" + id + "/events", url.Values{"type": {"comment"}, "public": {"false"},
			"body": {"note"}}, sqm.RoleAgent, 303},
		{"save preferences", "POST", "/account", url.Values{"form": {"prefs"}, "lang": {"en"}, "timezone": {"Asia/Shanghai"}}, sqm.RoleViewer, 303},
		{"see the monitors", "GET", "/monitors", nil, sqm.RoleViewer, 200},
		{"see the alerts", "GET", "/alerts?status=firing", nil, sqm.RoleViewer, 200},
		{"create a monitor", "POST", "/monitors", url.Values{"name": {"Health ROLE"}, "service_id": {svc["id"].(string)}, "type": {"tcp"},
			"target": {"127.0.0.1:9"}, "interval": {"1m"}, "timeout": {"5s"}, "down_after": {"3"}, "up_after": {"1"}, "priority": {"P2"}}, sqm.RoleManager, 303},
		{"create a heartbeat monitor", "POST", "/monitors", url.Values{"name": {"Backup ROLE"}, "service_id": {svc["id"].(string)}, "type": {"heartbeat"},
			"target": {""}, "interval": {"1h"}, "timeout": {"5s"}, "down_after": {"1"}, "up_after": {"1"}, "priority": {"P3"}, "grace": {"10m"}, "warn_days": {"14"}}, sqm.RoleManager, 303},
		{"plan a maintenance window", "POST", "/monitors/maintenance", url.Values{"title": {"Upgrade ROLE"}, "starts_at": {"2030-01-02T10:00"},
			"ends_at": {"2030-01-02T12:00"}}, sqm.RoleManager, 303},
		{"silence alerts", "POST", "/monitors/silences", url.Values{"matchers": {"alertname=ROLE"}, "ends_at": {inDays}}, sqm.RoleAgent, 303},
		{"see the notification settings", "GET", "/admin/notifications?status=failed", nil, sqm.RoleManager, 200},
		{"create an escalation policy", "POST", "/admin/notifications/escalation", url.Values{"name": {"Escalate ROLE"}, "level1_channel_ids": {ch}},
			sqm.RoleManager, 303},
		{"create an on-call schedule", "POST", "/admin/notifications/schedules", url.Values{"name": {"Rota ROLE"}, "timezone": {"UTC"},
			"start": {"2026-01-05"}, "handoff": {"09:00"}, "days": {"7"}, "member_user": {"1"}, "member_channel": {ch}}, sqm.RoleManager, 303},
		{"create a channel", "POST", "/admin/notifications/channels", url.Values{"name": {"hook ROLE"}, "type": {"webhook"},
			"url": {"http://127.0.0.1:9/hook"}, "lang": {"zh"}}, sqm.RoleManager, 303},
	}
	for _, r := range roles {
		s := signInHTTP(t, c.base, "u-"+string(r), "password-of-"+string(r))
		for _, act := range actions {
			var code int
			if act.method == "GET" {
				code, _ = s.get(act.path)
			} else {
				form := url.Values{"csrf": {s.csrf}}
				for k, v := range act.form {
					form[k] = []string{strings.ReplaceAll(v[0], "ROLE", string(r))}
				}
				code, _ = s.post(act.path, form)
			}
			want := http.StatusForbidden
			if r.AtLeast(act.min) {
				want = act.okStatus
			}
			if code != want {
				t.Errorf("%s may %s? got %d, want %d", r, act.name, code, want)
			}
		}
	}
	// Signed out, every page leads to the sign-in form; a wrong password is refused.
	anon := &session{t: t, base: c.base, http: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	for _, act := range actions {
		if code, _ := anon.get(act.path); act.method == "GET" && code != http.StatusSeeOther {
			t.Errorf("signed out, %s answered %d", act.path, code)
		}
	}
	if code, body := anon.post("/login", url.Values{"username": {"u-admin"}, "password": {"wrong"}}); code != 401 ||
		!strings.Contains(body, "The user name or password is wrong.") {
		t.Errorf("a wrong password: %d", code)
	}
}

// Whatever a user types is shown back as text, never as markup.
func TestConsoleEscapes(t *testing.T) {
	a, c := start(t, testdb.SQLite(t))
	if err := a.DB.SetPassword(sqm.WithActor(context.Background(), sqm.SystemActor), "admin", "admin-password-1"); err != nil {
		t.Fatal(err)
	}
	svc := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "<b>Payments</b>"})
	evil := `<script>alert(1)</script>`
	tk := c.must(201, "POST", "/api/v1/tickets", map[string]any{"service_id": svc["id"], "type": "incident",
		"priority": "P2", "title": evil, "description": evil})
	c.must(201, "POST", "/api/v1/tickets/"+tk["id"].(string)+"/events", map[string]any{"type": "comment", "public": true, "body": evil})
	m := c.must(201, "POST", "/api/v1/monitors", map[string]any{"service_id": svc["id"], "name": evil, "type": "tcp", "target": "127.0.0.1:9"})
	c.must(200, "POST", "/api/v1/integrations/webhook", map[string]any{"service": "<b>Payments</b>", "name": evil, "summary": evil})
	s := signInHTTP(t, c.base, "admin", "admin-password-1")
	for _, path := range []string{"/", "/tickets", "/tickets/" + tk["id"].(string), "/monitors", "/monitors/" + m["id"].(string), "/alerts"} {
		code, body := s.get(path)
		if code != http.StatusOK {
			t.Errorf("%s answered %d", path, code)
		}
		if strings.Contains(body, evil) || strings.Contains(body, "<b>Payments</b>") {
			t.Errorf("%s shows user input as markup", path)
		}
	}
}
