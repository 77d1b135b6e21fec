package http

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/sqmhq/sqm"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// contentSecurity is the console's Content-Security-Policy: everything from
// sqm itself, no inline script, no framing.
const contentSecurity = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// ui holds the parsed templates and the static files' checksum names.
type ui struct {
	pages  map[string]*template.Template
	static map[string]string // file name → /static/<sum>/<name>
	files  map[string][]byte // /static/<sum>/<name> → content
}

// newUI parses every page with the layout at start, failing fast.
func newUI() (*ui, error) {
	u := &ui{pages: map[string]*template.Template{}, static: map[string]string{}, files: map[string][]byte{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		url := "/static/" + hex.EncodeToString(sum[:6]) + "/" + path.Base(p)
		u.static[path.Base(p)], u.files[url] = url, b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" || base == "partials.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", base, err)
		}
		u.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return u, nil
}

// page is what every console template receives.
type page struct {
	Lang   string
	User   sqm.Actor
	CSRF   string
	Title  string
	Nav    string
	Loc    *time.Location
	Now    time.Time
	Data   any
	Notice string
	ui     *ui
}

// T translates a message key into the page's language.
func (p *page) T(key string) string { return tr(p.Lang, key) }

// Static returns the checksum URL of a static file.
func (p *page) Static(name string) string { return p.ui.static[name] }

// Time formats an instant in the viewer's zone, for the page's language.
func (p *page) Time(t any) string {
	var v time.Time
	switch x := t.(type) {
	case time.Time:
		v = x
	case *time.Time:
		if x == nil {
			return "—"
		}
		v = *x
	default:
		return ""
	}
	v = v.In(p.Loc)
	if p.Lang == "zh" {
		return v.Format("2006年1月2日 15:04")
	}
	return v.Format("2 Jan 2006 15:04")
}

// Month names the month of an instant in the viewer's zone.
func (p *page) Month(t time.Time) string {
	t = t.In(p.Loc)
	if p.Lang == "zh" {
		return t.Format("2006年1月")
	}
	return t.Format("Jan 2006")
}

// ISO formats an instant as RFC 3339, for machine-readable attributes.
func (p *page) ISO(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Dur formats a duration as hours and minutes.
func (p *page) Dur(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	var s string
	switch {
	case p.Lang == "zh" && h > 0:
		s = fmt.Sprintf("%d小时%d分", h, m)
	case p.Lang == "zh":
		s = fmt.Sprintf("%d分钟", m)
	case h > 0:
		s = fmt.Sprintf("%dh %02dm", h, m)
	default:
		s = fmt.Sprintf("%dm", m)
	}
	if neg {
		return "−" + s
	}
	return s
}

// Num formats a count with the locale's digit grouping.
func (p *page) Num(n int) string {
	tag := language.English
	if p.Lang == "zh" {
		tag = language.SimplifiedChinese
	}
	return message.NewPrinter(tag).Sprint(n)
}

// Pct formats a ratio as a percentage.
func (p *page) Pct(v *float64) string {
	if v == nil {
		return p.T("dash.no_data")
	}
	return fmt.Sprintf("%.1f%%", *v*100)
}

// render writes a console page with its security headers.
func (s *Server) render(w http.ResponseWriter, status int, name string, p *page) {
	t, ok := s.ui.pages[name]
	if !ok {
		s.log.Error("template_missing", "name", name)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	p.ui = s.ui
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		s.log.Error("render_failed", "page", name, "error", err)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", contentSecurity)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Language", map[string]string{"en": "en", "zh": "zh-Hans"}[p.Lang])
	w.WriteHeader(status)
	w.Write(buf.Bytes()) //nolint:errcheck // the client went away
}

// serveStatic serves an embedded file under its checksum URL, cached for good.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	b, ok := s.ui.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	ct := "text/plain; charset=utf-8"
	switch path.Ext(r.URL.Path) {
	case ".css":
		ct = "text/css; charset=utf-8"
	case ".js":
		ct = "text/javascript; charset=utf-8"
	case ".svg":
		ct = "image/svg+xml"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b) //nolint:errcheck
}
