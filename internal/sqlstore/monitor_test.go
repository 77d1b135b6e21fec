package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
	"github.com/sqmhq/sqm/internal/testdb"
	"github.com/sqmhq/sqm/uptime"
)

func (e *env) monitor(t *testing.T, serviceID string, auto bool) sqm.Monitor {
	t.Helper()
	m, err := e.db.CreateMonitor(e.ctx, sqm.Monitor{ServiceID: serviceID, Name: "Checkout API", Type: sqm.MonitorHTTP,
		Target: "http://checkout.internal/health", Interval: time.Minute, Timeout: 5 * time.Second, DownAfter: 3, UpAfter: 2,
		Priority: sqm.P1, AutoResolve: auto, HTTP: &sqm.HTTPCheck{ExpectStatus: []int{200}}})
	if err != nil {
		t.Fatalf("create monitor: %v", err)
	}
	return m
}

// play records one check a minute from t0: "x" failed, "." passed.
func (e *env) play(t *testing.T, id string, t0 time.Time, results string) {
	t.Helper()
	var batch []sqm.CheckResult
	for i, r := range results {
		at := t0.Add(time.Duration(i) * time.Minute)
		res := sqm.CheckResult{MonitorID: id, At: at, OK: r == '.', Latency: 40 * time.Millisecond}
		if r != '.' {
			res.Error = "status 503, expected 200"
		}
		batch = append(batch, res)
	}
	e.clock.now = t0.Add(time.Duration(len(results)) * time.Minute)
	if err := e.db.RecordChecks(e.ctx, batch); err != nil {
		t.Fatalf("record checks: %v", err)
	}
}

func TestMonitorOpensAndResolvesAnIncident(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Payments", "")
		m := e.monitor(t, svc.ID, true)
		if m.State != uptime.Unknown || m.HTTP.Method != "GET" {
			t.Fatalf("a new monitor: %+v", m)
		}
		t0 := start

		// Up, then three failures from minute 2: down from minute 2.
		e.play(t, m.ID, t0, "..xxx")
		got, err := e.db.GetMonitor(e.ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != uptime.Down || !got.StateSince.Equal(t0.Add(2*time.Minute)) || got.IncidentID == "" ||
			!strings.Contains(got.LastError, "503") {
			t.Fatalf("after three failures: %+v", got)
		}
		inc := e.get(t, got.IncidentID)
		if inc.Type != sqm.TypeIncident || inc.Priority != sqm.P1 || inc.ServiceID != svc.ID || !strings.Contains(inc.Title, "Checkout API") {
			t.Fatalf("the incident: %+v", inc)
		}
		if inc.SLA.FirstResponse.State != sqm.ClockRunning {
			t.Fatalf("the incident's clocks do not run: %+v", inc.SLA.FirstResponse)
		}

		// More failures attach to the same incident; a success alone does
		// not bring it up (up_after 2); two do, from the first of them.
		e.play(t, m.ID, t0.Add(5*time.Minute), "xx.x..")
		got, _ = e.db.GetMonitor(e.ctx, m.ID)
		if got.State != uptime.Up || !got.StateSince.Equal(t0.Add(9*time.Minute)) {
			t.Fatalf("after recovering: %+v", got)
		}
		page, err := e.db.ListTickets(e.ctx, sqm.TicketFilter{ServiceID: svc.ID, Type: sqm.TypeIncident})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("%d incidents, %v; want one for the whole outage", len(page.Items), err)
		}
		inc = e.get(t, got.IncidentID)
		if inc.Status != sqm.StatusResolved || len(events(inc, sqm.EventComment)) != 1 {
			t.Fatalf("the incident after recovery (auto-resolve): status %s, %d notes", inc.Status, len(events(inc, sqm.EventComment)))
		}
		if note := events(inc, sqm.EventComment)[0]; note.By != sqm.BySystem || note.Public || !strings.Contains(note.Body, "up again") {
			t.Fatalf("the recovery note: %+v; want an internal note by sqm", note)
		}

		// Downtime runs from minute 2 to minute 9 (the first success of the
		// run that brought it up): 7 of the 11 minutes monitored.
		a, err := e.db.MonitorAvailability(e.ctx, m.ID, t0.Add(-time.Hour), t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if a.MonitoredSeconds != 11*60 || a.DownSeconds != 7*60 || a.Checks != 11 || a.FailedChecks != 6 ||
			*a.FailureRate != 7.0/11 {
			t.Fatalf("availability %+v (failure rate %v)", a, deref(a.FailureRate))
		}

		// The service's scorecard carries the same figures, judged against
		// the failure-rate goal (< 1%).
		sc, err := e.db.Scorecard(e.ctx, sqm.ScorecardQuery{From: t0.Add(-time.Hour), To: t0.Add(time.Hour), ServiceID: svc.ID, Summary: true})
		if err != nil {
			t.Fatal(err)
		}
		fr := sc.Targets[2]
		if sc.Availability.DownSeconds != 7*60 || sc.Availability.Checks != 11 || fr.Key != sqm.GoalFailureRate ||
			fr.Actual == nil || *fr.Actual != 7.0/11 || fr.Met == nil || *fr.Met || fr.Sample != 11 {
			t.Fatalf("scorecard availability %+v, failure-rate target %+v", sc.Availability, fr)
		}
		other := e.service(t, "Portal", "")
		sc, _ = e.db.Scorecard(e.ctx, sqm.ScorecardQuery{From: t0.Add(-time.Hour), To: t0.Add(time.Hour), ServiceID: other.ID})
		if sc.Availability.FailureRate != nil || sc.Targets[2].Actual != nil {
			t.Fatalf("a service without monitors has a failure rate: %+v", sc.Availability)
		}

		// The same batch again changes nothing.
		e.play(t, m.ID, t0.Add(5*time.Minute), "xx.x..")
		if a2, _ := e.db.MonitorAvailability(e.ctx, m.ID, t0.Add(-time.Hour), t0.Add(time.Hour)); a2.Checks != 11 {
			t.Fatalf("a batch recorded twice counts %d checks", a2.Checks)
		}

		// A second outage opens a new incident, since the first is resolved.
		e.play(t, m.ID, t0.Add(20*time.Minute), "xxx")
		got, _ = e.db.GetMonitor(e.ctx, m.ID)
		if got.IncidentID == inc.ID || got.State != uptime.Down {
			t.Fatalf("a second outage: %+v", got)
		}
	})
}

