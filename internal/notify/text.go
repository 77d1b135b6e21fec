package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
)

// messages are the notices' one-line headlines, in English and Chinese.
var messages = map[string][2]string{
	sqm.NotifyAlertFiring:   {"Alert firing", "告警触发"},
	sqm.NotifyAlertResolved: {"Alert resolved", "告警恢复"},
	sqm.NotifySLAWarning:    {"SLA warning", "SLA 即将超时"},
	sqm.NotifySLABreached:   {"SLA breached", "SLA 已超时"},
	sqm.NotifyMonitorDown:   {"Monitor down", "监控异常"},
	sqm.NotifyMonitorUp:     {"Monitor up", "监控恢复"},
	"clock.first_response":  {"first response", "首次响应"},
	"clock.resolution":      {"resolution", "解决"},
	"due":                   {"due", "截止"},
	"open":                  {"Open", "查看"},
	"ack":                   {"Acknowledge", "确认"},
	sqm.NotifyEscalation:    {"Escalation", "升级通知"},
	"level":                 {"level", "级别"},
	"on_call":               {"on call", "值班"},
}

func msg(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == "zh" {
		return m[1]
	}
	return m[0]
}

// Text is a notice as a chat message in a language (en or zh): a headline
// with the priority, what happened, the ticket and service, and a link.
func Text(lang string, n sqm.Notice) string {
	var b strings.Builder
	sep := ": "
	if lang == "zh" {
		sep = "："
	}
	fmt.Fprintf(&b, "[%s] %s%s", n.Priority, msg(lang, n.Event), sep)
	switch {
	case n.Alert != nil:
		b.WriteString(n.Alert.Name)
		if n.Alert.Summary != "" {
			b.WriteString(" — " + n.Alert.Summary)
		}
	case n.Monitor != "":
		b.WriteString(n.Monitor)
		if n.Detail != "" {
			b.WriteString(" — " + n.Detail)
		}
	case n.Event == sqm.NotifyEscalation:
		fmt.Fprintf(&b, "%s %d, %s", msg(lang, "level"), n.Level, n.Status)
		if len(n.OnCall) > 0 {
			fmt.Fprintf(&b, " · %s%s%s", msg(lang, "on_call"), sep, strings.Join(n.OnCall, ", "))
		}
	case n.Clock != "":
		b.WriteString(msg(lang, "clock."+string(n.Clock)))
		if n.DueAt != nil {
			loc := time.UTC
			if lang == "zh" {
				loc = time.FixedZone("CST", 8*3600)
			}
			fmt.Fprintf(&b, " (%s %s)", msg(lang, "due"), n.DueAt.In(loc).Format("2006-01-02 15:04 MST"))
		}
	}
	fmt.Fprintf(&b, "\n#%s %s · %s", n.TicketID, n.Title, n.Service)
	if n.URL != "" {
		fmt.Fprintf(&b, "\n%s%s%s", msg(lang, "open"), sep, n.URL)
	}
	if n.AckURL != "" {
		fmt.Fprintf(&b, "\n%s%s%s", msg(lang, "ack"), sep, n.AckURL)
	}
	return b.String()
}
