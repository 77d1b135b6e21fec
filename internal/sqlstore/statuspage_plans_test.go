package sqlstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

// A status page reads only through indexes, on both databases: with 200
// services, 20 status pages, 6,000 monitors, 30,000 outages, 30,000
// tickets over two years and 3,000 maintenance windows in the database and
// its statistics gathered, no plan of a page of 10 services scans a table
// whole. On PostgreSQL the planner is told to avoid sequential scans, so
// that one shows only where no index serves, and an index scan must have a
// condition.
func TestStatusPageReadsUseIndexes(t *testing.T) {
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
		exec(`WITH RECURSIVE n(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < 199)
			INSERT INTO services (name, created_at, updated_at) SELECT 'Service ' || i, $1, $1 FROM n`, at)
		var base int64
		if err := raw.QueryRow(`SELECT min(id) FROM services WHERE name LIKE 'Service %'`).Scan(&base); err != nil {
			t.Fatal(err)
		}
		exec(`WITH RECURSIVE n(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < 5999)
			INSERT INTO monitors (service_id, name, type, target, interval_ms, timeout_ms, down_after, up_after, priority, created_at, updated_at,
				first_check_at, last_check_at, state)
			SELECT $1 + i % 200, 'm' || i, 'tcp', 'h:' || i, 60000, 5000, 1, 1, 'P2', $2, $2, $2, $3, 'up' FROM n`, base, at-400*24*3600_000, at)
		exec(`WITH RECURSIVE n(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < 29999)
			INSERT INTO monitor_outages (monitor_id, started_at, ended_at)
			SELECT (SELECT min(id) FROM monitors) + i % 6000, $1 - i * 1200000, $1 - i * 1200000 + 600000 FROM n`, at)
		exec(`WITH RECURSIVE n(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < 29999)
			INSERT INTO tickets (service_id, type, priority, status, title, description, opened_at, updated_at,
				fr_target, fr_elapsed, res_target, res_elapsed, res_met_at)
			SELECT $1 + i % 200, CASE WHEN i % 3 = 0 THEN 'incident' ELSE 'request' END, 'P3', CASE WHEN i % 600 = 102 THEN 'new' ELSE 'closed' END,
				't', 'd', $2 - i * 2100000, $2, 0, 0, 0, 0, CASE WHEN i % 600 = 102 THEN NULL ELSE $2 - i * 2100000 + 3600000 END FROM n`, base, at)
		exec(`WITH RECURSIVE n(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < 2999)
			INSERT INTO maintenance_windows (service_id, title, starts_at, ends_at, created_at)
			SELECT $1 + i % 200, 'w', $2 - i * 21600000, $2 - i * 21600000 + 3600000, $2 FROM n`, base, at)
		e.maintenance(t, "", "Network upgrade", now.Add(time.Hour), now.Add(2*time.Hour))
		for p := range 20 {
			var ids []string
			for i := range 10 {
				ids = append(ids, strconv.FormatInt(base+int64(p*10+i), 10))
			}
			if _, err := e.db.CreateStatusPage(e.ctx, sqm.StatusPage{Slug: fmt.Sprint("page-", p), Title: "Shop", ServiceIDs: ids}); err != nil {
				t.Fatal(err)
			}
		}
		exec(`ANALYZE`)

		ctx := context.Background()
		plans, stop := explainReads(t, e, dsn, raw)
		v, err := e.db.PublicStatus(ctx, "page-10", now)
		stop()
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Services) != 10 || len(v.PastIncidents) == 0 || len(v.Incidents) == 0 || len(v.Maintenance) == 0 || len(plans()) < 7 {
			t.Fatalf("the page shows %d services, %d past and %d open incidents, %d windows, in %d reads",
				len(v.Services), len(v.PastIncidents), len(v.Incidents), len(v.Maintenance), len(plans()))
		}
		// SQLite: SCAN t, with or without an index; PostgreSQL: see pgScans.
		full := regexp.MustCompile(`\bSCAN \w+|\bfull scan of \w+`)
		history := false
		for _, p := range plans() {
			t.Log(p)
			if m := full.FindString(p); m != "" {
				t.Errorf("a full scan (%s): %s", m, p)
			}
			if strings.Contains(p, "res_met_at >=") {
				history = true
				if !strings.Contains(p, "USING tickets_incidents_resolved") && !strings.Contains(p, "USING INDEX tickets_incidents_resolved") {
					t.Errorf("the history does not read through tickets_incidents_resolved: %s", p)
				}
			}
		}
		if !history {
			t.Error("no read of the history traced")
		}
	})
}

