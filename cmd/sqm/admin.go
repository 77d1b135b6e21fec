package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/config"
	"github.com/sqmhq/sqm/internal/jobs"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// openDB parses the database flags (and more, registered by extra), opens
// and migrates the database, and returns a context acting as the command
// line, which has the powers of an admin.
func openDB(ctx context.Context, name string, args []string, stderr io.Writer, extra func(*flag.FlagSet)) (context.Context, *sqlstore.DB, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var dbc config.Database
	dbc.Register(fs)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	dsn, err := dbc.Source()
	if err != nil {
		return nil, nil, err
	}
	db, err := sqlstore.Open(ctx, dsn, newLogger(stderr))
	if err != nil {
		return nil, nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	created, err := db.Bootstrap(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if created {
		fmt.Fprintln(stderr, "Created the admin user; give it a token with: sqm token create --user admin")
	}
	return sqm.WithActor(ctx, sqm.Actor{Name: "cli", Role: sqm.RoleAdmin}), db, nil
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	_, db, err := openDB(ctx, "migrate", args, stderr, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(stdout, "The database is up to date.")
	return nil
}

func user(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("user: say add, passwd or list")
	}
	var name, role string
	switch args[0] {
	case "add":
		ctx, db, err := openDB(ctx, "user add", args[1:], stderr, func(fs *flag.FlagSet) {
			fs.StringVar(&name, "name", "", "user name")
			fs.StringVar(&role, "role", "", "admin, manager, agent or viewer")
		})
		if err != nil {
			return err
		}
		defer db.Close()
		u, err := db.CreateUser(ctx, sqm.User{Name: name, Role: sqm.Role(role)})
		if err != nil {
			return explain("user add", err)
		}
		fmt.Fprintf(stdout, "Created user %s (id %s, role %s).\n", u.Name, u.ID, u.Role)
		return nil
	case "passwd":
		ctx, db, err := openDB(ctx, "user passwd", args[1:], stderr, func(fs *flag.FlagSet) {
			fs.StringVar(&name, "name", "", "user name")
		})
		if err != nil {
			return err
		}
		defer db.Close()
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("user passwd: give the new password on standard input")
		}
		if err := db.SetPassword(ctx, name, strings.TrimRight(line, "\r\n")); err != nil {
			return explain("user passwd", err)
		}
		fmt.Fprintf(stdout, "Set the password of %s; their sessions have ended.\n", name)
		return nil
	case "list":
		ctx, db, err := openDB(ctx, "user list", args[1:], stderr, nil)
		if err != nil {
			return err
		}
		defer db.Close()
		cursor := ""
		for {
			p, err := db.ListUsers(ctx, cursor, sqlstore.MaxLimit)
			if err != nil {
				return err
			}
			for _, u := range p.Items {
				fmt.Fprintf(stdout, "%s\t%s\t%s\n", u.ID, u.Name, u.Role)
			}
			if cursor = p.NextCursor; cursor == "" {
				return nil
			}
		}
	}
	return fmt.Errorf("user: unknown command %q", args[0])
}

func token(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("token: say create")
	}
	var userName, label string
	ctx, db, err := openDB(ctx, "token create", args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&userName, "user", "", "the user the token acts as")
		fs.StringVar(&label, "name", "cli", "a label for the token")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	if userName == "" {
		return fmt.Errorf("token create: --user is required")
	}
	t, err := db.CreateToken(ctx, userName, label)
	if err != nil {
		return explain("token create", err)
	}
	fmt.Fprintf(stdout, "Token %s for %s (shown this once):\n%s\n", t.ID, t.UserName, t.Secret)
	return nil
}

func sweep(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	_, db, err := openDB(ctx, "sweep", args, stderr, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	n := (&jobs.Sweeper{DB: db, Log: newLogger(stderr)}).RunOnce(ctx)
	fmt.Fprintf(stdout, "Settled %d tickets.\n", n)
	return nil
}

// explain turns a use case's error into the command's: the message of an
// application error, the whole chain of an internal one.
func explain(cmd string, err error) error {
	if sqm.ErrorCode(err) == sqm.EINTERNAL {
		return fmt.Errorf("%s: %w", cmd, err)
	}
	if f := sqm.ErrorField(err); f != "" {
		return fmt.Errorf("%s: %s: %s", cmd, f, sqm.ErrorMessage(err))
	}
	return fmt.Errorf("%s: %s", cmd, sqm.ErrorMessage(err))
}
