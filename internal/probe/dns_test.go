package probe_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/probe"
)

// dnsServer runs a real DNS server (github.com/miekg/dns) on 127.0.0.1
// that answers for shop.example.test.
func dnsServer(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := dns.NewServeMux()
	mux.HandleFunc("example.test.", func(w dns.ResponseWriter, q *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(q)
		for _, question := range q.Question {
			var rr []string
			switch {
			case question.Name == "shop.example.test." && question.Qtype == dns.TypeA:
				rr = []string{"shop.example.test. 60 IN A 192.0.2.10", "shop.example.test. 60 IN A 192.0.2.11"}
			case question.Name == "shop.example.test." && question.Qtype == dns.TypeTXT:
				rr = []string{`shop.example.test. 60 IN TXT "v=spf1 -all"`}
			case question.Name == "example.test." && question.Qtype == dns.TypeMX:
				rr = []string{"example.test. 60 IN MX 10 mail.example.test."}
			}
			for _, s := range rr {
				r, err := dns.NewRR(s)
				if err != nil {
					t.Error(err)
					continue
				}
				m.Answer = append(m.Answer, r)
			}
			if len(rr) == 0 && question.Name != "shop.example.test." && question.Name != "example.test." {
				m.Rcode = dns.RcodeNameError
			}
		}
		w.WriteMsg(m)
	})
	srv := &dns.Server{PacketConn: pc, Handler: mux}
	go srv.ActivateAndServe()
	t.Cleanup(func() { srv.Shutdown() })
	return pc.LocalAddr().String()
}

func TestDNSCheck(t *testing.T) {
	resolver := dnsServer(t)
	c := probe.NewChecker()
	check := func(target string, d sqm.DNSCheck) sqm.CheckResult {
		d.Resolver = resolver
		return c.Check(context.Background(), sqm.Monitor{ID: "1", Type: sqm.MonitorDNS, Target: target, Timeout: 3 * time.Second, DNS: &d})
	}
	for _, tc := range []struct {
		target string
		d      sqm.DNSCheck
		ok     bool
		why    string
	}{
		{"shop.example.test", sqm.DNSCheck{RecordType: "A", Expect: "192.0.2.11"}, true, ""},
		{"shop.example.test", sqm.DNSCheck{RecordType: "A"}, true, ""},
		{"shop.example.test", sqm.DNSCheck{RecordType: "A", Expect: "198.51.100.1"}, false, "192.0.2.10, 192.0.2.11"},
		{"shop.example.test", sqm.DNSCheck{RecordType: "TXT", Expect: "spf1"}, true, ""},
		{"example.test", sqm.DNSCheck{RecordType: "MX", Expect: "mail.example.test"}, true, ""},
		{"gone.example.test", sqm.DNSCheck{RecordType: "A"}, false, "no such host"},
	} {
		r := check(tc.target, tc.d)
		if r.OK != tc.ok || !strings.Contains(r.Error, tc.why) {
			t.Errorf("%s %+v: ok %v, error %q; want ok %v and %q", tc.target, tc.d, r.OK, r.Error, tc.ok, tc.why)
		}
	}
}
