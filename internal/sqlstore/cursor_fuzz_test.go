package sqlstore

import "testing"

// Cursors come back from callers: any string decodes to a valid ID or a
// field error, and every cursor the server gives out reads back.
func FuzzCursor(f *testing.F) {
	f.Add("", int64(1))
	f.Add("YzQy", int64(42))
	f.Add("!!!", int64(1<<62))
	f.Fuzz(func(t *testing.T, s string, id int64) {
		if got, err := decodeCursor(s); err == nil && s != "" && got <= 0 {
			t.Fatalf("cursor %q decoded to %d", s, got)
		}
		if id <= 0 {
			return
		}
		if got, err := decodeCursor(encodeCursor(id)); err != nil || got != id {
			t.Fatalf("cursor of %d reads back as %d, %v", id, got, err)
		}
	})
}
