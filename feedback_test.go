package sqm_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sqmhq/sqm"
)

// Whatever a browser sends as a file's name and content: a taken file has a
// plain name (no path, no control character, no quote, at most 100 runes)
// and one of the allowed types; a refused one names its field.
func FuzzCheckAttachments(f *testing.F) {
	f.Add("shot.png", []byte("\x89PNG\r\n\x1a\n0000"))
	f.Add(`..\..\a"b`+"\x00.txt", []byte("hello"))
	f.Add("x.pdf", []byte("%PDF-1.7"))
	f.Add("x.html", []byte("<html>"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		files := []sqm.NewAttachment{{Name: name, Data: data}}
		types, err := sqm.CheckAttachments(files)
		if err != nil {
			if sqm.ErrorField(err) != "attachments[0]" {
				t.Fatalf("error on field %q", sqm.ErrorField(err))
			}
			return
		}
		n := files[0].Name
		if n == "" || strings.ContainsAny(n, "/\\\"\x00\n\r") || utf8.RuneCountInString(n) > 100 || !utf8.ValidString(n) {
			t.Fatalf("name %q from %q", n, name)
		}
		switch types[0] {
		case "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain; charset=utf-8":
		default:
			t.Fatalf("type %q taken", types[0])
		}
	})
}
