// Command probes measures the monitor scheduler (internal/probe) against
// its figures: 10,000 HTTP monitors at a 30 s interval against a local
// target, with no missed checks, a start lag p99 under 1 s, under one core
// of CPU and under 300 MB resident, and a slow or dead target delaying no
// other monitor.
//
// It makes a fresh database, one service and N HTTP monitors through the
// store, then runs a probe.Scheduler with the real checker over the real
// store (the results are written by RecordChecks). The targets are served
// by a child process (this binary with -serve-target), so that the CPU and
// memory measured here are the scheduler's and the store's alone. Most
// monitors ask a path that answers at once; -slow-share of them a path that
// answers after 2 s and -dead-share a port that accepts connections and
// never answers, so their checks time out after 5 s.
//
//	go run ./bench/probes -db sqlite   -monitors 10000 -duration 2m
//	go run ./bench/probes -db postgres -monitors 10000 -duration 2m [-pg postgres://postgres@127.0.0.1:5432/test]
package main

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/bench/internal/benchkit"
	sqmhttp "github.com/sqmhq/sqm/internal/http"
	"github.com/sqmhq/sqm/internal/probe"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

type options struct {
	dialect, pg, cpuprofile       string
	monitors, workers             int
	interval, duration, timeout   time.Duration
	slowAfter, refresh, targetP99 time.Duration
	slowShare, deadShare          float64
	targetCPU, targetRSS          float64
	keep, serveTarget             bool
}

func main() {
	var o options
	flag.StringVar(&o.dialect, "db", "sqlite", "sqlite or postgres")
	flag.StringVar(&o.pg, "pg", benchkit.DefaultPG(), "PostgreSQL server where a benchmark database may be created")
	flag.IntVar(&o.monitors, "monitors", 10_000, "HTTP monitors")
	flag.DurationVar(&o.interval, "interval", 30*time.Second, "interval of every monitor; the warm-up before the measured window is one interval")
	flag.DurationVar(&o.duration, "duration", 2*time.Minute, "measured window, after the warm-up")
	flag.DurationVar(&o.timeout, "timeout", 5*time.Second, "timeout of every monitor (at most the interval)")
	flag.Float64Var(&o.slowShare, "slow-share", 0.1, "share of the monitors whose target answers after -slow-after")
	flag.Float64Var(&o.deadShare, "dead-share", 0.05, "share of the monitors whose target accepts the connection and never answers (the check times out)")
	flag.DurationVar(&o.slowAfter, "slow-after", 2*time.Second, "how long the slow target takes to answer")
	flag.DurationVar(&o.refresh, "refresh", 10*time.Second, "the scheduler's Refresh: how often it reloads the monitors")
	flag.IntVar(&o.workers, "workers", 16, "concurrent CreateMonitor calls while the monitors are made")
	flag.DurationVar(&o.targetP99, "target-p99", time.Second, "start lag target (p99)")
	flag.Float64Var(&o.targetCPU, "target-cpu", 1, "CPU target in cores (this process: the scheduler, the checks and the store)")
	flag.Float64Var(&o.targetRSS, "target-rss", 300, "resident memory target in MB (10^6 bytes), peak")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the measured window to this file")
	flag.BoolVar(&o.keep, "keep", false, "keep the database at exit")
	flag.BoolVar(&o.serveTarget, "serve-target", false, "(internal) serve the targets and print their addresses; used by the child process")
	flag.Parse()
	if o.serveTarget {
		if err := serveTarget(o.slowAfter); err != nil {
			fmt.Fprintln(os.Stderr, "probes target:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "probes:", err)
		os.Exit(1)
	}
}

// serveTarget is the child process: an HTTP server with /ok (answers at
// once) and /slow (answers after slowAfter), and a "dead" port that accepts
// connections, reads what comes and never answers. It prints the two
// addresses on a line and serves until its stdin closes (the parent went).
func serveTarget(slowAfter time.Duration) error {
	live, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "ok\n") //nolint:errcheck
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		t := time.NewTimer(slowAfter)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "ok, slowly\n") //nolint:errcheck
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	go srv.Serve(live) //nolint:errcheck
	go func() {
		for {
			c, err := dead.Accept()
			if err != nil {
				return
			}
			go func() {
				io.Copy(io.Discard, c) //nolint:errcheck // until the checker gives up and closes
				c.Close()
			}()
		}
	}()
	fmt.Printf("%s %s\n", live.Addr(), dead.Addr())
	io.Copy(io.Discard, os.Stdin) //nolint:errcheck
	return nil
}

