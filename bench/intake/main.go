// Command intake measures the alert intake: it starts sqm in-process over a
// fresh database, and N clients POST Prometheus Alertmanager notifications
// (version 4, each a group of alerts) to /api/v1/integrations/alertmanager
// for a fixed time. Most alerts repeat ones already firing (Alertmanager
// resends its groups), the rest fire anew; every new alert is routed to a
// webhook channel served by this process, which times its arrival.
//
// It prints alerts taken per second, the latency of the notifications
// (p50/p90/p99), and the time from posting a new alert to its delivery
// arriving at the webhook, against the targets: ≥ 5,000 alerts/s with
// deduplication and p99 < 50 ms; from firing to a notification handed to
// its channel, p99 < 2 s.
//
//	go run ./bench/intake -db sqlite -clients 8 -duration 20s
//	go run ./bench/intake -db postgres -clients 8 -duration 20s
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sqmhq/sqm/bench/internal/benchkit"
)

func main() {
	var (
		dialect  = flag.String("db", "sqlite", "sqlite or postgres")
		clients  = flag.Int("clients", 8, "concurrent senders (Alertmanager instances)")
		group    = flag.Int("group", 50, "alerts in one notification")
		fresh    = flag.Float64("new", 0.02, "share of alerts that fire anew; the rest repeat firing ones")
		services = flag.Int("services", 20, "services the alerts name")
		duration = flag.Duration("duration", 20*time.Second, "measured time")
		warmup   = flag.Duration("warmup", 3*time.Second, "time driven before measuring")
		pg       = flag.String("pg", benchkit.DefaultPG(), "PostgreSQL server where a benchmark database may be created")
		keep     = flag.Bool("keep", false, "keep the database")
	)
	flag.Parse()
	if err := run(*dialect, *pg, *clients, *group, *fresh, *services, *duration, *warmup, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "intake:", err)
		os.Exit(1)
	}
}

type sample struct {
	end     time.Time
	latency time.Duration
	alerts  int
	ok      bool
}

