package app_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/demo"
	"github.com/sqmhq/sqm/internal/testdb"
)

// browser starts headless Chromium for a test; without one it skips, unless
// CI is set: CI must run the browser tests.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed: CI must run the browser tests (.ci/run installs it)")
		}
		t.Skip("browser tests skipped: install Debian's chromium to run them")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.NoFirstRun,
		chromedp.WindowSize(1280, 900), chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 4*time.Minute) // generous: CI runs it beside the other packages, under the race detector
	t.Cleanup(cancel3)
	return ctx
}

// shot saves a screenshot when SQM_SCREENSHOTS names a folder.
func shot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("SQM_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
}

func signIn(base, user, pw string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`#username`),
		chromedp.SendKeys(`#username`, user),
		chromedp.SendKeys(`#password`, pw),
		chromedp.Submit(`#password`),
	)
}

// run runs an action that returns a value, failing the test on error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// do runs steps, failing the test on error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func TestConsoleInBrowser(t *testing.T) {
	ctx := browser(t)
	a, c := start(t, testdb.SQLite(t))
	sys := sqm.WithActor(context.Background(), sqm.SystemActor)
	for _, u := range []struct{ name, role, pw string }{{"admin", "", "admin-password-1"}, {"vera", "viewer", "viewer-password-1"}} {
		if u.role != "" {
			if _, err := a.DB.CreateUser(sys, sqm.User{Name: u.name, Role: sqm.Role(u.role)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.DB.SetPassword(sys, u.name, u.pw); err != nil {
			t.Fatal(err)
		}
	}
	if err := demo.Seed(sys, a.DB, nil); err != nil { // a realistic organisation around the test's ticket
		t.Fatal(err)
	}
	svc := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Payments"})
	tk := c.must(201, "POST", "/api/v1/tickets", map[string]any{"service_id": svc["id"], "type": "incident",
		"priority": "P1", "title": "Checkout fails", "description": "HTTP 500 on /pay"})
	ticketURL := c.base + "/tickets/" + tk["id"].(string)

	t.Run("a signed-out visit goes to the sign-in form, and signing in shows the four targets", func(t *testing.T) {
		do(t, ctx, signIn(c.base, "admin", "admin-password-1"), chromedp.WaitVisible(`.cards`))
		cards := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".card.target").length`))
		loc := run(t, ctx, chromedp.Location())
		if cards != 4 || loc != c.base+"/" {
			t.Fatalf("%d target cards at %s; want 4 on the dashboard", cards, loc)
		}
		// Each card has a bar for each of the last six months; the demo's
		// two months of tickets give the response card measured bars.
		trend := run(t, ctx, chromedp.Evaluate[[]int](`[...document.querySelectorAll(".card.target svg.spark")].map(s => s.querySelectorAll("rect").length)`))
		measured := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.card.target[data-key="first_response_attainment"] svg.spark rect:not(.none)').length`))
		if len(trend) != 4 || trend[0] != 6 || measured < 1 {
			t.Fatalf("the cards' trends have %v bars, %d of them measured; want six on each card", trend, measured)
		}
		shot(t, ctx, "dashboard")
	})

	t.Run("a public reply turns the first-response clock met", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(ticketURL), chromedp.WaitVisible(`#reply`))
		before := run(t, ctx, chromedp.AttributeValue(`.clock[data-clock="first_response"]`, "class")).Value
		do(t, ctx, chromedp.SendKeys(`#reply`, "We are looking into it."), chromedp.Submit(`#reply`),
			chromedp.WaitVisible(`.clock.met[data-clock="first_response"]`))
		after := run(t, ctx, chromedp.AttributeValue(`.clock[data-clock="first_response"]`, "class")).Value
		if !strings.Contains(before, "running") || !strings.Contains(after, "met") {
			t.Fatalf("first response clock went from %q to %q", before, after)
		}
		shot(t, ctx, "ticket")
	})

	t.Run("the scorecard shows its figures, a trend chart and the tickets behind them", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(c.base+"/scorecard?period=month"), chromedp.WaitVisible(`svg.chart`))
		bars := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart.trend rect").length`))
		if bars != 12 {
			t.Fatalf("the trend chart has %d bars; want two for each of six months", bars)
		}
		// The percentiles are filled in after the page is shown.
		do(t, ctx, chromedp.WaitNotPresent(`#pct-first_response a[data-fill]`))
		pct := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("pct-first_response").textContent`))
		if !strings.Contains(pct, " / ") || !strings.Contains(pct, "m") {
			t.Fatalf("the first-response percentiles read %q", pct)
		}
		shot(t, ctx, "scorecard")
		do(t, ctx, chromedp.Click(`a[href*="sla_state=breached"]`), chromedp.WaitVisible(`h1`))
		loc := run(t, ctx, chromedp.Location())
		if !strings.Contains(loc, "/tickets?") || !strings.Contains(loc, "sla_state=breached") {
			t.Fatalf("the breached figure leads to %s", loc)
		}
		shot(t, ctx, "tickets")
	})

	t.Run("administration pages work at phone width", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(c.base+"/admin/calendars"), chromedp.WaitVisible(`form`))
		shot(t, ctx, "admin-calendar")
		do(t, ctx, chromedp.EmulateViewport(360, 740), chromedp.Navigate(ticketURL), chromedp.WaitVisible(`#reply`))
		wide := run(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		shot(t, ctx, "ticket-360")
		do(t, ctx, chromedp.EmulateViewport(1280, 900))
		if wide {
			t.Fatal("the ticket page scrolls sideways at 360 px")
		}
	})

	t.Run("monitoring shows a down monitor, its incident and the firing alerts", func(t *testing.T) {
		dead := c.must(201, "POST", "/api/v1/monitors", map[string]any{"service_id": svc["id"], "name": "Checkout health",
			"type": "http", "target": "http://127.0.0.1:9/health", "interval": "1s", "timeout": "500ms", "down_after": 1})
		c.must(201, "POST", "/api/v1/monitors", map[string]any{"service_id": svc["id"], "name": "Console", "type": "http",
			"target": c.base + "/healthz", "interval": "1s", "timeout": "500ms"})
		c.must(200, "POST", "/api/v1/integrations/webhook", map[string]any{"service": "Payments", "name": "HighErrorRate",
			"severity": "critical", "summary": "5xx above 2% for 5 minutes"})
		deadline := time.Now().Add(20 * time.Second)
		for c.must(200, "GET", "/api/v1/monitors/"+dead["id"].(string), nil)["state"] != "down" && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
		}
		soon := time.Now().UTC()
		c.must(201, "POST", "/api/v1/maintenance-windows", map[string]any{"title": "Database upgrade", "service_id": svc["id"],
			"starts_at": soon.Add(2 * time.Hour).Format(time.RFC3339), "ends_at": soon.Add(3 * time.Hour).Format(time.RFC3339)})
		c.must(201, "POST", "/api/v1/silences", map[string]any{"matchers": map[string]string{"alertname": "DiskFull"},
			"comment": "disk replaced tonight", "ends_at": soon.Add(8 * time.Hour).Format(time.RFC3339)})
		do(t, ctx, chromedp.Navigate(c.base+"/monitors"), chromedp.WaitVisible(`.mstate.down`), chromedp.WaitVisible(`#maint-heading`),
			chromedp.WaitVisible(`#silence-heading`))
		states := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("tbody .mstate")].map(e => e.textContent)`))
		firing := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#firing-heading").parentElement.textContent`))
		if len(states) != 2 || !strings.Contains(firing, "HighErrorRate") {
			t.Fatalf("monitor states %v, firing alerts %q", states, firing)
		}
		// The form shows the fields of the chosen type only.
		do(t, ctx, chromedp.SetValue(`#type`, "heartbeat"))
		run(t, ctx, chromedp.Evaluate[bool](`document.getElementById("type").dispatchEvent(new Event("change"))`))
		shown := run(t, ctx, chromedp.Evaluate[[]bool](`["grace", "kpi_query", "expect_status"].map(id => document.getElementById(id).offsetParent !== null)`))
		if len(shown) != 3 || !shown[0] || shown[1] || shown[2] {
			t.Fatalf("for a heartbeat, grace / kpi / http fields visible: %v", shown)
		}
		do(t, ctx, chromedp.SetValue(`#type`, "http"))
		run(t, ctx, chromedp.Evaluate[bool](`document.getElementById("type").dispatchEvent(new Event("change"))`))
		shot(t, ctx, "monitors")
		do(t, ctx, chromedp.Navigate(c.base+"/monitors/"+dead["id"].(string)), chromedp.WaitVisible(`.cards`))
		shot(t, ctx, "monitor")
		do(t, ctx, chromedp.Navigate(c.base+"/alerts"), chromedp.WaitVisible(`h1`))
		shot(t, ctx, "alerts")
		ch := c.must(201, "POST", "/api/v1/channels", map[string]any{"name": "On-call hook", "type": "webhook", "url": "http://127.0.0.1:9/hook", "secret": "s"})
		c.must(201, "POST", "/api/v1/notification-rules", map[string]any{"channel_id": ch["id"], "events": []string{"alert_firing", "monitor_down"}})
		sch := c.must(201, "POST", "/api/v1/schedules", map[string]any{"name": "Payments primary", "timezone": "Asia/Shanghai",
			"start": time.Now().AddDate(0, 0, -3).Format("2006-01-02"), "handoff": "09:00", "days": 7,
			"members": []any{map[string]any{"user_id": "1", "channel_id": ch["id"]}}})
		c.must(201, "POST", "/api/v1/escalation-policies", map[string]any{"name": "Payments on-call", "service_ids": []any{svc["id"]},
			"levels": []any{map[string]any{"after": "0s", "schedule_ids": []any{sch["id"]}}, map[string]any{"after": "15m", "channel_ids": []any{ch["id"]}}}})
		do(t, ctx, chromedp.Navigate(c.base+"/admin/notifications"), chromedp.WaitVisible(`#channels-heading`))
		if oncall := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("schedules-heading").nextElementSibling.textContent`)); !strings.Contains(oncall, "admin") {
			t.Fatalf("the schedules table says %q; want admin on call", oncall)
		}
		shot(t, ctx, "admin-notifications")
	})

	t.Run("a maintenance window planned in its form shows on the monitoring page; its forms fit at 360 px", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(c.base+"/monitors"), chromedp.WaitVisible(`#maint-heading`),
			chromedp.Click(`#maint-heading ~ details summary`), chromedp.WaitVisible(`#maint_title`),
			chromedp.SendKeys(`#maint_title`, "Cache flush"), chromedp.SetValue(`#maint_service_id`, svc["id"].(string)),
			chromedp.Submit(`#maint_title`), chromedp.WaitVisible(`.notice`))
		if list := run(t, ctx, chromedp.Text(`#maint-heading ~ ul.rows`)); !strings.Contains(list, "Cache flush") {
			t.Fatalf("the maintenance windows read %q", list)
		}
		// At phone width, the open forms fit (the monitor list's own table is wider than a phone).
		do(t, ctx, chromedp.EmulateViewport(360, 740), chromedp.Navigate(c.base+"/monitors"), chromedp.WaitVisible(`#maint-heading`),
			chromedp.Click(`#maint-heading ~ details summary`), chromedp.Click(`#silence-heading ~ details summary`),
			chromedp.WaitVisible(`#silence_ends_at`))
		wide := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("form[action^='/monitors/'] :is(input, select, textarea, button)")]
			.filter(e => e.type !== "hidden" && e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.id || e.textContent)`))
		shot(t, ctx, "monitors-forms-360")
		do(t, ctx, chromedp.EmulateViewport(1280, 900))
		if len(wide) > 0 {
			t.Fatalf("at 360 px, the maintenance and silence forms have inputs past the edge: %v", wide)
		}
	})

	t.Run("the public status page shows 90 days of bars, at 1280 and at 360 px", func(t *testing.T) {
		portal, mobile := adminNamed(t, c, "/api/v1/services", "Customer Portal"), adminNamed(t, c, "/api/v1/services", "Mobile App")
		history(t, a, c, portal["id"].(string), "Portal health", 75, map[int]time.Duration{40: 3 * time.Hour, 25: time.Minute, 12: 5 * time.Minute})
		history(t, a, c, mobile["id"].(string), "App API", 60, nil)
		c.must(201, "POST", "/api/v1/status-pages", map[string]any{"slug": "acme", "title": "Acme Shop status",
			"description": "Live state of the shop, its payments and its apps.", "service_ids": []any{portal["id"], svc["id"], mobile["id"]}})
		do(t, ctx, chromedp.Navigate(c.base+"/status/acme"), chromedp.WaitVisible(`svg.sp-bars rect`))
		bars := run(t, ctx, chromedp.Evaluate[[]int](`[...document.querySelectorAll("svg.sp-bars")].map(s => s.querySelectorAll("rect").length)`))
		drawn := run(t, ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("svg.sp-bars rect.ok")].filter(r => r.getBoundingClientRect().width > 2).length`))
		nav := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("a[href='/tickets'], form[action='/logout']").length`))
		if len(bars) != 3 || bars[0] != 90 || bars[2] != 90 || drawn < 60 || nav != 0 {
			t.Fatalf("bars per service %v, %d green bars drawn, %d console links", bars, drawn, nav)
		}
		shot(t, ctx, "status")
		do(t, ctx, chromedp.EmulateViewport(360, 740), chromedp.Navigate(c.base+"/status/acme?lang=zh"), chromedp.WaitVisible(`svg.sp-bars`))
		wide := run(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		barWidth := run(t, ctx, chromedp.Evaluate[float64](`document.querySelector("svg.sp-bars").getBoundingClientRect().width`))
		shot(t, ctx, "status-360")
		do(t, ctx, chromedp.EmulateViewport(1280, 900))
		if wide || barWidth < 280 {
			t.Fatalf("at 360 px the status page scrolls sideways (%v) or its chart is %.0f px wide", wide, barWidth)
		}
	})

	t.Run("choosing Chinese shows Chinese labels", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(c.base+"/account"), chromedp.WaitVisible(`#lang`),
			chromedp.SetValue(`#lang`, "zh"), chromedp.Submit(`#lang`), chromedp.WaitVisible(`.notice`),
			chromedp.Navigate(c.base+"/"), chromedp.WaitVisible(`.cards`))
		heading := run(t, ctx, chromedp.Text(`h1`))
		nav := run(t, ctx, chromedp.Text(`nav`))
		if heading != "我们是否兑现了承诺？" || !strings.Contains(nav, "工单") {
			t.Fatalf("after choosing Chinese: heading %q, nav %q", heading, nav)
		}
		shot(t, ctx, "dashboard-zh")
	})

	t.Run("a forged POST without the CSRF token is refused", func(t *testing.T) {
		// The browser sends its session cookie, as on a forged request.
		status := run(t, ctx, chromedp.Evaluate[int](`fetch("`+ticketURL+`/events", {method: "POST",
			headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: "type=status&status=closed"}).then(r => r.status)`,
			chromedp.EvalAwaitPromise))
		if status != 403 {
			t.Fatalf("a POST without the token answered %d", status)
		}
		if got := c.must(200, "GET", "/api/v1/tickets/"+tk["id"].(string), nil)["status"]; got != "new" {
			t.Fatalf("the forged POST changed the status to %v", got)
		}
	})

	t.Run("a viewer is refused the new-ticket form and the actions", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(c.base+"/account"), chromedp.WaitVisible(`button.link`),
			chromedp.Click(`button.link`), chromedp.WaitVisible(`#username`),
			signIn(c.base, "vera", "viewer-password-1"), chromedp.WaitVisible(`.cards`),
			chromedp.Navigate(c.base+"/tickets/new"), chromedp.WaitVisible(`main`))
		body := run(t, ctx, chromedp.Text(`main`))
		if !strings.Contains(body, "Your role may not do this") {
			t.Fatalf("the viewer saw the new-ticket form: %q", body)
		}
		do(t, ctx, chromedp.Navigate(ticketURL), chromedp.WaitVisible(`.timeline`))
		forms := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("form[action$='/events']").length`))
		if forms != 0 {
			t.Fatalf("the viewer sees %d action forms", forms)
		}
		csrf := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("input[name=csrf]").value`))
		status := run(t, ctx, chromedp.Evaluate[int](`fetch("`+ticketURL+`/events", {method: "POST",
			headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: "type=ack&csrf=`+csrf+`"}).then(r => r.status)`,
			chromedp.EvalAwaitPromise))
		if status != 403 {
			t.Fatalf("a viewer's POST with a valid token answered %d", status)
		}
	})
}
