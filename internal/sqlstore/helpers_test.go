package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
	"github.com/sqmhq/sqm/internal/testdb"
)

// clock is a test clock; the store reads it as its Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// start is a Monday 10:00 in Beijing.
var start = time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)

// env is a store on a test clock with an admin context.
type env struct {
	db    *sqlstore.DB
	dsn   string
	clock *clock
	ctx   context.Context
}

func newEnv(t *testing.T, dsn string) *env {
	t.Helper()
	db := testdb.Open(t, dsn)
	c := &clock{now: start}
	db.Now = c.Now
	admin, err := db.UserByName(sqm.WithActor(context.Background(), sqm.SystemActor), sqlstore.AdminName)
	if err != nil {
		t.Fatal(err)
	}
	ctx := sqm.WithActor(context.Background(), sqm.Actor{UserID: admin.ID, Name: admin.Name, Role: sqm.RoleAdmin})
	return &env{db: db, dsn: dsn, clock: c, ctx: ctx}
}

func (e *env) as(role sqm.Role) context.Context {
	return sqm.WithActor(context.Background(), sqm.Actor{Name: "someone-" + string(role), Role: role})
}

// policy creates a 24x7 policy with the given P1 targets, paused while
// waiting on the customer, warning at 80%.
func (e *env) policy(t *testing.T, name string, fr, res time.Duration) sqm.SLAPolicy {
	t.Helper()
	p := sqm.DefaultPolicy("1")
	p.Name = name
	p.Targets[sqm.P1] = sqm.Target{FirstResponse: fr, Resolution: res}
	p.Targets[sqm.P2] = sqm.Target{FirstResponse: 2 * fr, Resolution: 2 * res}
	out, err := e.db.CreatePolicy(e.ctx, p)
	if err != nil {
		t.Fatalf("create policy: %v", err)
	}
	return out
}

func (e *env) service(t *testing.T, name, policyID string) sqm.Service {
	t.Helper()
	s, err := e.db.CreateService(e.ctx, sqm.Service{Name: name, SLAPolicyID: policyID})
	if err != nil {
		t.Fatalf("create service: %v", err)
	}
	return s
}

func (e *env) ticket(t *testing.T, serviceID string, p sqm.Priority) sqm.Ticket {
	t.Helper()
	tk, err := e.db.CreateTicket(e.ctx, sqm.NewTicket{ServiceID: serviceID, Type: sqm.TypeIncident, Priority: p, Title: "Checkout fails"})
	if err != nil {
		t.Fatalf("create ticket: %v", err)
	}
	return tk
}

func (e *env) event(t *testing.T, id string, ne sqm.NewEvent) sqm.Ticket {
	t.Helper()
	tk, err := e.db.AddEvent(e.ctx, id, ne)
	if err != nil {
		t.Fatalf("add %s event: %v", ne.Type, err)
	}
	return tk
}

func (e *env) get(t *testing.T, id string) sqm.Ticket {
	t.Helper()
	tk, err := e.db.GetTicket(e.ctx, id)
	if err != nil {
		t.Fatalf("get ticket: %v", err)
	}
	return tk
}

func status(s sqm.Status) sqm.NewEvent { return sqm.NewEvent{Type: sqm.EventStatus, Status: s} }

func comment(public bool) sqm.NewEvent {
	return sqm.NewEvent{Type: sqm.EventComment, Public: &public, Body: "We are on it."}
}

func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s on %q", code, field)
	}
	if sqm.ErrorCode(err) != code || sqm.ErrorField(err) != field {
		t.Fatalf("error %v; want code %s on field %q", err, code, field)
	}
}

func count(t *testing.T, e *env, table string) int {
	t.Helper()
	var n int
	if err := testdb.Raw(t, e.dsn).QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func events(tk sqm.Ticket, typ sqm.EventType) []sqm.Event {
	var out []sqm.Event
	for _, e := range tk.Events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}
