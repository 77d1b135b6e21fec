package http

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/sqmhq/sqm"
)

// exportTimeout is how long an export may take to write, beyond the
// server's write timeout for other answers.
const exportTimeout = 10 * time.Minute

// exportFeedback writes the feedback tickets opened in [from, to) as CSV,
// each with its latest survey's answer.
func (s *Server) exportFeedback(w http.ResponseWriter, r *http.Request, p *page) {
	q, err := scorecardQuery(r)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	f := &csvFile{w: w, name: "feedback-" + q.From.Format(time.DateOnly) + ".csv", header: []string{"id", "opened_at", "kind", "service",
		"status", "priority", "title", "requester_email", "first_response_met_at", "resolution_met_at", "survey_rating", "survey_comment"}}
	err = s.db.ExportFeedback(r.Context(), q, func(t sqm.FeedbackRecord) error {
		rating := ""
		if t.Rating != nil {
			rating = strconv.Itoa(*t.Rating)
		}
		return f.row(t.TicketID, csvTime(&t.OpenedAt), string(t.Kind), t.Service, string(t.Status), string(t.Priority), t.Title,
			t.RequesterEmail, csvTime(t.FirstResponse), csvTime(t.Resolution), rating, t.Comment)
	})
	s.finishCSV(w, r, p, f, err)
}

// exportSurveys writes the survey answers given in [from, to) as CSV.
func (s *Server) exportSurveys(w http.ResponseWriter, r *http.Request, p *page) {
	q, err := scorecardQuery(r)
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	f := &csvFile{w: w, name: "surveys-" + q.From.Format(time.DateOnly) + ".csv", header: []string{"id", "ticket_id", "ticket_type",
		"service", "team", "agent", "sla_breached", "sent_at", "answered_at", "rating", "comment"}}
	err = s.db.ExportSurveys(r.Context(), q, func(v sqm.SurveyRecord) error {
		return f.row(v.ID, v.TicketID, string(v.Type), v.Service, v.Team, v.Agent, strconv.FormatBool(v.SLABreached),
			csvTime(&v.SentAt), csvTime(&v.AnsweredAt), strconv.Itoa(v.Rating), v.Comment)
	})
	s.finishCSV(w, r, p, f, err)
}

// finishCSV ends an export. An error before the first row is shown as a
// page; one after it aborts the response, so that the client sees a broken
// download rather than a file that only looks complete.
func (s *Server) finishCSV(w http.ResponseWriter, r *http.Request, p *page, f *csvFile, err error) {
	switch {
	case err != nil && f.out == nil:
		s.uiError(w, r, p, err)
	case err != nil:
		if !errors.Is(err, f.writeErr) {
			s.log.Error("export_failed", "path", r.URL.Path, "error", err)
		}
		panic(http.ErrAbortHandler)
	default:
		if err := f.close(); err != nil {
			s.log.Debug("write_failed", "path", r.URL.Path, "error", err)
		}
	}
}

// csvFile streams a CSV download: UTF-8 with a byte order mark, for Excel
// to read Chinese right, and every cell safe from formula injection. The
// headers go out with the first row, so that an error found before it can
// still be shown as a page.
type csvFile struct {
	w        http.ResponseWriter
	name     string
	header   []string
	out      *csv.Writer
	writeErr error // the client's connection failed
}

func (f *csvFile) start() {
	h := f.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, f.name))
	// The first row may come late: an export may take longer than the
	// server lets an answer take.
	http.NewResponseController(f.w).SetWriteDeadline(time.Now().Add(exportTimeout)) //nolint:errcheck // the default applies
	f.w.WriteHeader(http.StatusOK)
	io.WriteString(f.w, "\ufeff") //nolint:errcheck // the csv.Writer sees the same failure
	f.out = csv.NewWriter(f.w)
	f.out.Write(f.header) //nolint:errcheck // reported by the next Write or Flush
}

// row writes a row of cells, each made safe.
func (f *csvFile) row(cells ...string) error {
	if f.out == nil {
		f.start()
	}
	for i, c := range cells {
		cells[i] = csvSafe(c)
	}
	if err := f.out.Write(cells); err != nil {
		f.writeErr = err
		return err
	}
	return nil
}

// close writes what is buffered; a file without rows gets its headers.
func (f *csvFile) close() error {
	if f.out == nil {
		f.start()
	}
	f.out.Flush()
	return f.out.Error()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula: one that
// starts with = + - @, a tab or a carriage return gets a leading
// apostrophe, which spreadsheets show as text.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

// csvTime writes an instant as RFC 3339 in UTC; nil is an empty cell.
func csvTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
