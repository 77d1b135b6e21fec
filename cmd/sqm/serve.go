package main

import (
	"context"
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	dsn, err := db.Source()
	if err != nil {
		return err
	}
	log := newLogger(stderr)
	a, err := app.New(ctx, app.Config{Addr: *addr, DSN: dsn, Demo: *demo, Log: log})
	if err != nil {
		return err
	}
	if a.AdminCreated {
		t, err := a.DB.CreateToken(sqm.WithActor(ctx, sqm.SystemActor), sqlstore.AdminName, "first start")
		if err != nil {
			a.Stop(ctx) //nolint:errcheck
			return err
		}
		fmt.Fprintf(stdout, "Created the admin user. Its API token, shown this once:\n%s\n", t.Secret)
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
