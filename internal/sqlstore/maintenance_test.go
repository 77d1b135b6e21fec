package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
	"github.com/sqmhq/sqm/uptime"
)

// A monitor that goes down in planned work opens no incident and its
// downtime is left out of availability; still down when the work is over,
// it opens one then.
func TestMaintenanceWindows(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Payments", "")
		m := e.monitor(t, svc.ID, false)
		t0 := start
		w, err := e.db.CreateMaintenance(e.ctx, sqm.MaintenanceWindow{ServiceID: svc.ID, Title: "Database upgrade",
			StartsAt: t0.Add(10 * time.Minute), EndsAt: t0.Add(40 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		// Up for 10 minutes, down from minute 12 (in the window) to 20.
		e.play(t, m.ID, t0, ".........."+"..xxxxxxxx"+"..........")
		got, _ := e.db.GetMonitor(e.ctx, m.ID)
		if got.IncidentID != "" {
			t.Fatalf("a monitor down in planned work opened incident %s", got.IncidentID)
		}
		a, err := e.db.MonitorAvailability(e.ctx, m.ID, t0, t0.Add(30*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		// Monitored: 30 minutes less the 20 of the window in them; downtime: none.
		if a.MonitoredSeconds != 10*60 || a.DownSeconds != 0 || a.FailedChecks != 8 {
			t.Fatalf("availability with a window: %+v", a)
		}

		// Down again from minute 30 (in the window) and still down after it:
		// the incident opens once the window is over.
		e.play(t, m.ID, t0.Add(30*time.Minute), "xxx")
		if got, _ := e.db.GetMonitor(e.ctx, m.ID); got.State != uptime.Down || got.IncidentID != "" {
			t.Fatalf("in the window: %+v", got)
		}
		e.play(t, m.ID, t0.Add(40*time.Minute), "x")
		if got, _ := e.db.GetMonitor(e.ctx, m.ID); got.IncidentID == "" {
			t.Fatal("still down after the window, and no incident")
		}

		list, err := e.db.ListMaintenance(e.ctx, t0, 10)
		if err != nil || len(list) != 1 || list[0].ID != w.ID {
			t.Fatalf("windows %+v, %v", list, err)
		}
		_, err = e.db.CreateMaintenance(e.ctx, sqm.MaintenanceWindow{Title: "x", StartsAt: t0, EndsAt: t0})
		wantCode(t, err, sqm.EINVALID, "ends_at")
		_, err = e.db.CreateMaintenance(e.as(sqm.RoleAgent), sqm.MaintenanceWindow{Title: "x", StartsAt: t0, EndsAt: t0.Add(time.Hour)})
		wantCode(t, err, sqm.EFORBIDDEN, "")
	})
}

// Silenced alerts and alerts in maintenance are kept and counted, but open
// no incident and notify nobody; after the silence, the alert fires.
func TestSilencesMuteAlerts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.service(t, "Payments", "")
		portal := e.service(t, "Portal", "")
		s, err := e.db.CreateSilence(e.as(sqm.RoleAgent), sqm.Silence{Matchers: map[string]string{"alertname": "DiskFull"},
			Comment: "known, disk being replaced", StartsAt: start.Add(-time.Minute), EndsAt: start.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		in, err := e.db.IngestAlerts(e.ctx, []sqm.Alert{alert("Payments", "DiskFull", "error", "firing"), alert("Payments", "ErrorRate", "critical", "firing")}, false)
		if err != nil {
			t.Fatal(err)
		}
		if in.Suppressed != 1 || in.Fired != 1 || len(in.OpenedIncident) != 1 {
			t.Fatalf("with a silence: %+v", in)
		}
		inc := e.get(t, in.OpenedIncident[0])
		if !contains(inc.Description, "ErrorRate") || contains(inc.Description, "DiskFull") {
			t.Fatalf("the incident lists %q", inc.Description)
		}
		page, _ := e.db.ListAlerts(e.ctx, "", "", "", 10)
		for _, a := range page.Items {
			if a.Name == "DiskFull" && a.Suppressed != "silence:"+s.ID {
				t.Fatalf("the muted alert: %+v", a)
			}
		}
		// Maintenance on Portal mutes its alerts too.
		if _, err := e.db.CreateMaintenance(e.ctx, sqm.MaintenanceWindow{ServiceID: portal.ID, Title: "Move",
			StartsAt: start.Add(-time.Minute), EndsAt: start.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		in, _ = e.db.IngestAlerts(e.ctx, []sqm.Alert{alert("Portal", "Down", "critical", "firing")}, false)
		if in.Suppressed != 1 || len(in.OpenedIncident) != 0 {
			t.Fatalf("in maintenance: %+v", in)
		}
		// The silence ends: the next notification of the still-firing alert fires it.
		if err := e.db.ExpireSilence(e.ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Second)
		in, _ = e.db.IngestAlerts(e.ctx, []sqm.Alert{alert("Payments", "DiskFull", "error", "firing")}, false)
		if in.Fired != 1 || in.Suppressed != 0 {
			t.Fatalf("after the silence: %+v", in)
		}
		_, err = e.db.CreateSilence(e.ctx, sqm.Silence{StartsAt: start, EndsAt: start.Add(time.Hour)})
		wantCode(t, err, sqm.EINVALID, "matchers")
	})
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
