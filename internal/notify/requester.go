package notify

import (
	"context"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/sqmhq/sqm"
)

// requesterText is the subject and body of each mail to a requester, in
// English and Chinese: %[1]s is the ticket's title, %[2]s its number,
// %[3]s the service, %[4]s the link, %[5]s when a survey closes, %[6]s a
// reply's text.
var requesterText = map[string][2][2]string{
	sqm.MailFeedbackReceived: {
		{"We received your feedback (#%[2]s)",
			"Thank you for your feedback (#%[2]s, %[3]s).\n\nFollow it, read our replies and answer them here:\n%[4]s\n\nKeep this link private: whoever has it can read and reply."},
		{"我们已收到您的反馈（#%[2]s）",
			"感谢您的反馈（#%[2]s，%[3]s）。\n\n您可以通过以下链接查看处理进度、阅读并回复我们的答复：\n%[4]s\n\n请妥善保管此链接：持有链接的人都可以查看和回复。"},
	},
	sqm.MailFeedbackReply: {
		{"New reply to your feedback: %[1]s",
			"%[6]s\n\n---\nRead the conversation and answer here:\n%[4]s"},
		{"您的反馈有新回复：%[1]s",
			"%[6]s\n\n---\n查看完整沟通记录并回复：\n%[4]s"},
	},
	sqm.MailSurvey: {
		{"How did we do? %[1]s",
			"Your request #%[2]s (%[3]s) has been resolved.\n\nHow satisfied are you? One click, 1 to 5:\n%[4]s\n\nThe survey is open until %[5]s. If it is not solved, say so there and we will reopen it."},
		{"请评价我们的服务：%[1]s",
			"您的请求 #%[2]s（%[3]s）已处理完毕。\n\n您对处理结果满意吗？点击链接打分（1 到 5 分）：\n%[4]s\n\n评价截止到 %[5]s。如果问题仍未解决，请在评价中告诉我们，我们会重新处理。"},
	},
}

// MailRequester sends a mail to a requester (the receipt of a submission,
// a survey) through the built-in requester channel.
func (s *Sender) MailRequester(ctx context.Context, ch sqm.Channel, deliveryID, to string, n sqm.Notice) error {
	if s.SMTP == nil || s.SMTP.Addr == "" {
		return ErrNoSMTP
	}
	cfg := *s.SMTP
	client, err := cfg.client()
	if err != nil {
		return err
	}
	m, err := s.RequesterMessage(ch, deliveryID, to, n)
	if err != nil {
		return err
	}
	if err := client.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("email via %s: %w", cfg.Addr, err)
	}
	return nil
}

// RequesterMessage is the mail of a notice to a requester, in the notice's
// language (else the channel's), with the link to their portal page. Its
// Message-ID is made of the delivery's ID, as for channels' mail.
func (s *Sender) RequesterMessage(ch sqm.Channel, deliveryID, to string, n sqm.Notice) (*mail.Msg, error) {
	if s.SMTP == nil {
		return nil, ErrNoSMTP
	}
	texts, ok := requesterText[n.Event]
	if !ok {
		return nil, fmt.Errorf("no mail to requesters for %q", n.Event)
	}
	lang := n.Lang
	if lang == "" {
		lang = ch.Lang
	}
	t, loc := texts[0], time.UTC
	if lang == "zh" {
		t, loc = texts[1], time.FixedZone("CST", 8*3600)
	}
	rcpt, err := netmail.ParseAddress(to)
	if err != nil {
		return nil, fmt.Errorf("requester %q: %w", to, err)
	}
	from, err := netmail.ParseAddress(s.SMTP.From)
	if err != nil {
		return nil, fmt.Errorf("SMTP sender %q: %w", s.SMTP.From, err)
	}
	until := ""
	if n.Until != nil {
		until = n.Until.In(loc).Format("2006-01-02 15:04 MST")
	}
	link := strings.TrimRight(s.BaseURL, "/") + n.LinkPath
	if lang == "zh" && strings.Contains(link, "?") {
		link += "&lang=zh"
	} else if lang == "zh" {
		link += "?lang=zh"
	}
	title := strings.Map(func(r rune) rune { // a subject is one line
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, n.Title)
	m := mail.NewMsg(mail.WithNoDefaultUserAgent())
	m.FromMailAddress(from)
	m.ToMailAddress(rcpt)
	m.Subject(fmt.Sprintf(t[0], title))
	m.SetBodyString(mail.TypeTextPlain, fmt.Sprintf(t[1], title, n.TicketID, n.Service, link, until, n.Detail)+"\n")
	m.SetDateWithValue(s.now())
	m.SetMessageIDWithValue(messageID(deliveryID, s.BaseURL, from.Address))
	m.SetUserAgent("sqm-notify/1")
	m.SetGenHeader("X-Sqm-Delivery", deliveryID)
	m.SetGenHeader("X-Sqm-Event", n.Event)
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	return m, nil
}