// The kinds of monitor, by what their target does.
const (
	fast = iota // answers at once
	slow        // answers after -slow-after
	dead        // never answers: the check times out
	kinds
)

var kindName = [kinds]string{"fast", "slow", "dead"}

// mon is a monitor made for the run.
type mon struct {
	id     string
	kind   int
	offset int64 // ns into the interval: the scheduler's jitter, recomputed here
}

// offsetOf is the monitor's place in its interval, as probe.firstDue draws
// it from the monitor's ID.
func offsetOf(id string, iv time.Duration) int64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return int64(h.Sum64() % uint64(iv))
}

// beatAtOrBefore is the last instant k·iv+offset at or before t.
func beatAtOrBefore(offset int64, iv time.Duration, t time.Time) int64 {
	n, i := t.UnixNano(), int64(iv)
	return (n-offset)/i*i + offset
}

// beatsIn counts the instants k·iv+offset in [from, to).
func beatsIn(offset int64, iv time.Duration, from, to time.Time) int {
	i := int64(iv)
	first := func(t int64) int64 { return (t - offset + i - 1) / i } // first k with k·iv+offset ≥ t
	return int(first(to.UnixNano()) - first(from.UnixNano()))
}

// sample is one check, as the checker saw it.
type sample struct {
	mon     int32
	due     int64 // ns: the beat the check belongs to
	at      time.Time
	lag     time.Duration // from due to the check's start
	latency time.Duration
	ok      bool
}

// bench collects what the scheduler does.
type bench struct {
	mons  []mon
	index map[string]int32

	mu      sync.Mutex
	samples []sample
	lags    []lagSample // what the scheduler's Lag observer was told
	writes  []write
	loads   []span

	missed, failed atomic.Int64
	metrics        *sqmhttp.Metrics
}

type lagSample struct {
	at  time.Time
	lag time.Duration
}

// span is an interval of time: a call to the store.
type span struct{ start, end time.Time }

func (s span) took() time.Duration { return s.end.Sub(s.start) }

type write struct {
	at      time.Time
	took    time.Duration
	results int
	err     bool
}

// Observe is the scheduler's Lag observer: it keeps every sample and hands
// it on to sqm's own histogram, sqm_probe_start_lag_seconds.
func (b *bench) Observe(s float64) {
	now := time.Now()
	b.mu.Lock()
	b.lags = append(b.lags, lagSample{at: now, lag: time.Duration(s * float64(time.Second))})
	b.mu.Unlock()
	b.metrics.ProbeLag.Observe(s)
}

type counter struct {
	n    *atomic.Int64
	next interface{ Inc() }
}

func (c counter) Inc() { c.n.Add(1); c.next.Inc() }

// checker wraps the real checker to note each check's monitor, beat and
// start.
type checker struct {
	b     *bench
	inner *probe.Checker
}

func (c checker) Check(ctx context.Context, m sqm.Monitor) sqm.CheckResult {
	r := c.inner.Check(ctx, m)
	i, ok := c.b.index[m.ID]
	if !ok {
		return r
	}
	due := beatAtOrBefore(c.b.mons[i].offset, m.Interval, r.At)
	s := sample{mon: i, due: due, at: r.At, lag: r.At.Sub(time.Unix(0, due)), latency: r.Latency, ok: r.OK}
	c.b.mu.Lock()
	c.b.samples = append(c.b.samples, s)
	c.b.mu.Unlock()
	return r
}

// store wraps the real store to time its calls.
type store struct {
	b  *bench
	db *sqlstore.DB
}

