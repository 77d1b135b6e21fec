// Package similar cuts new feedback into terms and finds the open feedback
// it resembles, in the background: submitting stays as fast as a write,
// and agents see the resemblance on the ticket within a second or so.
package similar

import (
	"context"
	"log/slog"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/jobs"
	"github.com/sqmhq/sqm/internal/segment"
)

// Store is what the job needs of the database.
type Store interface {
	UnsegmentedFeedback(ctx context.Context, limit int) ([]sqm.FeedbackText, error)
	SaveFeedbackTerms(ctx context.Context, id string, terms []string) error
}

// Indexer segments the feedback not yet cut into terms.
type Indexer struct {
	Store Store
	Seg   *segment.Segmenter
	Log   *slog.Logger
}

// batch is how much feedback one run takes.
const batch = 200

// RunOnce cuts up to a batch of new feedback into terms and returns how
// many it did; it loads the dictionary first, when there is work.
func (x *Indexer) RunOnce(ctx context.Context) (int, error) {
	todo, err := x.Store.UnsegmentedFeedback(ctx, batch)
	if err != nil || len(todo) == 0 {
		return 0, err
	}
	for i, f := range todo {
		terms, err := x.Seg.Terms(f.Text)
		if err != nil {
			return i, err
		}
		if err := x.Store.SaveFeedbackTerms(ctx, f.TicketID, terms); err != nil {
			return i, err
		}
	}
	return len(todo), nil
}

// Run segments new feedback until ctx ends, looking for it every so often.
func (x *Indexer) Run(ctx context.Context, every time.Duration) {
	jobs.Every(ctx, every, func(ctx context.Context) {
		for {
			n, err := x.RunOnce(ctx)
			if err != nil {
				if ctx.Err() == nil {
					x.Log.Error("feedback_segmenting_failed", "error", err)
				}
				return
			}
			if n < batch {
				return
			}
		}
	})
}
