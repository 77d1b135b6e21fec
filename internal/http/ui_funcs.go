package http

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
)

// templateFuncs are the helpers the console's templates call.
var templateFuncs = template.FuncMap{
	"deref":     func(b *bool) bool { return b != nil && *b },
	"deref_int": func(v *int) int { return *v },
	"hasPrefix": strings.HasPrefix,
	"kb":        func(n int) string { return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " KB" },
	"ptr":       func(f float64) *float64 { return &f },
	"ptrTime":   func(t time.Time) *time.Time { return &t },
	"clockView": newClockView,
	"clockOf":   nextCountdown,
	"list":      func(v ...string) []string { return v },
	"shortDur":  shortDur,
	"add":       func(a, b int) int { return a + b },
	"secsDur":   func(s int64) time.Duration { return time.Duration(s) * time.Second },
	"sevPrio":   func(severity string) string { return string(sqm.SeverityPriority(severity)) },
	"secs": func(p *page, v *int64) string {
		if v == nil {
			return "—"
		}
		return p.Dur(time.Duration(*v) * time.Second)
	},
}

// countdown is a due instant shown as time left (or overdue); app.js keeps
// it ticking.
type countdown struct {
	State string
	Due   string // RFC 3339
	Text  string
}

func newCountdown(p *page, c sqm.Clock) countdown {
	if c.DueAt == nil {
		return countdown{State: string(c.State)}
	}
	left := c.DueAt.Sub(p.Now)
	text := p.Dur(left) + " " + p.T("unit.left")
	if left < 0 {
		text = p.Dur(-left) + " " + p.T("unit.overdue")
	}
	return countdown{State: string(c.State), Due: c.DueAt.UTC().Format(time.RFC3339), Text: text}
}

// nextCountdown is the countdown of a ticket's clock that falls due first
// among those still running.
func nextCountdown(p *page, t sqm.Ticket) countdown {
	var next *sqm.Clock
	for _, c := range []*sqm.Clock{&t.SLA.FirstResponse, &t.SLA.Resolution} {
		if c.MetAt == nil && c.DueAt != nil && c.State != sqm.ClockPaused && (next == nil || c.DueAt.Before(*next.DueAt)) {
			next = c
		}
	}
	if next == nil {
		return countdown{}
	}
	return newCountdown(p, *next)
}

// clockView is one clock on the ticket page.
type clockView struct {
	P                       *page
	Name, Label, StateLabel string
	C                       sqm.Clock
	Percent                 int
	Countdown               countdown
}

func newClockView(p *page, name string, c sqm.Clock) clockView {
	pct := 0
	if c.Target > 0 {
		pct = int(min(100, 100*c.Elapsed/c.Target))
	}
	return clockView{P: p, Name: name, Label: p.T("clock." + name), StateLabel: p.T("state." + string(c.State)),
		C: c, Percent: pct, Countdown: newCountdown(p, c)}
}
