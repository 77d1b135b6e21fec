package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/app"
	"github.com/sqmhq/sqm/internal/config"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var db config.Database
	db.Register(fs)
	addr := fs.String("addr", config.Env("SQM_ADDR", "127.0.0.1:8080"), "listen address (SQM_ADDR)")
	demo := fs.Bool("demo", false, "fill an empty database with a demo organisation")
	baseURL := fs.String("base-url", config.Env("SQM_BASE_URL", ""), "the console's public address, for links in notifications (SQM_BASE_URL; default http://ADDR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dsn, err := db.Source()
	if err != nil {
		return err
	}
	log := newLogger(stderr)
	a, err := app.New(ctx, app.Config{Addr: *addr, DSN: dsn, Demo: *demo, Log: log, BaseURL: *baseURL})
	if err != nil {
		return err
	}
	if a.AdminCreated {
		system := sqm.WithActor(ctx, sqm.SystemActor)
		t, err := a.DB.CreateToken(system, sqlstore.AdminName, "first start")
		if err != nil {
			a.Stop(ctx) //nolint:errcheck
			return err
		}
		pw := firstPassword()
		if err := a.DB.SetPassword(system, sqlstore.AdminName, pw); err != nil {
			a.Stop(ctx) //nolint:errcheck
			return err
		}
		fmt.Fprintf(stdout, "Created the admin user; shown this once, keep them:\n  console password: %s\n  API token:        %s\n", pw, t.Secret)
	}
	if err := a.Start(ctx); err != nil {
		a.Stop(ctx) //nolint:errcheck
		return err
	}
	fmt.Fprintf(stdout, "sqm is serving on http://%s (database: %s)\n", a.Addr(), a.DB.Dialect())
	<-ctx.Done()
	log.Info("shutting_down")
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	return a.Stop(stopCtx)
}

func newLogger(w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(config.Env("SQM_LOG_LEVEL", "info"))); err != nil {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// firstPassword makes the admin's first password: 16 letters and digits.
func firstPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
