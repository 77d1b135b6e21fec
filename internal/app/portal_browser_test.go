package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

// The closed loop in a real browser: a stranger submits on the portal, an
// agent replies in the console, the stranger sees the reply on the tracking
// page, the agent resolves, the stranger answers the survey, and the
// scorecard's CSAT changes.
func TestFeedbackLoopInBrowser(t *testing.T) {
	ctx := browser(t)
	ctx, cancel := context.WithTimeout(ctx, 40*time.Second)
	defer cancel()
	a, c := start(t, testdb.SQLite(t))
	if err := a.DB.SetPassword(sqm.WithActor(context.Background(), sqm.SystemActor), "admin", "admin-password-1"); err != nil {
		t.Fatal(err)
	}
	svc := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Mobile app"})
	csat := func() string {
		do(t, ctx, chromedp.Navigate(c.base+"/scorecard?period=month"), chromedp.WaitVisible(`#satisfaction`))
		return run(t, ctx, chromedp.Text[string](`#satisfaction .big`))
	}

	// The stranger submits, on a phone-sized window.
	for _, step := range []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(c.base + "/portal?lang=en"), chromedp.WaitVisible(`#title`),
		chromedp.Click(`input[name=kind][value=bug]`),
		chromedp.SetValue(`#service`, svc["id"].(string)),
		chromedp.SendKeys(`#title`, "App crashes <b>on start</b>"),
		chromedp.SendKeys(`#description`, "Since 2.3 it closes at once."),
		chromedp.SendKeys(`#email`, "li@example.com"),
		chromedp.Submit(`#title`), chromedp.WaitVisible(`#replies`)} {
		do(t, ctx, step)
	}
	tracking := run(t, ctx, chromedp.Location())
	if !strings.Contains(tracking, "/portal/t/") || !strings.Contains(run(t, ctx, chromedp.Text[string](`h1`)), "<b>on start</b>") {
		t.Fatalf("after submitting: %s", tracking)
	}
	overflow := run(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if overflow {
		t.Fatal("the tracking page is wider than a phone")
	}
	shot(t, ctx, "portal-tracking")
	items := c.must(200, "GET", "/api/v1/tickets?type=feedback", nil)["items"].([]any)
	ticketURL := c.base + "/tickets/" + items[0].(map[string]any)["id"].(string)

	// The agent replies in the console.
	do(t, ctx, chromedp.EmulateViewport(1280, 900))
	do(t, ctx, signIn(c.base, "admin", "admin-password-1"), chromedp.WaitVisible(`.cards`))
	before := csat()
	do(t, ctx, chromedp.Navigate(ticketURL), chromedp.WaitVisible(`#reply`),
		chromedp.SendKeys(`#reply`, "Fixed in 2.3.1, please update."), chromedp.Submit(`#reply`),
		chromedp.WaitVisible(`.clock.met[data-clock="first_response"]`))

	// The stranger sees the reply.
	do(t, ctx, chromedp.Navigate(tracking), chromedp.WaitVisible(`#replies`))
	if replies := run(t, ctx, chromedp.Text[string](`.pt-replies`)); !strings.Contains(replies, "Fixed in 2.3.1") {
		t.Fatalf("the tracking page's replies: %q", replies)
	}

	// The agent resolves; the survey appears on the tracking page.
	do(t, ctx, chromedp.Navigate(ticketURL), chromedp.WaitVisible(`#status`),
		chromedp.SetValue(`#status`, "resolved"), chromedp.Submit(`#status`),
		chromedp.WaitVisible(`#requester`))
	do(t, ctx, chromedp.Navigate(tracking), chromedp.WaitVisible(`.pt-survey-link a`),
		chromedp.Click(`.pt-survey-link a`), chromedp.WaitVisible(`input[name=rating][value="5"]`),
		chromedp.Click(`input[name=rating][value="5"]`), chromedp.SendKeys(`#comment`, "Quick fix, thanks"),
		chromedp.Submit(`#comment`), chromedp.WaitVisible(`.pt-notice`))
	shot(t, ctx, "portal-survey")

	after := csat()
	if before != "No data yet" || after != "100.0%" {
		t.Fatalf("CSAT on the scorecard went from %q to %q; want no data to 100.0%%", before, after)
	}
	do(t, ctx, chromedp.Navigate(ticketURL), chromedp.WaitVisible(`#requester`))
	if got := run(t, ctx, chromedp.Text[string](`#requester`)); !strings.Contains(got, "5 / 5") || !strings.Contains(got, "Quick fix, thanks") {
		t.Fatalf("the ticket's requester card: %q", got)
	}
}
