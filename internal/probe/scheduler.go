package probe

import (
	"container/heap"
	"context"
	"hash/fnv"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sqmhq/sqm"
)

// Store is what the scheduler needs of the database.
type Store interface {
	ActiveMonitors(ctx context.Context) ([]sqm.Monitor, error)
	RecordChecks(ctx context.Context, results []sqm.CheckResult) error
}

// Observer and Counter are the metrics the scheduler reports on.
type (
	Observer interface{ Observe(float64) }
	Counter  interface{ Inc() }
)

// Scheduler starts every active monitor's checks at a fixed rate: the k-th
// check of a monitor with interval i is due at k·i + offset, where the
// offset, drawn from the monitor's ID, spreads the monitors over the
// interval. A check never waits for another monitor's: each runs in its own
// goroutine, bounded by its timeout. A check still running when its next
// one is due makes that one missed rather than late. Results reach the
// store in batches.
type Scheduler struct {
	Store   Store
	Checker interface {
		Check(ctx context.Context, m sqm.Monitor) sqm.CheckResult
	}
	Log *slog.Logger

	Refresh    time.Duration // how often the monitors are reloaded (10s)
	Flush      time.Duration // how often results are written (250ms)
	MaxRunning int           // checks running at once before more are missed (8192)

	Lag     Observer // seconds from a check's due instant to its start
	Missed  Counter  // checks not run: still running, or too far behind
	Failed  Counter  // batches of results the store refused (retried)
	Dropped Counter  // results given up when the store refused them for too long

	mu      sync.Mutex
	pending []sqm.CheckResult
}

// entry is one monitor on the schedule.
type entry struct {
	m       sqm.Monitor
	next    time.Time
	running atomic.Bool
	gone    bool
	index   int
}

type schedule []*entry

func (s schedule) Len() int           { return len(s) }
func (s schedule) Less(i, j int) bool { return s[i].next.Before(s[j].next) }
func (s schedule) Swap(i, j int)      { s[i], s[j] = s[j], s[i]; s[i].index = i; s[j].index = j }
func (s *schedule) Push(x any)        { e := x.(*entry); e.index = len(*s); *s = append(*s, e) }
func (s *schedule) Pop() any {
	old := *s
	e := old[len(old)-1]
	*s = old[:len(old)-1]
	return e
}

// firstDue is the first instant at or after now of the monitor's beat.
func firstDue(m sqm.Monitor, now time.Time) time.Time {
	h := fnv.New64a()
	h.Write([]byte(m.ID))
	iv := int64(m.Interval)
	offset := int64(h.Sum64() % uint64(iv))
	n := now.UnixNano()
	k := (n - offset + iv - 1) / iv
	return time.Unix(0, k*iv+offset)
}

