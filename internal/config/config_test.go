package config

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func TestDaysVar(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"7d", 7 * 24 * time.Hour, ""},
		{"36h", 36 * time.Hour, ""},
		{"1d12h", 36 * time.Hour, ""},
		{"400d", 400 * 24 * time.Hour, ""},
		{"90m", 90 * time.Minute, ""},
		{"", 0, "not a positive duration"},
		{"0d", 0, "not a positive duration"},
		{"-3h", 0, "not a duration"},
		{"7", 0, "not a duration"},
		{"d", 0, "not a duration"},
		{"7days", 0, "not a duration"},
		{"1d1d", 0, "not a duration"},
		{"99999d", 0, "not a duration"},
	} {
		got := 24 * time.Hour
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		if err := DaysVar(fs, &got, "keep", "SQM_TEST_KEEP_UNSET", ""); err != nil {
			t.Fatal(err)
		}
		err := fs.Parse([]string{"--keep", c.in})
		switch {
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("--keep %q: %s, %v; want %s", c.in, got, err, c.want)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("--keep %q: %s, %v; want an error saying %q", c.in, got, err, c.err)
		case c.err != "" && got != 24*time.Hour:
			t.Errorf("--keep %q was refused but changed the value to %s", c.in, got)
		}
	}
}

func TestDaysVarFromEnvironment(t *testing.T) {
	t.Setenv("SQM_TEST_KEEP", "30d")
	got := 7 * 24 * time.Hour
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	if err := DaysVar(fs, &got, "keep", "SQM_TEST_KEEP", ""); err != nil || got != 30*24*time.Hour {
		t.Fatalf("from the environment: %s, %v", got, err)
	}
	if f := fs.Lookup("keep"); f.DefValue != "30d" {
		t.Fatalf("-h would show the default as %q", f.DefValue)
	}
	if err := fs.Parse([]string{"--keep", "2d"}); err != nil || got != 48*time.Hour {
		t.Fatalf("the flag wins over the variable: %s, %v", got, err)
	}
	t.Setenv("SQM_TEST_KEEP", "a week")
	if err := DaysVar(flag.NewFlagSet("t", flag.ContinueOnError), &got, "keep", "SQM_TEST_KEEP", ""); err == nil ||
		!strings.Contains(err.Error(), "SQM_TEST_KEEP") {
		t.Fatalf("a bad variable: %v", err)
	}
}

func FuzzDays(f *testing.F) {
	for _, s := range []string{"7d", "36h", "1d12h30m", "0d", "-1h", "d", "9999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var d days
		if err := d.Set(s); err != nil {
			if d != 0 {
				t.Fatalf("%q refused but set %s", s, time.Duration(d))
			}
			return
		}
		if d <= 0 {
			t.Fatalf("%q gave %s", s, time.Duration(d))
		}
		var again days
		if err := again.Set(d.String()); err != nil || again != d {
			t.Fatalf("%q → %q → %s, %v", s, d.String(), time.Duration(again), err)
		}
	})
}
