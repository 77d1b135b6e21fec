package http

import (
	"math"
	"regexp"
	"strconv"
	"testing"
)

// TestPaletteContrast holds the console's colours to WCAG 2.x: every pair
// of text and the surface it is drawn on reaches 4.5:1 (normal text).
func TestPaletteContrast(t *testing.T) {
	css, err := staticFS.ReadFile("static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6})`).FindAllStringSubmatch(string(css), -1) {
		vars[m[1]] = m[2]
	}
	pairs := [][2]string{
		{"ink", "bg"}, {"ink", "panel"}, {"muted", "bg"}, {"muted", "panel"},
		{"accent", "bg"}, {"accent", "panel"}, {"accent-ink", "accent"},
		{"ok", "panel"}, {"bad", "panel"}, {"warn", "panel"}, {"pause", "panel"},
	}
	if r := contrast("#767676", "#ffffff"); math.Abs(r-4.54) > 0.01 {
		t.Fatalf("contrast of #767676 on white is %.3f; WCAG's reference value is 4.54", r)
	}
	for _, p := range pairs {
		fg, ok1 := vars[p[0]]
		bg, ok2 := vars[p[1]]
		if !ok1 || !ok2 {
			t.Errorf("app.css has no --%s or --%s", p[0], p[1])
			continue
		}
		if r := contrast(fg, bg); r < 4.5 {
			t.Errorf("--%s %s on --%s %s: contrast %.2f:1, under 4.5:1", p[0], fg, p[1], bg, r)
		}
	}
}

// contrast is the WCAG contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}