func (s store) ActiveMonitors(ctx context.Context) ([]sqm.Monitor, error) {
	start := time.Now()
	ms, err := s.db.ActiveMonitors(ctx)
	s.b.mu.Lock()
	s.b.loads = append(s.b.loads, span{start, time.Now()})
	s.b.mu.Unlock()
	return ms, err
}

func (s store) RecordChecks(ctx context.Context, results []sqm.CheckResult) error {
	start := time.Now()
	err := s.db.RecordChecks(ctx, results)
	w := write{at: start, took: time.Since(start), results: len(results), err: err != nil}
	s.b.mu.Lock()
	s.b.writes = append(s.b.writes, w)
	s.b.mu.Unlock()
	return err
}

func run(o options) error {
	if o.timeout > o.interval {
		o.timeout = o.interval
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Printf("probes: %s, %d HTTP monitors every %s (timeout %s), %.0f%% slow (answer after %s), %.0f%% dead (no answer); %s measured after %s warm-up\n",
		o.dialect, o.monitors, o.interval, o.timeout, 100*o.slowShare, o.slowAfter, 100*o.deadShare, o.duration, o.interval)
	fmt.Printf("machine at start: %s\n", benchkit.Load())
	fmt.Printf("other work:       %s\n", benchkit.Background(2*time.Second))

	// The targets, in a child process of their own.
	target, err := startTarget(o.slowAfter)
	if err != nil {
		return err
	}
	defer target.stop()
	fmt.Printf("target:           child process %d serving http://%s/ok and /slow; dead port %s\n", target.cmd.Process.Pid, target.live, target.dead)

	d, err := benchkit.NewDatabase(ctx, o.dialect, o.pg, "sqm_bench_probes")
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
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := sqlstore.Open(ctx, d.DSN, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if _, err := db.Bootstrap(ctx); err != nil {
		return err
	}
	actx := sqm.WithActor(ctx, sqm.SystemActor)
	svc, err := db.CreateService(actx, sqm.Service{Name: "Probe targets", Description: "bench/probes"})
	if err != nil {
		return fmt.Errorf("service: %w", err)
	}

	// The monitors: the dead ones first, then the slow ones, then the rest.
	// Where each falls in the interval comes from its ID, so the kinds are
	// mixed over the interval.
	b := &bench{metrics: sqmhttp.NewMetrics(), index: map[string]int32{}}
	nDead := int(math.Round(float64(o.monitors) * o.deadShare))
	nSlow := int(math.Round(float64(o.monitors) * o.slowShare))
	b.mons = make([]mon, o.monitors)
	made := time.Now()
	if err := createMonitors(actx, db, svc.ID, o, nDead, nSlow, target, b.mons); err != nil {
		return err
	}
	var count [kinds]int
	for i, m := range b.mons {
		b.mons[i].offset = offsetOf(m.id, o.interval)
		b.index[m.id] = int32(i)
		count[m.kind]++
	}
	fmt.Printf("monitors:         %d made through the store in %s (%d fast, %d slow, %d dead); database %s\n",
		o.monitors, time.Since(made).Round(time.Millisecond), count[fast], count[slow], count[dead], d.Size(ctx))

	// Where the beats fall: due checks per second of the interval.
	if slots := int(o.interval / time.Second); slots > 0 {
		per := make([]int, slots)
		for _, m := range b.mons {
			per[m.offset/int64(time.Second)%int64(slots)]++
		}
		fmt.Printf("spread:           due checks per second of the interval: min %d, max %d, mean %.1f\n",
			slices.Min(per), slices.Max(per), float64(o.monitors)/float64(slots))
	}

	raw, err := d.Raw("")
	if err != nil {
		return err
	}
	defer raw.Close()

	// Measure the scheduler's own memory: reset the peak RSS to now.
	runtime.GC()
	hwmReset := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil

	s := &probe.Scheduler{
		Store: store{b: b, db: db}, Checker: checker{b: b, inner: probe.NewChecker()}, Log: log, Refresh: o.refresh,
		Lag: b, Missed: counter{&b.missed, b.metrics.ProbeMissed}, Failed: counter{&b.failed, b.metrics.ProbeWriteFails},
	}
	sctx, cancel := context.WithCancel(sqm.WithActor(ctx, sqm.SystemActor))
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- s.Run(sctx) }()
	stopScheduler := sync.OnceValue(func() error { cancel(); return <-done })
	defer stopScheduler() //nolint:errcheck // on an early return
	t0 := start.Add(o.interval)
	t1 := t0.Add(o.duration)
	fmt.Printf("scheduler:        started %s; window [%s, %s)\n", start.Format("15:04:05.000"), t0.Format("15:04:05.000"), t1.Format("15:04:05.000"))

	if !sleepUntil(ctx, t0) {
		return ctx.Err()
	}
	w0, cpu0, child0, pg0, psi0 := time.Now(), benchkit.ReadCPU(), procTicks(target.cmd.Process.Pid), postgresTicks(), cpuPressure()
	missed0, failed0 := b.missed.Load(), b.failed.Load()
	stopProfile, err := benchkit.Profile(o.cpuprofile)
	if err != nil {
		return err
	}
	// Once a second: resident memory and goroutines.
	var maxRSS, maxG int64
	sampler, end := time.NewTicker(time.Second), time.NewTimer(time.Until(t1))
sample:
	for {
		select {
		case <-ctx.Done():
			stopProfile()
			return ctx.Err()
		case <-end.C:
			break sample
		case <-sampler.C:
			maxRSS = max(maxRSS, status("VmRSS"))
			maxG = max(maxG, int64(runtime.NumGoroutine()))
		}
	}
	sampler.Stop()
	cpu1, child1, pg1, psi1 := benchkit.ReadCPU(), procTicks(target.cmd.Process.Pid), postgresTicks(), cpuPressure()
	wall := time.Since(w0).Seconds() // the window as the CPU readings saw it
	missed1, failed1 := b.missed.Load(), b.failed.Load()
	hwm, rssEnd := status("VmHWM"), status("VmRSS")
	maxRSS = max(maxRSS, rssEnd)
	hwm = max(hwm, maxRSS) // VmHWM is updated lazily; a sample can pass it
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	stopProfile()
	loadAfter := benchkit.Load()
	window := o.duration

	// Let the checks of the window end and their results reach the store,
	// then stop the scheduler (it writes what it holds).
	if !sleepUntil(ctx, t1.Add(o.timeout+2*time.Second)) {
		return ctx.Err()
	}
	if err := stopScheduler(); err != nil {
		return fmt.Errorf("scheduler: %w", err)
	}

	// What the checker saw of the window: the checks whose beat is in it.
	b.mu.Lock()
	defer b.mu.Unlock()
	got := make([]int, len(b.mons))
	var (
		lagKind  [kinds][]time.Duration
		latKind  [kinds][]time.Duration
		failKind [kinds]int
		perSec   = map[int64]int{}
		started  int
		inWindow int // checks that started in [t0, t1), for the rows written
		dupBeats int
	)
	seen := map[[2]int64]bool{}
	t0n, t1n := t0.UnixNano(), t1.UnixNano()
	for _, x := range b.samples {
		if at := x.at.Truncate(time.Millisecond); !at.Before(t0.Truncate(time.Millisecond)) && at.Before(t1.Truncate(time.Millisecond)) {
			inWindow++
		}
		if x.due < t0n || x.due >= t1n {
			continue
		}
		k := [2]int64{int64(x.mon), x.due}
		if seen[k] {
			dupBeats++
			continue
		}
		seen[k] = true
		started++
		got[x.mon]++
		kind := b.mons[x.mon].kind
		lagKind[kind] = append(lagKind[kind], x.lag)
		latKind[kind] = append(latKind[kind], x.latency)
		if !x.ok {
			failKind[kind]++
		}
		perSec[x.at.Unix()]++
	}
	var expected, missing, missingFast, outOfRange int
	lo, hi := int(window/o.interval), int((window+o.interval-1)/o.interval)
	for i, m := range b.mons {
		e := beatsIn(m.offset, o.interval, t0, t1)
		expected += e
		if got[i] < e {
			missing += e - got[i]
			if m.kind == fast {
				missingFast += e - got[i]
			}
		}
		if got[i] < lo || got[i] > hi {
			outOfRange++
		}
	}
	// The scheduler's own lag samples (what the metric is told), by beat.
	var lagAll []time.Duration
	for _, l := range b.lags {
		if due := l.at.Add(-l.lag).UnixNano(); due >= t0n && due < t1n {
			lagAll = append(lagAll, l.lag)
		}
	}
	benchkit.SortDurations(lagAll)
	for k := range kinds {
		benchkit.SortDurations(lagKind[k])
		benchkit.SortDurations(latKind[k])
	}
	var secs []int
	for sec := t0.Unix() + 1; sec < t1.Unix(); sec++ { // whole seconds only
		secs = append(secs, perSec[sec])
	}
	var writes, wResults, wErrs int
	var wTook []time.Duration
	for _, w := range b.writes {
		if w.at.Before(t0) || !w.at.Before(t1) {
			continue
		}
		writes++
		wResults += w.results
		wTook = append(wTook, w.took)
		if w.err {
			wErrs++
		}
	}
	benchkit.SortDurations(wTook)
	var loads []time.Duration
	for _, l := range b.loads {
		loads = append(loads, l.took())
	}
	loads = benchkit.SortDurations(loads)
	// The late checks: how many were due while the scheduler was reloading
	// the monitors (it starts no check then).
	lateBy := func(min time.Duration) (late, inLoad int) {
		for _, l := range b.lags {
			due := l.at.Add(-l.lag)
			if due.UnixNano() < t0n || due.UnixNano() >= t1n || l.lag < min {
				continue
			}
			late++
			for _, r := range b.loads {
				if !due.Before(r.start) && due.Before(r.end) {
					inLoad++
					break
				}
			}
		}
		return late, inLoad
	}
	var slowWrites int
	for _, w := range b.writes {
		if !w.at.Before(t0) && w.at.Before(t1) && w.took > 250*time.Millisecond {
			slowWrites++
		}
	}

	// What the store holds.
	q := func(query string, args ...any) int64 {
		if d.Dialect == "sqlite" {
			for i := len(args); i >= 1; i-- {
				query = strings.ReplaceAll(query, "$"+strconv.Itoa(i), "?")
			}
		}
		var n sql.NullInt64
		if err := raw.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
			fmt.Fprintln(os.Stderr, "count:", err)
			return -1
		}
		return n.Int64
	}
	rows := q(`SELECT count(*) FROM monitor_checks WHERE at >= $1 AND at < $2`, t0.UnixMilli(), t1.UnixMilli())
	failedRows := q(`SELECT count(*) FROM monitor_checks WHERE at >= $1 AND at < $2 AND NOT ok`, t0.UnixMilli(), t1.UnixMilli())
	allRows := q(`SELECT count(*) FROM monitor_checks`)
	outages := q(`SELECT count(*) FROM monitor_outages`)
	incidents := q(`SELECT count(*) FROM tickets WHERE type = 'incident'`)
	down := q(`SELECT count(*) FROM monitors WHERE state = 'down'`)

	// Print.
	cores := cpu1.SelfCPU(cpu0).Seconds() / wall
	tck := float64(clockTicks)
	fmt.Printf("machine at end:   %s\n", loadAfter)
	fmt.Printf("measured window:  %s\n", window)
	fmt.Printf("checks:           %d started (beat in the window), %d expected (%d monitors × %s / %s = %.0f); %d beats not run, %d run twice\n",
		started, expected, o.monitors, window, o.interval, float64(o.monitors)*window.Seconds()/o.interval.Seconds(), missing, dupBeats)
	fmt.Printf("per monitor:      %d monitors outside %d–%d checks in the window\n", outOfRange, lo, hi)
	fmt.Printf("missed:           %d counted by the scheduler in the window (%d over the whole run)\n", missed1-missed0, missed1)
	if len(secs) > 0 {
		fmt.Printf("starts per second: min %d, max %d, mean %.1f\n", slices.Min(secs), slices.Max(secs), float64(started)/window.Seconds())
	}
	fmt.Printf("start lag, all (the scheduler's Lag): n %d  p50 %s  p90 %s  p99 %s  max %s\n", len(lagAll),
		benchkit.Ms(benchkit.Quantile(lagAll, .5)), benchkit.Ms(benchkit.Quantile(lagAll, .9)), benchkit.Ms(benchkit.Quantile(lagAll, .99)), benchkit.Ms(last(lagAll)))
	for k := range kinds {
		l, lat := lagKind[k], latKind[k]
		fmt.Printf("  %s: %6d checks, %6d failed; start lag p50 %s  p90 %s  p99 %s  max %s; check took p50 %s  p99 %s  max %s\n",
			kindName[k], len(l), failKind[k],
			benchkit.Ms(benchkit.Quantile(l, .5)), benchkit.Ms(benchkit.Quantile(l, .9)), benchkit.Ms(benchkit.Quantile(l, .99)), benchkit.Ms(last(l)),
			benchkit.Ms(benchkit.Quantile(lat, .5)), benchkit.Ms(benchkit.Quantile(lat, .99)), benchkit.Ms(last(lat)))
	}
	fmt.Printf("metric:           %s\n", lagMetric(b.metrics))
	fmt.Printf("writes:           %d RecordChecks in the window, %d results (%.1f per batch), %d refused (%d over the run); took p50 %s  p99 %s  max %s\n",
		writes, wResults, float64(wResults)/float64(max(writes, 1)), failed1-failed0, failed1, benchkit.Ms(benchkit.Quantile(wTook, .5)), benchkit.Ms(benchkit.Quantile(wTook, .99)), benchkit.Ms(last(wTook)))
	fmt.Printf("stored:           %d rows in monitor_checks started in the window (%d checks started in it; %.1f/s), %d failed; %d rows in all\n",
		rows, inWindow, float64(rows)/window.Seconds(), failedRows, allRows)
	fmt.Printf("state:            %d monitors down, %d outages, %d incidents opened\n", down, outages, incidents)
	fmt.Printf("reloads:          %d ActiveMonitors over the run, took p50 %s  max %s (the scheduler starts no check meanwhile):\n",
		len(loads), benchkit.Ms(benchkit.Quantile(loads, .5)), benchkit.Ms(last(loads)))
	var each []string
	for _, l := range b.loads {
		each = append(each, fmt.Sprintf("+%.0fs %s", l.start.Sub(start).Seconds(), benchkit.Ms(l.took())))
	}
	fmt.Printf("                  %s\n", strings.Join(each, ", "))
	for _, min := range []time.Duration{10 * time.Millisecond, o.targetP99} {
		late, inLoad := lateBy(min)
		fmt.Printf("late checks:      %d started %s or more after their beat; %d of them were due while the monitors were being reloaded\n",
			late, min, inLoad)
	}
	fmt.Printf("slow writes:      %d RecordChecks in the window took over 250 ms (the flush period)\n", slowWrites)
	fmt.Printf("CPU in the window: %s\n", cpu1.Since(cpu0))
	fmt.Printf("  this process (scheduler, checks, store): %.3f cores, %.0f µs per check\n", cores, cpu1.SelfCPU(cpu0).Seconds()*1e6/float64(max(started, 1)))
	fmt.Printf("  the target (child process):              %.3f cores\n", float64(child1-child0)/tck/wall)
	if d.Dialect == "postgres" {
		fmt.Printf("  the PostgreSQL server's processes:       %.3f cores\n", pgDelta(pg0, pg1)/tck/wall)
	}
	if psi0 >= 0 && psi1 >= psi0 {
		fmt.Printf("  CPU pressure: some task was waiting for a CPU %.0f%% of the window (/proc/pressure/cpu)\n", 100*float64(psi1-psi0)/(wall*1e6))
	}
	fmt.Printf("memory:           peak RSS %.1f MB (VmHWM%s), max sampled %.1f MB, at the end %.1f MB; Go heap in use %.1f MB, sys %.1f MB; up to %d goroutines\n",
		mb(hwm), map[bool]string{true: " since the scheduler started", false: " since the process started"}[hwmReset], mb(maxRSS), mb(rssEnd),
		float64(mem.HeapInuse)/1e6, float64(mem.Sys)/1e6, maxG)
	if o.cpuprofile != "" {
		fmt.Printf("CPU profile of the window: %s (go tool pprof -top %s)\n", o.cpuprofile, o.cpuprofile)
	}
	picked := sampleMonitors(b.mons)
	for k := range kinds {
		id, ok := picked[k]
		if !ok {
			continue
		}
		a, err := db.MonitorAvailability(sqm.WithActor(context.Background(), sqm.SystemActor), id, start, time.Now())
		if err != nil {
			fmt.Printf("availability of a %s monitor: %v\n", kindName[k], err)
			continue
		}
		fmt.Printf("availability of a %s monitor (%s) over the run: %s, %d checks, %d failed\n", kindName[k], id, pct(a.Availability), a.Checks, a.FailedChecks)
	}

	noMissed := missing == 0 && dupBeats == 0 && missed1 == missed0 && outOfRange == 0
	written := rows == int64(inWindow) && wErrs == 0
	p99 := benchkit.Quantile(lagAll, .99)
	passLag := len(lagAll) > 0 && p99 < o.targetP99
	fastP99 := benchkit.Quantile(lagKind[fast], .99)
	passFast := len(lagKind[fast]) > 0 && missingFast == 0 && fastP99 < o.targetP99
	passCPU := cores < o.targetCPU
	passRSS := hwm > 0 && mb(hwm) < o.targetRSS
	fmt.Printf("no missed checks:             %s (%d beats not run, %d counted missed)\n", benchkit.Verdict(noMissed), missing, missed1-missed0)
	fmt.Printf("results written:              %s (%d rows for %d checks, %d refused batches)\n", benchkit.Verdict(written), rows, inWindow, wErrs)
	fmt.Printf("start lag p99 < %s:           %s (%s)\n", o.targetP99, benchkit.Verdict(passLag), benchkit.Ms(p99))
	fmt.Printf("fast monitors not delayed:    %s (p99 %s, %d beats not run)\n", benchkit.Verdict(passFast), benchkit.Ms(fastP99), missingFast)
	fmt.Printf("CPU < %.1f core:               %s (%.3f cores)\n", o.targetCPU, benchkit.Verdict(passCPU), cores)
	fmt.Printf("peak RSS < %.0f MB:            %s (%.1f MB)\n", o.targetRSS, benchkit.Verdict(passRSS), mb(hwm))
	fmt.Println("RESULT:", benchkit.Verdict(noMissed && written && passLag && passFast && passCPU && passRSS))
	return nil
}

