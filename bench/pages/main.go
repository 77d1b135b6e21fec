// Command pages measures the web console's pages over a large database: it
// builds a database of N tickets with bench/internal/bulk (the builder of
// bench/scorecard, plus whole timelines for the open tickets and a sample
// of the others), starts sqm in-process on 127.0.0.1:0, signs in as the
// admin over HTTP with a cookie jar and times each page: the dashboard, the
// queue in both orders and their second pages, a few ticket pages, the
// scorecard of a month, a quarter and a half-year, and the account page.
// Each page is judged on its p95 (the target: 50 ms, server side)
// and on its size (200 KB).
//
//	go run ./bench/pages -db sqlite -tickets 1000000
//	go run ./bench/pages -db postgres -tickets 1000000 [-pg postgres://postgres@127.0.0.1:5432/test?sslmode=disable]
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"fmt"
	"html"
	"io"
	"math"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/bench/internal/benchkit"
	"github.com/sqmhq/sqm/bench/internal/bulk"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

func main() {
	var o options
	flag.StringVar(&o.dialect, "db", "sqlite", "sqlite or postgres")
	flag.IntVar(&o.tickets, "tickets", 1_000_000, "tickets in the database")
	flag.IntVar(&o.runs, "runs", 30, "timed requests per page")
	flag.IntVar(&o.warmup, "warmup", 3, "requests per page before the timed ones (the first is printed)")
	flag.IntVar(&o.timelines, "timelines", 1000, "closed tickets, spread evenly over the ids, that get a whole timeline (open tickets and the newest 200 always do; -1: every ticket)")
	flag.StringVar(&o.pg, "pg", benchkit.DefaultPG(), "PostgreSQL server where a benchmark database may be created")
	flag.StringVar(&o.reuse, "reuse", "", "measure this database (a DSN printed by an earlier -keep run, built with the same -tickets, -timelines and -seed) instead of building one")
	flag.DurationVar(&o.target, "target", 50*time.Millisecond, "latency target per page (judged on p95)")
	flag.DurationVar(&o.fillTarget, "fill-target", 300*time.Millisecond, "latency target of the requests that fill a page's costly figures after it is shown")
	flag.IntVar(&o.maxSize, "max-size", 200_000, "size limit of a page in bytes")
	flag.StringVar(&o.only, "only", "", "measure only the pages whose name matches this regular expression")
	flag.BoolVar(&o.explain, "explain", true, "print the plans and times of the pages' main queries")
	flag.BoolVar(&o.keep, "keep", false, "keep the database at exit")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the measured pages (warm-ups included) to this file")
	flag.Int64Var(&o.seed, "seed", 1, "seed of the generated data")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "pages:", err)
		os.Exit(1)
	}
}

type options struct {
	dialect, pg, reuse, only, cpuprofile string
	tickets, runs, warmup, timelines     int
	maxSize                              int
	target, fillTarget                   time.Duration
	explain, keep                        bool
	seed                                 int64
}

// sampling picks the closed tickets that get a whole timeline: every
// stride-th id, and the newest 200.
type sampling struct{ n, stride int64 }

func newSampling(n, timelines int) sampling {
	if timelines < 0 {
		return sampling{int64(n), 1}
	}
	return sampling{int64(n), max(1, int64(n)/int64(max(timelines, 1)))}
}

// sampled reports whether the ticket id gets a whole timeline.
func (s sampling) sampled(id int64) bool {
	return id%s.stride == s.stride/2 || id > s.n-200
}

// near returns a sampled id near a share of the ids.
func (s sampling) near(share float64) int64 {
	k := int64(float64(s.n)*share) / s.stride
	return max(k*s.stride+s.stride/2, 1)
}

