package http

import (
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// portalRoutes lists the public feedback portal: anyone may submit, follow
// their feedback through its tracking link and answer a survey.
func (s *Server) portalRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /portal", s.portalForm)
	mux.HandleFunc("POST /portal/feedback", s.portalSubmit)
	mux.HandleFunc("GET /portal/t/{token}", s.portalTrack)
	mux.HandleFunc("POST /portal/t/{token}/reply", s.portalReply)
	mux.HandleFunc("GET /portal/t/{token}/a/{id}", s.portalAttachment)
	mux.HandleFunc("GET /portal/s/{token}", s.portalSurvey)
	mux.HandleFunc("POST /portal/s/{token}", s.portalAnswer)
}

// portalView is what templates/portal.html shows; View picks the part.
type portalView struct {
	View     string // form, sent, track, survey
	Services []sqm.Service
	Kinds    []sqm.FeedbackKind
	Form     portalInput
	Field    string // the field an error names
	Error    string
	Track    sqm.Tracking
	Token    string
	Survey   sqlstore.SurveyView
	Answered bool
	Ratings  []int
	LangQ    string // "?lang=zh" when the language was chosen
}

type portalInput struct {
	Kind, Service, Title, Description, Email, Reply, Comment string
	Rating                                                   int
}

// The honeypot: a field people never see and bots fill in.
const honeypot = "website"

func (s *Server) portalPage(r *http.Request) *page {
	return s.newPage(r, r.URL.Query().Get("lang"), "UTC")
}

// langQuery keeps a language chosen with ?lang= across the portal's pages.
func langQuery(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "zh" {
		return "?lang=" + l
	}
	return ""
}

func (s *Server) portalForm(w http.ResponseWriter, r *http.Request) {
	p := s.portalPage(r)
	d := portalView{View: "form", LangQ: langQuery(r)}
	if r.URL.Query().Get("sent") == "1" {
		d.View = "sent"
	}
	s.renderPortal(w, r, p, http.StatusOK, d)
}

func (s *Server) renderPortal(w http.ResponseWriter, r *http.Request, p *page, status int, d portalView) {
	if d.View == "form" {
		system := sqm.WithActor(r.Context(), sqm.SystemActor)
		var err error
		if d.Services, err = all(func(c string) (sqm.Page[sqm.Service], error) { return s.db.ListServices(system, c, sqlstore.MaxLimit) }); err != nil {
			s.log.Error("portal_failed", "error", err)
			status, d.Error = http.StatusInternalServerError, p.T("portal.failed")
		}
		d.Kinds = sqm.FeedbackKinds
	}
	d.Ratings = []int{5, 4, 3, 2, 1}
	p.Title = p.T("portal.title")
	p.Data = d
	s.render(w, status, "portal", p)
}

// portalSubmit opens a feedback ticket from the form and shows the
// submitter their tracking page.
func (s *Server) portalSubmit(w http.ResponseWriter, r *http.Request) {
	p := s.portalPage(r)
	d := portalView{View: "form", LangQ: langQuery(r)}
	if !s.portalAllowed(w, r, p) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxPortalUpload)
	files, err := portalFiles(r)
	if err != nil {
		d.Error = p.T("portal.too_large")
		s.renderPortal(w, r, p, http.StatusRequestEntityTooLarge, d)
		return
	}
	if r.PostFormValue(honeypot) != "" {
		http.Redirect(w, r, "/portal?sent=1", http.StatusSeeOther) // a bot: thanked, nothing kept
		return
	}
	d.Form = portalInput{Kind: r.PostFormValue("kind"), Service: r.PostFormValue("service"), Title: r.PostFormValue("title"),
		Description: r.PostFormValue("description"), Email: r.PostFormValue("email")}
	service, err := s.portalService(r, d.Form.Service)
	if err == nil {
		var rc sqm.FeedbackReceipt
		rc, err = s.db.SubmitFeedback(sqm.WithActor(r.Context(), sqm.PortalActor), sqm.NewFeedback{ServiceID: service,
			Kind: sqm.FeedbackKind(d.Form.Kind), Title: d.Form.Title, Description: d.Form.Description, ContactEmail: d.Form.Email,
			Lang: p.Lang, Attachments: files})
		if err == nil {
			http.Redirect(w, r, "/portal/t/"+rc.Token+d.LangQ, http.StatusSeeOther)
			return
		}
	}
	s.portalFailed(w, r, p, d, err)
}

