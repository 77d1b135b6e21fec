package http

import "testing"

// A cell a spreadsheet would read as a formula gets a leading apostrophe;
// any other is written as it is.
func TestCSVSafe(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"付款失败", "付款失败"},
		{"a=b", "a=b"},
		{"'=quoted", "'=quoted"},
		{" =1+1", " =1+1"},
		{"=1+1", "'=1+1"},
		{`=HYPERLINK("http://evil.example/")`, `'=HYPERLINK("http://evil.example/")`},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"\n=1", "\n=1"},
	} {
		if got := csvSafe(tt.in); got != tt.want {
			t.Errorf("csvSafe(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