// createMonitors makes the monitors through the store, o.workers at a time.
func createMonitors(ctx context.Context, db *sqlstore.DB, serviceID string, o options, nDead, nSlow int, t *targetProc, out []mon) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	errs := make(chan error, o.workers)
	var wg sync.WaitGroup
	for range o.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				kind, url := fast, fmt.Sprintf("http://%s/ok?m=%d", t.live, i)
				switch {
				case i < nDead:
					kind, url = dead, fmt.Sprintf("http://%s/?m=%d", t.dead, i)
				case i < nDead+nSlow:
					kind, url = slow, fmt.Sprintf("http://%s/slow?m=%d", t.live, i)
				}
				m, err := db.CreateMonitor(ctx, sqm.Monitor{ServiceID: serviceID, Name: fmt.Sprintf("%s target %d", kindName[kind], i),
					Type: sqm.MonitorHTTP, Target: url, Interval: o.interval, Timeout: o.timeout, DownAfter: 3, UpAfter: 1,
					HTTP: &sqm.HTTPCheck{ExpectStatus: []int{200}}})
				if err != nil {
					errs <- fmt.Errorf("monitor %d: %w", i, err)
					cancel()
					return
				}
				out[i] = mon{id: m.ID, kind: kind}
			}
		}()
	}
feed:
	for i := range out {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return ctx.Err()
	}
}

