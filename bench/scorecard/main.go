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
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/bench/internal/benchkit"
	"github.com/sqmhq/sqm/internal/sqlstore"
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

// org is what the generated tickets refer to.
type org struct {
	services []int64   // ids
	weights  []float64 // share of the tickets of each service
	teamOf   []int64   // team id of each service
	targets  map[sqm.Priority]sqm.Target
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
	buildStart := time.Now()
	g, err := setUp(ctx, d.DSN)
	if err != nil {
		return err
	}
	raw, err := d.Raw("?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=foreign_keys(0)&_pragma=cache_size(-200000)")
	if err != nil {
		return err
	}
	defer raw.Close()
	gen := newGenerator(o.seed, g, now, o.tickets)
	var rows, events int
	if o.dialect == "postgres" {
		rows, events, err = fillPostgres(ctx, raw, gen, o.events)
	} else {
		rows, events, err = fillSQLite(ctx, raw, gen, o.events)
	}
	if err != nil {
		return fmt.Errorf("build: %w", err)
	}
	inserted := time.Since(buildStart)
	analyse := time.Now()
	if o.dialect == "postgres" {
		if _, err = raw.ExecContext(ctx, "VACUUM (ANALYZE) tickets"); err == nil {
			_, err = raw.ExecContext(ctx, "VACUUM (ANALYZE) ticket_events")
		}
	} else {
		_, err = raw.ExecContext(ctx, "ANALYZE")
	}
	if err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	if o.dialect == "sqlite" {
		raw.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)") //nolint:errcheck
	}
	fmt.Printf("build: %d tickets and %d events inserted in %s, %s in %s; total %s; database size %s\n",
		rows, events, inserted.Round(time.Millisecond), map[string]string{"sqlite": "ANALYZE", "postgres": "VACUUM ANALYZE"}[o.dialect],
		time.Since(analyse).Round(time.Millisecond), time.Since(buildStart).Round(time.Millisecond), d.Size(ctx))
	raw.Close()

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
		{"service_id=" + fmt.Sprint(g.services[0]), "service_id", fmt.Sprint(g.services[0])},
		{"team_id=" + fmt.Sprint(g.teamOf[0]), "team_id", fmt.Sprint(g.teamOf[0])},
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

	if err := explain(ctx, d, from, to, g.services[0]); err != nil {
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

// setUp migrates the new database and makes the organisation the tickets
// belong to, through the store: two teams, a tiered policy on the 24x7
// calendar and three services.
func setUp(ctx context.Context, dsn string) (*org, error) {
	db, err := sqlstore.Open(ctx, dsn, nil)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	if _, err := db.Bootstrap(ctx); err != nil {
		return nil, err
	}
	ctx = sqm.WithActor(ctx, sqm.SystemActor)
	var defaultPolicy sqm.SLAPolicy
	ps, err := db.ListPolicies(ctx, "", 10)
	if err != nil {
		return nil, err
	}
	for _, p := range ps.Items {
		if p.Default {
			defaultPolicy = p
		}
	}
	targets := map[sqm.Priority]sqm.Target{
		sqm.P1: {FirstResponse: 15 * time.Minute, Resolution: 4 * time.Hour},
		sqm.P2: {FirstResponse: 30 * time.Minute, Resolution: 8 * time.Hour},
		sqm.P3: {FirstResponse: 2 * time.Hour, Resolution: 24 * time.Hour},
		sqm.P4: {FirstResponse: 4 * time.Hour, Resolution: 40 * time.Hour},
	}
	pol, err := db.CreatePolicy(ctx, sqm.SLAPolicy{Name: "Tiered 24x7", CalendarID: defaultPolicy.CalendarID, Targets: targets,
		PauseStatuses: []sqm.Status{sqm.StatusWaitingOnCustomer}, WarnAtPercent: 80})
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	g := &org{targets: targets, weights: []float64{0.45, 0.35, 0.20}}
	var teams []sqm.Team
	for _, name := range []string{"Payments", "Platform"} {
		t, err := db.CreateTeam(ctx, sqm.Team{Name: name})
		if err != nil {
			return nil, fmt.Errorf("team: %w", err)
		}
		teams = append(teams, t)
	}
	for i, name := range []string{"Payments API", "Checkout web", "Data platform"} {
		team := teams[i/2] // two services on the first team, one on the second
		s, err := db.CreateService(ctx, sqm.Service{Name: name, TeamID: team.ID, SLAPolicyID: pol.ID})
		if err != nil {
			return nil, fmt.Errorf("service: %w", err)
		}
		var sid, tid int64
		fmt.Sscan(s.ID, &sid)
		fmt.Sscan(team.ID, &tid)
		g.services, g.teamOf = append(g.services, sid), append(g.teamOf, tid)
	}
	return g, nil
}

// ticketColumns are the columns the generator fills, in its order.
var ticketColumns = []string{"id", "service_id", "team_id", "type", "priority", "status", "title", "description",
	"opened_at", "updated_at", "imported",
	"fr_target", "fr_elapsed", "fr_due_at", "fr_met_at", "fr_warn_at", "fr_paused", "fr_warned", "fr_breach_noted",
	"res_target", "res_elapsed", "res_due_at", "res_met_at", "res_warn_at", "res_paused", "res_warned", "res_breach_noted",
	"next_at"}

var eventColumns = []string{"ticket_id", "at", "type", "by_kind", "public", "body", "status", "priority", "clock", "recorded_at"}

// generator makes the tickets, opened uniformly over the 24 months before
// now in the order of their ids, as a live installation writes them: ~90%
// with both clocks met on time, ~7% stopped late, ~3% still open.
type generator struct {
	rnd        *rand.Rand
	g          *org
	now, start int64 // ms
	step       float64
	n, i       int
}

func newGenerator(seed int64, g *org, now time.Time, n int) *generator {
	start := now.AddDate(-2, 0, 0)
	return &generator{rnd: rand.New(rand.NewPCG(uint64(seed), 0x5a5a)), g: g, now: now.UnixMilli(), start: start.UnixMilli(),
		step: float64(now.Sub(start).Milliseconds()) / float64(n), n: n}
}

var (
	types      = sqm.TicketTypes
	typeWeight = []float64{0.45, 0.35, 0.08, 0.07, 0.05}
	prios      = sqm.Priorities
	prioWeight = []float64{0.05, 0.20, 0.50, 0.25}
	subjects   = []string{"Checkout fails with HTTP 500", "Cannot log in after password reset", "Report export times out",
		"Invoice PDF shows the wrong VAT rate", "Webhook deliveries delayed", "Request: new API key for partner",
		"Slow search on the orders page", "Mobile app crashes on start", "Data sync stuck since last night", "Feature request: CSV import"}
	bodies = []string{
		"Customers report that paying with a saved card returns HTTP 500 on /pay. About 3% of attempts fail; retries sometimes succeed.",
		"Since this morning's deploy several users cannot sign in after resetting their password. The reset mail arrives, the link works, " +
			"but the new password is refused with 'invalid credentials'. Affected accounts so far: 14, all created before 2024.",
		"Please create an API key with read-only scope for our logistics partner; contact details are in the attached form.",
		"The nightly export of the orders report has timed out three nights in a row. The job log shows the query running for more than " +
			"30 minutes and being cancelled by the statement timeout. The report is needed by finance every morning at 08:00.",
		"Search on the orders page takes 8-12 s for queries with a customer name. It used to take under a second.",
	}
)

func pick[T any](r *rand.Rand, items []T, weights []float64) int {
	u := r.Float64()
	for i, w := range weights {
		if u < w {
			return i
		}
		u -= w
	}
	return len(items) - 1
}

// next returns the next ticket's values in ticketColumns order, and
// whether it is still open.
func (gen *generator) next() ([]any, bool) {
	r, g := gen.rnd, gen.g
	gen.i++
	id := int64(gen.i)
	opened := gen.start + int64((float64(gen.i-1)+r.Float64())*gen.step)
	si := pick(r, g.services, g.weights)
	typ := types[pick(r, types, typeWeight)]
	pr := prios[pick(r, prios, prioWeight)]
	tg := g.targets[pr]
	frT, resT := tg.FirstResponse.Milliseconds(), tg.Resolution.Milliseconds()
	u := r.Float64()
	between := func(lo, hi float64, of int64) int64 { return int64((lo + (hi-lo)*r.Float64()) * float64(of)) }

	// The 24x7 calendar: business time is wall time, so due = opened + target.
	type clock struct {
		elapsed            int64
		due, met, warn     sql.NullInt64
		paused, warned, bn bool
	}
	mk := func(target, elapsed int64, met bool) clock {
		c := clock{elapsed: elapsed, due: sql.NullInt64{Int64: opened + target, Valid: true},
			warn: sql.NullInt64{Int64: opened + target*8/10, Valid: true}}
		if met {
			c.met = sql.NullInt64{Int64: opened + elapsed, Valid: true}
		}
		reached := opened + elapsed
		if !met {
			reached = gen.now
		}
		c.warned = reached >= c.warn.Int64
		c.bn = reached > c.due.Int64
		if !met && c.bn {
			// saved when the sweep noted the breach, just past the due instant
			c.elapsed = target + between(0, 1, 60_000)
		}
		return c
	}
	var fr, res clock
	var status sqm.Status
	open := false
	switch {
	case u < 0.90: // both clocks met on time
		fr = mk(frT, between(0.02, 0.95, frT), true)
		res = mk(resT, max(fr.elapsed, between(0.10, 0.95, resT)), true)
	case u < 0.97: // resolved late; the first response late for half of them
		if r.IntN(2) == 0 {
			fr = mk(frT, between(1.05, 3, frT), true)
		} else {
			fr = mk(frT, between(0.02, 0.95, frT), true)
		}
		res = mk(resT, max(fr.elapsed, between(1.05, 3, resT)), true)
	default: // still open
		open = true
		if r.Float64() < 0.7 {
			fr = mk(frT, between(0.02, 0.95, frT), true)
		} else {
			fr = mk(frT, min(gen.now-opened, frT), false)
		}
		res = mk(resT, min(gen.now-opened, resT), false)
	}
	updated := opened + max(fr.elapsed, res.elapsed)
	if open {
		status = []sqm.Status{sqm.StatusNew, sqm.StatusInProgress, sqm.StatusInProgress, sqm.StatusWaitingOnCustomer}[r.IntN(4)]
		res.paused = status == sqm.StatusWaitingOnCustomer
		if status == sqm.StatusNew && fr.met.Valid {
			status = sqm.StatusInProgress
		}
	} else {
		status = sqm.StatusClosed
		if r.Float64() < 0.2 {
			status = sqm.StatusResolved
		} else {
			updated += between(1, 72, 3_600_000)
		}
	}
	updated = min(updated, gen.now)
	// The instant the sweep next owes an event, as nextAt in the store.
	var next sql.NullInt64
	consider := func(v int64) {
		if !next.Valid || v < next.Int64 {
			next = sql.NullInt64{Int64: v, Valid: true}
		}
	}
	for _, c := range []clock{fr, res} {
		if !c.warned && !c.met.Valid {
			consider(c.warn.Int64)
		}
		if !c.bn && !c.met.Valid {
			consider(c.due.Int64 + 1)
		}
	}
	title := fmt.Sprintf("%s (#%d)", subjects[r.IntN(len(subjects))], id)
	return []any{id, g.services[si], g.teamOf[si], string(typ), string(pr), string(status), title, bodies[r.IntN(len(bodies))],
		opened, updated, false,
		frT, fr.elapsed, fr.due, fr.met, fr.warn, fr.paused, fr.warned, fr.bn,
		resT, res.elapsed, res.due, res.met, res.warn, res.paused, res.warned, res.bn,
		next}, open
}

// openedEvent is a ticket's opened event in eventColumns order.
func openedEvent(t []any) []any {
	return []any{t[0], t[8], string(sqm.EventOpened), sqm.ByStaff, false, "", "", t[4], "", t[8]}
}

// fillSQLite inserts the tickets in one transaction, 500 rows a statement.
func fillSQLite(ctx context.Context, db *sql.DB, gen *generator, allEvents bool) (int, int, error) {
	const batch = 500
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback() //nolint:errcheck
	stmts := map[string]*sql.Stmt{}
	insert := func(table string, cols []string, rows [][]any) error {
		if len(rows) == 0 {
			return nil
		}
		key := fmt.Sprint(table, len(rows))
		st, ok := stmts[key]
		if !ok {
			one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
			q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " +
				strings.TrimSuffix(strings.Repeat(one+",", len(rows)), ",")
			if st, err = tx.PrepareContext(ctx, q); err != nil {
				return err
			}
			stmts[key] = st
		}
		args := make([]any, 0, len(rows)*len(cols))
		for _, r := range rows {
			args = append(args, r...)
		}
		_, err := st.ExecContext(ctx, args...)
		return err
	}
	var tickets, events [][]any
	nt, ne := 0, 0
	for gen.i < gen.n {
		t, open := gen.next()
		tickets = append(tickets, t)
		if open || allEvents {
			events = append(events, openedEvent(t))
		}
		if len(tickets) == batch || gen.i == gen.n {
			if err := insert("tickets", ticketColumns, tickets); err != nil {
				return 0, 0, err
			}
			nt += len(tickets)
			tickets = tickets[:0]
		}
		if len(events) == batch || (gen.i == gen.n && len(events) > 0) {
			if err := insert("ticket_events", eventColumns, events); err != nil {
				return 0, 0, err
			}
			ne += len(events)
			events = events[:0]
		}
	}
	return nt, ne, tx.Commit()
}

// fillPostgres copies the tickets in with COPY and moves the identity
// sequences past the ids it wrote.
func fillPostgres(ctx context.Context, db *sql.DB, gen *generator, allEvents bool) (int, int, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close()
	var nt, ne int64
	err = conn.Raw(func(dc any) error {
		c := dc.(*stdlib.Conn).Conn()
		var events [][]any
		src := pgx.CopyFromFunc(func() ([]any, error) {
			if gen.i >= gen.n {
				return nil, nil
			}
			t, open := gen.next()
			if open || allEvents {
				events = append(events, openedEvent(t))
			}
			for i, v := range t {
				if n, ok := v.(sql.NullInt64); ok { // pgx encodes NullInt64 through driver.Valuer; pass plain values
					if n.Valid {
						t[i] = n.Int64
					} else {
						t[i] = nil
					}
				}
			}
			return t, nil
		})
		if nt, err = c.CopyFrom(ctx, pgx.Identifier{"tickets"}, ticketColumns, src); err != nil {
			return err
		}
		if ne, err = c.CopyFrom(ctx, pgx.Identifier{"ticket_events"}, eventColumns, pgx.CopyFromRows(events)); err != nil {
			return err
		}
		_, err = c.Exec(ctx, `SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets));
			SELECT setval(pg_get_serial_sequence('ticket_events', 'id'), (SELECT COALESCE(max(id), 1) FROM ticket_events))`)
		return err
	})
	return int(nt), int(ne), err
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
		prefix := "EXPLAIN QUERY PLAN "
		if d.Dialect == "postgres" {
			prefix = "EXPLAIN (ANALYZE, BUFFERS) "
		}
		rows, err := db.QueryContext(ctx, prefix+v.sql, v.args...)
		if err != nil {
			return err
		}
		cols, _ := rows.Columns()
		fmt.Printf("\nplan, %s:\n", v.name)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return err
			}
			fmt.Printf("  %v\n", vals[len(vals)-1])
		}
		rows.Close()
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
