package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"duban/internal/testutil"
)

// TestMain lets the test binary act as the duban command, so the serve tests
// run the real program as a child process without a separate build.
func TestMain(m *testing.M) {
	if os.Getenv("DUBAN_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

type child struct {
	cmd    *exec.Cmd
	addr   string
	stdout *bufio.Reader
	done   chan error
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServe runs `duban serve args…` and waits until /healthz answers.
func startServe(t *testing.T, args ...string) *child {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", addr}, args...)...)
	cmd.Env = append(os.Environ(), "DUBAN_AS_MAIN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, addr: addr, stdout: bufio.NewReader(out), done: make(chan error, 1)}
	go func() {
		_, _ = io.Copy(io.Discard, c.stdout)
		c.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("server log:\n%s", stderr.String())
		}
	})
	deadline := time.Now().Add(120 * time.Second) // the demo history on a busy machine
	for time.Now().Before(deadline) {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return c
			}
		}
		select {
		case err := <-c.done:
			t.Fatalf("server exited early: %v\n%s", err, stderr.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("server did not become healthy\n%s", stderr.String())
	return nil
}

// TestGracefulShutdown sends SIGTERM while a request is still uploading its
// body: the request must complete and the process exit 0.
func TestGracefulShutdown(t *testing.T) {
	dir := t.TempDir()
	c := startServe(t, "--demo", "--data-dir", dir)

	conn, err := net.Dial("tcp", c.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "username=nobody&password=not-the-password"
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nSec-Fetch-Site: same-origin\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", c.addr, len(body))
	fmt.Fprint(conn, body[:10])
	time.Sleep(300 * time.Millisecond) // the handler is now reading the body

	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	// New connections are refused while the old one finishes.
	if _, err := http.Get("http://" + c.addr + "/healthz"); err == nil {
		t.Error("server still accepted new requests after SIGTERM")
	}
	fmt.Fprint(conn, body[10:])
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request did not complete: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("in-flight login answered %d, want 401", res.StatusCode)
	}
	select {
	case err := <-c.done:
		if err != nil {
			t.Fatalf("process exit: %v, want exit 0", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("process did not exit after SIGTERM")
	}
	// The database was closed cleanly: no WAL left behind.
	if fi, err := os.Stat(filepath.Join(dir, "duban.db-wal")); err == nil && fi.Size() > 0 {
		t.Errorf("WAL file of %d bytes left after shutdown", fi.Size())
	}
}

// TestServeOnPostgres runs the same binary against an empty PostgreSQL
// database: it migrates, serves the login page and logs a demo user in.
func TestServeOnPostgres(t *testing.T) {
	dsn := testutil.PostgresURL(t)
	c := startServe(t, "--demo", "--data-dir", t.TempDir(), "--db", dsn)
	res, err := http.Get("http://" + c.addr + "/login")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), "登录督办平台") {
		t.Fatalf("login page on PostgreSQL: %d", res.StatusCode)
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.done:
		if err != nil {
			t.Fatalf("exit: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
}

func TestFlagsAfterPositionals(t *testing.T) {
	var out, errb strings.Builder
	err := run(context.Background(), []string{"version"}, strings.NewReader(""), &out, &errb)
	if err != nil || !strings.HasPrefix(out.String(), "duban ") {
		t.Fatalf("version: %v %q", err, out.String())
	}
	if err := run(context.Background(), []string{"nonsense"}, strings.NewReader(""), &out, &errb); err == nil {
		t.Fatal("unknown command accepted")
	}
}