// portalFiles parses the form, and reads the files of a multipart one
// (browsers send an empty part when no file was chosen; it is skipped).
func portalFiles(r *http.Request) ([]sqm.NewAttachment, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil, r.ParseForm()
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return nil, err
	}
	var files []sqm.NewAttachment
	for _, fh := range r.MultipartForm.File["attachments"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, sqm.MaxAttachmentSize+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		files = append(files, sqm.NewAttachment{Name: fh.Filename, Data: data})
	}
	return files, nil
}

// serveAttachment sends a file as its sniffed type: pictures in place,
// the rest as a download, never run as a page.
func serveAttachment(w http.ResponseWriter, f sqlstore.AttachmentFile) {
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	disposition := "attachment"
	if f.Image() {
		disposition = "inline"
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}))
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	w.Write(f.Data) //nolint:errcheck // the client went away
}

func (s *Server) portalAttachment(w http.ResponseWriter, r *http.Request) {
	f, err := s.db.TrackedAttachment(r.Context(), r.PathValue("token"), r.PathValue("id"))
	if err != nil {
		p, d := s.tokenPage(r, "track")
		s.portalFailed(w, r, p, d, err)
		return
	}
	serveAttachment(w, f)
}

// portalService finds the service a form names, by ID or by name.
func (s *Server) portalService(r *http.Request, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", sqm.FieldError("service_id", "Choose the service the feedback is about.")
	}
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		return v, nil
	}
	system := sqm.WithActor(r.Context(), sqm.SystemActor)
	list, err := all(func(c string) (sqm.Page[sqm.Service], error) { return s.db.ListServices(system, c, sqlstore.MaxLimit) })
	if err != nil {
		return "", err
	}
	for _, svc := range list {
		if strings.EqualFold(svc.Name, v) {
			return svc.ID, nil
		}
	}
	return "", sqm.FieldError("service_id", "No service is named %q.", v)
}

// portalFailed shows the form or page again with the error, in the page's
// language, next to the field it names.
func (s *Server) portalFailed(w http.ResponseWriter, r *http.Request, p *page, d portalView, err error) {
	status := statusOf(err)
	d.Field = sqm.ErrorField(err)
	switch {
	case status >= 500:
		s.log.Error("portal_failed", "path", r.URL.Path, "error", err)
		d.Error = p.T("portal.failed")
	case sqm.ErrorCode(err) == sqm.ENOTFOUND && d.View != "form":
		d.View, d.Error = "gone", p.T("portal.link_invalid")
	case d.Field != "" && p.T("portal.err."+d.Field) != "portal.err."+d.Field:
		d.Error = p.T("portal.err." + d.Field)
	default:
		d.Error = sqm.ErrorMessage(err)
	}
	s.renderPortal(w, r, p, status, d)
}

// tokenPage is the page of a tracking or survey link, view track or
// survey, as its path names it.
func (s *Server) tokenPage(r *http.Request, view string) (*page, portalView) {
	return s.portalPage(r), portalView{View: view, Token: r.PathValue("token"), LangQ: langQuery(r)}
}

func (s *Server) portalTrack(w http.ResponseWriter, r *http.Request) {
	p, d := s.tokenPage(r, "track")
	s.showByToken(w, r, p, d, http.StatusOK)
}

