package http

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/sqmhq/sqm"
)

// problem is an RFC 9457 problem document, with the offending field.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Field  string `json:"field,omitempty"`
}

var codeStatus = map[string]int{
	sqm.EINVALID:      http.StatusUnprocessableEntity,
	sqm.ENOTFOUND:     http.StatusNotFound,
	sqm.ECONFLICT:     http.StatusConflict,
	sqm.EUNAUTHORIZED: http.StatusUnauthorized,
	sqm.EFORBIDDEN:    http.StatusForbidden,
	sqm.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	sqm.EINTERNAL:     http.StatusInternalServerError,
}

// errBadRequest marks input that is not even well-formed JSON (400, not 422).
const errBadRequest = "bad_request"

// statusOf is the HTTP status of an error.
func statusOf(err error) int {
	code := sqm.ErrorCode(err)
	if code == errBadRequest {
		return http.StatusBadRequest
	}
	if status, ok := codeStatus[code]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// Error writes err as a problem document; only internal errors are logged,
// and their detail is not shown.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.log.Error("request_failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sqm"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(problem{ //nolint:errcheck // the client went away
		Type:   "https://sqm.dev/problems/" + sqm.ErrorCode(err),
		Title:  http.StatusText(status),
		Status: status,
		Detail: sqm.ErrorMessage(err),
		Field:  sqm.ErrorField(err),
	})
}

// JSON writes v with the status.
func (s *Server) JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		s.log.Debug("write_failed", slog.Any("error", err))
	}
}
