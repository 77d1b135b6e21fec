package http

import (
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sqmhq/sqm"
)

// Every string the console shows exists in English and in Chinese.
func TestCatalogueIsComplete(t *testing.T) {
	for key, m := range messages {
		if strings.TrimSpace(m[0]) == "" || strings.TrimSpace(m[1]) == "" {
			t.Errorf("message %q lacks a translation: %q", key, m)
		}
	}
	used := map[string]bool{}
	literal := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFS.ReadFile(p)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Keys made from values: statuses, types, states, clocks, goals, events.
	for _, s := range sqm.Statuses {
		used["status."+string(s)] = true
	}
	for _, ty := range sqm.TicketTypes {
		used["type."+string(ty)] = true
	}
	for _, st := range []string{"running", "paused", "met", "breached"} {
		used["state."+st] = true
	}
	for _, st := range []string{"running", "paused", "stopped"} {
		used["stretch."+st] = true
	}
	for _, g := range sqm.DefaultGoals() {
		used["goal."+g.Key], used["goal.source."+g.Key] = true, true
	}
	for _, e := range []string{"sla_warning", "sla_breached"} {
		used["event."+e] = true
	}
	for _, c := range []string{"first_response", "resolution"} {
		used["clock."+c] = true
	}
	for key := range used {
		if _, ok := messages[key]; !ok {
			t.Errorf("the console shows %q, which has no message", key)
		}
	}
}

func TestPickLang(t *testing.T) {
	tests := []struct{ accept, chosen, want string }{
		{"", "", "en"},
		{"zh-CN,zh;q=0.9,en;q=0.8", "", "zh"},
		{"zh-TW", "", "zh"},
		{"en-GB,en;q=0.9", "", "en"},
		{"fr-FR", "", "en"},
		{"zh-CN", "en", "en"},
		{"en", "zh", "zh"},
	}
	for _, tt := range tests {
		r := httptestRequest(tt.accept)
		if got := pickLang(r, tt.chosen); got != tt.want {
			t.Errorf("Accept-Language %q, chosen %q: %s, want %s", tt.accept, tt.chosen, got, tt.want)
		}
	}
}

func httptestRequest(accept string) *http.Request {
	r, _ := http.NewRequest("GET", "/", nil)
	r.Header.Set("Accept-Language", accept)
	return r
}