func run(o options) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	only, err := regexp.Compile(o.only)
	if err != nil {
		return fmt.Errorf("-only: %w", err)
	}
	fmt.Printf("pages: %s, %d tickets, %d timed requests per page after %d warm-up\n", o.dialect, o.tickets, o.runs, o.warmup)
	fmt.Printf("machine at start: %s\n", benchkit.Load())
	fmt.Printf("other work:       %s\n", benchkit.Background(2*time.Second))

	now := time.Now().UTC()
	samp := newSampling(o.tickets, o.timelines)
	var d *benchkit.Database
	if o.reuse != "" {
		d = &benchkit.Database{Dialect: o.dialect, DSN: o.reuse, Where: o.reuse}
		if o.dialect == "sqlite" {
			d.Where = strings.TrimSuffix(strings.TrimPrefix(o.reuse, "sqlite:"), "/sqm.db")
		}
		fmt.Printf("database reused: %s, %s\n", o.reuse, d.Size(ctx))
	} else {
		if d, err = benchkit.NewDatabase(ctx, o.dialect, o.pg, "sqm_bench_pages"); err != nil {
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
		b, err := bulk.Build(ctx, d, bulk.Options{Tickets: o.tickets, Seed: o.seed, Now: now,
			Events: func(g *bulk.Org) bulk.EventsFunc {
				return func(t []any, open bool) [][]any {
					if open || samp.sampled(t[0].(int64)) {
						return bulk.Timeline(t, open, g.AdminID, now)
					}
					return nil
				}
			}})
		if err != nil {
			return err
		}
		fmt.Printf("build: %d tickets and %d events inserted in %s, %s in %s; total %s; database size %s\n",
			b.Tickets, b.Events, b.Insert.Round(time.Millisecond), map[string]string{"sqlite": "ANALYZE", "postgres": "VACUUM ANALYZE"}[o.dialect],
			b.Analyse.Round(time.Millisecond), b.Took.Round(time.Millisecond), d.Size(ctx))
	}

	a, _, err := benchkit.Start(ctx, d.DSN)
	if err != nil {
		return err
	}
	defer a.Stop(context.Background()) //nolint:errcheck
	base := "http://" + a.Addr()
	pw := make([]byte, 16)
	rand.Read(pw)
	if err := a.DB.SetPassword(sqm.WithActor(ctx, sqm.SystemActor), sqlstore.AdminName, hex.EncodeToString(pw)); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	c, err := signIn(ctx, base, sqlstore.AdminName, hex.EncodeToString(pw))
	if err != nil {
		return err
	}

	// The pages, in the order a person visits them; some take a link from
	// an earlier one.
	bodies := map[string]string{} // by path, of the first request
	fixed := func(p string) func() (string, error) { return func() (string, error) { return p, nil } }
	from := func(page string, re *regexp.Regexp, format string) func() (string, error) {
		return func() (string, error) {
			b, ok := bodies[page]
			if !ok { // the page it links from was left out with -only
				_, got, err := c.get(ctx, base+page)
				if err != nil {
					return "", err
				}
				b, bodies[page] = got, got
			}
			m := re.FindStringSubmatch(b)
			if m == nil {
				return "", fmt.Errorf("no %s on %s", re, page)
			}
			return fmt.Sprintf(format, html.UnescapeString(m[1])), nil
		}
	}
	nextLink := regexp.MustCompile(`<a href="([^"]+)">Next page`)
	ticketLink := regexp.MustCompile(`href="/tickets/(\d+)"`)
	// A "fill" is not a page: the scorecard page fetches its percentiles
	// with it after it is shown, and it is judged on -fill-target.
	pages := []struct {
		name, route string
		path        func() (string, error)
		fill        bool
	}{
		{"dashboard", "GET /{$}", fixed("/"), false},
		{"queue, time left", "GET /tickets", fixed("/tickets"), false},
		{"queue, time left, page 2", "GET /tickets", from("/tickets", nextLink, "%s"), false},
		{"queue, newest", "GET /tickets", fixed("/tickets?sort=newest"), false},
		{"queue, newest, page 2", "GET /tickets", from("/tickets?sort=newest", nextLink, "%s"), false},
		{"ticket, top of the queue", "GET /tickets/{id}", from("/tickets", ticketLink, "/tickets/%s"), false},
		{"ticket, newest", "GET /tickets/{id}", from("/tickets?sort=newest", ticketLink, "/tickets/%s"), false},
		{"ticket, a year ago", "GET /tickets/{id}", fixed(fmt.Sprintf("/tickets/%d", samp.near(0.5))), false},
		{"ticket, 21 months ago", "GET /tickets/{id}", fixed(fmt.Sprintf("/tickets/%d", samp.near(0.125))), false},
		{"scorecard, month", "GET /scorecard", fixed("/scorecard?period=month"), false},
		{"scorecard, quarter", "GET /scorecard", fixed("/scorecard?period=quarter"), false},
		{"scorecard, half-year", "GET /scorecard", fixed("/scorecard?period=half"), false},
		{"fill: percentiles, month", "GET /scorecard", fixed("/scorecard?exact=1&period=month"), true},
		{"fill: percentiles, quarter", "GET /scorecard", fixed("/scorecard?exact=1&period=quarter"), true},
		{"fill: percentiles, half-year", "GET /scorecard", fixed("/scorecard?exact=1&period=half"), true},
		{"account", "GET /account", fixed("/account"), false},
	}

	reg := a.Metrics.Registry()
	var results []result
	stopProfile, err := benchkit.Profile(o.cpuprofile)
	if err != nil {
		return err
	}
	for _, p := range pages {
		if !only.MatchString(p.name) {
			continue
		}
		path, err := p.path()
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		r := result{name: p.name, path: path, target: o.target}
		if p.fill {
			r.target = o.fillTarget
		}
		var body string
		for i := range max(o.warmup, 1) {
			took, b, err := c.get(ctx, base+path)
			if err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			if i == 0 {
				r.first, body = took, b
			}
		}
		bodies[path] = body
		r.detail = describe(body)
		before, err := histogram(reg, p.route)
		if err != nil {
			return err
		}
		for range o.runs {
			took, b, err := c.get(ctx, base+path)
			if err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			r.times = append(r.times, took)
			r.size = max(r.size, len(b))
		}
		after, err := histogram(reg, p.route)
		if err != nil {
			return err
		}
		r.server = after.minus(before)
		benchkit.SortDurations(r.times)
		results = append(results, r)
		fmt.Printf("  %-26s %-40s first %9s  p50 %9s  p95 %9s  max %9s  %7.1f KB\n", r.name, short(path, 40), benchkit.Ms(r.first),
			benchkit.Ms(benchkit.Quantile(r.times, 0.5)), benchkit.Ms(benchkit.Quantile(r.times, 0.95)), benchkit.Ms(r.times[len(r.times)-1]),
			float64(r.size)/1000)
	}
	stopProfile()
	if o.cpuprofile != "" {
		fmt.Printf("CPU profile of the requests (warm-ups too): %s\n", o.cpuprofile)
	}

	fmt.Printf("\nAll times in ms. Client: measured by this process over loopback, request sent to body read (%d requests).\n", o.runs)
	fmt.Printf("Server: sqm_http_request_duration_seconds of the same requests (mean, share ≤ 50 ms, and the histogram bucket holding the p95).\n")
	fmt.Printf("Verdict: client p95 < %s (fills: < %s) and size ≤ %d bytes.\n\n", benchkit.Ms(o.target), benchkit.Ms(o.fillTarget), o.maxSize)
	fmt.Println("| page | what | size | first | p50 | p95 | max | server mean | server ≤ 50 ms | server p95 in | verdict |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	pass := true
	for _, r := range results {
		p95 := benchkit.Quantile(r.times, 0.95)
		okTime, okSize := p95 < r.target, r.size <= o.maxSize
		pass = pass && okTime && okSize
		verdict := benchkit.Verdict(okTime && okSize)
		switch {
		case !okTime && !okSize:
			verdict += fmt.Sprintf(" (time ×%.1f, size)", float64(p95)/float64(r.target))
		case !okTime:
			verdict += fmt.Sprintf(" (×%.1f)", float64(p95)/float64(r.target))
		case !okSize:
			verdict += " (size)"
		}
		fmt.Printf("| %s | %s | %.1f KB | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.name, r.detail, float64(r.size)/1000,
			ms(r.first), ms(benchkit.Quantile(r.times, 0.5)), ms(p95), ms(r.times[len(r.times)-1]),
			ms(r.server.mean()), r.server.shareUnder(0.05), r.server.quantileBucket(0.95), verdict)
	}

	if o.explain {
		if err := explain(ctx, d, now, bodies); err != nil {
			fmt.Fprintln(os.Stderr, "explain:", err)
		}
	}
	fmt.Printf("\nmachine at end: %s\n", benchkit.Load())
	fmt.Println("RESULT:", benchkit.Verdict(pass))
	return nil
}

type result struct {
	name, path, detail string
	first, target      time.Duration
	times              []time.Duration
	size               int
	server             hist
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

var (
	rowRe   = regexp.MustCompile(`<tr>\s*<td><a href="/tickets/`)
	eventRe = regexp.MustCompile(`<li class="ev `)
	barRe   = regexp.MustCompile(`<rect `)
)

// describe says what a page holds: rows of a queue, events of a timeline.
func describe(body string) string {
	var parts []string
	if n := len(rowRe.FindAllStringIndex(body, -1)); n > 0 {
		parts = append(parts, fmt.Sprintf("%d tickets", n))
	}
	if n := len(eventRe.FindAllStringIndex(body, -1)); n > 0 {
		parts = append(parts, fmt.Sprintf("%d events", n))
	}
	if n := len(barRe.FindAllStringIndex(body, -1)); n > 0 && strings.Contains(body, "<svg") {
		parts = append(parts, fmt.Sprintf("%d bars", n))
	}
	return strings.Join(parts, ", ")
}

// client is a signed-in browser: a cookie jar, redirects not followed.
type client struct{ http *http.Client }

func signIn(ctx context.Context, base, name, pw string) (*client, error) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/login",
		strings.NewReader(url.Values{"username": {name}, "password": {pw}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body) //nolint:errcheck
	resp.Body.Close()
	u, _ := url.Parse(base)
	var got bool
	for _, ck := range jar.Cookies(u) {
		got = got || ck.Name == "sqm_session"
	}
	if resp.StatusCode != http.StatusSeeOther || !got {
		return nil, fmt.Errorf("sign-in: HTTP %d, session cookie %v", resp.StatusCode, got)
	}
	return &client{hc}, nil
}

// get fetches a page and times it until the last byte of the body.
func (c *client) get(ctx context.Context, u string) (time.Duration, string, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil {
		return 0, "", err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, "", fmt.Errorf("GET %s: HTTP %d: %.300s", u, resp.StatusCode, body)
	}
	return took, string(body), nil
}

// hist is a reading of sqm_http_request_duration_seconds for one route
// and code 200: cumulative counts per upper bound (seconds).
type hist struct {
	count  uint64
	sum    float64
	bounds []float64
	cum    []uint64
}

func histogram(reg *prometheus.Registry, route string) (hist, error) {
	var h hist
	mfs, err := reg.Gather()
	if err != nil {
		return h, err
	}
	for _, mf := range mfs {
		if mf.GetName() != "sqm_http_request_duration_seconds" {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if (l.GetName() == "route" && l.GetValue() != route) || (l.GetName() == "code" && l.GetValue() != "200") {
					continue metrics
				}
			}
			hh := m.GetHistogram()
			h.count, h.sum = hh.GetSampleCount(), hh.GetSampleSum()
			for _, b := range hh.GetBucket() {
				h.bounds = append(h.bounds, b.GetUpperBound())
				h.cum = append(h.cum, b.GetCumulativeCount())
			}
		}
	}
	return h, nil
}

func (h hist) minus(b hist) hist {
	out := hist{count: h.count - b.count, sum: h.sum - b.sum, bounds: h.bounds}
	for i := range h.cum {
		var prev uint64
		if i < len(b.cum) {
			prev = b.cum[i]
		}
		out.cum = append(out.cum, h.cum[i]-prev)
	}
	return out
}

func (h hist) mean() time.Duration {
	if h.count == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.count) * float64(time.Second))
}

