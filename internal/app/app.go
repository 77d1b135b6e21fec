// Package app wires sqm together: the database, the HTTP server and the
// background jobs, with a lifecycle of New, Start and Stop used by the
// command line and the end-to-end tests.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/demo"
	sqmhttp "github.com/sqmhq/sqm/internal/http"
	"github.com/sqmhq/sqm/internal/jobs"
	"github.com/sqmhq/sqm/internal/notify"
	"github.com/sqmhq/sqm/internal/probe"
	"github.com/sqmhq/sqm/internal/segment"
	"github.com/sqmhq/sqm/internal/similar"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// Config is what an sqm process is started with.
type Config struct {
	Addr  string // listen address, such as 127.0.0.1:8080 (":0" picks a port)
	DSN   string // database; see sqlstore.Open
	Demo  bool   // fill an empty database with a demo organisation
	Sweep time.Duration
	// BaseURL is the console's public address, for links in
	// notifications; http://Addr when empty.
	BaseURL string
	// ProbeRefresh is how often the probe scheduler reloads the monitors
	// (10s when zero).
	ProbeRefresh time.Duration
	Log          *slog.Logger
	// Now replaces the clock, for tests.
	Now func() time.Time

	// SMTP is the mail server of e-mail channels (nil: none, and e-mail
	// deliveries fail until one is set).
	SMTP *notify.SMTP
	// Retention of check results (sqlstore.DefaultRetention when zero).
	Retention sqlstore.Retention
	// Surveys says when satisfaction surveys go out (sqm.DefaultSurveyPolicy
	// when zero).
	Surveys sqm.SurveyPolicy
	// PortalPerMinute is how many posts a minute one client address may
	// make to the feedback portal, all at once at most (10 when zero).
	PortalPerMinute int
}

// App is a running sqm.
type App struct {
	cfg       Config
	DB        *sqlstore.DB
	Metrics   *sqmhttp.Metrics
	server    *http.Server
	listener  net.Listener
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	segmenter *segment.Segmenter
	// AdminCreated reports whether this start created the admin user.
	AdminCreated bool
}

// New opens and migrates the database and bootstraps a new installation.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Sweep == 0 {
		cfg.Sweep = time.Second
	}
	if cfg.Retention == (sqlstore.Retention{}) {
		cfg.Retention = sqlstore.DefaultRetention
	}
	if err := cfg.Retention.Validate(); err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	db, err := sqlstore.Open(ctx, cfg.DSN, cfg.Log)
	if err != nil {
		return nil, err
	}
	if cfg.Now != nil {
		db.Now = cfg.Now
	}
	db.MailRequesters = cfg.SMTP != nil
	db.Surveys = cfg.Surveys
	a := &App{cfg: cfg, DB: db, Metrics: sqmhttp.NewMetrics(), segmenter: segment.Shared()}
	db.Committed = a.countEvents
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if a.AdminCreated, err = db.Bootstrap(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if cfg.Demo {
		if err := demo.Seed(sqm.WithActor(ctx, sqm.SystemActor), db, cfg.Log); err != nil {
			db.Close()
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	return a, nil
}

// Start listens and serves, and starts the background jobs.
func (a *App) Start(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	handler, err := sqmhttp.New(a.DB, a.cfg.Log, a.Metrics)
	if err != nil {
		ln.Close()
		return err
	}
	if n := a.cfg.PortalPerMinute; n > 0 {
		handler.LimitPortal(n, n)
	}
	a.listener = ln
	a.server = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	jobCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	a.cancel = cancel
	sweeper := &jobs.Sweeper{DB: a.DB, Log: a.cfg.Log, Every: a.cfg.Sweep, Runs: a.Metrics.SweepRuns, Fails: a.Metrics.SweepFails}
	checker := probe.NewChecker()
	checker.Pings, checker.Now = a.DB, a.DB.Now
	probes := &probe.Scheduler{Store: a.DB, Checker: checker, Log: a.cfg.Log, Refresh: a.cfg.ProbeRefresh,
		Lag: a.Metrics.ProbeLag, Missed: a.Metrics.ProbeMissed, Failed: a.Metrics.ProbeWriteFails, Dropped: a.Metrics.ProbeDropped}
	system := sqm.WithActor(jobCtx, sqm.SystemActor)
	base := a.cfg.BaseURL
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	deliveries := &notify.Worker{Store: a.DB, Sender: notify.NewSender(base).WithSMTP(a.cfg.SMTP), Log: a.cfg.Log,
		Sent: a.Metrics.DeliveriesSent, Failed: a.Metrics.DeliveryFailures}
	a.wg.Add(6)
	go func() {
		defer a.wg.Done()
		deliveries.Run(system)
	}()
	go func() {
		defer a.wg.Done()
		sweeper.Run(jobCtx)
	}()
	go func() {
		defer a.wg.Done()
		a.DB.Lead(system, sqlstore.LeadProbes, func(ctx context.Context) {
			if err := probes.Run(ctx); err != nil {
				a.cfg.Log.Error("probes_failed", "error", err)
			}
		})
	}()
	go func() {
		defer a.wg.Done()
		x := &similar.Indexer{Store: a.DB, Seg: a.segmenter, Log: a.cfg.Log}
		x.Run(system, time.Second)
	}()
	go func() {
		defer a.wg.Done()
		jobs.Every(system, time.Minute, func(ctx context.Context) {
			if n, err := a.DB.ExpireChecks(ctx, a.cfg.Retention); err != nil {
				a.cfg.Log.Error("expire_checks_failed", "error", err)
			} else if n > 0 {
				a.cfg.Log.Info("checks_expired", "rows", n)
			}
		})
	}()
	go func() {
		defer a.wg.Done()
		if err := a.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.cfg.Log.Error("serve_failed", "error", err)
		}
	}()
	a.cfg.Log.Info("listening", "addr", ln.Addr().String(), "database", a.DB.Dialect())
	return nil
}

// Addr returns the address the server listens on.
func (a *App) Addr() string { return a.listener.Addr().String() }

// Stop drains the server, stops the jobs and closes the database, in the
// reverse order of their start.
func (a *App) Stop(ctx context.Context) error {
	var errs []error
	if a.server != nil {
		errs = append(errs, a.server.Shutdown(ctx))
	}
	if a.cancel != nil {
		a.cancel()
	}
	a.wg.Wait()
	errs = append(errs, a.DB.Close())
	return errors.Join(errs...)
}

// countEvents counts committed SLA events on the metrics.
func (a *App) countEvents(events []sqm.Event) {
	for _, e := range events {
		if e.Type.System() {
			a.Metrics.SLAEvents.WithLabelValues(string(e.Type), string(e.Clock)).Inc()
		}
	}
}
