package sqlstore_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
	"github.com/sqmhq/sqm/oncall"
)

// An incident nobody acknowledges calls level 1 at once and level 2 ten
// minutes later; the acknowledgement link in the messages stops it.
func TestEscalation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Payments", "")
		first, _ := e.db.CreateChannel(e.ctx, sqm.Channel{Name: "on-call", Type: sqm.ChannelWebhook, URL: "http://127.0.0.1:1/a"})
		second, _ := e.db.CreateChannel(e.ctx, sqm.Channel{Name: "managers", Type: sqm.ChannelWebhook, URL: "http://127.0.0.1:1/b"})
		_, err := e.db.CreateEscalationPolicy(e.ctx, sqm.EscalationPolicy{Name: "Payments", ServiceIDs: []string{svc.ID},
			Levels: []sqm.EscalationLevel{{ChannelIDs: []string{first.ID}}, {After: 10 * time.Minute, ChannelIDs: []string{first.ID, second.ID}}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.db.CreateEscalationPolicy(e.ctx, sqm.EscalationPolicy{Name: "Again", ServiceIDs: []string{svc.ID},
			Levels: []sqm.EscalationLevel{{ChannelIDs: []string{first.ID}}}})
		wantCode(t, err, sqm.ECONFLICT, "")
		_, err = e.db.CreateEscalationPolicy(e.ctx, sqm.EscalationPolicy{Name: "Empty", Levels: []sqm.EscalationLevel{{}}})
		wantCode(t, err, sqm.EINVALID, "levels")

		inc := e.ticket(t, svc.ID, sqm.P1) // an incident
		escalations := func() []sqm.Delivery {
			page, err := e.db.ListDeliveries(e.ctx, "", "", "", 100)
			if err != nil {
				t.Fatal(err)
			}
			var out []sqm.Delivery
			for _, d := range page.Items {
				if d.Event == sqm.NotifyEscalation {
					out = append(out, d)
				}
			}
			return out
		}
		if _, err := e.db.Escalate(e.ctx); err != nil {
			t.Fatal(err)
		}
		if got := escalations(); len(got) != 1 || got[0].ChannelID != first.ID {
			t.Fatalf("level 1: %+v", got)
		}
		e.clock.Add(5 * time.Minute)
		e.db.Escalate(e.ctx)
		if got := escalations(); len(got) != 1 {
			t.Fatalf("level 2 before its ten minutes: %d deliveries", len(got))
		}
		e.clock.Add(6 * time.Minute)
		e.db.Escalate(e.ctx)
		if got := escalations(); len(got) != 3 {
			t.Fatalf("level 2 calls both channels: %d deliveries in all", len(got))
		}

		// The messages carry the acknowledgement link's secret.
		claimed, err := e.db.ClaimDeliveries(e.ctx, 10)
		if err != nil || len(claimed) == 0 {
			t.Fatalf("claimed %d, %v", len(claimed), err)
		}
		var n sqm.Notice
		json.Unmarshal(claimed[0].Payload, &n)
		if n.AckToken == "" || n.Level == 0 || n.TicketID != inc.ID {
			t.Fatalf("the notice %+v", n)
		}
		if _, err := e.db.AcknowledgeByLink(e.ctx, n.AckToken+"x"); sqm.ErrorCode(err) != sqm.ENOTFOUND {
			t.Fatalf("a forged link: %v", err)
		}
		if _, err := e.db.AcknowledgeByLink(e.ctx, inc.ID+".AAAAAAAAAAAAAAAAAAAAAAAA"); sqm.ErrorCode(err) != sqm.ENOTFOUND {
			t.Fatalf("a made-up link: %v", err)
		}
		got, err := e.db.AcknowledgeByLink(e.ctx, n.AckToken)
		if err != nil || got.SLA.FirstResponse.MetAt == nil {
			t.Fatalf("acknowledged: %+v %v", got.SLA.FirstResponse, err)
		}
		if again, err := e.db.AcknowledgeByLink(e.ctx, n.AckToken); err != nil || len(events(e.get(t, inc.ID), sqm.EventAck)) != 1 || again.ID != inc.ID {
			t.Fatalf("a second use: %v", err)
		}
		// An incident acknowledged before level 2 is due is not escalated.
		inc2 := e.ticket(t, svc.ID, sqm.P2)
		e.db.Escalate(e.ctx)
		e.event(t, inc2.ID, sqm.NewEvent{Type: sqm.EventAck})
		e.clock.Add(11 * time.Minute)
		e.db.Escalate(e.ctx)
		if got := escalations(); len(got) != 4 {
			t.Fatalf("after an acknowledgement: %d deliveries (want 3 + the second incident's level 1)", len(got))
		}
	})
}

