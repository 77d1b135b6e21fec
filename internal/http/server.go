// Package http serves sqm over HTTP: the JSON API under /api/v1, the web
// console (server-rendered, in English and Simplified Chinese), health and
// readiness, Prometheus metrics and the OpenAPI document. Handlers decode,
// call the use cases of the store and encode or render; no rule lives here.
package http

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// Server is sqm's HTTP interface.
type Server struct {
	db       *sqlstore.DB
	log      *slog.Logger
	metrics  *Metrics
	handler  http.Handler
	ui       *ui
	failures *failures
	portal   *limiter
}

// New builds the server's routes on db; it fails if a template is broken.
func New(db *sqlstore.DB, log *slog.Logger, metrics *Metrics) (*Server, error) {
	u, err := newUI()
	if err != nil {
		return nil, err
	}
	s := &Server{db: db, log: log, metrics: metrics, ui: u, failures: &failures{m: map[string][]time.Time{}},
		portal: newLimiter(10, 10)}
	mux := http.NewServeMux()
	s.routes(mux)
	s.handler = s.observe(mux)
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// authenticated runs h with the actor named by the request's bearer token.
func (s *Server) authenticated(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		token, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || token == "" {
			s.Error(w, r, sqm.Errorf(sqm.EUNAUTHORIZED, "Send an API token: Authorization: Bearer <token>."))
			return
		}
		actor, err := s.db.Authenticate(r.Context(), strings.TrimSpace(token))
		if err != nil {
			s.Error(w, r, err)
			return
		}
		h(w, r.WithContext(sqm.WithActor(r.Context(), actor)))
	}
}

// observe times every request and sets the headers every answer carries.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(rec, r)
		pattern := r.Pattern
		if pattern == "" {
			pattern = "unmatched"
		}
		s.metrics.observe(pattern, rec.status, time.Since(start))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// health answers whether the process is up.
func (s *Server) health(w http.ResponseWriter, _ *http.Request) {
	s.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// ready answers whether the database answers.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "detail": "The database does not answer."})
		return
	}
	s.JSON(w, http.StatusOK, map[string]string{"status": "ready", "database": s.db.Dialect()})
}
