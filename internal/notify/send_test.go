package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/notify"
)

var now = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func notice() sqm.Notice {
	due := now.Add(time.Hour)
	return sqm.Notice{Event: sqm.NotifySLABreached, TicketID: "12", ServiceID: "3", Service: "Payments", Title: "Checkout fails",
		Priority: sqm.P1, Status: sqm.StatusNew, Clock: sqm.FirstResponse, DueAt: &due}
}

// receiver is a local stand-in for a vendor's endpoint: it checks each
// request the way the vendor documents and answers as the vendor does.
func receiver(t *testing.T, check func(r *http.Request, body []byte) string, answer string) (*httptest.Server, *[]string) {
	var got []string
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if problem := check(r, body); problem != "" {
			t.Errorf("%s: %s", r.URL, problem)
			http.Error(w, problem, http.StatusForbidden)
			return
		}
		got = append(got, string(body))
		io.WriteString(w, answer)
	}))
	t.Cleanup(s.Close)
	return s, &got
}

func send(t *testing.T, ch sqm.Channel, secret string) error {
	s := notify.NewSender("https://sqm.example.com")
	s.Now = func() time.Time { return now }
	return s.Send(context.Background(), ch, secret, "77", notice())
}

func TestWebhookIsSignedJSON(t *testing.T) {
	srv, got := receiver(t, func(r *http.Request, body []byte) string {
		m := hmac.New(sha256.New, []byte("s3cret"))
		m.Write(body)
		if r.Header.Get("X-Sqm-Signature") != "sha256="+hex.EncodeToString(m.Sum(nil)) {
			return "bad signature " + r.Header.Get("X-Sqm-Signature")
		}
		if r.Header.Get("X-Sqm-Event") != "sla_breached" || r.Header.Get("X-Sqm-Delivery") != "77" {
			return "headers " + r.Header.Get("X-Sqm-Event")
		}
		return ""
	}, "")
	if err := send(t, sqm.Channel{Type: sqm.ChannelWebhook, URL: srv.URL}, "s3cret"); err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	json.Unmarshal([]byte((*got)[0]), &body)
	for k, want := range map[string]any{"event": "sla_breached", "ticket_id": "12", "service_id": "3", "clock": "first_response",
		"delivery_id": "77", "url": "https://sqm.example.com/tickets/12"} {
		if body[k] != want {
			t.Errorf("%s = %v; want %v", k, body[k], want)
		}
	}
}

func TestChatChannels(t *testing.T) {
	for _, c := range []struct {
		typ    sqm.ChannelType
		lang   string
		check  func(r *http.Request, body []byte) string
		answer string
		text   func(body []byte) string
	}{
		{sqm.ChannelSlack, "en", func(*http.Request, []byte) string { return "" }, "ok", func(b []byte) string {
			var m struct{ Text string }
			json.Unmarshal(b, &m)
			return m.Text
		}},
		{sqm.ChannelWeCom, "zh", func(*http.Request, []byte) string { return "" }, `{"errcode":0,"errmsg":"ok"}`, func(b []byte) string {
			var m struct {
				MsgType string `json:"msgtype"`
				Text    struct{ Content string }
			}
			json.Unmarshal(b, &m)
			return m.MsgType + ":" + m.Text.Content
		}},
		// DingTalk: sign = urlencode(base64(HMAC-SHA256(secret, timestamp+"\n"+secret))).
		{sqm.ChannelDingTalk, "zh", func(r *http.Request, _ []byte) string {
			ts := r.URL.Query().Get("timestamp")
			m := hmac.New(sha256.New, []byte("SECabc"))
			m.Write([]byte(ts + "\n" + "SECabc"))
			if ts != strconv.FormatInt(now.UnixMilli(), 10) || r.URL.Query().Get("sign") != base64.StdEncoding.EncodeToString(m.Sum(nil)) {
				return "bad signature"
			}
			return ""
		}, `{"errcode":0,"errmsg":"ok"}`, func(b []byte) string {
			var m struct{ Text struct{ Content string } }
			json.Unmarshal(b, &m)
			return m.Text.Content
		}},
		// Feishu: sign = base64(HMAC-SHA256(key = timestamp+"\n"+secret, message = "")).
		{sqm.ChannelFeishu, "en", func(_ *http.Request, b []byte) string {
			var m struct{ Timestamp, Sign string }
			json.Unmarshal(b, &m)
			h := hmac.New(sha256.New, []byte(m.Timestamp+"\n"+"fsecret"))
			if m.Timestamp != strconv.FormatInt(now.Unix(), 10) || m.Sign != base64.StdEncoding.EncodeToString(h.Sum(nil)) {
				return "bad signature"
			}
			return ""
		}, `{"code":0,"msg":"success"}`, func(b []byte) string {
			var m struct {
				MsgType string `json:"msg_type"`
				Content struct{ Text string }
			}
			json.Unmarshal(b, &m)
			return m.MsgType + ":" + m.Content.Text
		}},
	} {
		t.Run(string(c.typ), func(t *testing.T) {
			srv, got := receiver(t, c.check, c.answer)
			secret := map[sqm.ChannelType]string{sqm.ChannelDingTalk: "SECabc", sqm.ChannelFeishu: "fsecret"}[c.typ]
			if err := send(t, sqm.Channel{Type: c.typ, URL: srv.URL + "/robot/send?access_token=x", Lang: c.lang}, secret); err != nil {
				t.Fatal(err)
			}
			text := c.text([]byte((*got)[0]))
			want := []string{"[P1]", "#12 Checkout fails", "Payments", "https://sqm.example.com/tickets/12"}
			if c.lang == "zh" {
				want = append(want, "SLA 已超时", "首次响应")
			} else {
				want = append(want, "SLA breached", "first response")
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("message %q lacks %q", text, w)
				}
			}
		})
	}
}

// The chat services answer 200 with an error code; that is a failure.
func TestVendorErrorsFail(t *testing.T) {
	srv, _ := receiver(t, func(*http.Request, []byte) string { return "" }, `{"errcode":310000,"errmsg":"sign not match"}`)
	err := send(t, sqm.Channel{Type: sqm.ChannelDingTalk, URL: srv.URL}, "x")
	if err == nil || !strings.Contains(err.Error(), "310000") {
		t.Fatalf("error %v; want DingTalk's error code", err)
	}
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "busy", 503) }))
	defer down.Close()
	if err := send(t, sqm.Channel{Type: sqm.ChannelWebhook, URL: down.URL}, ""); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("error %v; want the 503", err)
	}
}