// A level that names an on-call schedule calls whoever it has on call, on
// their own channel, and says who in the message.
func TestEscalationCallsWhoIsOnCall(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Payments", "")
		li, _ := e.db.CreateUser(e.ctx, sqm.User{Name: "li", Role: sqm.RoleAgent})
		wang, _ := e.db.CreateUser(e.ctx, sqm.User{Name: "wang", Role: sqm.RoleAgent})
		liMail, _ := e.db.CreateChannel(e.ctx, sqm.Channel{Name: "li mail", Type: sqm.ChannelWebhook, URL: "http://127.0.0.1:1/li"})
		wangMail, _ := e.db.CreateChannel(e.ctx, sqm.Channel{Name: "wang mail", Type: sqm.ChannelWebhook, URL: "http://127.0.0.1:1/wang"})
		// start is Monday 2 November 10:00 in Beijing: li's week from 09:00.
		sch, err := e.db.CreateSchedule(e.ctx, sqm.Schedule{Name: "Payments primary", Timezone: "Asia/Shanghai", Start: "2026-11-02",
			Handoff: "09:00", Days: 7, Members: []oncall.Member{{UserID: li.ID, ChannelID: liMail.ID}, {UserID: wang.ID, ChannelID: wangMail.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		who, err := e.db.WhoIsOnCall(e.ctx, sch.ID, start)
		if err != nil || who.User != "li" || who.Until == nil || !who.Until.Equal(time.Date(2026, 11, 9, 1, 0, 0, 0, time.UTC)) {
			t.Fatalf("on call now: %+v %v", who, err)
		}
		if who, _ := e.db.WhoIsOnCall(e.ctx, sch.ID, start.Add(7*24*time.Hour)); who.User != "wang" {
			t.Fatalf("on call next week: %+v", who)
		}
		_, err = e.db.CreateSchedule(e.ctx, sqm.Schedule{Name: "bad", Timezone: "Mars/Olympus", Start: "2026-11-02", Handoff: "09:00", Days: 7,
			Members: []oncall.Member{{UserID: li.ID, ChannelID: liMail.ID}}})
		wantCode(t, err, sqm.EINVALID, "timezone")
		if _, err := e.db.CreateEscalationPolicy(e.ctx, sqm.EscalationPolicy{Name: "Payments", ServiceIDs: []string{svc.ID},
			Levels: []sqm.EscalationLevel{{ScheduleIDs: []string{sch.ID}}}}); err != nil {
			t.Fatal(err)
		}
		e.ticket(t, svc.ID, sqm.P1)
		if _, err := e.db.Escalate(e.ctx); err != nil {
			t.Fatal(err)
		}
		claimed, err := e.db.ClaimDeliveries(e.ctx, 10)
		if err != nil || len(claimed) != 1 || claimed[0].ChannelID != liMail.ID {
			t.Fatalf("the call went to %+v, %v; want li's channel", claimed, err)
		}
		var n sqm.Notice
		json.Unmarshal(claimed[0].Payload, &n)
		if len(n.OnCall) != 1 || n.OnCall[0] != "li" {
			t.Fatalf("the notice names %v", n.OnCall)
		}
	})
}
