package app_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

// A manager makes an escalation policy in the notification settings, its
// levels from fixed rows, and deletes it; viewers and agents may do neither.
func TestEscalationPoliciesInConsole(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		a, c := start(t, dsn)
		sid := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Payments"})["id"].(string)
		ch := c.must(201, "POST", "/api/v1/channels", map[string]any{"name": "ops hook", "type": "webhook", "url": "http://127.0.0.1:9/hook"})["id"].(string)
		sch := c.must(201, "POST", "/api/v1/schedules", map[string]any{"name": "Primary", "timezone": "UTC", "start": "2026-01-05",
			"handoff": "09:00", "days": 7, "members": []any{map[string]any{"user_id": "1", "channel_id": ch}}})["id"].(string)
		mgr := consoleUser(t, a, c.base, sqm.RoleManager)
		policy := func(name string, levels ...string) url.Values {
			return mgr.adminForm(append([]string{"name", name, "service_ids", sid}, levels...)...)
		}
		if page := mgr.adminGet("/admin/notifications"); !strings.Contains(page, `action="/admin/notifications/escalation"`) ||
			!strings.Contains(page, `name="level3_schedule_ids" value="`+sch+`"`) {
			t.Fatalf("the policy form: %s", adminExcerpt(page))
		}

		for _, tt := range []struct {
			name        string
			form        url.Values
			want, field string
		}{
			{"no level", policy("Payments " + evil), "A policy has 1 to 10 levels.", "escalation_levels"},
			{"a level that calls nobody", policy("Payments "+evil, "level1_after", "5"), "Level 1 calls no channel and no on-call schedule.", "escalation_levels"},
			{"a wait that is no number", policy("Payments "+evil, "level2_after", "soon", "level2_channel_ids", ch), "Level 2: write the minutes", "escalation_levels"},
			{"a wait over a day", policy("Payments "+evil, "level1_after", "1500", "level1_channel_ids", ch), "Level 1 waits between 0 and 24h.", "escalation_levels"},
			{"no name", policy("", "level1_channel_ids", ch), "", "escalation_name"},
		} {
			body := mgr.adminPost(http.StatusUnprocessableEntity, "/admin/notifications/escalation", tt.form)
			if !strings.Contains(body, tt.want) || !marksInvalid(body, tt.field) || strings.Contains(body, evil) {
				t.Errorf("%s: %s", tt.name, adminExcerpt(body))
			}
			if tt.form.Get("name") != "" && !strings.Contains(body, `value="Payments &lt;script&gt;`) {
				t.Errorf("%s: the name typed is not kept", tt.name)
			}
		}
		if got := items(c, "/api/v1/escalation-policies"); len(got) != 0 {
			t.Fatalf("refused policies were stored: %v", got)
		}

		// Level 1 at once on the channel; row 2 left empty; then after 15 minutes whoever Primary has on call.
		mgr.adminPost(http.StatusSeeOther, "/admin/notifications/escalation", policy("Payments "+evil, "level1_after", "0",
			"level1_channel_ids", ch, "level2_after", "", "level3_after", "15", "level3_schedule_ids", sch))
		got := items(c, "/api/v1/escalation-policies")
		if len(got) != 1 || got[0]["name"] != "Payments "+evil || len(got[0]["service_ids"].([]any)) != 1 || got[0]["service_ids"].([]any)[0] != sid {
			t.Fatalf("the policy as stored: %v", got)
		}
		levels := got[0]["levels"].([]any)
		l1, l2 := levels[0].(map[string]any), levels[len(levels)-1].(map[string]any)
		if len(levels) != 2 || l1["after"] != 0.0 || l1["channel_ids"].([]any)[0] != ch || len(l1["schedule_ids"].([]any)) != 0 ||
			l2["after"] != 900.0 || l2["schedule_ids"].([]any)[0] != sch || len(l2["channel_ids"].([]any)) != 0 {
			t.Fatalf("the levels as stored: %v", levels)
		}
		id := got[0]["id"].(string)
		page := mgr.adminGet("/admin/notifications?done=created")
		if !strings.Contains(page, "Created.") || !strings.Contains(page, "Payments &lt;script&gt;") || strings.Contains(page, evil) ||
			!strings.Contains(page, "Primary (on call)") || !strings.Contains(page, `action="/admin/notifications/escalation/`+id+`/delete"`) {
			t.Errorf("the notification settings after creating: %s", adminExcerpt(page))
		}
		// A service has one policy at most; a name is taken once.
		mgr.adminPost(http.StatusUnprocessableEntity, "/admin/notifications/escalation", policy("Other", "level1_channel_ids", ch))
		if body := mgr.adminPost(http.StatusUnprocessableEntity, "/admin/notifications/escalation", mgr.adminForm("name", "Payments "+evil,
			"level1_channel_ids", ch)); !strings.Contains(body, "already taken") || !marksInvalid(body, "escalation_name") {
			t.Errorf("a taken name: %s", adminExcerpt(body))
		}

		for _, role := range []sqm.Role{sqm.RoleViewer, sqm.RoleAgent} {
			s := consoleUser(t, a, c.base, role)
			if code, _ := s.post("/admin/notifications/escalation", s.adminForm("name", "sneaky", "level1_channel_ids", ch)); code != http.StatusForbidden {
				t.Errorf("a %s creates a policy: %d", role, code)
			}
			if code, _ := s.post("/admin/notifications/escalation/"+id+"/delete", s.adminForm()); code != http.StatusForbidden {
				t.Errorf("a %s deletes a policy: %d", role, code)
			}
		}
		if got := items(c, "/api/v1/escalation-policies"); len(got) != 1 {
			t.Fatalf("refused writes changed the policies: %v", got)
		}

		mgr.adminPost(http.StatusSeeOther, "/admin/notifications/escalation/"+id+"/delete", mgr.adminForm())
		if got := items(c, "/api/v1/escalation-policies"); len(got) != 0 {
			t.Fatalf("the deleted policy is still there: %v", got)
		}
		if page := mgr.adminGet("/admin/notifications"); strings.Contains(page, "Payments &lt;script&gt;") {
			t.Error("the notification settings still show the deleted policy")
		}
	})
}