// explainReads has every read of e.db explained on a connection of its own
// to the database (on PostgreSQL with sequential scans, hash and merge joins
// off, so that a plan shows whether an index can serve it) and returns the
// plans so far, each as its steps and its query, and a stop to the tracing.
func explainReads(t *testing.T, e *env, dsn string, raw *sql.DB) (plans func() []string, stop func()) {
	t.Helper()
	postgres := strings.HasPrefix(dsn, "postgres")
	ctx := context.Background()
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	explain := "EXPLAIN QUERY PLAN "
	if postgres {
		explain = "EXPLAIN (FORMAT JSON) "
		for _, off := range []string{"enable_seqscan", "enable_hashjoin", "enable_mergejoin"} {
			if _, err := conn.ExecContext(ctx, `SET `+off+` = off`); err != nil {
				t.Fatal(err)
			}
		}
	}
	var got []string
	e.db.TraceReads(func(q string, args []any) {
		rows, err := conn.QueryContext(ctx, explain+q, args...)
		if err != nil {
			t.Errorf("explain %s: %v", q, err)
			return
		}
		defer rows.Close()
		var steps []string
		for rows.Next() {
			var (
				id, parent, unused int
				detail             string
			)
			if postgres {
				err = rows.Scan(&detail)
				steps = append(steps, pgScans(t, detail)...)
			} else {
				err = rows.Scan(&id, &parent, &unused, &detail)
				steps = append(steps, detail)
			}
			if err != nil {
				t.Error(err)
			}
		}
		got = append(got, strings.Join(steps, "; ")+"   ⟵ "+strings.Join(strings.Fields(q), " "))
	})
	return func() []string { return got }, func() { e.db.TraceReads(nil) }
}

// pgScans describes the table reads of a PostgreSQL plan in JSON, each as
// "full scan of t" when it reads the whole table (a sequential scan, or an
// index scan without a condition) and "index scan of t" otherwise.
func pgScans(t *testing.T, plan string) []string {
	t.Helper()
	var doc []struct{ Plan pgNode }
	if err := json.Unmarshal([]byte(plan), &doc); err != nil || len(doc) != 1 {
		t.Fatalf("plan %s: %v", plan, err)
	}
	var out []string
	var walk func(n pgNode)
	walk = func(n pgNode) {
		switch {
		case n.Relation == "":
		case n.Type == "Seq Scan", strings.HasPrefix(n.Type, "Index") && n.IndexCond == "":
			out = append(out, "full scan of "+n.Relation)
		case n.Index != "":
			out = append(out, n.Type+" of "+n.Relation+" USING "+n.Index)
		default:
			out = append(out, n.Type+" of "+n.Relation)
		}
		if n.Type == "Bitmap Index Scan" {
			if n.IndexCond == "" {
				out = append(out, "full scan of index "+n.Index)
			} else {
				out = append(out, "USING "+n.Index)
			}
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(doc[0].Plan)
	return out
}

// pgNode is a node of a PostgreSQL plan in JSON.
type pgNode struct {
	Type      string   `json:"Node Type"`
	Relation  string   `json:"Relation Name"`
	Index     string   `json:"Index Name"`
	IndexCond string   `json:"Index Cond"`
	Plans     []pgNode `json:"Plans"`
}