func (h hist) shareUnder(le float64) string {
	if h.count == 0 {
		return "n/a"
	}
	for i, b := range h.bounds {
		if b == le {
			return fmt.Sprintf("%.0f%%", 100*float64(h.cum[i])/float64(h.count))
		}
	}
	return "n/a"
}

// quantileBucket names the bucket holding the nearest-rank q-quantile.
func (h hist) quantileBucket(q float64) string {
	if h.count == 0 {
		return "n/a"
	}
	rank := uint64(math.Ceil(q * float64(h.count)))
	lo := 0.0
	for i, b := range h.bounds {
		if h.cum[i] >= rank {
			return fmt.Sprintf("%g–%g", lo*1000, b*1000)
		}
		lo = b
	}
	return fmt.Sprintf("> %g", lo*1000)
}

// The store's SQL, copied from internal/sqlstore (ticket.go, dashboard.go,
// queue.go, scorecard.go, rollup.go, project.go at commit c23e4f9) to explain the
// queries the pages make.
const (
	ticketColumns = `SELECT id, ref, service_id, team_id, type, priority, status, title, description, opened_at, updated_at,
	opened_by, imported,
	fr_target, fr_elapsed, fr_due_at, fr_met_at, fr_warn_at, fr_paused, fr_warned, fr_breach_noted,
	res_target, res_elapsed, res_due_at, res_met_at, res_warn_at, res_paused, res_warned, res_breach_noted
	FROM tickets`
	noDue      = "9000000000000000"
	nextDueSQL = `COALESCE(CASE
		WHEN fr_met_at IS NULL AND fr_due_at IS NOT NULL
			AND (res_met_at IS NOT NULL OR res_paused OR res_due_at IS NULL OR fr_due_at <= res_due_at) THEN fr_due_at
		WHEN res_met_at IS NULL AND NOT res_paused THEN res_due_at END, ` + noDue + `)`
	scorecardSQL = `SELECT fr_elapsed, fr_due_at, fr_met_at, res_elapsed, res_due_at, res_met_at FROM tickets WHERE opened_at >= $1 AND opened_at < $2`
)