// targetProc is the child process that serves the targets.
type targetProc struct {
	cmd        *exec.Cmd
	stdin      io.WriteCloser
	live, dead string
}

func startTarget(slowAfter time.Duration) (*targetProc, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "-serve-target", "-slow-after", slowAfter.String())
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	t := &targetProc{cmd: cmd, stdin: stdin}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if f := strings.Fields(line); err == nil && len(f) == 2 {
		t.live, t.dead = f[0], f[1]
		return t, nil
	}
	t.stop()
	return nil, fmt.Errorf("the target process did not start: %q %v", line, err)
}

// stop closes the child's stdin, which ends it, and waits for it.
func (t *targetProc) stop() {
	t.stdin.Close()
	done := make(chan struct{})
	go func() { t.cmd.Wait(); close(done) }() //nolint:errcheck
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.cmd.Process.Kill() //nolint:errcheck
		<-done
	}
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times.
const clockTicks = 100

// procTicks is the user + system CPU time of a process, in clock ticks.
func procTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command may hold spaces
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64) // utime, field 14
	k, _ := strconv.ParseInt(f[12], 10, 64) // stime, field 15
	return u + k
}

// postgresTicks reads the CPU time of every process named postgres on the
// machine (the server, if it runs here and is visible).
func postgresTicks() map[int]int64 {
	out := map[int]int64{}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return out
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil && strings.TrimSpace(string(comm)) == "postgres" {
			out[pid] = procTicks(pid)
		}
	}
	return out
}

