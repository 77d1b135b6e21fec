package sqlstore_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

// The satisfaction report and the two exports read surveys, tickets and
// feedback through indexes, on both databases: with 40,000 tickets over
// two years, a fifth of them feedback, and 16,000 answered surveys in the
// database and its statistics gathered, no plan of a month's report or
// export scans one of those tables whole: surveys_answered, tickets_opened
// and surveys_ticket serve them, and no index of their own is needed. On PostgreSQL the planner is told
// to avoid sequential scans, as in TestStatusPageReadsUseIndexes.
func TestSatisfactionReadsUseIndexes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		e.clock.now = now
		raw := testdb.Raw(t, dsn)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := raw.Exec(q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		at := now.UnixMilli()
		exec(`WITH RECURSIVE n(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < 49)
			INSERT INTO services (name, created_at, updated_at) SELECT 'Service ' || i, $1, $1 FROM n`, at)
		var base int64
		if err := raw.QueryRow(`SELECT min(id) FROM services WHERE name LIKE 'Service %'`).Scan(&base); err != nil {
			t.Fatal(err)
		}
		exec(`WITH RECURSIVE n(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < 39999)
			INSERT INTO tickets (service_id, type, priority, status, title, description, opened_at, updated_at,
				fr_target, fr_elapsed, res_target, res_elapsed, res_met_at)
			SELECT $1 + i % 50, CASE WHEN i % 5 = 0 THEN 'feedback' ELSE 'incident' END, 'P3', 'closed',
				't', 'd', $2 - i * 1576800, $2, 0, 0, 0, 0, $2 - i * 1576800 + 3600000 FROM n`, base, at)
		exec(`INSERT INTO feedback (ticket_id, kind, created_at) SELECT id, 'bug', opened_at FROM tickets WHERE type = 'feedback'`)
		exec(`INSERT INTO surveys (ticket_id, service_id, team_id, type, agent_id, email, sla_breached, sent_at, expires_at,
				rating, comment, answered_at)
			SELECT id, service_id, team_id, type, 1, 'u' || id || '@example.com', FALSE, opened_at + 3600000, opened_at + 1213200000,
				CASE WHEN id % 5 = 0 THEN NULL ELSE 1 + id % 5 END, CASE WHEN id % 4 = 0 THEN 'c' ELSE '' END,
				CASE WHEN id % 5 = 0 THEN NULL ELSE opened_at + 7200000 END
			FROM tickets WHERE id % 2 = 0`)
		exec(`ANALYZE`)

		plans, stop := explainReads(t, e, dsn, raw)
		month := sqm.ScorecardQuery{From: now.AddDate(0, -1, 0), To: now}
		rep, err := e.db.SatisfactionReport(e.ctx, month)
		if err != nil {
			t.Fatal(err)
		}
		one := month
		one.ServiceID = rep.Services[0].ID
		if _, err := e.db.SatisfactionReport(e.ctx, one); err != nil {
			t.Fatal(err)
		}
		var feedback, surveys int
		if err := e.db.ExportFeedback(e.ctx, month, func(sqm.FeedbackRecord) error { feedback++; return nil }); err != nil {
			t.Fatal(err)
		}
		if err := e.db.ExportSurveys(e.ctx, month, func(sqm.SurveyRecord) error { surveys++; return nil }); err != nil {
			t.Fatal(err)
		}
		stop()
		if len(rep.Comments) != sqm.MaxSurveyComments || rep.Services[0].Responses == 0 || feedback == 0 || surveys == 0 || len(plans()) != 10 {
			t.Fatalf("%d comments, %d feedback, %d surveys, in %d reads", len(rep.Comments), feedback, surveys, len(plans()))
		}
		// SQLite: SCAN of a table (g, the groups of a breakdown, is the
		// query's own result); PostgreSQL: see pgScans. The names of
		// services, teams and users are looked up in small tables, which a
		// planner may rightly read whole.
		full := regexp.MustCompile(`\bSCAN (surveys|tickets|feedback|s|t|f)\b|\bfull scan of (surveys|tickets|feedback)\b`)
		for _, p := range plans() {
			t.Log(p)
			if m := full.FindString(p); m != "" {
				t.Errorf("a full scan (%s): %s", m, p)
			}
		}
	})
}
