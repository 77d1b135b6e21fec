package sqlstore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

func TestSweepWritesEachEventOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Payments", "") // 1h / 4h, warning at 80%
		tk := e.ticket(t, svc.ID, sqm.P1)
		sweep := func() int {
			n, err := e.db.SweepSLA(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := sweep(); n != 0 {
			t.Fatalf("a fresh ticket was swept: %d", n)
		}
		e.clock.Add(47*time.Minute + 59*time.Second)
		if sweep(); len(events(e.get(t, tk.ID), sqm.EventSLAWarning)) != 0 {
			t.Fatal("warned before 80% of the target")
		}
		e.clock.Add(2 * time.Second)
		sweep()
		sweep()
		warnings := events(e.get(t, tk.ID), sqm.EventSLAWarning)
		if len(warnings) != 1 || warnings[0].Clock != sqm.FirstResponse || !warnings[0].At.Equal(start.Add(48*time.Minute)) {
			t.Fatalf("warnings %+v; want one first_response warning at 48 minutes", warnings)
		}
		e.clock.Add(11*time.Minute + 59*time.Second) // exactly at due: not yet breached
		sweep()
		if b := events(e.get(t, tk.ID), sqm.EventSLABreached); len(b) != 0 {
			t.Fatalf("breached at the due instant itself: %+v", b)
		}
		e.clock.Add(time.Second)
		sweep()
		sweep()
		got := e.get(t, tk.ID)
		b := events(got, sqm.EventSLABreached)
		if len(b) != 1 || !b[0].At.Equal(start.Add(time.Hour)) || b[0].By != sqm.BySystem {
			t.Fatalf("breaches %+v; want one at the due instant", b)
		}
		if got.SLA.FirstResponse.State != sqm.ClockBreached {
			t.Fatalf("first response %s", got.SLA.FirstResponse.State)
		}
	})
}

// Two replicas sweeping one database at once write each event once.
func TestSweepReplicas(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		other := testdb.Open(t, dsn)
		other.Now = e.clock.Now
		svc := e.service(t, "Payments", "")
		var ids []string
		for range 60 {
			ids = append(ids, e.ticket(t, svc.ID, sqm.P1).ID)
		}
		e.clock.Add(5 * time.Hour) // past every warning and breach of both clocks
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db := e.db
				if i%2 == 1 {
					db = other
				}
				for range 3 {
					if _, err := db.SweepSLA(e.ctx); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		for _, id := range ids {
			tk := e.get(t, id)
			if w, b := len(events(tk, sqm.EventSLAWarning)), len(events(tk, sqm.EventSLABreached)); w != 2 || b != 2 {
				t.Fatalf("ticket %s has %d warnings and %d breaches; want 2 and 2", id, w, b)
			}
		}
	})
}
