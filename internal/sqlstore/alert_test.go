package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

func alert(service, name, severity, status string) sqm.Alert {
	return sqm.Alert{Source: "alertmanager", GroupKey: "{}:{service=\"" + service + "\"}", Fingerprint: service + "/" + name,
		Service: service, Name: name, Severity: severity, Status: status, Summary: name + " on " + service,
		Labels: map[string]string{"alertname": name, "service": service, "severity": severity}}
}

func TestAlertsOpenOneIncidentPerGroup(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Payments", "")
		ingest := func(auto bool, alerts ...sqm.Alert) sqm.AlertIntake {
			t.Helper()
			in, err := e.db.IngestAlerts(e.ctx, alerts, auto)
			if err != nil {
				t.Fatal(err)
			}
			return in
		}
		timeline := func(id string) int { return len(e.get(t, id).Events) }

		// Two alerts of one group: one incident, at the most severe priority.
		in := ingest(false, alert("Payments", "HighLatency", "warning", "firing"), alert("Payments", "ErrorRate", "critical", "firing"))
		if in.Fired != 2 || len(in.OpenedIncident) != 1 || len(in.IncidentsOpen) != 1 {
			t.Fatalf("first notification: %+v", in)
		}
		inc := e.get(t, in.OpenedIncident[0])
		if inc.Type != sqm.TypeIncident || inc.Priority != sqm.P1 || inc.ServiceID != svc.ID || !strings.Contains(inc.Description, "ErrorRate") {
			t.Fatalf("the incident: %+v", inc)
		}
		before := timeline(inc.ID)

		// Alertmanager repeats the group: deduplicated, nothing written.
		in = ingest(false, alert("Payments", "HighLatency", "warning", "firing"), alert("Payments", "ErrorRate", "critical", "firing"))
		if in.Deduplicated != 2 || in.Fired != 0 || len(in.OpenedIncident) != 0 || timeline(inc.ID) != before {
			t.Fatalf("a repeat: %+v, timeline %d → %d", in, before, timeline(inc.ID))
		}

		// A third alert joins the group: noted on the same incident, last
		// on its timeline; a note by sqm moves no clock.
		e.clock.Add(time.Minute)
		in = ingest(false, alert("Payments", "DiskFull", "error", "firing"))
		if in.Fired != 1 || len(in.OpenedIncident) != 0 || in.IncidentsOpen[0] != inc.ID || timeline(inc.ID) != before+1 {
			t.Fatalf("a new alert in the group: %+v", in)
		}
		noted := e.get(t, inc.ID)
		last := noted.Events[len(noted.Events)-1]
		if last.Type != sqm.EventComment || last.By != sqm.BySystem || last.Public || !strings.Contains(last.Body, "DiskFull") ||
			!last.At.Equal(start.Add(time.Minute)) || !noted.UpdatedAt.Equal(start.Add(time.Minute)) {
			t.Fatalf("the note: %+v, ticket updated %s", last, noted.UpdatedAt)
		}
		if fmt.Sprint(noted.SLA.FirstResponse.DueAt, noted.SLA.Resolution.DueAt, noted.SLA.FirstResponse.MetAt) !=
			fmt.Sprint(inc.SLA.FirstResponse.DueAt, inc.SLA.Resolution.DueAt, inc.SLA.FirstResponse.MetAt) {
			t.Fatalf("a note moved the clocks: %+v → %+v", inc.SLA, noted.SLA)
		}
		if drift, err := e.db.RollupDrift(e.ctx); err != nil || drift != "" {
			t.Fatalf("rollup after a note: %s %v", drift, err)
		}

		// Resolving two leaves the incident open; the last one, with
		// auto-resolve, resolves it, half an hour after it opened.
		e.clock.Add(29 * time.Minute)
		in = ingest(true, alert("Payments", "HighLatency", "warning", "resolved"), alert("Payments", "ErrorRate", "critical", "resolved"))
		if in.Resolved != 2 || e.get(t, inc.ID).Status.Done() {
			t.Fatalf("two of three resolved: %+v, status %s", in, e.get(t, inc.ID).Status)
		}
		ingest(true, alert("Payments", "DiskFull", "error", "resolved"))
		got := e.get(t, inc.ID)
		notes := events(got, sqm.EventComment)
		if got.Status != sqm.StatusResolved || !strings.Contains(notes[len(notes)-1].Body, "No alert of the group is firing") {
			t.Fatalf("after the last alert resolved: status %s, last note %+v", got.Status, notes[len(notes)-1])
		}

		// Firing again after the incident was resolved opens a new one.
		in = ingest(false, alert("Payments", "ErrorRate", "critical", "firing"))
		if len(in.OpenedIncident) != 1 || in.OpenedIncident[0] == inc.ID {
			t.Fatalf("firing again: %+v", in)
		}

		// An unknown service refuses the whole notification.
		n := count(t, e, "alerts")
		_, err := e.db.IngestAlerts(e.ctx, []sqm.Alert{alert("Payments", "New", "info", "firing"), alert("Nowhere", "X", "info", "firing")}, false)
		wantCode(t, err, sqm.EINVALID, "alerts[1].labels.service")
		if count(t, e, "alerts") != n {
			t.Fatal("a refused notification saved alerts")
		}
		_, err = e.db.IngestAlerts(e.ctx, []sqm.Alert{alert("Payments", "X", "info", "pending")}, false)
		wantCode(t, err, sqm.EINVALID, "alerts[0].status")
		_, err = e.db.IngestAlerts(e.as(sqm.RoleViewer), []sqm.Alert{alert("Payments", "X", "info", "firing")}, false)
		wantCode(t, err, sqm.EFORBIDDEN, "")

		// The scorecard counts the alerts, names the noisiest, and times the
		// incidents: the first resolved by its alerts, acknowledged by that.
		sc, err := e.db.Scorecard(e.ctx, sqm.ScorecardQuery{From: start.Add(-time.Hour), To: start.Add(time.Hour), ServiceID: svc.ID, Summary: true})
		if err != nil {
			t.Fatal(err)
		}
		if sc.Alerts.Alerts != 3 || sc.Alerts.Noisiest[0].Name != "ErrorRate" || sc.Alerts.Noisiest[0].Received != 4 ||
			sc.Incidents.Opened != 2 || sc.Incidents.Resolved != 1 || sc.Incidents.MTTRSeconds == nil || *sc.Incidents.MTTRSeconds != 1800 ||
			*sc.Incidents.MTTASeconds != 1800 {
			t.Fatalf("scorecard alerts %+v, incidents %+v", sc.Alerts, sc.Incidents)
		}
		page, err := e.db.ListAlerts(e.ctx, svc.ID, sqm.AlertFiring, "", 10)
		if err != nil || len(page.Items) != 1 || page.Items[0].Name != "ErrorRate" || page.Items[0].Received != 4 {
			t.Fatalf("firing alerts: %+v, %v", page.Items, err)
		}
	})
}

func TestAlertGroupsAreSeparate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.service(t, "Payments", "")
		e.service(t, "Portal", "")
		var batch []sqm.Alert
		for i := range 30 {
			a := alert([]string{"Payments", "Portal"}[i%2], fmt.Sprint("A", i), "warning", "firing")
			a.GroupKey = fmt.Sprint("g", i%3)
			batch = append(batch, a)
		}
		in, err := e.db.IngestAlerts(e.ctx, batch, false)
		if err != nil {
			t.Fatal(err)
		}
		// Two services × three groups.
		if in.Fired != 30 || len(in.OpenedIncident) != 6 {
			t.Fatalf("%+v; want 6 incidents", in)
		}
	})
}
