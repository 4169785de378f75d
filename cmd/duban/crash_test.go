package main

import (
	"bytes"
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"duban/internal/crashtest"
)

// TestCrashSafety builds the binary and runs a few SIGKILL trials: units
// save and submit reports with evidence through the real router of a child
// process, which is killed at a random moment and restarted; every
// acknowledged write must be there, with its file's sha256, the database
// must pass integrity_check and the audit log must verify. `duban
// crashtest --trials 100` runs the long version.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it: not in -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "duban")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	var log bytes.Buffer
	res, err := crashtest.Run(context.Background(), crashtest.Options{
		Binary: bin, Dir: filepath.Join(dir, "work"), Trials: 3, Port: port,
		MinKill: 300 * time.Millisecond, MaxKill: 1500 * time.Millisecond, Log: &log,
	})
	t.Log("\n" + log.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Lost) > 0 {
		t.Fatalf("acknowledged writes lost:\n%s", strings.Join(res.Lost, "\n"))
	}
	if res.Trials != 3 || res.Saves == 0 {
		t.Fatalf("the trials wrote nothing to check: %+v", res)
	}
}
