package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	return runWith(t, "", args...)
}

func runWith(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), err
}

func TestUserAndTokenCommands(t *testing.T) {
	dir := t.TempDir()
	if out, err := runCLI(t, "user", "add", "--name", "li.wei", "--role", "agent", "--data", dir); err != nil || !strings.Contains(out, "li.wei") {
		t.Fatalf("user add: %q %v", out, err)
	}
	if _, err := runCLI(t, "user", "add", "--name", "li.wei", "--role", "agent", "--data", dir); err == nil {
		t.Fatal("a second user with the same name was created")
	}
	if _, err := runCLI(t, "user", "add", "--name", "x", "--role", "boss", "--data", dir); err == nil || !strings.Contains(err.Error(), "Role must be") {
		t.Fatalf("an unknown role: %v", err)
	}
	out, err := runCLI(t, "token", "create", "--user", "li.wei", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	secret := lines[len(lines)-1]
	db, err := sqlstore.Open(context.Background(), sqlstore.DSN(dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	actor, err := db.Authenticate(context.Background(), secret)
	if err != nil || actor.Name != "li.wei" || actor.Role != sqm.RoleAgent {
		t.Fatalf("the printed token (last line %q) does not authenticate li.wei: %+v %v", secret, actor, err)
	}
	if _, err := runCLI(t, "token", "create", "--user", "nobody", "--data", dir); err == nil {
		t.Fatal("a token for a missing user")
	}
	if _, err := runCLI(t, "frobnicate"); err == nil {
		t.Fatal("an unknown command succeeded")
	}
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	good := `{"tickets":[{"ref":"OLD-1","service_id":"%s","type":"incident","priority":"P2","title":"Old outage",
		"opened_at":"2026-03-02T09:00:00+08:00","events":[{"at":"2026-03-02T09:20:00+08:00","type":"ack"}]}]}`
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, sqlstore.DSN(dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.Bootstrap(ctx)
	svc, err := db.CreateService(sqm.WithActor(ctx, sqm.SystemActor), sqm.Service{Name: "Payments"})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(fmt.Sprintf(good, svc.ID), `"P2"`, `"P7"`, 1)
	if _, err := runWith(t, bad, "import", "--data", dir); err == nil || !strings.Contains(err.Error(), "tickets[0].priority") ||
		!strings.Contains(err.Error(), "nothing was imported") {
		t.Fatalf("a bad import: %v", err)
	}
	out, err := runWith(t, fmt.Sprintf(good, svc.ID), "import", "--data", dir)
	if err != nil || !strings.Contains(out, "OLD-1\t") || !strings.Contains(out, "Imported 1 tickets.") {
		t.Fatalf("import: %q %v", out, err)
	}
}

func TestUserPasswd(t *testing.T) {
	dir := t.TempDir()
	if _, err := runWith(t, "short\n", "user", "passwd", "--name", "admin", "--data", dir); err == nil ||
		!strings.Contains(err.Error(), "at least 10 characters") {
		t.Fatalf("a short password: %v", err)
	}
	if out, err := runWith(t, "a long enough secret\n", "user", "passwd", "--name", "admin", "--data", dir); err != nil ||
		!strings.Contains(out, "Set the password of admin") {
		t.Fatalf("user passwd: %q %v", out, err)
	}
	db, err := sqlstore.Open(context.Background(), sqlstore.DSN(dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, _, err := db.Login(context.Background(), "admin", "a long enough secret"); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}
}

func TestApplyCommand(t *testing.T) {
	dir := t.TempDir()
	if _, err := runCLI(t, "migrate", "--data", dir); err != nil {
		t.Fatal(err)
	}
	db, err := sqlstore.Open(context.Background(), sqlstore.DSN(dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateService(sqm.WithActor(context.Background(), sqm.SystemActor), sqm.Service{Name: "Payments API"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	cfg := "monitors:\n  - service: Payments API\n    name: Health\n    type: http\n    target: https://shop.example.com/health\n    interval: 30s\n"
	out, err := runWith(t, cfg, "apply", "-f", "-", "--data", dir)
	if err != nil || !strings.Contains(out, "created\tPayments API/Health") || !strings.Contains(out, "1 created, 0 updated, 0 unchanged") {
		t.Fatalf("first apply: %q %v", out, err)
	}
	if out, err = runWith(t, cfg, "apply", "-f", "-", "--data", dir); err != nil || !strings.Contains(out, "0 created, 0 updated, 1 unchanged") {
		t.Fatalf("second apply: %q %v", out, err)
	}
	if _, err := runWith(t, strings.Replace(cfg, "interval", "intervall", 1), "apply", "--data", dir); err == nil || !strings.Contains(err.Error(), "line 6") {
		t.Fatalf("an unknown key: %v", err)
	}
}