func TestMonitorCountsOverDays(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Payments", "")
		m := e.monitor(t, svc.ID, false)
		// Three days of a check every 10 minutes, one failing each hour
		// (never three in a row, so never down).
		t0 := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
		var batch []sqm.CheckResult
		for i := range 3 * 24 * 6 {
			batch = append(batch, sqm.CheckResult{MonitorID: m.ID, At: t0.Add(time.Duration(i) * 10 * time.Minute), OK: i%6 != 0})
		}
		e.clock.now = t0.Add(72 * time.Hour)
		if err := e.db.RecordChecks(e.ctx, batch); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			from, to       time.Time
			checks, failed int
		}{
			{t0, t0.Add(72 * time.Hour), 432, 72},                                     // whole days
			{t0.Add(95 * time.Minute), t0.Add(50*time.Hour + 5*time.Minute), 291, 49}, // days, hours and raw edges
			{t0.Add(5 * time.Minute), t0.Add(25 * time.Minute), 2, 0},                 // raw only
			{t0.Add(-24 * time.Hour), t0.Add(3 * time.Hour), 18, 3},                   // before the first check
		} {
			a, err := e.db.MonitorAvailability(e.ctx, m.ID, c.from, c.to)
			if err != nil {
				t.Fatal(err)
			}
			if a.Checks != c.checks || a.FailedChecks != c.failed || a.DownSeconds != 0 || *a.Availability != 1 {
				t.Errorf("[%s, %s): %d checks, %d failed; want %d, %d (%+v)", c.from, c.to, a.Checks, a.FailedChecks, c.checks, c.failed, a)
			}
		}
	})
}

