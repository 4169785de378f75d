package bench_test

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"duban/internal/bench"
	"duban/internal/testutil"
)

func TestCheckLoopback(t *testing.T) {
	for u, ok := range map[string]bool{
		"http://127.0.0.1:8080": true, "http://localhost:8080": true, "http://[::1]:8080": true,
		"http://10.0.0.5:8080": false, "https://example.org": false, "http://192.0.2.1": false,
	} {
		if err := bench.CheckLoopback(u); (err == nil) != ok {
			t.Errorf("CheckLoopback(%s) = %v", u, err)
		}
	}
}

// TestRunPagesOnTheRouter runs a short benchmark against a test portal:
// every page answers without error, the writes are acknowledged, and
// every row has a ratio to the hello handler of the same run.
func TestRunPagesOnTheRouter(t *testing.T) {
	p := testutil.Start(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hello := l.Addr().String()
	l.Close()
	rows, err := bench.RunPages(context.Background(), bench.Options{
		URL: p.Server.URL, Password: p.App.DemoPassword, Concurrency: 2,
		Duration: 150 * time.Millisecond, HelloAddr: hello, FileKB: 5,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 10 || !strings.HasPrefix(rows[0].Name, "hello") || rows[0].Ratio != 1 {
		t.Fatalf("rows = %+v", rows)
	}
	for _, r := range rows {
		if r.Errors > 0 || r.Requests == 0 || r.Ratio <= 0 || r.P99 < r.P50 {
			t.Errorf("%s: %+v", r.Name, r)
		}
	}
	var b strings.Builder
	bench.PrintRows(&b, rows)
	t.Log("\n" + b.String())
}

// TestSoakMixesReadsAndWrites runs a two-second soak against a test portal
// (in this process, whose RSS it follows): no 5xx, drafts saved among the
// reads, memory sampled.
func TestSoakMixesReadsAndWrites(t *testing.T) {
	p := testutil.Start(t)
	var out strings.Builder
	res, err := bench.RunSoak(context.Background(), bench.SoakOptions{
		URL: p.Server.URL, Password: p.App.DemoPassword, Users: 10, Duration: 2 * time.Second,
		Think: 5 * time.Millisecond, Every: time.Second, PID: os.Getpid(), FileKB: 2, Out: &out,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	if res.Server != 0 || len(res.RSS) < 2 || res.RSS[0].KB == 0 {
		t.Fatalf("soak: %d 5xx, RSS %+v", res.Server, res.RSS)
	}
	names := map[string]int{}
	for _, r := range res.Rows {
		names[r.Name] = r.Requests
	}
	if names["unit: save draft with file"] == 0 || names["unit /todo"] == 0 {
		t.Fatalf("the soak did not mix reads and writes: %v", names)
	}
}
