package sqlstore_test

import (
	"errors"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
	"github.com/sqmhq/sqm/internal/testdb"
)

func TestDeliveriesAreQueuedOncePerEventAndChannel(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		pol := e.policy(t, "Fast", 10*time.Minute, time.Hour)
		svc := e.service(t, "Payments", pol.ID)
		other := e.service(t, "Portal", pol.ID)
		hook, err := e.db.CreateChannel(e.ctx, sqm.Channel{Name: "ops hook", Type: sqm.ChannelWebhook, URL: "http://127.0.0.1:1/hook", Secret: "s"})
		if err != nil {
			t.Fatal(err)
		}
		if hook.HasSecret != true || hook.Lang != "en" {
			t.Fatalf("channel %+v", hook)
		}
		chat, _ := e.db.CreateChannel(e.ctx, sqm.Channel{Name: "chat", Type: sqm.ChannelSlack, URL: "http://127.0.0.1:1/chat"})
		// The hook hears alerts and breaches of Payments; the chat hears
		// breaches of P1 tickets anywhere.
		for _, r := range []sqm.NotificationRule{
			{ChannelID: hook.ID, ServiceID: svc.ID, Events: []string{sqm.NotifyAlertFiring, sqm.NotifySLABreached}},
			{ChannelID: hook.ID, Events: []string{sqm.NotifySLABreached}}, // overlaps the first: still one delivery
			{ChannelID: chat.ID, Events: []string{sqm.NotifySLABreached}, Priorities: []sqm.Priority{sqm.P1}},
		} {
			if _, err := e.db.CreateRule(e.ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		_, err = e.db.CreateRule(e.ctx, sqm.NotificationRule{ChannelID: hook.ID, Events: []string{"everything"}})
		wantCode(t, err, sqm.EINVALID, "events")

		e.ticket(t, svc.ID, sqm.P1)
		e.ticket(t, svc.ID, sqm.P2)
		e.ticket(t, other.ID, sqm.P2)
		e.clock.Add(70 * time.Minute) // P1: both clocks breached (10m, 1h); P2: first response (20m)
		if _, err := e.db.SweepSLA(e.ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.SweepSLA(e.ctx); err != nil { // a second sweep owes nothing
			t.Fatal(err)
		}
		page, err := e.db.ListDeliveries(e.ctx, "", "", "", 100)
		if err != nil {
			t.Fatal(err)
		}
		byChannel := map[string]int{}
		for _, d := range page.Items {
			byChannel[d.ChannelID]++
			if d.Event != sqm.NotifySLABreached || d.Status != sqm.DeliveryPending {
				t.Errorf("delivery %+v", d)
			}
		}
		// Hook: the four breaches (those of Payments through both rules,
		// once each). Chat: the P1's two.
		if byChannel[hook.ID] != 4 || byChannel[chat.ID] != 2 {
			t.Fatalf("deliveries by channel %v; want 4 to the hook, 2 to the chat", byChannel)
		}

		// An alert on Payments reaches the hook once, repeats or not.
		for range 3 {
			if _, err := e.db.IngestAlerts(e.ctx, []sqm.Alert{alert("Payments", "ErrorRate", "critical", "firing")}, false); err != nil {
				t.Fatal(err)
			}
		}
		firing, _ := e.db.ListDeliveries(e.ctx, hook.ID, "", "", 100)
		n := 0
		for _, d := range firing.Items {
			if d.Event == sqm.NotifyAlertFiring {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d alert_firing deliveries for one alert sent three times", n)
		}
	})
}

func TestDeliveryLeaseAndRetry(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Payments", "")
		hook, _ := e.db.CreateChannel(e.ctx, sqm.Channel{Name: "hook", Type: sqm.ChannelWebhook, URL: "http://127.0.0.1:1/"})
		if _, err := e.db.CreateRule(e.ctx, sqm.NotificationRule{ChannelID: hook.ID, Events: []string{sqm.NotifyAlertFiring}}); err != nil {
			t.Fatal(err)
		}
		var batch []sqm.Alert
		for _, name := range []string{"A", "B", "C"} {
			batch = append(batch, alert("Payments", name, "warning", "firing"))
		}
		if _, err := e.db.IngestAlerts(e.ctx, batch, false); err != nil {
			t.Fatal(err)
		}
		_ = svc
		claimed, err := e.db.ClaimDeliveries(e.ctx, 10)
		if err != nil || len(claimed) != 3 {
			t.Fatalf("claimed %d, %v", len(claimed), err)
		}
		// Leased: not claimed again, until the lease runs out.
		if again, _ := e.db.ClaimDeliveries(e.ctx, 10); len(again) != 0 {
			t.Fatalf("claimed %d leased deliveries", len(again))
		}
		// A: sent. B: failed, due again after a back-off. C: the process
		// died while sending (never finished).
		if err := e.db.FinishDelivery(e.ctx, claimed[0], nil); err != nil {
			t.Fatal(err)
		}
		if err := e.db.FinishDelivery(e.ctx, claimed[1], errors.New("connection refused")); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(15 * time.Second) // past B's first back-off (10s), within C's lease
		got, _ := e.db.ClaimDeliveries(e.ctx, 10)
		if len(got) != 1 || got[0].ID != claimed[1].ID || got[0].Attempts != 2 {
			t.Fatalf("after the back-off: %+v", got)
		}
		e.clock.Add(2 * time.Minute) // C's lease ran out: C again, never A
		got2, _ := e.db.ClaimDeliveries(e.ctx, 10)
		ids := map[string]bool{}
		for _, o := range append(got, got2...) {
			ids[o.ID] = true
		}
		if ids[claimed[0].ID] || !ids[claimed[2].ID] {
			t.Fatalf("after the lease: %v; want C again and never A", ids)
		}
		// Failing MaxAttempts times gives up, visibly.
		o := got[0]
		for o.Attempts < sqlstore.MaxAttempts {
			if err := e.db.FinishDelivery(e.ctx, o, errors.New("503")); err != nil {
				t.Fatal(err)
			}
			e.clock.Add(2 * time.Hour)
			next, _ := e.db.ClaimDeliveries(e.ctx, 10)
			found := false
			for _, x := range next {
				if x.ID == o.ID {
					o, found = x, true
				} else {
					e.db.FinishDelivery(e.ctx, x, nil)
				}
			}
			if !found {
				t.Fatalf("B not claimed again after %d attempts", o.Attempts)
			}
		}
		if err := e.db.FinishDelivery(e.ctx, o, errors.New("503")); err != nil {
			t.Fatal(err)
		}
		failed, _ := e.db.ListDeliveries(e.ctx, "", sqm.DeliveryFailed, "", 10)
		if len(failed.Items) != 1 || failed.Items[0].ID != o.ID || failed.Items[0].LastError != "503" {
			t.Fatalf("failed deliveries %+v", failed.Items)
		}
	})
}
