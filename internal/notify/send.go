// Package notify delivers notifications: it turns a notice into each
// channel's own message (a signed JSON webhook, Slack, WeCom, DingTalk,
// Feishu, e-mail through the installation's SMTP server), in Chinese or
// English, and runs the worker that sends the deliveries the store has
// queued, retrying with back-off.
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
)

// Sender sends one delivery to its channel.
type Sender struct {
	Client *http.Client
	// BaseURL is the console's address, for links in messages ("" leaves
	// them out).
	BaseURL string
	// Now is the clock of the signatures' timestamps.
	Now func() time.Time
	// SMTP is the mail server of e-mail channels (nil: e-mail cannot be
	// sent).
	SMTP *SMTP
}

// NewSender returns a Sender with a 10-second HTTP client.
func NewSender(baseURL string) *Sender {
	return &Sender{Client: &http.Client{Timeout: 10 * time.Second}, BaseURL: strings.TrimRight(baseURL, "/"), Now: time.Now}
}

// Send delivers a notice to a channel. deliveryID identifies the delivery
// to the receiver, which can use it to drop a repeat.
func (s *Sender) Send(ctx context.Context, ch sqm.Channel, secret, deliveryID string, n sqm.Notice) error {
	n.DeliveryID = deliveryID
	if s.BaseURL != "" && n.TicketID != "" {
		n.URL = s.BaseURL + "/tickets/" + n.TicketID
	}
	if s.BaseURL != "" && n.AckToken != "" {
		n.AckURL = s.BaseURL + "/ack/" + n.AckToken
	}
	n.AckToken = "" // the URL carries it; the token alone is not sent
	if ch.Type == sqm.ChannelEmail {
		return s.sendEmail(ctx, ch, deliveryID, n)
	}
	req, err := s.request(ctx, ch, secret, n)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "sqm-notify/1")
	req.Header.Set("X-Sqm-Delivery", deliveryID)
	resp, err := s.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s answered %s: %s", ch.Type, resp.Status, strings.TrimSpace(string(body)))
	}
	return vendorError(ch.Type, body)
}

// request builds the channel's HTTP request for a notice.
func (s *Sender) request(ctx context.Context, ch sqm.Channel, secret string, n sqm.Notice) (*http.Request, error) {
	text := Text(ch.Lang, n)
	target := ch.URL
	var payload any
	switch ch.Type {
	case sqm.ChannelWebhook:
		payload = n
	case sqm.ChannelSlack:
		payload = map[string]any{"text": text}
	case sqm.ChannelWeCom:
		payload = map[string]any{"msgtype": "text", "text": map[string]string{"content": text}}
	case sqm.ChannelDingTalk:
		payload = map[string]any{"msgtype": "text", "text": map[string]string{"content": text}}
		if secret != "" {
			ts, sign := DingTalkSign(secret, s.Now())
			u, err := url.Parse(target)
			if err != nil {
				return nil, err
			}
			q := u.Query()
			q.Set("timestamp", ts)
			q.Set("sign", sign)
			u.RawQuery = q.Encode()
			target = u.String()
		}
	case sqm.ChannelFeishu:
		m := map[string]any{"msg_type": "text", "content": map[string]string{"text": text}}
		if secret != "" {
			ts, sign := FeishuSign(secret, s.Now())
			m["timestamp"], m["sign"] = ts, sign
		}
		payload = m
	default:
		return nil, fmt.Errorf("channel type %q cannot be sent", ch.Type)
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if ch.Type == sqm.ChannelWebhook {
		req.Header.Set("X-Sqm-Event", n.Event)
		if secret != "" {
			req.Header.Set("X-Sqm-Signature", "sha256="+WebhookSignature(secret, body))
		}
	}
	return req, nil
}

// WebhookSignature is the hex HMAC-SHA256 of a webhook body with the
// channel's secret, sent as "X-Sqm-Signature: sha256=<it>".
func WebhookSignature(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// DingTalkSign is DingTalk's robot signature: the timestamp in
// milliseconds, and base64 of HMAC-SHA256 over "timestamp\nsecret" keyed by
// the secret (the caller URL-encodes it as the sign parameter).
func DingTalkSign(secret string, now time.Time) (timestamp, sign string) {
	timestamp = strconv.FormatInt(now.UnixMilli(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp + "\n" + secret))
	return timestamp, base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// FeishuSign is Feishu's bot signature: the timestamp in seconds, and
// base64 of HMAC-SHA256 keyed by "timestamp\nsecret" over nothing.
func FeishuSign(secret string, now time.Time) (timestamp, sign string) {
	timestamp = strconv.FormatInt(now.Unix(), 10)
	m := hmac.New(sha256.New, []byte(timestamp+"\n"+secret))
	return timestamp, base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// vendorError reads the error the chat services report with status 200.
func vendorError(t sqm.ChannelType, body []byte) error {
	var r struct {
		ErrCode    *int   `json:"errcode"` // WeCom, DingTalk
		ErrMsg     string `json:"errmsg"`
		Code       *int   `json:"code"` // Feishu
		Msg        string `json:"msg"`
		StatusCode *int   `json:"StatusCode"` // Feishu, older
	}
	switch t {
	case sqm.ChannelWeCom, sqm.ChannelDingTalk, sqm.ChannelFeishu:
		if json.Unmarshal(body, &r) != nil {
			return nil
		}
	default:
		return nil
	}
	switch {
	case r.ErrCode != nil && *r.ErrCode != 0:
		return fmt.Errorf("%s error %d: %s", t, *r.ErrCode, r.ErrMsg)
	case r.Code != nil && *r.Code != 0:
		return fmt.Errorf("%s error %d: %s", t, *r.Code, r.Msg)
	case r.StatusCode != nil && *r.StatusCode != 0:
		return fmt.Errorf("%s error %d", t, *r.StatusCode)
	}
	return nil
}