// The summary reads the whole days from the rollup, the part days at the
// edges from the tickets (here one day, the shape of an edge in a zone east
// of UTC), and the running clocks past due through tickets_unmet.
const (
	rollupSQL = `SELECT SUM(tickets), SUM(fr_met), SUM(fr_late), SUM(fr_b0), SUM(res_met), SUM(res_late), SUM(res_b0)
	FROM ticket_rollup WHERE day >= $1 AND day < $2`
	edgeSQL = `SELECT count(*), SUM(CASE WHEN fr_met_at IS NOT NULL AND NOT (fr_due_at IS NOT NULL AND fr_met_at > fr_due_at) THEN 1 ELSE 0 END),
	SUM(CASE WHEN fr_met_at IS NOT NULL AND fr_elapsed <= 900000 THEN 1 ELSE 0 END) FROM tickets WHERE opened_at >= $1 AND opened_at < $2`
	overdueSQL = `SELECT SUM(CASE WHEN fr_met_at IS NULL AND fr_due_at < $3 THEN 1 ELSE 0 END),
	SUM(CASE WHEN res_met_at IS NULL AND res_due_at < $3 THEN 1 ELSE 0 END)
	FROM tickets WHERE opened_at >= $1 AND opened_at < $2 AND (fr_met_at IS NULL OR res_met_at IS NULL)`
)

