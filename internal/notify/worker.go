package notify

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// Store is what the worker needs of the database.
type Store interface {
	ReleaseOrphans(ctx context.Context) (int64, error)
	ClaimDeliveries(ctx context.Context, limit int) ([]sqlstore.Outgoing, error)
	FinishDeliveries(ctx context.Context, outcomes []sqlstore.Outcome) error
}

// Counter counts deliveries sent and failed attempts.
type Counter interface{ Inc() }

// Worker sends the queued deliveries: it claims the due ones, sends them in
// parallel and records each outcome. A send under way when the worker stops
// is finished, not cut, so that its outcome is recorded and it is not sent
// again; one cut by a crash is sent again when its lease runs out, with the
// same X-Sqm-Delivery for the receiver to recognise.
type Worker struct {
	Store    Store
	Sender   *Sender
	Log      *slog.Logger
	Every    time.Duration // how often to look for due deliveries (200ms)
	Parallel int           // sends at once (32)
	Sent     Counter
	Failed   Counter
}

// Run sends deliveries until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	every, parallel := w.Every, w.Parallel
	if every <= 0 {
		every = 200 * time.Millisecond
	}
	if parallel <= 0 {
		parallel = 32
	}
	if n, err := w.Store.ReleaseOrphans(ctx); err != nil {
		w.Log.Error("deliveries_release_failed", "error", err)
	} else if n > 0 {
		w.Log.Info("deliveries_resumed", "deliveries", n)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for ctx.Err() == nil && w.RunOnce(ctx, parallel) == sqlstore.ClaimBatch {
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce sends one batch of due deliveries and returns how many it
// claimed.
func (w *Worker) RunOnce(ctx context.Context, parallel int) int {
	batch, err := w.Store.ClaimDeliveries(ctx, sqlstore.ClaimBatch)
	claimed := len(batch)
	if err != nil {
		if ctx.Err() == nil {
			w.Log.Error("deliveries_claim_failed", "error", err)
		}
		return 0
	}
	// A chunk at a time, each send's outcome recorded as soon as it is
	// known (SQLite groups the concurrent records into one commit), so that
	// a crash can repeat only the sends in flight at that instant.
	for len(batch) > 0 && ctx.Err() == nil {
		chunk := batch[:min(parallel, len(batch))]
		batch = batch[len(chunk):]
		var wg sync.WaitGroup
		for _, o := range chunk {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := w.send(context.WithoutCancel(ctx), o)
				if err != nil {
					inc(w.Failed)
					w.Log.Warn("delivery_failed", "delivery", o.ID, "channel", o.Channel.Name, "attempt", o.Attempts, "error", err)
				} else {
					inc(w.Sent)
				}
				if err := w.Store.FinishDeliveries(ctx, []sqlstore.Outcome{{Delivery: o, Err: err}}); err != nil {
					w.Log.Error("delivery_record_failed", "delivery", o.ID, "error", err)
				}
			}()
		}
		wg.Wait()
	}
	return claimed
}

func (w *Worker) send(ctx context.Context, o sqlstore.Outgoing) error {
	var n sqm.Notice
	if err := json.Unmarshal(o.Payload, &n); err != nil {
		return err
	}
	if o.Recipient != "" {
		return w.Sender.MailRequester(ctx, o.Channel, o.ID, o.Recipient, n)
	}
	return w.Sender.Send(ctx, o.Channel, o.Secret, o.ID, n)
}

func inc(c Counter) {
	if c != nil {
		c.Inc()
	}
}