func TestMonitorValidation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Payments", "")
		for _, c := range []struct {
			m     sqm.Monitor
			field string
		}{
			{sqm.Monitor{ServiceID: svc.ID, Name: "x", Type: "ping", Target: "h:1"}, "type"},
			{sqm.Monitor{ServiceID: svc.ID, Name: "x", Type: sqm.MonitorHTTP, Target: "ftp://h/"}, "target"},
			{sqm.Monitor{ServiceID: svc.ID, Name: "x", Type: sqm.MonitorTCP, Target: "no-port"}, "target"},
			{sqm.Monitor{ServiceID: svc.ID, Name: "x", Type: sqm.MonitorTCP, Target: "h:1", Interval: time.Second, Timeout: 2 * time.Second}, "timeout"},
			{sqm.Monitor{ServiceID: svc.ID, Name: "x", Type: sqm.MonitorTCP, Target: "h:1", Interval: 100 * time.Millisecond}, "interval"},
			{sqm.Monitor{ServiceID: svc.ID, Name: "x", Type: sqm.MonitorTCP, Target: "h:1", DownAfter: 101}, "down_after"},
			{sqm.Monitor{ServiceID: svc.ID, Name: "x", Type: sqm.MonitorHTTP, Target: "http://h/", HTTP: &sqm.HTTPCheck{BodyRegex: "("}}, "http.body_regex"},
			{sqm.Monitor{ServiceID: svc.ID, Name: "x", Type: sqm.MonitorHTTP, Target: "http://h/", HTTP: &sqm.HTTPCheck{ExpectStatus: []int{99}}}, "http.expect_status"},
			{sqm.Monitor{ServiceID: "999", Name: "x", Type: sqm.MonitorTCP, Target: "h:1"}, "service_id"},
			{sqm.Monitor{ServiceID: svc.ID, Name: "x", Type: sqm.MonitorKPI, Target: "http://prom:9090"}, "kpi.query"},
			{sqm.Monitor{ServiceID: svc.ID, Name: "x", Type: sqm.MonitorKPI, Target: "http://prom:9090", KPI: &sqm.KPICheck{Query: "up", Op: "=="}}, "kpi.op"},
			{sqm.Monitor{ServiceID: svc.ID, Name: "x", Type: sqm.MonitorHeartbeat, Target: "h:1"}, "target"},
			{sqm.Monitor{ServiceID: svc.ID, Name: "x", Type: sqm.MonitorDNS, Target: "http://shop"}, "target"},
			{sqm.Monitor{ServiceID: svc.ID, Name: "x", Type: sqm.MonitorDNS, Target: "shop.example.com", DNS: &sqm.DNSCheck{RecordType: "SRV"}}, "dns.record_type"},
			{sqm.Monitor{ServiceID: svc.ID, Name: "x", Type: sqm.MonitorTLS, Target: "h:443", TLS: &sqm.TLSCheck{WarnDays: -1}}, "tls.warn_days"},
			{sqm.Monitor{ServiceID: svc.ID, Name: "x", Type: sqm.MonitorTCP, Target: "h:1", KPI: &sqm.KPICheck{Query: "up", Op: "<"}}, "kpi"},
		} {
			_, err := e.db.CreateMonitor(e.ctx, c.m)
			wantCode(t, err, sqm.EINVALID, c.field)
		}
		if n := count(t, e, "monitors"); n != 0 {
			t.Fatalf("refused monitors left %d rows", n)
		}
		e.monitor(t, svc.ID, false)
		_, err := e.db.CreateMonitor(e.ctx, sqm.Monitor{ServiceID: svc.ID, Name: "Checkout API", Type: sqm.MonitorTCP, Target: "h:1"})
		wantCode(t, err, sqm.ECONFLICT, "name")
		_, err = e.db.CreateMonitor(e.as(sqm.RoleAgent), sqm.Monitor{ServiceID: svc.ID, Name: "Other", Type: sqm.MonitorTCP, Target: "h:1"})
		wantCode(t, err, sqm.EFORBIDDEN, "")
	})
}