// pgDelta is the CPU the postgres processes used between two readings
// (all of it for a process new since the first; a process that ended in
// between is not counted).
func pgDelta(before, after map[int]int64) float64 {
	var n int64
	for pid, t := range after {
		n += t - before[pid]
	}
	return float64(n)
}

// cpuPressure is the total µs some task waited for a CPU (PSI), or -1.
func cpuPressure() int64 {
	b, err := os.ReadFile("/proc/pressure/cpu")
	if err != nil {
		return -1
	}
	line, _, _ := strings.Cut(string(b), "\n")
	for _, f := range strings.Fields(line) {
		if v, ok := strings.CutPrefix(f, "total="); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err == nil {
				return n
			}
		}
	}
	return -1
}

// status reads a size in bytes from /proc/self/status ("VmRSS", "VmHWM").
func status(key string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n * 1024 // kB
			}
		}
	}
	return 0
}

// lagMetric describes sqm_probe_start_lag_seconds as /metrics would show it.
func lagMetric(m *sqmhttp.Metrics) string {
	mfs, err := m.Registry().Gather()
	if err != nil {
		return err.Error()
	}
	for _, mf := range mfs {
		if mf.GetName() != "sqm_probe_start_lag_seconds" || len(mf.GetMetric()) == 0 {
			continue
		}
		h := mf.GetMetric()[0].GetHistogram()
		var under1 uint64
		for _, bk := range h.GetBucket() {
			if bk.GetUpperBound() == 1 {
				under1 = bk.GetCumulativeCount()
			}
		}
		n := h.GetSampleCount()
		return fmt.Sprintf("sqm_probe_start_lag_seconds over the run: count %d, mean %s, %.4f%% ≤ 1 s",
			n, benchkit.Ms(time.Duration(h.GetSampleSum()/float64(max(n, 1))*float64(time.Second))), 100*float64(under1)/float64(max(n, 1)))
	}
	return "sqm_probe_start_lag_seconds not found"
}

// sampleMonitors picks one monitor of each kind.
func sampleMonitors(mons []mon) map[int]string {
	out := map[int]string{}
	for _, m := range mons {
		if _, ok := out[m.kind]; !ok {
			out[m.kind] = m.id
		}
	}
	return out
}

func sleepUntil(ctx context.Context, t time.Time) bool {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

func last(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[len(d)-1]
}

func mb(b int64) float64 { return float64(b) / 1e6 }

func pct(p *float64) string {
	if p == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.3f%%", 100**p)
}
