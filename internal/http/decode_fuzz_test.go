package http

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
)

// Policies arrive from outside as JSON: whatever the bytes, decoding and
// validating never panics, and a policy that passes has whole-second,
// positive targets for every priority.
func FuzzPolicyInput(f *testing.F) {
	f.Add([]byte(`{"name":"Gold","calendar_id":"1","targets":{"P1":{"first_response":"15m","resolution":"4h"},"P2":{"first_response":900,"resolution":"8h"},"P3":{"first_response":"2h","resolution":"24h"},"P4":{"first_response":"4h","resolution":"40h"}},"pause_statuses":["waiting_on_customer"],"warn_at_percent":80}`))
	f.Add([]byte(`{"targets":{"P1":{"first_response":"-1s"}}}`))
	f.Add([]byte(`{"targets":{"P9":{"first_response":1e99}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var in policyInput
		if strictUnmarshal(b, &in) != nil {
			return
		}
		p, err := in.policy()
		if err != nil {
			if sqm.ErrorField(err) == "" {
				t.Fatalf("a target error without its field: %v", err)
			}
			return
		}
		if p.Validate() != nil {
			return
		}
		for _, pr := range sqm.Priorities {
			for _, d := range []time.Duration{p.Targets[pr].FirstResponse, p.Targets[pr].Resolution} {
				if d <= 0 || d%time.Second != 0 || d > sqm.MaxTarget {
					t.Fatalf("a valid policy with target %v", d)
				}
			}
		}
	})
}

// A duration read from a string or seconds writes back as the same seconds.
func FuzzDuration(f *testing.F) {
	for _, s := range []string{`"15m"`, `"4h"`, `"90s"`, `14400`, `"1h30m"`, `-5`, `"x"`, `1.5`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d Duration
		if json.Unmarshal(b, &d) != nil {
			return
		}
		out, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back Duration
		if err := json.Unmarshal(out, &back); err != nil && time.Duration(d) >= 0 && time.Duration(d) <= sqm.MaxTarget {
			t.Fatalf("%s wrote %s, which does not read back: %v", b, out, err)
		}
		if time.Duration(back) != time.Duration(d).Truncate(time.Second) && time.Duration(d) >= 0 && time.Duration(d) <= sqm.MaxTarget {
			t.Fatalf("%s → %s → %v", b, out, time.Duration(back))
		}
	})
}

// An import's tickets are validated before anything is written; arbitrary
// JSON never panics the validation, and what passes is in order and in the past.
func FuzzImportTicket(f *testing.F) {
	f.Add([]byte(`{"ref":"A-1","service_id":"1","type":"incident","priority":"P1","title":"x","opened_at":"2026-01-01T00:00:00Z","events":[{"at":"2026-01-01T00:10:00Z","type":"comment","by":"requester","public":true,"body":"hi"},{"at":"2026-01-01T01:00:00Z","type":"status","status":"resolved"}]}`))
	f.Add([]byte(`{"ref":"","events":[{"type":"ack"}]}`))
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, b []byte) {
		var it sqm.ImportTicket
		if strictUnmarshal(b, &it) != nil {
			return
		}
		if err := it.Validate("tickets[0]", now); err != nil {
			if sqm.ErrorCode(err) != sqm.EINVALID {
				t.Fatalf("validation error of code %s: %v", sqm.ErrorCode(err), err)
			}
			return
		}
		last := it.OpenedAt
		for _, e := range it.Events {
			if e.At.Before(last) || e.At.After(now) {
				t.Fatalf("an accepted event at %v after %v", e.At, last)
			}
			last = e.At
		}
	})
}
