package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
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
