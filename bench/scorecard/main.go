// Command scorecard measures the scorecard of one calendar month over a
// large database: it builds a database of N tickets with realistic clock
// projections (bulk SQL: COPY on PostgreSQL, multi-row inserts in one
// transaction on SQLite), analyses it, starts sqm in-process on
// 127.0.0.1:0 over it and times GET /api/v1/scorecard over real HTTP for
// the month six months ago, over all tickets, one service and one team.
//
//	go run ./bench/scorecard -db sqlite -tickets 1000000
//	go run ./bench/scorecard -db postgres -tickets 1000000 [-pg postgres://postgres@127.0.0.1:5432/test]
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sqmhq/sqm/bench/internal/benchkit"
	"github.com/sqmhq/sqm/bench/internal/bulk"
)

func main() {
	var o options
	flag.StringVar(&o.dialect, "db", "sqlite", "sqlite or postgres")
	flag.IntVar(&o.tickets, "tickets", 1_000_000, "tickets in the database")
	flag.IntVar(&o.runs, "runs", 20, "timed requests per variant")
	flag.IntVar(&o.monthsAgo, "months-ago", 6, "which calendar month (UTC) to measure, counted back from this one")
	flag.StringVar(&o.pg, "pg", benchkit.DefaultPG(), "PostgreSQL server where a benchmark database may be created")
	flag.DurationVar(&o.target, "target", 300*time.Millisecond, "latency target (judged on p95 of the timed requests)")
	flag.BoolVar(&o.events, "events", false, "also write an opened event for every ticket (open tickets always get one)")
	flag.BoolVar(&o.keep, "keep", false, "keep the database at exit")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the timed requests to this file")
	flag.Int64Var(&o.seed, "seed", 1, "seed of the generated data")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "scorecard:", err)
		os.Exit(1)
	}
}

type options struct {
	dialect, pg, cpuprofile  string
	tickets, runs, monthsAgo int
	target                   time.Duration
	events, keep             bool
	seed                     int64
}

func run(o options) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Printf("scorecard: %s, %d tickets, month %d months ago, %d timed requests per variant\n", o.dialect, o.tickets, o.monthsAgo, o.runs)
	fmt.Printf("machine at start: %s\n", benchkit.Load())
	fmt.Printf("other work:       %s\n", benchkit.Background(2*time.Second))

	d, err := benchkit.NewDatabase(ctx, o.dialect, o.pg, "sqm_bench_scorecard")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Printf("database kept: %s (%s)\n", d.Where, d.DSN)
	} else {
		defer func() {
			if err := d.Remove(); err != nil {
				fmt.Fprintln(os.Stderr, "remove database:", err)
			}
		}()
	}

	now := time.Now().UTC()
	built, err := bulk.Build(ctx, d, bulk.Options{Tickets: o.tickets, Seed: o.seed, Now: now,
		Events: func(*bulk.Org) bulk.EventsFunc { return bulk.OpenedOnly(o.events) }})
	if err != nil {
		return err
	}
	g := built.Org
	fmt.Printf("build: %d tickets and %d events inserted in %s, %s in %s; total %s; database size %s\n",
		built.Tickets, built.Events, built.Insert.Round(time.Millisecond), map[string]string{"sqlite": "ANALYZE", "postgres": "VACUUM ANALYZE"}[o.dialect],
		built.Analyse.Round(time.Millisecond), built.Took.Round(time.Millisecond), d.Size(ctx))

	a, token, err := benchkit.Start(ctx, d.DSN)
	if err != nil {
		return err
	}
	defer a.Stop(context.Background()) //nolint:errcheck
	base := "http://" + a.Addr() + "/api/v1/scorecard"

	from := time.Date(now.Year(), now.Month()-time.Month(o.monthsAgo), 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	fmt.Printf("period: [%s, %s)\n", from.Format(time.RFC3339), to.Format(time.RFC3339))

	client := &http.Client{Timeout: time.Minute}
	get := func(query string) (time.Duration, scorecard, error) {
		var sc scorecard
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"?"+query, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, sc, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if err != nil {
			return 0, sc, err
		}
		if resp.StatusCode != 200 {
			return 0, sc, fmt.Errorf("HTTP %d: %s", resp.StatusCode, body)
		}
		return took, sc, json.Unmarshal(body, &sc)
	}

	period := url.Values{"from": {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}}
	variants := []struct{ name, key, value string }{
		{"all services", "", ""},
		{"service_id=" + fmt.Sprint(g.Services[0]), "service_id", fmt.Sprint(g.Services[0])},
		{"team_id=" + fmt.Sprint(g.TeamOf[0]), "team_id", fmt.Sprint(g.TeamOf[0])},
	}
	stopProfile, err := benchkit.Profile(o.cpuprofile)
	if err != nil {
		return err
	}
	pass := true
	for _, v := range variants {
		q := url.Values{}
		for k, vs := range period {
			q[k] = vs
		}
		if v.key != "" {
			q.Set(v.key, v.value)
		}
		cold, sc, err := get(q.Encode())
		if err != nil {
			return fmt.Errorf("%s: %w", v.name, err)
		}
		get(q.Encode()) //nolint:errcheck // a second warm-up
		var times []time.Duration
		for range o.runs {
			took, _, err := get(q.Encode())
			if err != nil {
				return fmt.Errorf("%s: %w", v.name, err)
			}
			times = append(times, took)
		}
		benchkit.SortDurations(times)
		p50, p95, mx := benchkit.Quantile(times, 0.5), benchkit.Quantile(times, 0.95), times[len(times)-1]
		ok := p95 < o.target
		pass = pass && ok
		fmt.Printf("\n%s: %d tickets counted (first response: %d met, %d breached, %d running; resolution: %d met, %d breached, %d running)\n",
			v.name, sc.FirstResponse.Tickets, sc.FirstResponse.Met, sc.FirstResponse.Breached, sc.FirstResponse.Running,
			sc.Resolution.Met, sc.Resolution.Breached, sc.Resolution.Running)
		fmt.Printf("  attainment: first response %s, resolution %s\n", pct(sc.FirstResponse.Attainment), pct(sc.Resolution.Attainment))
		fmt.Printf("  first request %s; then %d requests: p50 %s  p95 %s  max %s\n", benchkit.Ms(cold), o.runs, benchkit.Ms(p50), benchkit.Ms(p95), benchkit.Ms(mx))
		fmt.Printf("  target p95 < %s: %s (%+.0f%% of the target; max %s)\n", o.target, benchkit.Verdict(ok), (float64(p95)/float64(o.target)-1)*100,
			map[bool]string{true: "under it too", false: "over it"}[mx < o.target])
	}
	stopProfile()
	if o.cpuprofile != "" {
		fmt.Printf("\nCPU profile of the timed requests: %s\n", o.cpuprofile)
	}

	if err := explain(ctx, d, from, to, g.Services[0]); err != nil {
		fmt.Fprintln(os.Stderr, "explain:", err)
	}
	fmt.Printf("\nmachine at end: %s\n", benchkit.Load())
	fmt.Println("RESULT:", benchkit.Verdict(pass))
	return nil
}

