// Package apply reads sqm's configuration as code: a YAML file of monitors,
// applied with `sqm apply -f`. Reading it is strict (unknown keys are
// refused, with their line) and does no I/O beyond the reader.
package apply

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// MaxFile bounds a configuration file.
const MaxFile = 4 << 20

// file is the configuration's shape.
type file struct {
	Monitors []monitor `yaml:"monitors"`
}

type monitor struct {
	Service     string          `yaml:"service"`
	Name        string          `yaml:"name"`
	Type        sqm.MonitorType `yaml:"type"`
	Target      string          `yaml:"target"`
	Interval    string          `yaml:"interval"`
	Timeout     string          `yaml:"timeout"`
	DownAfter   int             `yaml:"down_after"`
	UpAfter     int             `yaml:"up_after"`
	Priority    sqm.Priority    `yaml:"priority"`
	AutoResolve bool            `yaml:"auto_resolve"`
	Paused      bool            `yaml:"paused"`
	HTTP        *struct {
		Method        string            `yaml:"method"`
		Headers       map[string]string `yaml:"headers"`
		Body          string            `yaml:"body"`
		ExpectStatus  []int             `yaml:"expect_status"`
		BodyContains  string            `yaml:"body_contains"`
		BodyRegex     string            `yaml:"body_regex"`
		MaxLatency    string            `yaml:"max_latency"`
		SkipTLSVerify bool              `yaml:"skip_tls_verify"`
	} `yaml:"http"`
	TLS *struct {
		WarnDays   int    `yaml:"warn_days"`
		ServerName string `yaml:"server_name"`
		SkipVerify bool   `yaml:"skip_verify"`
	} `yaml:"tls"`
	Heartbeat *struct {
		Grace string `yaml:"grace"`
	} `yaml:"heartbeat"`
	DNS *struct {
		RecordType string `yaml:"record_type"`
		Expect     string `yaml:"expect"`
		Resolver   string `yaml:"resolver"`
	} `yaml:"dns"`
	KPI *struct {
		Query     string  `yaml:"query"`
		Op        string  `yaml:"op"`
		Threshold float64 `yaml:"threshold"`
	} `yaml:"kpi"`
}

// Parse reads a configuration into monitor specs; durations are Go
// duration strings ("30s", "5m"). Errors name the monitor and its field,
// or the line of the YAML.
func Parse(r io.Reader) ([]sqlstore.MonitorSpec, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFile {
		return nil, &sqm.Error{Code: sqm.ETOOLARGE, Message: fmt.Sprintf("The configuration is larger than %d bytes.", MaxFile)}
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f file
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, sqm.Errorf(sqm.EINVALID, "The configuration is empty.")
		}
		return nil, sqm.Errorf(sqm.EINVALID, "The configuration is not valid YAML for sqm: %v", err)
	}
	var rest any
	if err := dec.Decode(&rest); !errors.Is(err, io.EOF) {
		return nil, sqm.Errorf(sqm.EINVALID, "The configuration holds more than one YAML document.")
	}
	specs := make([]sqlstore.MonitorSpec, 0, len(f.Monitors))
	for i, m := range f.Monitors {
		field := fmt.Sprintf("monitors[%d]", i)
		if m.Service == "" {
			return nil, sqm.FieldError(field+".service", "Name the monitor's service.")
		}
		sp := sqlstore.MonitorSpec{Service: m.Service, Monitor: sqm.Monitor{Name: m.Name, Type: m.Type, Target: m.Target,
			DownAfter: m.DownAfter, UpAfter: m.UpAfter, Priority: m.Priority, AutoResolve: m.AutoResolve, Paused: m.Paused}}
		durations := []struct {
			name, value string
			to          *time.Duration
		}{{"interval", m.Interval, &sp.Interval}, {"timeout", m.Timeout, &sp.Timeout}}
		if h := m.HTTP; h != nil {
			sp.HTTP = &sqm.HTTPCheck{Method: h.Method, Headers: h.Headers, Body: h.Body, ExpectStatus: h.ExpectStatus,
				BodyContains: h.BodyContains, BodyRegex: h.BodyRegex, SkipTLSVerify: h.SkipTLSVerify}
			durations = append(durations, struct {
				name, value string
				to          *time.Duration
			}{"http.max_latency", h.MaxLatency, &sp.HTTP.MaxLatency})
		}
		if t := m.TLS; t != nil {
			sp.TLS = &sqm.TLSCheck{WarnDays: t.WarnDays, ServerName: t.ServerName, SkipVerify: t.SkipVerify}
		}
		if d := m.DNS; d != nil {
			sp.DNS = &sqm.DNSCheck{RecordType: d.RecordType, Expect: d.Expect, Resolver: d.Resolver}
		}
		if k := m.KPI; k != nil {
			sp.KPI = &sqm.KPICheck{Query: k.Query, Op: k.Op, Threshold: k.Threshold}
		}
		if h := m.Heartbeat; h != nil {
			sp.Heartbeat = &sqm.Heartbeat{}
			durations = append(durations, struct {
				name, value string
				to          *time.Duration
			}{"heartbeat.grace", h.Grace, &sp.Heartbeat.Grace})
		}
		for _, d := range durations {
			if d.value == "" {
				continue
			}
			v, err := time.ParseDuration(d.value)
			if err != nil {
				return nil, sqm.FieldError(field+"."+d.name, "%q is not a duration such as \"30s\" or \"5m\".", d.value)
			}
			*d.to = v
		}
		specs = append(specs, sp)
	}
	return specs, nil
}
