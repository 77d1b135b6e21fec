package app_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

// adminForm returns the values of a console form with its CSRF token.
func (s *session) adminForm(kv ...string) url.Values {
	v := url.Values{"csrf": {s.csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// adminPost posts a console form and fails unless it answers want.
func (s *session) adminPost(want int, path string, form url.Values) string {
	s.t.Helper()
	code, body := s.post(path, form)
	if code != want {
		s.t.Fatalf("POST %s: %d, want %d: %s", path, code, want, adminExcerpt(body))
	}
	return body
}

// adminGet gets a console page and fails unless it answers 200.
func (s *session) adminGet(path string) string {
	s.t.Helper()
	code, body := s.get(path)

	if code != http.StatusOK {
		s.t.Fatalf("GET %s: %d: %s", path, code, adminExcerpt(body))
	}
	return body
}

// adminExcerpt is the main part of a page, for failure messages.
func adminExcerpt(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500]
	}
	return body
}

// adminNamed returns the item of an API list with the given name.
func adminNamed(t *testing.T, c *client, path, name string) map[string]any {
	t.Helper()
	for _, it := range c.must(200, "GET", path+"?limit=500", nil)["items"].([]any) {
		if m := it.(map[string]any); m["name"] == name {
			return m
		}
	}
	return nil
}

func TestAdminConsole(t *testing.T) {
	a, c := start(t, testdb.SQLite(t))
	sys := sqm.WithActor(context.Background(), sqm.SystemActor)
	for _, r := range []sqm.Role{sqm.RoleViewer, sqm.RoleAgent, sqm.RoleManager} {
		if _, err := a.DB.CreateUser(sys, sqm.User{Name: "u-" + string(r), Role: r}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"u-viewer", "u-agent", "u-manager", "admin"} {
		if err := a.DB.SetPassword(sys, name, "password-of-"+name); err != nil {
			t.Fatal(err)
		}
	}
	mgr := signInHTTP(t, c.base, "u-manager", "password-of-u-manager")

	// The index links to the sections a manager may use, and no others.
	index := mgr.adminGet("/admin")
	for _, p := range []string{"/admin/services", "/admin/calendars", "/admin/policies", "/admin/teams", "/admin/goals"} {
		if !strings.Contains(index, `href="`+p+`"`) {
			t.Errorf("the manager's index lacks %s", p)
		}
	}
	for _, p := range []string{"/admin/users", "/admin/tokens", "/admin/audit"} {
		if strings.Contains(index, `href="`+p+`"`) {
			t.Errorf("the manager's index links to %s", p)
		}
	}

	// A calendar with two intervals on Monday and the Chinese statutory set.
	for _, p := range []string{"/admin/calendars", "/admin/policies", "/admin/services", "/admin/teams", "/admin/goals"} {
		if body := mgr.adminGet(p); !strings.Contains(body, `name="csrf" value="`+mgr.csrf+`"`) {
			t.Errorf("%s has a form without the CSRF token", p)
		}
	}
	mgr.adminPost(http.StatusSeeOther, "/admin/calendars", mgr.adminForm("name", "Office", "timezone", "Asia/Shanghai",
		"hours_mon", "09:00-12:00, 13:30-18:00", "hours_tue", "09:00-18:00", "hours_wed", "09:00-18:00",
		"hours_thu", "09:00-18:00", "hours_fri", "09:00-18:00", "hours_sat", "", "hours_sun", "",
		"holidays", "2026-12-24\n2026-12-25", "workdays", "2026-12-26", "holiday_set", "cn"))
	cal := adminNamed(t, c, "/api/v1/calendars", "Office")
	if cal == nil {
		t.Fatal("the calendar was not created")
	}
	if mon := cal["hours"].(map[string]any)["mon"].([]any); len(mon) != 2 || mon[0] != "09:00-12:00" || mon[1] != "13:30-18:00" ||
		cal["holiday_set"] != "cn" || len(cal["holidays"].([]any)) != 2 || len(cal["workdays"].([]any)) != 1 {
		t.Fatalf("the calendar as stored: %v", cal)
	}
	if _, ok := cal["hours"].(map[string]any)["sat"]; ok {
		t.Errorf("an empty day is not worked: %v", cal["hours"])
	}
	list := mgr.adminGet("/admin/calendars")
	if !strings.Contains(list, "Office") || !strings.Contains(list, "Mon 09:00-12:00, 13:30-18:00") ||
		!strings.Contains(list, "Chinese statutory holidays") {
		t.Errorf("the calendar list: %s", adminExcerpt(list))
	}
	calID := cal["id"].(string)
	if edit := mgr.adminGet("/admin/calendars/" + calID); !strings.Contains(edit, `value="09:00-12:00, 13:30-18:00"`) {
		t.Errorf("the edit form does not show Monday's intervals: %s", adminExcerpt(edit))
	}

	// A bad interval is refused with the reason, next to the form, and creates nothing.
	body := mgr.adminPost(http.StatusUnprocessableEntity, "/admin/calendars", mgr.adminForm("name", "Broken", "timezone", "Asia/Shanghai",
		"hours_mon", "18:00-09:00", "holiday_set", ""))
	if !strings.Contains(body, "is no working interval") || !strings.Contains(body, `id="form-error"`) ||
		!regexp.MustCompile(`id="hours_mon"[^>]*aria-invalid="true"`).MatchString(body) || !strings.Contains(body, `value="Broken"`) {
		t.Errorf("the refusal does not name the problem: %s", adminExcerpt(body))
	}
	if adminNamed(t, c, "/api/v1/calendars", "Broken") != nil {
		t.Error("a refused calendar was stored")
	}
	if body := mgr.adminPost(http.StatusUnprocessableEntity, "/admin/calendars", mgr.adminForm("name", "Mars", "timezone", "Mars/Olympus",
		"hours_mon", "09:00-18:00")); !regexp.MustCompile(`id="timezone"[^>]*aria-invalid="true"`).MatchString(body) {
		t.Errorf("an unknown zone: %s", adminExcerpt(body))
	}
	// An edit with a bad interval changes nothing either.
	mgr.adminPost(http.StatusUnprocessableEntity, "/admin/calendars/"+calID, mgr.adminForm("name", "Office", "timezone", "Asia/Shanghai",
		"hours_mon", "09:00-12:00, 11:00-13:00"))
	if got := adminNamed(t, c, "/api/v1/calendars", "Office"); len(got["hours"].(map[string]any)) != 5 {
		t.Errorf("a refused edit changed the calendar: %v", got["hours"])
	}

	// A policy on the calendar, then a service on the policy.
	policy := mgr.adminForm("name", "Gold", "calendar_id", calID, "warn_at_percent", "75", "pause_statuses", "waiting_on_customer",
		"targets_P1_first_response", "15m", "targets_P1_resolution", "4h",
		"targets_P2_first_response", "30m", "targets_P2_resolution", "8h",
		"targets_P3_first_response", "2h", "targets_P3_resolution", "24h",
		"targets_P4_first_response", "4h", "targets_P4_resolution", "1h30m")
	bad := url.Values{}
	for k, v := range policy {
		bad[k] = v
	}
	bad.Set("targets_P2_resolution", "8 hours")
	if body := mgr.adminPost(http.StatusUnprocessableEntity, "/admin/policies", bad); !strings.Contains(body, "8 hours") ||
		!regexp.MustCompile(`id="targets_P2_resolution"[^>]*aria-invalid="true"`).MatchString(body) {
		t.Errorf("a bad duration: %s", adminExcerpt(body))
	}
	if adminNamed(t, c, "/api/v1/sla-policies", "Gold") != nil {
		t.Fatal("a refused policy was stored")
	}
	mgr.adminPost(http.StatusSeeOther, "/admin/policies", policy)
	pol := adminNamed(t, c, "/api/v1/sla-policies", "Gold")
	if pol == nil || pol["calendar_id"] != calID || pol["warn_at_percent"] != 75.0 {
		t.Fatalf("the policy as stored: %v", pol)
	}
	if p1 := pol["targets"].(map[string]any)["P1"].(map[string]any); p1["first_response"] != 900.0 || p1["resolution"] != 14400.0 {
		t.Errorf("P1 targets: %v", p1)
	}
	if ps := pol["pause_statuses"].([]any); len(ps) != 1 || ps[0] != "waiting_on_customer" {
		t.Errorf("pause statuses: %v", ps)
	}
	if list := mgr.adminGet("/admin/policies"); !strings.Contains(list, "Gold") || !strings.Contains(list, "15m / 4h") {
		t.Errorf("the policy list: %s", adminExcerpt(list))
	}
	polID := pol["id"].(string)
	if edit := mgr.adminGet("/admin/policies/" + polID); !strings.Contains(edit, `value="1h30m"`) ||
		!regexp.MustCompile(`id="pause_waiting_on_customer"[^>]*checked`).MatchString(edit) {
		t.Errorf("the policy edit form: %s", adminExcerpt(edit))
	}

	mgr.adminPost(http.StatusSeeOther, "/admin/teams", mgr.adminForm("name", "Payments team"))
	team := adminNamed(t, c, "/api/v1/teams", "Payments team")
	if team == nil {
		t.Fatal("the team was not created")
	}
	if body := mgr.adminPost(http.StatusUnprocessableEntity, "/admin/teams", mgr.adminForm("name", "Payments team")); !strings.Contains(body, "already taken") ||
		!strings.Contains(body, `value="Payments team"`) {
		t.Errorf("a taken name: %s", adminExcerpt(body))
	}
	mgr.adminPost(http.StatusSeeOther, "/admin/services", mgr.adminForm("name", "Payments", "description", "Checkout",
		"team_id", team["id"].(string), "sla_policy_id", polID))
	svc := adminNamed(t, c, "/api/v1/services", "Payments")
	if svc == nil || svc["sla_policy_id"] != polID || svc["team_id"] != team["id"] {
		t.Fatalf("the service as stored: %v", svc)
	}
	if list := mgr.adminGet("/admin/services"); !strings.Contains(list, "Payments") || !strings.Contains(list, "Gold") ||
		!strings.Contains(list, "Payments team") {
		t.Errorf("the service list: %s", adminExcerpt(list))
	}
	svcID := svc["id"].(string)
	mgr.adminPost(http.StatusSeeOther, "/admin/services/"+svcID, mgr.adminForm("name", "Payments", "description", "Checkout and refunds",
		"team_id", "", "sla_policy_id", ""))
	if got := adminNamed(t, c, "/api/v1/services", "Payments"); got["sla_policy_id"] != "" || got["description"] != "Checkout and refunds" {
		t.Errorf("the edited service: %v", got)
	}
	mgr.adminPost(http.StatusUnprocessableEntity, "/admin/services", mgr.adminForm("name", "", "sla_policy_id", polID))

	// Goals are typed as percentages and kept as ratios.
	mgr.adminPost(http.StatusSeeOther, "/admin/goals/first_response_attainment", mgr.adminForm("goal", "97.5"))
	mgr.adminPost(http.StatusUnprocessableEntity, "/admin/goals/first_response_attainment", mgr.adminForm("goal", "150"))
	for _, g := range c.must(200, "GET", "/api/v1/goals", nil)["items"].([]any) {
		if m := g.(map[string]any); m["key"] == "first_response_attainment" && m["goal"] != 0.975 {
			t.Errorf("the goal as stored: %v", m)
		}
	}
	if body := mgr.adminGet("/admin/goals"); !strings.Contains(body, `value="97.5"`) {
		t.Errorf("the goals page: %s", adminExcerpt(body))
	}

	// A manager may not touch people, tokens or the audit log.
	for _, p := range []string{"/admin/users", "/admin/tokens", "/admin/audit"} {
		if code, _ := mgr.get(p); code != http.StatusForbidden {
			t.Errorf("a manager gets %s: %d", p, code)
		}
	}
	for _, p := range []string{"/admin/users", "/admin/tokens", "/admin/tokens/1/revoke"} {
		if code, _ := mgr.post(p, mgr.adminForm("name", "sneaky", "role", "admin", "user", "u-manager")); code != http.StatusForbidden {
			t.Errorf("a manager posts %s: %d", p, code)
		}
	}

	// Viewers and agents may not administer anything.
	for _, who := range []string{"u-viewer", "u-agent"} {
		s := signInHTTP(t, c.base, who, "password-of-"+who)
		for _, p := range []string{"/admin", "/admin/services", "/admin/services/" + svcID, "/admin/calendars",
			"/admin/calendars/" + calID, "/admin/policies", "/admin/teams", "/admin/goals", "/admin/users", "/admin/tokens", "/admin/audit"} {
			if code, _ := s.get(p); code != http.StatusForbidden {
				t.Errorf("%s gets %s: %d", who, p, code)
			}
		}
		for _, p := range []string{"/admin/services", "/admin/services/" + svcID, "/admin/calendars", "/admin/policies",
			"/admin/teams", "/admin/goals/csat", "/admin/users", "/admin/tokens"} {
			if code, _ := s.post(p, s.adminForm("name", "Nope", "goal", "50")); code != http.StatusForbidden {
				t.Errorf("%s posts %s: %d", who, p, code)
			}
		}
	}
	if adminNamed(t, c, "/api/v1/teams", "Nope") != nil || adminNamed(t, c, "/api/v1/services", "Nope") != nil {
		t.Error("a refused role wrote something")
	}
	// A POST without the session's CSRF token is refused too.
	if code, _ := mgr.post("/admin/teams", url.Values{"name": {"Forged"}}); code != http.StatusForbidden {
		t.Errorf("a forged POST: %d", code)
	}

	// An admin creates a user, sets their password, and gives them a token.
	adm := signInHTTP(t, c.base, "admin", "password-of-admin")
	index = adm.adminGet("/admin")
	for _, p := range []string{"/admin/users", "/admin/tokens", "/admin/audit"} {
		if !strings.Contains(index, `href="`+p+`"`) {
			t.Errorf("the admin's index lacks %s", p)
		}
	}
	adm.adminPost(http.StatusUnprocessableEntity, "/admin/users", adm.adminForm("name", "has space", "role", "agent"))
	adm.adminPost(http.StatusSeeOther, "/admin/users", adm.adminForm("name", "dora", "role", "agent", "team_id", team["id"].(string)))
	dora := adminNamed(t, c, "/api/v1/users", "dora")
	if dora == nil || dora["role"] != "agent" || dora["team_id"] != team["id"] {
		t.Fatalf("the user as stored: %v", dora)
	}
	doraPage := "/admin/users/" + dora["id"].(string)
	adm.adminGet(doraPage)
	adm.adminPost(http.StatusUnprocessableEntity, doraPage+"/password", adm.adminForm("password", "short"))
	adm.adminPost(http.StatusSeeOther, doraPage+"/password", adm.adminForm("password", "dora-password-1"))
	signInHTTP(t, c.base, "dora", "dora-password-1")
	adm.adminPost(http.StatusSeeOther, doraPage, adm.adminForm("role", "manager", "team_id", team["id"].(string)))
	if got := adminNamed(t, c, "/api/v1/users", "dora"); got["role"] != "manager" || got["disabled"] != false {
		t.Errorf("the edited user: %v", got)
	}
	if list := adm.adminGet("/admin/users"); !strings.Contains(list, "dora") {
		t.Errorf("the user list: %s", adminExcerpt(list))
	}

	body = adm.adminPost(http.StatusCreated, "/admin/tokens", adm.adminForm("user", "dora", "name", "ci"))
	m := regexp.MustCompile(`id="secret" value="(sqm_[A-Za-z0-9_-]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the new token's secret is not shown: %s", adminExcerpt(body))
	}
	secret := m[1]
	dc := &client{t: t, base: c.base, token: secret}
	dc.must(200, "GET", "/api/v1/services", nil)
	list = adm.adminGet("/admin/tokens")
	if strings.Contains(list, secret) || !strings.Contains(list, secret[:10]) || !strings.Contains(list, "dora") {
		t.Errorf("the token list shows the secret, or not the token: %s", adminExcerpt(list))
	}
	tok := adminNamed(t, c, "/api/v1/tokens", "ci")
	adm.adminPost(http.StatusSeeOther, "/admin/tokens/"+tok["id"].(string)+"/revoke", adm.adminForm())
	dc.must(401, "GET", "/api/v1/services", nil)
	if body := adm.adminPost(http.StatusUnprocessableEntity, "/admin/tokens/"+tok["id"].(string)+"/revoke", adm.adminForm()); !strings.Contains(body, "already revoked") {
		t.Errorf("revoking twice: %s", adminExcerpt(body))
	}

	// The audit log lists the writes, newest first, by kind of object.
	audit := adm.adminGet("/admin/audit")
	for _, action := range []string{"calendar.create", "sla_policy.create", "service.create", "service.update", "team.create",
		"goal.update", "user.create", "user.update", "token.create", "token.revoke"} {
		if !strings.Contains(audit, ">"+action+"<") {
			t.Errorf("the audit log lacks %s", action)
		}
	}
	if strings.Index(audit, ">token.revoke<") > strings.Index(audit, ">calendar.create<") {
		t.Error("the audit log is not newest first")
	}
	tokens := adm.adminGet("/admin/audit?object_type=token")
	if !strings.Contains(tokens, ">token.create<") || strings.Contains(tokens, ">calendar.create<") {
		t.Errorf("the audit filter: %s", adminExcerpt(tokens))
	}

	// The pages speak Chinese too.
	mgr.adminPost(http.StatusSeeOther, "/account", mgr.adminForm("form", "prefs", "lang", "zh", "timezone", "Asia/Shanghai"))
	if body := mgr.adminGet("/admin/calendars"); !strings.Contains(body, "中国法定节假日") || !strings.Contains(body, "星期一") {
		t.Errorf("the calendars page in Chinese: %s", adminExcerpt(body))
	}
}
