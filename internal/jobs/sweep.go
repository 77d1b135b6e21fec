// Package jobs runs sqm's durable background work. Its state lives in the
// database, so a restart loses nothing and replicas share the work.
package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// Counter is what the loop counts its runs and failures on.
type Counter interface{ Inc() }

// Sweeper writes due SLA warning and breach events on a fixed beat.
type Sweeper struct {
	DB    *sqlstore.DB
	Log   *slog.Logger
	Every time.Duration
	Runs  Counter
	Fails Counter
}

// Run sweeps until ctx ends. A failed run is logged and the loop goes on.
func (s *Sweeper) Run(ctx context.Context) {
	t := time.NewTicker(s.Every)
	defer t.Stop()
	for {
		s.RunOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce sweeps until no due ticket is left and returns how many it settled.
func (s *Sweeper) RunOnce(ctx context.Context) int {
	total := 0
	for ctx.Err() == nil {
		start := time.Now()
		n, err := s.DB.SweepSLA(ctx)
		if s.Runs != nil {
			s.Runs.Inc()
		}
		if err != nil {
			if ctx.Err() == nil {
				s.Log.Error("sla_sweep_failed", "error", err)
				if s.Fails != nil {
					s.Fails.Inc()
				}
			}
			return total
		}
		total += n
		if n > 0 {
			s.Log.Debug("sla_sweep", "tickets", n, "duration", time.Since(start))
		}
		if n < sqlstore.SweepBatch {
			s.escalate(ctx)
			return total
		}
	}
	return total
}

// escalate calls the due escalation levels, a batch at a time.
func (s *Sweeper) escalate(ctx context.Context) {
	for ctx.Err() == nil {
		n, err := s.DB.Escalate(sqm.WithActor(ctx, sqm.SystemActor))
		if err != nil {
			if ctx.Err() == nil {
				s.Log.Error("escalation_failed", "error", err)
			}
			return
		}
		if n < sqlstore.EscalateBatch {
			return
		}
	}
}

// Every runs fn now and then at each tick of every, until ctx ends.
func Every(ctx context.Context, every time.Duration, fn func(context.Context)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		fn(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
