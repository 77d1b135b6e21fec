package segment_test

import (
	"slices"
	"testing"

	"github.com/sqmhq/sqm/internal/segment"
	"github.com/sqmhq/sqm/textgroup"
)

func TestTermsOfChineseAndEnglish(t *testing.T) {
	s := segment.New()
	got, err := s.Terms("更新到2.3版本后，打开应用即闪退。Login fails on Android 14!")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"更新", "版本", "打开", "应用", "闪退", "login", "fails", "android"} {
		if !slices.Contains(got, want) {
			t.Errorf("terms %v lack %q", got, want)
		}
	}
	for _, unwanted := range []string{"，", "。", "2.3", "14", "后", "!"} {
		if slices.Contains(got, unwanted) {
			t.Errorf("terms %v keep %q", got, unwanted)
		}
	}
	// Texts that say the same in other words group together.
	a, _ := s.Terms("登录以后应用闪退")
	b, _ := s.Terms("每次登录都闪退，没法用")
	c, _ := s.Terms("希望增加夜间模式")
	m := textgroup.NewModel([]textgroup.Doc{{ID: 1, Terms: a}, {ID: 2, Terms: b}, {ID: 3, Terms: c}})
	if m.Similarity(a, b) <= m.Similarity(a, c) || m.Similarity(a, c) != 0 {
		t.Errorf("similarity: crash/crash %.2f, crash/dark mode %.2f", m.Similarity(a, b), m.Similarity(a, c))
	}
}
