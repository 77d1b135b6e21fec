// Command load measures ticket creation through the API: it starts sqm
// in-process on 127.0.0.1:0 over a fresh database, and N clients POST
// /api/v1/tickets over real HTTP for a fixed time after a warm-up. It
// prints the throughput of 201 answers, their latency percentiles and the
// verdict against the targets (≥ 3,000/s on SQLite, ≥ 2,000/s on
// PostgreSQL, p99 < 25 ms).
//
//	go run ./bench/load -db sqlite -clients 32 -duration 20s
//	go run ./bench/load -db postgres -clients 32 -duration 20s [-pg postgres://postgres@127.0.0.1:5432/test]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/sqmhq/sqm/bench/internal/benchkit"
)

func main() {
	var (
		dialect   = flag.String("db", "sqlite", "sqlite or postgres")
		clients   = flag.Int("clients", 32, "concurrent HTTP clients")
		duration  = flag.Duration("duration", 20*time.Second, "measured time")
		warmup    = flag.Duration("warmup", 3*time.Second, "time driven before measuring")
		pg        = flag.String("pg", benchkit.DefaultPG(), "PostgreSQL server where a benchmark database may be created")
		targetRPS = flag.Float64("target-rps", 0, "throughput target in tickets/s (default 3000 on sqlite, 2000 on postgres)")
		targetP99 = flag.Duration("target-p99", 25*time.Millisecond, "p99 latency target")
		cpuprof   = flag.String("cpuprofile", "", "write a CPU profile of the measured phase (server and clients) to this file")
		keep      = flag.Bool("keep", false, "keep the database")
	)
	flag.Parse()
	if *targetRPS == 0 {
		*targetRPS = map[string]float64{"sqlite": 3000, "postgres": 2000}[*dialect]
	}
	if err := run(*dialect, *pg, *clients, *duration, *warmup, *targetRPS, *targetP99, *cpuprof, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// result is what one request ended with.
type result struct {
	end     time.Time
	latency time.Duration
	status  int // 0 on a transport error
}

func run(dialect, pg string, clients int, duration, warmup time.Duration, targetRPS float64, targetP99 time.Duration, cpuprof string, keep bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Printf("load: POST /api/v1/tickets, %s, %d clients, %s measured after %s warm-up\n", dialect, clients, duration, warmup)
	fmt.Printf("machine at start: %s\n", benchkit.Load())
	fmt.Printf("other work:       %s\n", benchkit.Background(2*time.Second))

	db, err := benchkit.NewDatabase(ctx, dialect, pg, "sqm_bench_load")
	if err != nil {
		return err
	}
	if keep {
		fmt.Printf("database kept: %s (%s)\n", db.Where, db.DSN)
	} else {
		defer db.Remove() //nolint:errcheck
	}
	a, token, err := benchkit.Start(ctx, db.DSN)
	if err != nil {
		return err
	}
	defer a.Stop(context.Background()) //nolint:errcheck
	base := "http://" + a.Addr() + "/api/v1"

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, IdleConnTimeout: time.Minute, DisableCompression: true,
	}}
	post := func(path string, body []byte) (int, []byte, error) {
		req, _ := http.NewRequestWithContext(ctx, "POST", base+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		return resp.StatusCode, raw, err
	}

	status, raw, err := post("/services", []byte(`{"name": "Payments API", "description": "load benchmark"}`))
	if err != nil || status != 201 {
		return fmt.Errorf("create service: %d %s %v", status, raw, err)
	}
	var svc struct{ ID string }
	if err := json.Unmarshal(raw, &svc); err != nil {
		return fmt.Errorf("create service: %w", err)
	}

	// A few bodies of realistic size, cycled by the clients.
	types := []string{"incident", "incident", "request", "request", "problem", "change", "feedback"}
	prios := []string{"P1", "P2", "P2", "P3", "P3", "P3", "P4"}
	var bodies [][]byte
	for i := range 64 {
		b, _ := json.Marshal(map[string]string{"service_id": svc.ID, "type": types[i%len(types)], "priority": prios[i%len(prios)],
			"title": fmt.Sprintf("Checkout fails with HTTP 500 for some cards (%d)", i),
			"description": "Customers report that paying with a saved card returns HTTP 500 on /pay since 09:40. " +
				"About 3% of attempts fail; retries sometimes succeed. Trace ids in the attached log excerpt."})
		bodies = append(bodies, b)
	}

	start := time.Now()
	t0, t1 := start.Add(warmup), start.Add(warmup+duration)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		results []result
		samples = map[string]string{} // an answer per kind of error
		total   int                   // 201s over the whole run, warm-up included
	)
	var (
		stopProfile func()
		cpu0        benchkit.CPU
		cpuMu       sync.Mutex
	)
	profTimer := time.AfterFunc(warmup, func() {
		cpuMu.Lock()
		defer cpuMu.Unlock()
		cpu0 = benchkit.ReadCPU()
		var err error
		if stopProfile, err = benchkit.Profile(cpuprof); err != nil {
			fmt.Fprintln(os.Stderr, "cpuprofile:", err)
		}
	})
	defer profTimer.Stop()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []result
			created := 0
			for i := c; ctx.Err() == nil; i += clients {
				s := time.Now()
				if !s.Before(t1) {
					break
				}
				status, raw, err := post("/tickets", bodies[i%len(bodies)])
				e := time.Now()
				if status == 201 {
					created++
				}
				if !e.Before(t0) && !e.After(t1) {
					mine = append(mine, result{end: e, latency: e.Sub(s), status: status})
				}
				if status != 201 {
					key := fmt.Sprintf("HTTP %d", status)
					if err != nil {
						key = "error: " + err.Error()
					}
					mu.Lock()
					if _, ok := samples[key]; !ok {
						samples[key] = string(raw)
					}
					mu.Unlock()
				}
			}
			mu.Lock()
			results = append(results, mine...)
			total += created
			mu.Unlock()
		}()
	}
	wg.Wait()
	cpu1 := benchkit.ReadCPU()
	cpuMu.Lock()
	defer cpuMu.Unlock()
	if stopProfile != nil && cpuprof != "" {
		stopProfile()
		fmt.Printf("CPU profile of the measured phase: %s (go tool pprof -top %s)\n", cpuprof, cpuprof)
	}
	loadAfter := benchkit.Load()
	if ctx.Err() != nil {
		return ctx.Err()
	}

	var (
		ok     []time.Duration
		errs   = map[string]int{}
		nerr   int
		window = t1.Sub(t0)
	)
	for _, r := range results {
		if r.status == 201 {
			ok = append(ok, r.latency)
			continue
		}
		nerr++
		if r.status == 0 {
			errs["transport error"]++
		} else {
			errs[fmt.Sprintf("HTTP %d", r.status)]++
		}
	}
	benchkit.SortDurations(ok)
	rps := float64(len(ok)) / window.Seconds()
	p50, p90, p99 := benchkit.Quantile(ok, 0.5), benchkit.Quantile(ok, 0.9), benchkit.Quantile(ok, 0.99)
	var maxLat time.Duration
	if len(ok) > 0 {
		maxLat = ok[len(ok)-1]
	}

	// The database must hold exactly the tickets answered 201.
	var stored int
	if raw, err := db.Raw(""); err == nil {
		raw.QueryRowContext(ctx, "SELECT count(*) FROM tickets").Scan(&stored) //nolint:errcheck
		raw.Close()
	}

	fmt.Printf("machine at end:   %s\n", loadAfter)
	fmt.Printf("measured window:  %s\n", window.Round(time.Millisecond))
	fmt.Printf("created (201):    %d in the window, %d over the whole run; tickets in the database: %d\n", len(ok), total, stored)
	fmt.Printf("errors:           %d in the window\n", nerr)
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("  %-14s %d\n", k, errs[k])
	}
	for k, v := range samples {
		if len(v) > 300 {
			v = v[:300] + "..."
		}
		fmt.Printf("  sample %s: %s\n", k, v)
	}
	fmt.Printf("CPU in the window: %s\n", cpu1.Since(cpu0))
	if len(ok) > 0 {
		fmt.Printf("CPU of this process (sqm and the clients) per ticket: %.3f ms\n", float64(cpu1.SelfCPU(cpu0))/float64(time.Millisecond)/float64(len(ok)))
	}
	fmt.Printf("throughput:       %.0f tickets/s\n", rps)
	fmt.Printf("latency of 201s:  p50 %s  p90 %s  p99 %s  max %s\n", benchkit.Ms(p50), benchkit.Ms(p90), benchkit.Ms(p99), benchkit.Ms(maxLat))
	passRPS, passP99 := rps >= targetRPS, len(ok) > 0 && p99 < targetP99
	fmt.Printf("target throughput ≥ %.0f/s: %s (%.0f/s, %+.0f%%)\n", targetRPS, benchkit.Verdict(passRPS), rps, (rps/targetRPS-1)*100)
	fmt.Printf("target p99 < %s:        %s (%s)\n", targetP99, benchkit.Verdict(passP99), benchkit.Ms(p99))
	fmt.Printf("errors: %s (%d)\n", benchkit.Verdict(nerr == 0 && stored == total), nerr)
	if passRPS && passP99 && nerr == 0 {
		fmt.Println("RESULT: PASS")
	} else {
		fmt.Println("RESULT: FAIL")
	}
	return nil
}