// showByToken reads what d's link names (the tracking of a piece of
// feedback, or a survey) and shows it, never cached.
func (s *Server) showByToken(w http.ResponseWriter, r *http.Request, p *page, d portalView, status int) {
	var err error
	if d.View == "survey" {
		d.Survey, err = s.db.GetSurvey(r.Context(), d.Token)
	} else {
		d.Track, err = s.db.Track(r.Context(), d.Token)
	}
	if err != nil {
		s.portalFailed(w, r, p, d, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.renderPortal(w, r, p, status, d)
}

func (s *Server) portalReply(w http.ResponseWriter, r *http.Request) {
	p, d := s.tokenPage(r, "track")
	if !s.portalAllowed(w, r, p) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxPortalForm)
	d.Form.Reply = r.PostFormValue("body")
	if err := s.db.ReplyByTracking(r.Context(), d.Token, d.Form.Reply); err != nil {
		if sqm.ErrorCode(err) == sqm.EINVALID {
			d.Field, d.Error = "body", p.T("portal.err.body")
			s.showByToken(w, r, p, d, statusOf(err))
			return
		}
		s.portalFailed(w, r, p, d, err)
		return
	}
	http.Redirect(w, r, "/portal/t/"+d.Token+d.LangQ+"#replies", http.StatusSeeOther)
}

func (s *Server) portalSurvey(w http.ResponseWriter, r *http.Request) {
	p, d := s.tokenPage(r, "survey")
	s.showByToken(w, r, p, d, http.StatusOK)
}

func (s *Server) portalAnswer(w http.ResponseWriter, r *http.Request) {
	p, d := s.tokenPage(r, "survey")
	if !s.portalAllowed(w, r, p) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxPortalForm)
	rating, _ := strconv.Atoi(r.PostFormValue("rating"))
	d.Form.Rating, d.Form.Comment = rating, r.PostFormValue("comment")
	if _, err := s.db.AnswerSurvey(r.Context(), d.Token, sqm.SurveyAnswer{Rating: rating, Comment: d.Form.Comment}); err != nil {
		switch sqm.ErrorCode(err) {
		case sqm.EINVALID:
			d.Field = sqm.ErrorField(err)
			d.Error = p.T("portal.err." + d.Field)
		case sqm.ECONFLICT:
			d.Error = sqm.ErrorMessage(err)
		default:
			s.portalFailed(w, r, p, d, err)
			return
		}
		s.showByToken(w, r, p, d, statusOf(err))
		return
	}
	d.Answered = true
	s.showByToken(w, r, p, d, http.StatusOK)
}

// portalAllowed refuses a cross-site post, and a client address over its
// rate, with a page that says so.
func (s *Server) portalAllowed(w http.ResponseWriter, r *http.Request, p *page) bool {
	if !sameOrigin(r) {
		s.consoleError(w, p, http.StatusForbidden, "error.csrf")
		return false
	}
	if !s.portal.allow(clientAddr(r), time.Now()) {
		w.Header().Set("Retry-After", "60")
		s.consoleError(w, p, http.StatusTooManyRequests, "portal.slow_down")
		return false
	}
	return true
}

// maxPortalForm bounds a portal form: the longest description and its
// form encoding; maxPortalUpload one with its files.
const (
	maxPortalForm   = 64 << 10
	maxPortalUpload = maxPortalForm + sqm.MaxAttachments*(sqm.MaxAttachmentSize+4<<10)
)

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limiter allows each client address its own rate of posts to the portal,
// forgetting addresses idle for ten minutes.
type limiter struct {
	mu     sync.Mutex
	every  rate.Limit
	burst  int
	m      map[string]*limited
	swept  time.Time
	stopAt int // most addresses kept; beyond, the idle are swept at once
}

type limited struct {
	l    *rate.Limiter
	seen time.Time
}

func newLimiter(perMinute, burst int) *limiter {
	return &limiter{every: rate.Limit(float64(perMinute) / 60), burst: burst, m: map[string]*limited{}, stopAt: 100_000}
}

func (l *limiter) allow(addr string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute || len(l.m) > l.stopAt {
		for k, v := range l.m {
			if now.Sub(v.seen) > 10*time.Minute {
				delete(l.m, k)
			}
		}
		l.swept = now
	}
	e, ok := l.m[addr]
	if !ok {
		e = &limited{l: rate.NewLimiter(l.every, l.burst)}
		l.m[addr] = e
	}
	e.seen = now
	return e.l.AllowN(now, 1)
}

// LimitPortal sets how many posts a minute one client address may make to
// the portal, and how many at once (10 and 10 by default).
func (s *Server) LimitPortal(perMinute, burst int) { s.portal = newLimiter(perMinute, burst) }
