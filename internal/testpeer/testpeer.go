// Package testpeer runs the real programs tests talk to (Prometheus,
// Alertmanager): found on the PATH, on a free local port, ready before the
// test goes on, stopped after it.
package testpeer

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"
)

// Find returns the path of a peer's program; without it the test skips,
// unless CI is set: CI must run the tests that drive real peers.
func Find(t *testing.T, name string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed: CI must run this test (.ci/run installs it)", name)
		}
		t.Skipf("skipped: install Debian's %s to run this test", name)
	}
	return bin
}

// FreeAddr returns a local address no one listens on.
func FreeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Start runs bin with args, serving on addr, and waits until its /-/ready
// answers 200; it returns the peer's base URL. Its output is logged when
// the test fails.
func Start(t *testing.T, bin, addr string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("%s:\n%s", bin, logs.String())
		}
	})
	base := "http://" + addr
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(base + "/-/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
	}
	t.Fatalf("%s did not start:\n%s", bin, logs.String())
	return ""
}