// A manager makes an on-call rotation of two, with an override typed in
// their own time zone, and deletes it; viewers and agents may do neither.
func TestOnCallSchedulesInConsole(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		a, c := start(t, dsn)
		mail := c.must(201, "POST", "/api/v1/channels", map[string]any{"name": "manager mail", "type": "email", "url": "mailto:m@example.com"})["id"].(string)
		chat := c.must(201, "POST", "/api/v1/channels", map[string]any{"name": "agent chat", "type": "webhook", "url": "http://127.0.0.1:9/chat"})["id"].(string)
		mgr := consoleUser(t, a, c.base, sqm.RoleManager)
		agent := consoleUser(t, a, c.base, sqm.RoleAgent)
		mgrID, agentID := adminNamed(t, c, "/api/v1/users", "u-manager")["id"].(string), adminNamed(t, c, "/api/v1/users", "u-agent")["id"].(string)
		mgr.adminPost(http.StatusSeeOther, "/account", mgr.adminForm("form", "prefs", "lang", "en", "timezone", "Asia/Shanghai"))
		shanghai, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			t.Fatal(err)
		}
		local := func(at time.Time) string { return at.In(shanghai).Format("2006-01-02T15:04") }
		now := time.Now().Truncate(time.Minute).UTC()
		two := []string{"member_user", mgrID, "member_channel", mail, "member_user", agentID, "member_channel", chat,
			"member_user", "", "member_channel", ""}
		schedule := func(name, zone string, rows ...string) url.Values {
			return mgr.adminForm(append([]string{"name", name, "timezone", zone, "start", now.AddDate(0, 0, -3).In(shanghai).Format(time.DateOnly),
				"handoff", "09:00", "days", "7"}, rows...)...)
		}
		if page := mgr.adminGet("/admin/notifications"); !strings.Contains(page, `id="schedule_timezone" name="timezone" value="Asia/Shanghai"`) ||
			strings.Count(page, `name="member_user"`) != 6 {
			t.Fatalf("the schedule form: %s", adminExcerpt(page))
		}

		override := []string{"override_user", agentID, "override_channel", chat, "override_from", local(now.Add(time.Hour)), "override_to", local(now)}
		for _, tt := range []struct {
			name        string
			form        url.Values
			want, field string
		}{
			{"an unknown time zone", schedule("Primary "+evil, "Mars/Olympus", two...), "An IANA time zone", "schedule_timezone"},
			{"no member", schedule("Primary "+evil, "Asia/Shanghai"), "A schedule has 1 to 100 members.", "schedule_members"},
			{"a member without a channel", schedule("Primary "+evil, "Asia/Shanghai", "member_user", agentID, "member_channel", ""),
				"Each member names a user and the channel", "schedule_members"},
			{"an override that ends before it starts", schedule("Primary "+evil, "Asia/Shanghai", append(two, override...)...),
				"whose end is after its start", "schedule_overrides"},
		} {
			body := mgr.adminPost(http.StatusUnprocessableEntity, "/admin/notifications/schedules", tt.form)
			if !strings.Contains(body, tt.want) || !marksInvalid(body, tt.field) || strings.Contains(body, evil) ||
				!strings.Contains(body, `value="Primary &lt;script&gt;`) || !strings.Contains(body, `value="`+tt.form.Get("timezone")+`"`) {
				t.Errorf("%s: %s", tt.name, adminExcerpt(body))
			}
			if slices.Contains(tt.form["member_user"], agentID) && !strings.Contains(body, `<option value="`+agentID+`" selected>u-agent</option>`) {
				t.Errorf("%s: the members chosen are not kept", tt.name)
			}
		}
		if body := mgr.adminPost(http.StatusUnprocessableEntity, "/admin/notifications/schedules", schedule("Primary", "Mars/Olympus", two...)); !strings.Contains(body, `href="#schedule_timezone">Time zone</a>`) {
			t.Errorf("the refusal does not name the time zone: %s", adminExcerpt(body))
		}
		if got := items(c, "/api/v1/schedules"); len(got) != 0 {
			t.Fatalf("refused schedules were stored: %v", got)
		}

		// The rotation puts the manager on call this week; the override, the agent for the next hour.
		override = []string{"override_user", agentID, "override_channel", chat, "override_from", local(now.Add(-time.Minute)), "override_to", local(now.Add(time.Hour)),
			"override_user", "", "override_channel", "", "override_from", "", "override_to", ""}
		mgr.adminPost(http.StatusSeeOther, "/admin/notifications/schedules", schedule("Primary "+evil, "Asia/Shanghai", append(two, override...)...))
		got := items(c, "/api/v1/schedules")
		if len(got) != 1 || got[0]["name"] != "Primary "+evil || got[0]["timezone"] != "Asia/Shanghai" || got[0]["handoff"] != "09:00" || got[0]["days"] != 7.0 {
			t.Fatalf("the schedule as stored: %v", got)
		}
		members, overrides := got[0]["members"].([]any), got[0]["overrides"].([]any)
		if len(members) != 2 || members[0].(map[string]any)["user_id"] != mgrID || members[1].(map[string]any)["channel_id"] != chat ||
			len(overrides) != 1 || overrides[0].(map[string]any)["from"] != now.Add(-time.Minute).Format(time.RFC3339) {
			t.Fatalf("the members and overrides as stored: %v %v", members, overrides)
		}
		id := got[0]["id"].(string)
		if who := c.must(200, "GET", "/api/v1/schedules/"+id+"/oncall", nil); who["user"] != "u-agent" {
			t.Errorf("on call under the override: %v", who)
		}
		page := mgr.adminGet("/admin/notifications")
		if !strings.Contains(page, "Primary &lt;script&gt;") || strings.Contains(page, evil) || !strings.Contains(page, "u-manager → u-agent") ||
			!strings.Contains(page, "<strong>u-agent</strong>") || !strings.Contains(page, `action="/admin/notifications/schedules/`+id+`/delete"`) {
			t.Errorf("the notification settings after creating: %s", adminExcerpt(page))
		}

		for _, s := range []*session{agent, consoleUser(t, a, c.base, sqm.RoleViewer)} {
			form := schedule("sneaky", "UTC", two...)
			form.Set("csrf", s.csrf)
			if code, _ := s.post("/admin/notifications/schedules", form); code != http.StatusForbidden {
				t.Errorf("a non-manager creates a schedule: %d", code)
			}
			if code, _ := s.post("/admin/notifications/schedules/"+id+"/delete", s.adminForm()); code != http.StatusForbidden {
				t.Errorf("a non-manager deletes a schedule: %d", code)
			}
		}
		if got := items(c, "/api/v1/schedules"); len(got) != 1 {
			t.Fatalf("refused writes changed the schedules: %v", got)
		}

		mgr.adminPost(http.StatusSeeOther, "/admin/notifications/schedules/"+id+"/delete", mgr.adminForm())
		if got := items(c, "/api/v1/schedules"); len(got) != 0 {
			t.Fatalf("the deleted schedule is still there: %v", got)
		}
	})
}
