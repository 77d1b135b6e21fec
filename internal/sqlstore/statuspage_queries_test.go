package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	sqmhttp "github.com/sqmhq/sqm/internal/http"
	"github.com/sqmhq/sqm/internal/testdb"
)

// statusFixture creates a status page of n services, each with a monitor
// that has checks and an outage, the monitor's open incident, an open and a
// resolved incident, and maintenance planned on it; it returns the page's
// slug.
func (e *env) statusFixture(t *testing.T, n int) string {
	t.Helper()
	now := e.clock.Now()
	var ids []string
	for i := range n {
		svc := e.service(t, fmt.Sprintf("Service %d of %d", i+1, n), "")
		ids = append(ids, svc.ID)
		e.clock.now = now.Add(-72 * time.Hour)
		m := e.pageMonitor(t, svc.ID, "API", false)
		e.record(t, m.ID, result{now.Add(-72 * time.Hour), true}, result{now.Add(-48 * time.Hour), false}, result{now.Add(-47 * time.Hour), true},
			result{now.Add(-time.Minute), true})
		e.clock.now = now.Add(-24 * time.Hour)
		past := e.ticket(t, svc.ID, sqm.P2)
		e.clock.now = now.Add(-23 * time.Hour)
		e.event(t, past.ID, status(sqm.StatusResolved))
		e.clock.now = now.Add(-time.Hour)
		e.ticket(t, svc.ID, sqm.P1)
		e.maintenance(t, svc.ID, "Upgrade", now.Add(24*time.Hour), now.Add(25*time.Hour))
	}
	e.clock.now = now
	slug := fmt.Sprintf("page-%d", n)
	if _, err := e.db.CreateStatusPage(e.ctx, sqm.StatusPage{Slug: slug, Title: "Status", ServiceIDs: ids}); err != nil {
		t.Fatal(err)
	}
	return slug
}

// Loading a status page, as HTML or JSON, reads the database a fixed number
// of times, however many services the page shows; and it writes nothing.
func TestStatusPageQueryCount(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.clock.now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		one, ten := e.statusFixture(t, 1), e.statusFixture(t, 10)

		var (
			mu    sync.Mutex
			reads []string
		)
		e.db.TraceReads(func(q string, _ []any) {
			mu.Lock()
			reads = append(reads, strings.Join(strings.Fields(q), " "))
			mu.Unlock()
		})
		defer e.db.TraceReads(nil)
		h, err := sqmhttp.New(e.db, slog.New(slog.DiscardHandler), sqmhttp.NewMetrics())
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()

		// load GETs the page and returns the queries it read with.
		var body []byte
		load := func(path string) []string {
			t.Helper()
			mu.Lock()
			reads = nil
			mu.Unlock()
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, body)
			}
			mu.Lock()
			defer mu.Unlock()
			return reads
		}
		// version is SQLite's data_version, read on a connection of its
		// own: it moves when another connection commits a write. (0 on
		// PostgreSQL, which has no such counter.)
		version := func() int64 { return 0 }
		if !strings.HasPrefix(dsn, "postgres") {
			conn, err := testdb.Raw(t, dsn).Conn(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			version = func() (v int64) {
				if err := conn.QueryRowContext(context.Background(), `PRAGMA data_version`).Scan(&v); err != nil {
					t.Fatal(err)
				}
				return v
			}
		}
		for _, kind := range []string{"/status/", "/api/v1/status/"} {
			before := version()
			q1, q10 := load(kind+one), load(kind+ten)
			if version() != before {
				t.Errorf("%s: loading the page wrote to the database", kind)
			}
			if kind == "/api/v1/status/" {
				var v sqm.StatusView
				err := json.Unmarshal(body, &v)
				if err != nil || len(v.Services) != 10 || len(v.Incidents) != 20 || len(v.PastIncidents) != 10 || len(v.Maintenance) != 10 ||
					v.Services[9].Days[sqm.StatusDays-3].DownSeconds != 3600 {
					t.Fatalf("the page of 10 services: %v; %d services, %d open and %d past incidents, %d windows",
						err, len(v.Services), len(v.Incidents), len(v.PastIncidents), len(v.Maintenance))
				}
			}
			t.Logf("%s: %d queries with 1 service, %d with 10", kind, len(q1), len(q10))
			if len(q1) != len(q10) {
				t.Errorf("%s: %d queries with 1 service, %d with 10:\n%s", kind, len(q1), len(q10), strings.Join(q10, "\n"))
			}
			if len(q10) > maxStatusQueries {
				t.Errorf("%s: %d queries; want at most %d:\n%s", kind, len(q10), maxStatusQueries, strings.Join(q10, "\n"))
			}
		}
	})
}

// maxStatusQueries is what one status page costs: the page, its services,
// their monitors, outages and maintenance, open and past incidents.
const maxStatusQueries = 7