func TestExpireChecks(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		m := e.monitor(t, e.service(t, "Payments", "").ID, false)
		t0 := start.Add(-10 * 24 * time.Hour)
		var batch []sqm.CheckResult
		for i := range 10 * 24 { // hourly checks over ten days
			batch = append(batch, sqm.CheckResult{MonitorID: m.ID, At: t0.Add(time.Duration(i) * time.Hour), OK: i%5 != 0})
		}
		if err := e.db.RecordChecks(e.ctx, batch); err != nil {
			t.Fatal(err)
		}
		n, err := e.db.ExpireChecks(e.ctx, sqlstore.DefaultRetention)
		if err != nil || n != 3*24 {
			t.Fatalf("expired %d rows, %v; want the 72 raw results older than 7 days", n, err)
		}
		// The counts of the expired days still come from the daily rollup.
		a, err := e.db.MonitorAvailability(e.ctx, m.ID, t0, start)
		if err != nil || a.Checks != 240 || a.FailedChecks != 48 {
			t.Fatalf("after expiry: %+v, %v; want 240 checks, 48 failed", a, err)
		}
		// A shorter retention: raw results older than 2 days go, and the
		// hourly rollups older than 5 days; the daily rollup still counts
		// whole days (checks 22 to 237, of which 43 failed).
		n, err = e.db.ExpireChecks(e.ctx, sqlstore.Retention{Checks: 2 * 24 * time.Hour, Hours: 5 * 24 * time.Hour})
		if err != nil || n != 5*24+5*24 {
			t.Fatalf("expired %d rows, %v; want 120 raw results and 120 hourly rollups", n, err)
		}
		day := 24 * time.Hour
		if a, err := e.db.MonitorAvailability(e.ctx, m.ID, t0.Truncate(day).Add(day), start.Truncate(day)); err != nil || a.Checks != 216 || a.FailedChecks != 43 {
			t.Fatalf("after the shorter expiry: %+v, %v; want 216 checks, 43 failed", a, err)
		}
		if _, err := e.db.ExpireChecks(e.ctx, sqlstore.Retention{Checks: time.Hour, Hours: 24 * time.Hour}); err == nil {
			t.Fatal("a retention of an hour of raw results was taken")
		}
	})
}

func TestApplyMonitorsIsIdempotent(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.service(t, "Payments", "")
		spec := func(name, target string) sqlstore.MonitorSpec {
			return sqlstore.MonitorSpec{Service: "Payments", Monitor: sqm.Monitor{Name: name, Type: sqm.MonitorTCP, Target: target, Interval: time.Minute}}
		}
		res, err := e.db.ApplyMonitors(e.ctx, []sqlstore.MonitorSpec{spec("db", "db:5432"), spec("cache", "cache:6379")})
		if err != nil || len(res.Created) != 2 {
			t.Fatalf("first apply: %+v %v", res, err)
		}
		res, err = e.db.ApplyMonitors(e.ctx, []sqlstore.MonitorSpec{spec("db", "db:5432"), spec("cache", "cache:6379")})
		if err != nil || len(res.Unchanged) != 2 || len(res.Created)+len(res.Updated) != 0 {
			t.Fatalf("the same again: %+v %v", res, err)
		}
		audits := count(t, e, "audit_log")
		res, err = e.db.ApplyMonitors(e.ctx, []sqlstore.MonitorSpec{spec("db", "db2:5432"), spec("cache", "cache:6379")})
		if err != nil || len(res.Updated) != 1 || res.Updated[0] != "Payments/db" {
			t.Fatalf("a changed target: %+v %v", res, err)
		}
		if count(t, e, "audit_log") != audits+1 {
			t.Fatal("an update is audited once; unchanged monitors are not")
		}
		// A spec naming an unknown service refuses the whole file.
		n := count(t, e, "monitors")
		_, err = e.db.ApplyMonitors(e.ctx, []sqlstore.MonitorSpec{spec("new", "new:1"), {Service: "Nowhere", Monitor: sqm.Monitor{Name: "x", Type: sqm.MonitorTCP, Target: "h:1"}}})
		wantCode(t, err, sqm.EINVALID, "monitors[1].service")
		if count(t, e, "monitors") != n {
			t.Fatal("a refused apply created monitors")
		}
		_, err = e.db.ApplyMonitors(e.ctx, []sqlstore.MonitorSpec{spec("db", "nope")})
		wantCode(t, err, sqm.EINVALID, "monitors[0].target")
		_, err = e.db.ApplyMonitors(e.ctx, []sqlstore.MonitorSpec{spec("db", "a:1"), spec("db", "b:1")})
		wantCode(t, err, sqm.EINVALID, "monitors[1].name")
	})
}