type scorecard struct {
	FirstResponse clockFigures `json:"first_response"`
	Resolution    clockFigures `json:"resolution"`
}

type clockFigures struct {
	Tickets, Met, Breached, Running int
	Attainment                      *float64
}

func pct(p *float64) string {
	if p == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.2f%%", *p*100)
}

// explain prints the plans of the scorecard's query and the time the
// database alone takes to run it and hand over its rows.
func explain(ctx context.Context, d *benchkit.Database, from, to time.Time, service int64) error {
	db, err := d.Raw("?_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer db.Close()
	const q = `SELECT fr_elapsed, fr_due_at, fr_met_at, res_elapsed, res_due_at, res_met_at FROM tickets WHERE opened_at >= $1 AND opened_at < $2`
	for _, v := range []struct {
		name, sql string
		args      []any
	}{
		{"all services", q, []any{from.UnixMilli(), to.UnixMilli()}},
		{"one service", q + ` AND service_id = $3`, []any{from.UnixMilli(), to.UnixMilli(), service}},
	} {
		fmt.Printf("\nplan, %s:\n", v.name)
		if err := benchkit.PrintPlan(ctx, db, d.Dialect, v.sql, v.args...); err != nil {
			return err
		}
		var times []time.Duration
		n := 0
		for range 10 {
			start := time.Now()
			rows, err := db.QueryContext(ctx, v.sql, v.args...)
			if err != nil {
				return err
			}
			n = 0
			for rows.Next() {
				var a, b, c, e, f, g sql.NullInt64
				if err := rows.Scan(&a, &b, &c, &e, &f, &g); err != nil {
					rows.Close()
					return err
				}
				n++
			}
			rows.Close()
			times = append(times, time.Since(start))
		}
		benchkit.SortDurations(times)
		fmt.Printf("  the query alone through database/sql (%d rows scanned): p50 %s, max %s over 10 runs\n", n,
			benchkit.Ms(benchkit.Quantile(times, 0.5)), benchkit.Ms(times[len(times)-1]))
	}
	return nil
}
