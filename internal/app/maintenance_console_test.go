package app_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/app"
	"github.com/sqmhq/sqm/internal/testdb"
)

// evil is user input that would run as script if shown as markup.
const evil = `<script>alert(1)</script>`

// consoleUser creates the user u-<role> and signs them in to the console.
func consoleUser(t *testing.T, a *app.App, base string, role sqm.Role) *session {
	t.Helper()
	sys := sqm.WithActor(context.Background(), sqm.SystemActor)
	name := "u-" + string(role)
	if _, err := a.DB.CreateUser(sys, sqm.User{Name: name, Role: role}); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.SetPassword(sys, name, "password-of-"+name); err != nil {
		t.Fatal(err)
	}
	return signInHTTP(t, base, name, "password-of-"+name)
}

// marksInvalid says whether a page marks the input with the id as at fault.
func marksInvalid(body, id string) bool {
	return regexp.MustCompile(`id="` + id + `"[^>]*aria-invalid="true"`).MatchString(body)
}

// items is an API list's items.
func items(c *client, path string) []map[string]any {
	var out []map[string]any
	for _, it := range c.must(http.StatusOK, "GET", path, nil)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// A manager plans a maintenance window from the monitoring page, in their
// own time zone, and deletes it; viewers and agents may do neither.
func TestMaintenanceInConsole(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		a, c := start(t, dsn)
		sid := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Payments"})["id"].(string)
		mgr := consoleUser(t, a, c.base, sqm.RoleManager)
		mgr.adminPost(http.StatusSeeOther, "/account", mgr.adminForm("form", "prefs", "lang", "en", "timezone", "Asia/Shanghai"))
		shanghai, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			t.Fatal(err)
		}
		local := func(at time.Time) string { return at.In(shanghai).Format("2006-01-02T15:04") }
		from := time.Now().Add(48 * time.Hour).Truncate(time.Minute).UTC()
		window := func(title string, ends time.Time) []string {
			return []string{"title", title, "service_id", sid, "starts_at", local(from), "ends_at", local(ends)}
		}

		// Refused input is shown back, escaped, with the reason at its input, and stores nothing.
		body := mgr.adminPost(http.StatusUnprocessableEntity, "/monitors/maintenance", mgr.adminForm(window("DB upgrade "+evil, from.Add(-time.Hour))...))
		if !strings.Contains(body, "The end must be after the start.") || !marksInvalid(body, "maint_ends_at") ||
			!strings.Contains(body, `value="`+local(from)+`"`) || !strings.Contains(body, "<details open>") {
			t.Errorf("an end before the start: %s", adminExcerpt(body))
		}
		if strings.Contains(body, evil) || !strings.Contains(body, "DB upgrade &lt;script&gt;") {
			t.Error("the refused form shows the title as markup")
		}
		if body := mgr.adminPost(http.StatusUnprocessableEntity, "/monitors/maintenance", mgr.adminForm(window("", from.Add(time.Hour))...)); !marksInvalid(body, "maint_title") ||
			!strings.Contains(body, `href="#maint_title">Title</a>`) {
			t.Errorf("no title: %s", adminExcerpt(body))
		}
		if body := mgr.adminPost(http.StatusUnprocessableEntity, "/monitors/maintenance", mgr.adminForm("title", "x", "starts_at", "tomorrow", "ends_at", local(from))); !marksInvalid(body, "maint_starts_at") {
			t.Errorf("a start that is no time: %s", adminExcerpt(body))
		}
		if got := items(c, "/api/v1/maintenance-windows"); len(got) != 0 {
			t.Fatalf("refused windows were stored: %v", got)
		}

		// A window typed in Shanghai time is stored as that instant.
		mgr.adminPost(http.StatusSeeOther, "/monitors/maintenance", mgr.adminForm(window("DB upgrade "+evil, from.Add(2*time.Hour))...))
		got := items(c, "/api/v1/maintenance-windows")
		if len(got) != 1 || got[0]["title"] != "DB upgrade "+evil || got[0]["service_id"] != sid ||
			got[0]["starts_at"] != from.Format(time.RFC3339) || got[0]["ends_at"] != from.Add(2*time.Hour).Format(time.RFC3339) {
			t.Fatalf("the window as stored: %v", got)
		}
		id := got[0]["id"].(string)
		page := mgr.adminGet("/monitors?done=created")
		if !strings.Contains(page, "Created.") || !strings.Contains(page, "DB upgrade &lt;script&gt;") || strings.Contains(page, evil) ||
			!strings.Contains(page, `action="/monitors/maintenance/`+id+`/delete"`) {
			t.Errorf("the monitoring page after planning: %s", adminExcerpt(page))
		}

		for _, role := range []sqm.Role{sqm.RoleViewer, sqm.RoleAgent} {
			s := consoleUser(t, a, c.base, role)
			if code, _ := s.post("/monitors/maintenance", s.adminForm(window("sneaky", from.Add(time.Hour))...)); code != http.StatusForbidden {
				t.Errorf("a %s plans a window: %d", role, code)
			}
			if code, _ := s.post("/monitors/maintenance/"+id+"/delete", s.adminForm()); code != http.StatusForbidden {
				t.Errorf("a %s deletes a window: %d", role, code)
			}
			if page := s.adminGet("/monitors"); !strings.Contains(page, "DB upgrade") || strings.Contains(page, `action="/monitors/maintenance`) {
				t.Errorf("a %s sees the window, but not its forms: %s", role, adminExcerpt(page))
			}
		}
		if got := items(c, "/api/v1/maintenance-windows"); len(got) != 1 {
			t.Fatalf("refused roles changed the windows: %v", got)
		}

		mgr.adminPost(http.StatusSeeOther, "/monitors/maintenance/"+id+"/delete", mgr.adminForm())
		if got := items(c, "/api/v1/maintenance-windows"); len(got) != 0 {
			t.Fatalf("the deleted window is still there: %v", got)
		}
		if page := mgr.adminGet("/monitors"); strings.Contains(page, "DB upgrade") {
			t.Error("the monitoring page still shows the deleted window")
		}
		mgr.adminPost(http.StatusNotFound, "/monitors/maintenance/"+id+"/delete", mgr.adminForm())
	})
}

