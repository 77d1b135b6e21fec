package sqm_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
)

func TestPolicyValidate(t *testing.T) {
	valid := func() sqm.SLAPolicy { return sqm.DefaultPolicy("1") }
	tests := []struct {
		name  string
		edit  func(p *sqm.SLAPolicy)
		field string
	}{
		{"the default policy is valid", func(*sqm.SLAPolicy) {}, ""},
		{"a name is required", func(p *sqm.SLAPolicy) { p.Name = " " }, "name"},
		{"a calendar is required", func(p *sqm.SLAPolicy) { p.CalendarID = "" }, "calendar_id"},
		{"every priority needs a target", func(p *sqm.SLAPolicy) { delete(p.Targets, sqm.P3) }, "targets.P3"},
		{"an unknown priority is refused", func(p *sqm.SLAPolicy) { p.Targets["P5"] = sqm.Target{} }, "targets.P5"},
		{"a zero target is refused", func(p *sqm.SLAPolicy) { p.Targets[sqm.P1] = sqm.Target{Resolution: time.Hour} }, "targets.P1.first_response"},
		{"a fraction of a second is refused", func(p *sqm.SLAPolicy) {
			p.Targets[sqm.P2] = sqm.Target{FirstResponse: time.Hour, Resolution: 1500 * time.Millisecond}
		}, "targets.P2.resolution"},
		{"resolved cannot pause", func(p *sqm.SLAPolicy) { p.PauseStatuses = []sqm.Status{sqm.StatusResolved} }, "pause_statuses[0]"},
		{"a pause status listed twice", func(p *sqm.SLAPolicy) {
			p.PauseStatuses = []sqm.Status{sqm.StatusWaitingOnCustomer, sqm.StatusWaitingOnCustomer}
		}, "pause_statuses[1]"},
		{"a warning at 100% is refused", func(p *sqm.SLAPolicy) { p.WarnAtPercent = 100 }, "warn_at_percent"},
		{"no warning at all is allowed", func(p *sqm.SLAPolicy) { p.WarnAtPercent = 0 }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid()
			tt.edit(&p)
			err := p.Validate()
			if tt.field == "" && err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if tt.field != "" && sqm.ErrorField(err) != tt.field {
				t.Fatalf("error %v; want one on %s", err, tt.field)
			}
		})
	}
}

func TestTicketValidate(t *testing.T) {
	ok := sqm.NewTicket{ServiceID: "1", Type: sqm.TypeIncident, Priority: sqm.P1, Title: "Checkout fails"}
	tests := []struct {
		name  string
		edit  func(*sqm.NewTicket)
		field string
	}{
		{"a complete ticket is valid", func(*sqm.NewTicket) {}, ""},
		{"a title is required", func(t *sqm.NewTicket) { t.Title = "" }, "title"},
		{"a long title is refused", func(t *sqm.NewTicket) { t.Title = strings.Repeat("x", sqm.MaxTitle+1) }, "title"},
		{"a control character is refused", func(t *sqm.NewTicket) { t.Title = "bell\a" }, "title"},
		{"invalid UTF-8 is refused", func(t *sqm.NewTicket) { t.Description = "\xff" }, "description"},
		{"Chinese text is fine", func(t *sqm.NewTicket) {
			t.Title = "支付失败"
			t.Description = "用户无法付款\n请尽快处理"
		}, ""},
		{"an unknown type is refused", func(t *sqm.NewTicket) { t.Type = "bug" }, "type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nt := ok
			tt.edit(&nt)
			if got := sqm.ErrorField(nt.Validate()); got != tt.field {
				t.Fatalf("field %q, want %q", got, tt.field)
			}
		})
	}
}

func TestRolesAndGoals(t *testing.T) {
	if !sqm.RoleAdmin.AtLeast(sqm.RoleManager) || sqm.RoleAgent.AtLeast(sqm.RoleManager) || sqm.Role("boss").AtLeast(sqm.RoleViewer) {
		t.Fatal("role order is wrong")
	}
	low, high := 0.94, 0.96
	g := sqm.Goal{Key: sqm.GoalFirstResponse, Value: 0.95, Comparison: "gte"}
	if f := g.Judge(&low, 100); f.Met == nil || *f.Met {
		t.Fatalf("94%% met a 95%% goal: %+v", f)
	}
	if f := g.Judge(&high, 100); f.Met == nil || !*f.Met {
		t.Fatalf("96%% missed a 95%% goal: %+v", f)
	}
	if f := g.Judge(nil, 0); f.Met != nil || f.Actual != nil {
		t.Fatalf("no data judged: %+v", f)
	}
	fr := sqm.Goal{Key: sqm.GoalFailureRate, Value: 0.01, Comparison: "lt"}
	one := 0.01
	if f := fr.Judge(&one, 10); *f.Met {
		t.Fatal("a failure rate of exactly 1% is not below 1%")
	}
}