func run(dialect, pg string, clients, group int, fresh float64, services int, duration, warmup time.Duration, keep bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Printf("intake: POST /api/v1/integrations/alertmanager, %s, %d clients, %d alerts a notification, %.0f%% new\n",
		dialect, clients, group, fresh*100)
	fmt.Printf("machine at start: %s\n", benchkit.Load())
	fmt.Printf("other work:       %s\n", benchkit.Background(2*time.Second))
	db, err := benchkit.NewDatabase(ctx, dialect, pg, "sqm_bench_intake")
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
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}}
	call := func(path string, body any) (int, []byte, error) {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, out, nil
	}

	// The webhook that times each notification's arrival.
	var (
		mu      sync.Mutex
		posted  = map[string]time.Time{} // fingerprint → when its first firing was posted
		arrived = map[string]time.Time{}
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n struct {
			Alert struct {
				Fingerprint string `json:"fingerprint"`
			} `json:"alert"`
		}
		json.NewDecoder(r.Body).Decode(&n) //nolint:errcheck
		mu.Lock()
		if _, ok := arrived[n.Alert.Fingerprint]; !ok {
			arrived[n.Alert.Fingerprint] = time.Now()
		}
		mu.Unlock()
	}))
	defer hook.Close()

	for i := range services {
		if code, body, err := call("/services", map[string]any{"name": fmt.Sprint("svc-", i)}); err != nil || code != 201 {
			return fmt.Errorf("create service: %d %s %v", code, body, err)
		}
	}
	code, body, err := call("/channels", map[string]any{"name": "bench hook", "type": "webhook", "url": hook.URL})
	if err != nil || code != 201 {
		return fmt.Errorf("create channel: %d %s %v", code, body, err)
	}
	var ch struct{ ID string }
	json.Unmarshal(body, &ch) //nolint:errcheck

	// Each client is an Alertmanager with groups of its own: one group
	// per service it sends for, the alerts of a group firing together.
	var (
		samples   []sample
		smu       sync.Mutex
		measuring atomic.Bool
		wg        sync.WaitGroup
		next      atomic.Int64
	)
	// Each client's groups start full, before any rule routes them, so
	// that what follows is Alertmanager's steady state: repeats, and a
	// share of new alerts.
	firingOf := make([]map[int][]string, clients)
	notification := func(c, g int, fps []string) map[string]any {
		svc := fmt.Sprint("svc-", g)
		var alerts []map[string]any
		for _, fp := range fps {
			alerts = append(alerts, map[string]any{"status": "firing", "fingerprint": fp,
				"labels":      map[string]string{"alertname": "A" + fp, "service": svc, "severity": "warning"},
				"annotations": map[string]string{"summary": "load"}, "startsAt": time.Now().UTC().Format(time.RFC3339)})
		}
		return map[string]any{"version": "4", "groupKey": fmt.Sprintf("{}:{client=\"%d\",service=\"%s\"}", c, svc),
			"status": "firing", "receiver": "sqm", "alerts": alerts}
	}
	for c := range clients {
		firingOf[c] = map[int][]string{}
		for g := range services {
			for range group {
				firingOf[c][g] = append(firingOf[c][g], fmt.Sprintf("c%d-%d", c, next.Add(1)))
			}
			if code, body, err := call("/integrations/alertmanager", notification(c, g, firingOf[c][g])); err != nil || code != 200 {
				return fmt.Errorf("fill groups: %d %s %v", code, body, err)
			}
		}
	}
	if code, body, err := call("/notification-rules", map[string]any{"channel_id": ch.ID, "events": []string{"alert_firing"}}); err != nil || code != 201 {
		return fmt.Errorf("create rule: %d %s %v", code, body, err)
	}
	fmt.Printf("groups:           %d, each of %d firing alerts\n", clients*services, group)

	stopAt := time.Now().Add(warmup + duration)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			firing := firingOf[c] // group → fingerprints firing
			for k := 0; time.Now().Before(stopAt) && ctx.Err() == nil; k++ {
				g := k % services
				var fps, newOnes []string
				for i := range group {
					var fp string
					if float64(i)/float64(group) < fresh {
						fp = fmt.Sprintf("c%d-%d", c, next.Add(1))
						firing[g] = append(firing[g], fp)
						newOnes = append(newOnes, fp)
					} else {
						fp = firing[g][len(firing[g])-1-i%len(firing[g])]
					}
					fps = append(fps, fp)
				}
				n := notification(c, g, fps)
				start := time.Now()
				mu.Lock()
				for _, fp := range newOnes {
					posted[fp] = start
				}
				mu.Unlock()
				code, _, err := call("/integrations/alertmanager", n)
				end := time.Now()
				if measuring.Load() {
					smu.Lock()
					samples = append(samples, sample{end: end, latency: end.Sub(start), alerts: group, ok: err == nil && code == 200})
					smu.Unlock()
				}
			}
		}()
	}
	time.Sleep(warmup)
	measuring.Store(true)
	from := time.Now()
	cpu0 := benchkit.ReadCPU()
	wg.Wait()
	to := time.Now()
	cpu1 := benchkit.ReadCPU()
	time.Sleep(3 * time.Second) // the last deliveries

	var lat []time.Duration
	taken, failed := 0, 0
	for _, s := range samples {
		if s.end.After(to) {
			continue
		}
		if !s.ok {
			failed++
			continue
		}
		taken += s.alerts
		lat = append(lat, s.latency)
	}
	benchkit.SortDurations(lat)
	rate := float64(taken) / to.Sub(from).Seconds()
	mu.Lock()
	var delays []time.Duration
	missing := 0
	for fp, at := range posted {
		if at.Before(from) || at.After(to) {
			continue
		}
		got, ok := arrived[fp]
		if !ok {
			missing++
			continue
		}
		delays = append(delays, got.Sub(at))
	}
	mu.Unlock()
	benchkit.SortDurations(delays)
	fmt.Printf("window:           %s\n", to.Sub(from).Round(time.Millisecond))
	fmt.Printf("alerts taken:     %d in %d notifications (%d refused or failed): %.0f alerts/s\n", taken, len(lat), failed, rate)
	fmt.Printf("notification latency: p50 %s  p90 %s  p99 %s  max %s\n", benchkit.Ms(benchkit.Quantile(lat, .5)),
		benchkit.Ms(benchkit.Quantile(lat, .9)), benchkit.Ms(benchkit.Quantile(lat, .99)), benchkit.Ms(benchkit.Quantile(lat, 1)))
	fmt.Printf("new alerts:       %d, delivered %d, not delivered within 3 s of the end %d\n", len(delays)+missing, len(delays), missing)
	fmt.Printf("firing → webhook: p50 %s  p90 %s  p99 %s  max %s\n", benchkit.Ms(benchkit.Quantile(delays, .5)),
		benchkit.Ms(benchkit.Quantile(delays, .9)), benchkit.Ms(benchkit.Quantile(delays, .99)), benchkit.Ms(benchkit.Quantile(delays, 1)))
	fmt.Printf("CPU:              %s\n", cpu1.Since(cpu0))
	fmt.Printf("machine at end:   %s\n", benchkit.Load())
	p99, d99 := benchkit.Quantile(lat, .99), benchkit.Quantile(delays, .99)
	okRate, okLat, okDelay := rate >= 5000, p99 < 50*time.Millisecond, d99 < 2*time.Second && missing == 0 && failed == 0
	fmt.Printf("target ≥ 5,000 alerts/s:          %s\n", benchkit.Verdict(okRate))
	fmt.Printf("target p99 < 50 ms:               %s\n", benchkit.Verdict(okLat))
	fmt.Printf("target firing → webhook p99 < 2 s: %s\n", benchkit.Verdict(okDelay))
	fmt.Println("RESULT:", benchkit.Verdict(okRate && okLat && okDelay))
	return nil
}