// An agent silences alerts from the monitoring page with label=value
// lines, and ends the silence; a viewer may do neither.
func TestSilencesInConsole(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		a, c := start(t, dsn)
		c.must(201, "POST", "/api/v1/services", map[string]any{"name": "payments"})
		agent := consoleUser(t, a, c.base, sqm.RoleAgent)
		until := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Minute)
		ends := until.Format("2006-01-02T15:04") // the agent's zone is UTC
		for _, tt := range []struct {
			name, matchers, ends, want, field string
		}{
			{"no matcher and no service", "", ends, "A silence names a service or at least one label", "silence_matchers"},
			{"a regular expression", "alertname=~Disk.*", ends, "!= and =~ are not supported", "silence_matchers"},
			{"a line without =", "alertname", ends, "Line 1: write label=value", "silence_matchers"},
			{"no end", "alertname=DiskFull", "", "Choose a date and time.", "silence_ends_at"},
		} {
			body := agent.adminPost(http.StatusUnprocessableEntity, "/monitors/silences", agent.adminForm("matchers", tt.matchers,
				"service_id", "", "comment", "note "+evil, "ends_at", tt.ends))
			if !strings.Contains(body, tt.want) || !marksInvalid(body, tt.field) || !strings.Contains(body, `value="note &lt;script&gt;`) ||
				strings.Contains(body, evil) || !strings.Contains(body, ">"+tt.matchers+"</textarea>") {
				t.Errorf("%s: %s", tt.name, adminExcerpt(body))
			}
		}
		if got := items(c, "/api/v1/silences"); len(got) != 0 {
			t.Fatalf("refused silences were stored: %v", got)
		}

		agent.adminPost(http.StatusSeeOther, "/monitors/silences", agent.adminForm("matchers", "alertname=DiskFull\r\ninstance = \"db-1\"\r\n",
			"service_id", "", "comment", "disk replaced "+evil, "starts_at", "", "ends_at", ends))
		got := items(c, "/api/v1/silences")
		if len(got) != 1 || got[0]["comment"] != "disk replaced "+evil || got[0]["created_by"] != "u-agent" ||
			got[0]["ends_at"] != until.Format(time.RFC3339) {
			t.Fatalf("the silence as stored: %v", got)
		}
		if m := got[0]["matchers"].(map[string]any); len(m) != 2 || m["alertname"] != "DiskFull" || m["instance"] != "db-1" {
			t.Fatalf("the matchers as stored: %v", m)
		}
		id := got[0]["id"].(string)
		in := c.must(200, "POST", "/api/v1/integrations/webhook", map[string]any{"service": "payments", "name": "DiskFull",
			"labels": map[string]string{"instance": "db-1"}})
		if in["suppressed"] != 1.0 {
			t.Errorf("an alert the silence matches: %v", in)
		}
		page := agent.adminGet("/monitors")
		if !strings.Contains(page, "<code>alertname=DiskFull</code>") || !strings.Contains(page, "disk replaced &lt;script&gt;") ||
			strings.Contains(page, evil) || !strings.Contains(page, `action="/monitors/silences/`+id+`/expire"`) {
			t.Errorf("the monitoring page after silencing: %s", adminExcerpt(page))
		}

		viewer := consoleUser(t, a, c.base, sqm.RoleViewer)
		if code, _ := viewer.post("/monitors/silences", viewer.adminForm("matchers", "alertname=X", "ends_at", ends)); code != http.StatusForbidden {
			t.Errorf("a viewer silences: %d", code)
		}
		if code, _ := viewer.post("/monitors/silences/"+id+"/expire", viewer.adminForm()); code != http.StatusForbidden {
			t.Errorf("a viewer ends a silence: %d", code)
		}
		if page := viewer.adminGet("/monitors"); !strings.Contains(page, "<code>alertname=DiskFull</code>") || strings.Contains(page, `action="/monitors/silences`) {
			t.Errorf("a viewer sees the silence, but not its forms: %s", adminExcerpt(page))
		}

		agent.adminPost(http.StatusSeeOther, "/monitors/silences/"+id+"/expire", agent.adminForm())
		if got := items(c, "/api/v1/silences"); len(got) != 0 {
			t.Fatalf("the ended silence is still in force: %v", got)
		}
		if page := agent.adminGet("/monitors?done=ended"); strings.Contains(page, "<code>alertname=DiskFull</code>") || !strings.Contains(page, "The silence has ended.") {
			t.Errorf("the monitoring page after ending the silence: %s", adminExcerpt(page))
		}
	})
}
