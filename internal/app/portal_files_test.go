package app_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

// a 1×1 PNG.
var png1x1 = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// postFiles submits the portal form with files, as a browser does.
func postFiles(t *testing.T, base string, fields map[string]string, files map[string][]byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile("attachments", name)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/portal/feedback", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// Files sent with feedback are checked by their content, kept with the
// ticket, and served to the submitter and to agents as their sniffed type,
// never as a page.
func TestPortalAttachments(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		a, c := start(t, dsn)
		if err := a.DB.SetPassword(sqm.WithActor(context.Background(), sqm.SystemActor), "admin", "admin-password-1"); err != nil {
			t.Fatal(err)
		}
		sid := c.must(201, "POST", "/api/v1/services", map[string]any{"name": "App"})["id"].(string)
		fields := map[string]string{"kind": "bug", "service": sid, "title": "Crash", "description": "See the screenshot"}

		// An HTML page named like a picture is refused, and nothing is kept.
		resp, body := postFiles(t, c.base, fields, map[string][]byte{"shot.png": []byte("<html><script>alert(1)</script></html>")})
		if resp.StatusCode != 422 || !strings.Contains(body, "only pictures") {
			t.Fatalf("an HTML file: %d\n%s", resp.StatusCode, body)
		}
		if items := c.must(200, "GET", "/api/v1/tickets?type=feedback", nil)["items"].([]any); len(items) != 0 {
			t.Fatal("a refused submission opened a ticket")
		}
		resp, _ = postFiles(t, c.base, fields, map[string][]byte{"big.txt": bytes.Repeat([]byte("a"), sqm.MaxAttachmentSize+1)})
		if resp.StatusCode != 422 {
			t.Fatalf("a file over 5 MB: %d", resp.StatusCode)
		}

		// A picture (named .txt: the content decides) and a text file.
		resp, _ = postFiles(t, c.base, fields, map[string][]byte{`..\..\screen "1".txt`: png1x1, "log.txt": []byte("panic: nil map\n")})
		loc := resp.Header.Get("Location")
		if resp.StatusCode != 303 {
			t.Fatalf("with files: %d", resp.StatusCode)
		}
		tid := strings.Split(strings.TrimPrefix(loc, "/portal/t/"), ".")[0]
		files := c.must(200, "GET", "/api/v1/tickets/"+tid, nil)["attachments"].([]any)
		if len(files) != 2 {
			t.Fatalf("attachments: %v", files)
		}
		byType := map[string]map[string]any{}
		for _, f := range files {
			byType[f.(map[string]any)["content_type"].(string)] = f.(map[string]any)
		}
		pic, txt := byType["image/png"], byType["text/plain; charset=utf-8"]
		if pic == nil || txt == nil || pic["name"] != "screen 1.txt" || pic["size"].(float64) != float64(len(png1x1)) {
			t.Fatalf("attachments: %v", files)
		}

		// The submitter downloads through the tracking link.
		_, page := fetch(t, c.base+loc, "")
		if !strings.Contains(page, "/a/"+pic["id"].(string)) {
			t.Fatal("the tracking page does not list the files")
		}
		r, got := fetch(t, c.base+loc+"/a/"+pic["id"].(string), "")
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" || got != string(png1x1) ||
			r.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(r.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("the picture: %d %v", r.StatusCode, r.Header)
		}
		r, _ = fetch(t, c.base+loc+"/a/"+txt["id"].(string), "")
		if !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("a text file is a download: %v", r.Header)
		}
		if r, _ = fetch(t, c.base+"/portal/t/"+tid+".1.forged/a/"+pic["id"].(string), ""); r.StatusCode != 404 {
			t.Fatalf("a forged link: %d", r.StatusCode)
		}

		// Agents download in the console; strangers are sent to sign in.
		if r, _ = fetch(t, c.base+"/tickets/"+tid+"/attachments/"+pic["id"].(string), ""); r.StatusCode != 303 {
			t.Fatalf("signed out: %d", r.StatusCode)
		}
		s := signInHTTP(t, c.base, "admin", "admin-password-1")
		code, body := s.get("/tickets/" + tid + "/attachments/" + txt["id"].(string))
		if code != 200 || body != "panic: nil map\n" {
			t.Fatalf("in the console: %d %q", code, body)
		}
		if code, _ = s.get("/tickets/" + tid + "/attachments/999"); code != 404 {
			t.Fatalf("an unknown file: %d", code)
		}
	})
}