// Run schedules checks until ctx ends, then writes the results it holds.
func (s *Scheduler) Run(ctx context.Context) error {
	refresh, flush, maxRunning := s.Refresh, s.Flush, s.MaxRunning
	if refresh <= 0 {
		refresh = 10 * time.Second
	}
	if flush <= 0 {
		flush = 250 * time.Millisecond
	}
	if maxRunning <= 0 {
		maxRunning = 8192
	}
	var wg sync.WaitGroup
	stop, writerDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(writerDone)
		t := time.NewTicker(flush)
		defer t.Stop()
		for {
			select {
			case <-stop:
				s.write(context.WithoutCancel(ctx))
				return
			case <-t.C:
				s.write(ctx)
			}
		}
	}()
	defer func() {
		wg.Wait() // the checks under way end with ctx
		close(stop)
		<-writerDone
	}()

	entries := map[string]*entry{}
	var sched schedule
	// The monitors are read in a goroutine of their own and handed over, so
	// that reading thousands of them never holds up a check that is due.
	loaded := make(chan []sqm.Monitor, 1)
	fetch := func() {
		ms, err := s.Store.ActiveMonitors(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.Log.Error("monitors_load_failed", "error", err)
			}
			return
		}
		select {
		case loaded <- ms:
		case <-ctx.Done():
		}
	}
	apply := func(ms []sqm.Monitor) {
		now := time.Now()
		seen := make(map[string]bool, len(ms))
		for _, m := range ms {
			seen[m.ID] = true
			e, ok := entries[m.ID]
			switch {
			case !ok:
				e = &entry{m: m, next: firstDue(m, now)}
				entries[m.ID] = e
				heap.Push(&sched, e)
			case !e.m.UpdatedAt.Equal(m.UpdatedAt):
				if e.m.Interval != m.Interval {
					e.next = firstDue(m, now)
					heap.Fix(&sched, e.index)
				}
				e.m = m
			}
		}
		for id, e := range entries {
			if !seen[id] {
				e.gone = true
				delete(entries, id)
			}
		}
	}
	fetch()
	select {
	case ms := <-loaded:
		apply(ms)
	default: // the store failed; the loader tries again
	}
	var loaders sync.WaitGroup
	defer loaders.Wait()
	loaders.Add(1)
	go func() {
		defer loaders.Done()
		t := time.NewTicker(refresh)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fetch()
			}
		}
	}()
	running := make(chan struct{}, maxRunning)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		wait := time.Hour
		if len(sched) > 0 {
			wait = time.Until(sched[0].next)
		}
		timer.Reset(max(wait, 0))
		select {
		case <-ctx.Done():
			return nil
		case ms := <-loaded:
			apply(ms)
			continue
		case <-timer.C:
		}
		now := time.Now()
		for len(sched) > 0 && !sched[0].next.After(now) {
			e := sched[0]
			if e.gone {
				heap.Pop(&sched)
				continue
			}
			due := e.next
			e.next = due.Add(e.m.Interval)
			for !e.next.After(now) { // fell behind by whole intervals
				e.next = e.next.Add(e.m.Interval)
				s.inc(s.Missed)
			}
			heap.Fix(&sched, 0)
			if !e.running.CompareAndSwap(false, true) {
				s.inc(s.Missed)
				continue
			}
			select {
			case running <- struct{}{}:
			default:
				e.running.Store(false)
				s.inc(s.Missed)
				continue
			}
			wg.Add(1)
			go func(e *entry, m sqm.Monitor, due time.Time) {
				defer wg.Done()
				defer func() { <-running; e.running.Store(false) }()
				if s.Lag != nil {
					s.Lag.Observe(time.Since(due).Seconds())
				}
				r := s.Checker.Check(ctx, m)
				if ctx.Err() != nil || r.MonitorID == "" {
					return // cut short by shutdown, or nothing to say yet
				}
				s.mu.Lock()
				s.pending = append(s.pending, r)
				s.mu.Unlock()
			}(e, e.m, due)
		}
	}
}

// maxPending bounds the results held while the store refuses them: about
// ten minutes of 10,000 monitors at 30 s.
const maxPending = 200_000

// write hands the pending results to the store; on failure they stay for
// the next flush, up to a bound.
func (s *Scheduler) write(ctx context.Context) {
	s.mu.Lock()
	batch := s.pending
	s.pending = nil
	s.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	if err := s.Store.RecordChecks(ctx, batch); err != nil {
		s.inc(s.Failed)
		if ctx.Err() == nil {
			s.Log.Error("check_results_write_failed", "results", len(batch), "error", err)
		}
		s.mu.Lock()
		if len(s.pending)+len(batch) <= maxPending {
			s.pending = append(batch, s.pending...)
		} else {
			s.Log.Error("check_results_dropped", "results", len(batch), "held", len(s.pending))
			for range batch {
				s.inc(s.Dropped)
			}
		}
		s.mu.Unlock()
	}
}

func (s *Scheduler) inc(c Counter) {
	if c != nil {
		c.Inc()
	}
}
