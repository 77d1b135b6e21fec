package http

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

const sessionCookie = "sqm_session"

// consoleHandler is a console page or action; it gets the signed-in page.
type consoleHandler func(w http.ResponseWriter, r *http.Request, p *page)

// console serves h to signed-in users whose role is at least min. A
// signed-out visitor is sent to the sign-in form; every POST must carry
// the session's CSRF token and come from this origin.
func (s *Server) console(min sqm.Role, h consoleHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var sess sqlstore.Session
		c, err := r.Cookie(sessionCookie)
		if err == nil {
			if sess, err = s.db.SessionFor(r.Context(), c.Value); sqm.ErrorCode(err) == sqm.EINTERNAL {
				s.log.Error("session_failed", "error", err)
			}
		}
		if err != nil {
			next := "/"
			if r.Method == http.MethodGet {
				next = r.URL.RequestURI()
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		p := s.newPage(r, sess.Lang, sess.Timezone)
		p.User, p.CSRF = sess.Actor, sess.CSRF
		r = r.WithContext(sqm.WithActor(r.Context(), sess.Actor))
		if r.Method == http.MethodPost {
			if !sameOrigin(r) || subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(sess.CSRF)) != 1 {
				s.log.Warn("csrf_refused", "user", sess.Actor.Name, "path", r.URL.Path)
				s.consoleError(w, p, http.StatusForbidden, "error.csrf")
				return
			}
		}
		if !sess.Actor.Role.AtLeast(min) {
			s.consoleError(w, p, http.StatusForbidden, "error.forbidden")
			return
		}
		h(w, r, p)
	}
}

// newPage starts a page in the right language and zone.
func (s *Server) newPage(r *http.Request, lang, zone string) *page {
	loc := time.UTC
	if zone != "" {
		if l, err := time.LoadLocation(zone); err == nil {
			loc = l
		}
	}
	return &page{Lang: pickLang(r, lang), Loc: loc, Now: s.db.Now()}
}

// sameOrigin refuses a POST whose Origin (or Referer) names another site.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = r.Header.Get("Referer")
	}
	if origin == "" {
		return true // not a browser's cross-site request; the token decides
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// consoleError shows an error page.
func (s *Server) consoleError(w http.ResponseWriter, p *page, status int, key string) {
	p.Title, p.Data = p.T("error.title"), p.T(key)
	s.render(w, status, "error", p)
}

// showLogin serves the sign-in form.
func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "", "")
	p.Title = p.T("login.title")
	p.Data = loginForm{Next: safeNext(r.URL.Query().Get("next"))}
	s.render(w, http.StatusOK, "login", p)
}

type loginForm struct {
	Next, Username, Error string
}

// login checks the credentials, slowing down repeated failures.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	p := s.newPage(r, "", "")
	p.Title = p.T("login.title")
	name := strings.TrimSpace(r.PostFormValue("username"))
	form := loginForm{Next: safeNext(r.PostFormValue("next")), Username: name}
	if !sameOrigin(r) {
		s.consoleError(w, p, http.StatusForbidden, "error.csrf")
		return
	}
	key := clientIP(r) + "\x00" + name
	if !s.failures.allow(key, time.Now()) {
		s.log.Warn("login_throttled", "user", name, "client", clientIP(r))
		form.Error = p.T("login.slow_down")
		p.Data = form
		s.render(w, http.StatusTooManyRequests, "login", p)
		return
	}
	secret, sess, err := s.db.Login(r.Context(), name, r.PostFormValue("password"))
	if err != nil {
		if sqm.ErrorCode(err) != sqm.EUNAUTHORIZED {
			s.log.Error("login_failed", "error", err)
		}
		s.failures.fail(key, time.Now())
		s.log.Warn("login_refused", "user", name, "client", clientIP(r))
		form.Error = p.T("login.failed")
		p.Data = form
		s.render(w, http.StatusUnauthorized, "login", p)
		return
	}
	s.failures.reset(key)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode, MaxAge: int(sqlstore.SessionMax / time.Second)})
	s.log.Info("signed_in", "user", sess.Actor.Name)
	http.Redirect(w, r, form.Next, http.StatusSeeOther)
}

// logout ends the session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, _ *page) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.db.Logout(r.Context(), c.Value); err != nil {
			s.log.Error("logout_failed", "error", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a redirect target on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// failures slows down guessing: after five failed sign-ins for one user
// from one address within fifteen minutes, that pair waits a minute.
type failures struct {
	mu sync.Mutex
	m  map[string][]time.Time
}

const (
	maxFailures   = 5
	failureWindow = 15 * time.Minute
	failurePause  = time.Minute
)

func (f *failures) recent(key string, now time.Time) []time.Time {
	var keep []time.Time
	for _, t := range f.m[key] {
		if now.Sub(t) < failureWindow {
			keep = append(keep, t)
		}
	}
	return keep
}

func (f *failures) allow(key string, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	list := f.recent(key, now)
	f.m[key] = list
	return len(list) < maxFailures || now.Sub(list[len(list)-1]) >= failurePause
}

func (f *failures) fail(key string, now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.m) > 100000 {
		clear(f.m)
	}
	f.m[key] = append(f.recent(key, now), now)
}

func (f *failures) reset(key string) {
	f.mu.Lock()
	delete(f.m, key)
	f.mu.Unlock()
}
