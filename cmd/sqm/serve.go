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
	"github.com/sqmhq/sqm/internal/notify"
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
	var mail notify.SMTP
	fs.StringVar(&mail.Addr, "smtp-addr", config.Env("SQM_SMTP_ADDR", ""), "the SMTP server of e-mail channels, host:port (SQM_SMTP_ADDR; none: e-mail cannot be sent)")
	fs.StringVar(&mail.Username, "smtp-user", config.Env("SQM_SMTP_USER", ""), "the SMTP user name (SQM_SMTP_USER; empty: no authentication)")
	// The password's default is not the variable, which -h would print.
	fs.StringVar(&mail.Password, "smtp-password", "", "the SMTP password (SQM_SMTP_PASSWORD, better than the flag, which other users can see in the process list)")
	fs.StringVar(&mail.From, "smtp-from", config.Env("SQM_SMTP_FROM", ""), "the sender of e-mail, such as 'sqm <sqm@example.com>' (SQM_SMTP_FROM; required with --smtp-addr)")
	fs.StringVar(&mail.TLS, "smtp-tls", config.Env("SQM_SMTP_TLS", notify.SMTPStartTLS), "starttls (required STARTTLS, port 587), tls (implicit TLS, port 465) or none (plain, for a local relay, port 25) (SQM_SMTP_TLS)")
	portalRate := fs.Int("portal-rate", 10, "posts a minute one client address may make to the feedback portal (also the burst)")
	retention := sqlstore.DefaultRetention
	if err := config.DaysVar(fs, &retention.Checks, "keep-checks", "SQM_KEEP_CHECKS",
		"how long raw check results are kept, such as 7d or 36h (SQM_KEEP_CHECKS; at least 1d)"); err != nil {
		return err
	}
	if err := config.DaysVar(fs, &retention.Hours, "keep-hourly", "SQM_KEEP_HOURLY",
		"how long hourly rollups of checks are kept; daily rollups stay (SQM_KEEP_HOURLY; at least --keep-checks)"); err != nil {
		return err
	}
	surveys := sqm.DefaultSurveyPolicy
	if err := config.DaysVar(fs, &surveys.Valid, "survey-valid", "SQM_SURVEY_VALID",
		"how long a satisfaction survey takes its answer (SQM_SURVEY_VALID)"); err != nil {
		return err
	}
	if err := config.DaysVar(fs, &surveys.Every, "survey-every", "SQM_SURVEY_EVERY",
		"the least time between two surveys to one address for incidents and requests; feedback is always surveyed (SQM_SURVEY_EVERY)"); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	var smtpServer *notify.SMTP
	if mail.Addr != "" {
		if mail.Password == "" {
			mail.Password = config.Env("SQM_SMTP_PASSWORD", "")
		}
		if err := mail.Validate(); err != nil {
			return fmt.Errorf("e-mail: %w", err)
		}
		smtpServer = &mail
	}
	dsn, err := db.Source()
	if err != nil {
		return err
	}
	log := newLogger(stderr)
	a, err := app.New(ctx, app.Config{Addr: *addr, DSN: dsn, Demo: *demo, Log: log, BaseURL: *baseURL, SMTP: smtpServer,
		Retention: retention, PortalPerMinute: *portalRate, Surveys: surveys})
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
