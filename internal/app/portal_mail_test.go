package app_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/app"
	"github.com/sqmhq/sqm/internal/notify"
	"github.com/sqmhq/sqm/internal/testdb"
	"github.com/sqmhq/sqm/internal/testpeer"
)

// With an SMTP server, the submitter gets a receipt with their tracking link
// and, once the ticket is resolved, the survey, in the language they
// submitted in, through a real mail server; both links work.
func TestRequesterMail(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ms := testpeer.NewMailServer(t, testpeer.MailOptions{StartTLS: true, User: "sqm", Password: "pw"})
		ctx := context.Background()
		a, err := app.New(ctx, app.Config{Addr: "127.0.0.1:0", DSN: dsn, Sweep: 200 * time.Millisecond,
			SMTP: &notify.SMTP{Addr: ms.Addr, Username: "sqm", Password: "pw", From: "Support <support@example.com>", TLS: notify.SMTPStartTLS,
				RootCAs: ms.RootCAs, Timeout: 5 * time.Second}})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Stop(context.Background()) })
		tok, err := a.DB.CreateToken(sqm.WithActor(ctx, sqm.SystemActor), "admin", "test")
		if err != nil {
			t.Fatal(err)
		}
		c := &client{t: t, base: "http://" + a.Addr(), token: tok.Secret}
		sid := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "Mobile app"})["id"].(string)

		// The channel list does not show the built-in channel, and rules
		// cannot use it.
		if items := c.must(200, "GET", "/api/v1/channels", nil)["items"].([]any); len(items) != 0 {
			t.Fatalf("channels: %v", items)
		}

		resp, _ := post(t, c.base+"/portal/feedback?lang=zh", url.Values{"kind": {"bug"}, "service": {sid}, "title": {"登录后闪退"},
			"description": {"打开即闪退"}, "email": {"li@example.com"}})
		tracking := resp.Header.Get("Location")
		receipt := waitMail(t, ms, 1)
		if receipt.To[0] != "li@example.com" || !strings.Contains(receipt.Subject, "我们已收到您的反馈（#") ||
			!strings.Contains(receipt.Body, c.base+strings.SplitN(tracking, "?", 2)[0]) {
			t.Fatalf("the receipt: %+v (tracking %s)", receipt, tracking)
		}
		link := regexp.MustCompile(`http://\S+/portal/t/\S+`).FindString(receipt.Body)
		if r, body := fetch(t, link, ""); r.StatusCode != 200 || !strings.Contains(body, "登录后闪退") || !strings.Contains(body, "已收到") {
			t.Fatalf("the receipt's link %s: %d", link, r.StatusCode)
		}

		// Without an address, no mail.
		post(t, c.base+"/portal/feedback", url.Values{"kind": {"praise"}, "service": {sid}, "title": {"Great"}, "description": {"!"}})

		tid := strings.Split(strings.TrimPrefix(tracking, "/portal/t/"), ".")[0]
		c.must(201, "POST", "/api/v1/tickets/"+tid+"/events", map[string]any{"type": "comment", "public": false, "body": "内部备注"})
		c.must(201, "POST", "/api/v1/tickets/"+tid+"/events", map[string]any{"type": "comment", "public": true, "body": "已修复，请更新到 2.3.1"})
		reply := waitMail(t, ms, 2)
		if !strings.Contains(reply.Subject, "您的反馈有新回复：登录后闪退") || !strings.Contains(reply.Body, "已修复，请更新到 2.3.1") ||
			strings.Contains(reply.Body, "内部备注") || !strings.Contains(reply.Body, link[:strings.Index(link, "?")]) {
			t.Fatalf("the reply mail: %+v", reply)
		}
		c.must(201, "POST", "/api/v1/tickets/"+tid+"/events", map[string]any{"type": "status", "status": "resolved"})
		survey := waitMail(t, ms, 3)
		token := c.must(200, "GET", "/api/v1/tickets/"+tid, nil)["survey"].(map[string]any)["token"].(string)
		if !strings.Contains(survey.Subject, "请评价我们的服务") || !strings.Contains(survey.Body, c.base+"/portal/s/"+token+"?lang=zh") ||
			!strings.Contains(survey.Body, "评价截止到") {
			t.Fatalf("the survey mail: %+v", survey)
		}
		if got := len(ms.Got()); got != 3 {
			t.Fatalf("%d mails; want the receipt, the reply and the survey only", got)
		}
		deliveries := c.must(200, "GET", "/api/v1/deliveries", nil)["items"].([]any)
		for _, d := range deliveries {
			if d.(map[string]any)["status"] != "sent" {
				t.Fatalf("deliveries: %v", deliveries)
			}
		}
	})
}

type gotMail struct {
	To            []string
	Subject, Body string
}

// waitMail waits for the n-th mail and decodes it.
func waitMail(t *testing.T, ms *testpeer.MailServer, n int) gotMail {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); len(ms.Got()) < n; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("mail %d did not arrive within 10 s", n)
		}
	}
	raw := ms.Got()[n-1]
	_, subject, body, err := raw.Decode()
	if err != nil {
		t.Fatal(err)
	}
	return gotMail{To: raw.To, Subject: subject, Body: body}
}