// explain prints the plans of the pages' main queries and the time each
// takes alone through database/sql.
func explain(ctx context.Context, d *benchkit.Database, now time.Time, bodies map[string]string) error {
	db, err := d.Raw("?_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer db.Close()
	type query struct {
		name, sql string
		args      []any
	}
	qs := []query{
		{"queue, time left (ListTickets sort=due)", ticketColumns + ` ORDER BY ` + nextDueSQL + `, id LIMIT $1`, []any{51}},
	}
	if m := regexp.MustCompile(`<a href="[^"]*cursor=([^"&]+)[^"]*">Next page`).FindStringSubmatch(bodies["/tickets"]); m != nil {
		if b, err := base64.RawURLEncoding.DecodeString(m[1]); err == nil && len(b) > 1 {
			k, i, _ := strings.Cut(string(b[1:]), ".")
			key, _ := strconv.ParseInt(k, 10, 64)
			id, _ := strconv.ParseInt(i, 10, 64)
			qs = append(qs, query{"queue, time left, page 2", ticketColumns + ` WHERE (` + nextDueSQL + ` > $1 OR (` + nextDueSQL + ` = $2 AND id > $3)) ORDER BY ` + nextDueSQL + `, id LIMIT $4`,
				[]any{key, key, id, 51}})
		}
	}
	qs = append(qs,
		query{"queue, newest (ListTickets)", ticketColumns + ` ORDER BY id DESC LIMIT $1`, []any{51}},
		query{"dashboard: DueSoon", ticketColumns + ` WHERE status NOT IN ('resolved', 'closed') AND ` + nextDueSQL + ` < ` + noDue + `
		ORDER BY ` + nextDueSQL + `, id LIMIT $1`, []any{8}},
		query{"dashboard: RecentBreaches", ticketColumns + ` WHERE id IN (SELECT ticket_id FROM ticket_events WHERE type = 'sla_breached'
		ORDER BY at DESC LIMIT $1) ORDER BY id DESC`, []any{8}},
		query{"dashboard: OpenIncidents", `SELECT priority, count(*) FROM tickets
		WHERE type = 'incident' AND status NOT IN ('resolved', 'closed') GROUP BY priority`, nil},
		query{"ticket page: events", `SELECT e.id, e.at, e.type, e.by_kind, e.actor_id, COALESCE(u.name, ''), e.public,
			e.body, e.status, e.priority, e.clock
		FROM ticket_events e LEFT JOIN users u ON u.id = e.actor_id
		WHERE e.ticket_id = $1 ORDER BY e.at, e.id`, []any{int64(1)}},
	)
	// The dashboard and the scorecard page count each of their six periods
	// with a summary: here one over the six. The percentile fill reads the
	// rows of the page's period.
	nowMS := now.UnixMilli()
	const day = 24 * 60 * 60 * 1000
	for _, p := range []struct {
		name   string
		months int
	}{{"month", 1}, {"quarter", 3}, {"half-year", 6}} {
		from := time.Date(now.Year(), (now.Month()-1)/time.Month(p.months)*time.Month(p.months)+1, 1, 0, 0, 0, 0, time.UTC)
		to := from.AddDate(0, p.months, 0)
		six := from.AddDate(0, -5*p.months, 0).UnixMilli()
		qs = append(qs,
			query{"summary of 6 " + p.name + "s: whole days from the rollup", rollupSQL, []any{six / day, to.UnixMilli() / day}},
			query{"summary of 6 " + p.name + "s: running clocks past due", overdueSQL, []any{six, to.UnixMilli(), nowMS}},
			query{"percentile fill: rows of this " + p.name, scorecardSQL, []any{from.UnixMilli(), to.UnixMilli()}})
	}
	qs = append(qs, query{"summary: a part day at an edge, from the tickets", edgeSQL, []any{nowMS - day, nowMS}})
	for _, q := range qs {
		fmt.Printf("\nplan, %s:\n", q.name)
		if strings.HasPrefix(q.name, "ticket page") {
			// a sampled ticket with a timeline
			var id int64
			if err := db.QueryRowContext(ctx, `SELECT ticket_id FROM ticket_events ORDER BY id DESC LIMIT 1`).Scan(&id); err == nil {
				q.args = []any{id}
			}
		}
		if err := benchkit.PrintPlan(ctx, db, d.Dialect, q.sql, q.args...); err != nil {
			return fmt.Errorf("%s: %w", q.name, err)
		}
		var times []time.Duration
		n := 0
		for range 5 {
			start := time.Now()
			rows, err := db.QueryContext(ctx, q.sql, q.args...)
			if err != nil {
				return err
			}
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			n = 0
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return err
				}
				n++
			}
			rows.Close()
			times = append(times, time.Since(start))
		}
		benchkit.SortDurations(times)
		fmt.Printf("  the query alone through database/sql: %d rows, p50 %s, max %s over 5 runs\n", n,
			benchkit.Ms(benchkit.Quantile(times, 0.5)), benchkit.Ms(times[len(times)-1]))
	}
	return nil
}
