package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
	"github.com/sqmhq/sqm/internal/testdb"
)

func TestRoles(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Payments", "")
		tk := e.ticket(t, svc.ID, sqm.P3)
		actions := map[string]func(ctx context.Context) error{
			"read a ticket": func(ctx context.Context) error { _, err := e.db.GetTicket(ctx, tk.ID); return err },
			"open a ticket": func(ctx context.Context) error {
				_, err := e.db.CreateTicket(ctx, sqm.NewTicket{ServiceID: svc.ID, Type: sqm.TypeRequest, Priority: sqm.P4, Title: "x"})
				return err
			},
			"acknowledge": func(ctx context.Context) error {
				_, err := e.db.AddEvent(ctx, tk.ID, comment(false))
				return err
			},
			"create a team": func(ctx context.Context) error {
				_, err := e.db.CreateTeam(ctx, sqm.Team{Name: "T " + sqm.ActorFrom(ctx).Name})
				return err
			},
			"create a user": func(ctx context.Context) error {
				_, err := e.db.CreateUser(ctx, sqm.User{Name: "u-" + sqm.ActorFrom(ctx).Name, Role: sqm.RoleViewer})
				return err
			},
			"read the audit log": func(ctx context.Context) error { _, err := e.db.ListAudit(ctx, sqlstore.AuditFilter{}); return err },
		}
		allowed := map[sqm.Role][]string{
			sqm.RoleViewer:  {"read a ticket"},
			sqm.RoleAgent:   {"read a ticket", "open a ticket", "acknowledge"},
			sqm.RoleManager: {"read a ticket", "open a ticket", "acknowledge", "create a team"},
			sqm.RoleAdmin:   {"read a ticket", "open a ticket", "acknowledge", "create a team", "create a user", "read the audit log"},
		}
		for role, may := range allowed {
			for name, act := range actions {
				want := false
				for _, m := range may {
					want = want || m == name
				}
				err := act(e.as(role))
				if want && err != nil {
					t.Errorf("%s may %s but got %v", role, name, err)
				}
				if !want && sqm.ErrorCode(err) != sqm.EFORBIDDEN {
					t.Errorf("%s may not %s but got %v", role, name, err)
				}
			}
		}
		if _, err := e.db.GetTicket(context.Background(), tk.ID); sqm.ErrorCode(err) != sqm.EUNAUTHORIZED {
			t.Errorf("an anonymous read got %v", err)
		}
	})
}

func TestTokens(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		if _, err := e.db.CreateUser(e.ctx, sqm.User{Name: "li.wei", Role: sqm.RoleAgent}); err != nil {
			t.Fatal(err)
		}
		tok, err := e.db.CreateToken(e.ctx, "li.wei", "laptop")
		if err != nil {
			t.Fatal(err)
		}
		actor, err := e.db.Authenticate(context.Background(), tok.Secret)
		if err != nil || actor.Name != "li.wei" || actor.Role != sqm.RoleAgent {
			t.Fatalf("authenticate: %+v %v", actor, err)
		}
		list, err := e.db.ListTokens(e.ctx, "", 0)
		for deadline := time.Now().Add(5 * time.Second); err == nil && len(list.Items) == 1 &&
			list.Items[0].LastUsedAt == nil && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond) // the last use is written in the background
			list, err = e.db.ListTokens(e.ctx, "", 0)
		}
		if err != nil || len(list.Items) != 1 || list.Items[0].Secret != "" || list.Items[0].LastUsedAt == nil {
			t.Fatalf("token list %+v %v: want one token, no secret, a last use", list.Items, err)
		}
		if err := e.db.RevokeToken(e.ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.Authenticate(context.Background(), tok.Secret); sqm.ErrorCode(err) != sqm.EUNAUTHORIZED {
			t.Fatalf("a revoked token authenticated: %v", err)
		}
		if _, err := e.db.Authenticate(context.Background(), "sqm_forged"); sqm.ErrorCode(err) != sqm.EUNAUTHORIZED {
			t.Fatalf("a forged token authenticated: %v", err)
		}
		_, err = e.db.CreateToken(e.as(sqm.RoleAgent), "admin", "steal")
		wantCode(t, err, sqm.EFORBIDDEN, "")
	})
}

func TestAuditAndBadInput(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		before := count(t, e, "audit_log")
		bad := []struct {
			name  string
			err   error
			field string
		}{
			{"a calendar in an unknown zone", fn(e.db.CreateCalendar(e.ctx, sqm.Calendar{Name: "X", Timezone: "Mars/Olympus"})), "timezone"},
			{"a calendar with a reversed interval", fn(e.db.CreateCalendar(e.ctx, sqm.Calendar{Name: "X", Timezone: "UTC",
				Hours: map[string][]string{"mon": {"18:00-09:00"}}})), "hours.mon[0]"},
			{"a policy with only a P1 target", fn(e.db.CreatePolicy(e.ctx, sqm.SLAPolicy{Name: "X", CalendarID: "1",
				Targets: map[sqm.Priority]sqm.Target{sqm.P1: {FirstResponse: time.Hour, Resolution: time.Hour}}})), "targets.P2"},
			{"a policy on a missing calendar", fn(e.db.CreatePolicy(e.ctx, withCalendar(sqm.DefaultPolicy("77"), "X"))), "calendar_id"},
			{"a service on a missing policy", fn(e.db.CreateService(e.ctx, sqm.Service{Name: "X", SLAPolicyID: "77"})), "sla_policy_id"},
			{"a ticket on a missing service", fn(e.db.CreateTicket(e.ctx, sqm.NewTicket{ServiceID: "77", Type: sqm.TypeIncident, Priority: sqm.P1, Title: "x"})), "service_id"},
			{"a user with an unknown role", fn(e.db.CreateUser(e.ctx, sqm.User{Name: "x", Role: "boss"})), "role"},
		}
		for _, b := range bad {
			if sqm.ErrorCode(b.err) != sqm.EINVALID || sqm.ErrorField(b.err) != b.field {
				t.Errorf("%s: got %v, want invalid on %s", b.name, b.err, b.field)
			}
		}
		if after := count(t, e, "audit_log"); after != before {
			t.Fatalf("refused writes reached the audit log: %d then %d", before, after)
		}
		svc := e.service(t, "Payments", "")
		tk := e.ticket(t, svc.ID, sqm.P2)
		e.event(t, tk.ID, sqm.NewEvent{Type: sqm.EventAck})
		page, err := e.db.ListAudit(e.ctx, sqlstore.AuditFilter{ObjectType: "ticket", ObjectID: tk.ID})
		if err != nil || len(page.Items) != 2 || page.Items[0].Action != "ticket.event" || page.Items[1].Action != "ticket.create" ||
			page.Items[0].Actor != sqlstore.AdminName {
			t.Fatalf("audit of the ticket: %+v %v", page.Items, err)
		}
		raw := testdb.Raw(t, e.dsn)
		for _, q := range []string{"UPDATE audit_log SET actor_name = 'nobody'", "DELETE FROM audit_log",
			"UPDATE ticket_events SET at = 0", "DELETE FROM ticket_events"} {
			if _, err := raw.Exec(q); err == nil {
				t.Errorf("%q succeeded on an append-only table", q)
			}
		}
	})
}

func fn[T any](_ T, err error) error { return err }

func withCalendar(p sqm.SLAPolicy, name string) sqm.SLAPolicy { p.Name = name; return p }
