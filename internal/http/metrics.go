package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are sqm's Prometheus series.
type Metrics struct {
	registry      *prometheus.Registry
	requests      *prometheus.HistogramVec
	TicketsOpened prometheus.Counter
	// SLAEvents counts sla_warning and sla_breached events by clock.
	SLAEvents  *prometheus.CounterVec
	SweepRuns  prometheus.Counter
	SweepFails prometheus.Counter
	// The probe scheduler: how late checks start, how many are missed, and
	// batches of results the database refused.
	ProbeLag        prometheus.Histogram
	ProbeMissed     prometheus.Counter
	ProbeWriteFails prometheus.Counter
	ProbeDropped    prometheus.Counter
	// Notification deliveries sent, and attempts that failed.
	DeliveriesSent   prometheus.Counter
	DeliveryFailures prometheus.Counter
}

// NewMetrics registers sqm's series on a registry of its own.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "sqm_http_request_duration_seconds", Help: "HTTP requests by route and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "code"}),
		TicketsOpened: prometheus.NewCounter(prometheus.CounterOpts{Name: "sqm_tickets_opened_total", Help: "Tickets opened through the API."}),
		SLAEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sqm_sla_events_total", Help: "SLA warning and breach events written, by type and clock.",
		}, []string{"type", "clock"}),
		SweepRuns:  prometheus.NewCounter(prometheus.CounterOpts{Name: "sqm_sla_sweep_runs_total", Help: "SLA sweep runs."}),
		SweepFails: prometheus.NewCounter(prometheus.CounterOpts{Name: "sqm_sla_sweep_errors_total", Help: "SLA sweep runs that failed."}),
		ProbeLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "sqm_probe_start_lag_seconds", Help: "How long after its scheduled instant a monitor's check started.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
		ProbeMissed:      prometheus.NewCounter(prometheus.CounterOpts{Name: "sqm_probe_missed_total", Help: "Checks not run: the previous one still running, or the scheduler too far behind."}),
		ProbeWriteFails:  prometheus.NewCounter(prometheus.CounterOpts{Name: "sqm_probe_write_errors_total", Help: "Batches of check results the database refused (kept and retried)."}),
		ProbeDropped:     prometheus.NewCounter(prometheus.CounterOpts{Name: "sqm_probe_results_dropped_total", Help: "Check results given up after the database refused them for too long."}),
		DeliveriesSent:   prometheus.NewCounter(prometheus.CounterOpts{Name: "sqm_notifications_sent_total", Help: "Notification deliveries sent."}),
		DeliveryFailures: prometheus.NewCounter(prometheus.CounterOpts{Name: "sqm_notification_failures_total", Help: "Notification delivery attempts that failed (retried with back-off)."}),
	}
	for _, typ := range []string{"sla_warning", "sla_breached"} {
		for _, clock := range []string{"first_response", "resolution"} {
			m.SLAEvents.WithLabelValues(typ, clock) // present from the start, at zero
		}
	}
	m.registry.MustRegister(m.requests, m.TicketsOpened, m.SLAEvents, m.SweepRuns, m.SweepFails,
		m.ProbeLag, m.ProbeMissed, m.ProbeWriteFails, m.ProbeDropped, m.DeliveriesSent, m.DeliveryFailures,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry returns the registry, for collectors added by other parts.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

func (m *Metrics) observe(route string, code int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(code)).Observe(d.Seconds())
}
