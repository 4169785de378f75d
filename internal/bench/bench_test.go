package bench_test

import (
	"context"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"duban/internal/bench"
	"duban/internal/config"
	"duban/internal/synth"
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
	p := testutil.Start(t, func(c *config.Config) { c.APIRate = 1000000 }) // as bench --start runs it
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hello := l.Addr().String()
	l.Close()
	rows, err := bench.RunPages(context.Background(), bench.Options{
		URL: p.Server.URL, Password: p.App.DemoPassword, Concurrency: 2,
		Duration: 150 * time.Millisecond, HelloAddr: hello, FileKB: 5, AllUnits: true,
		PID: os.Getpid(), // the portal serves from this process
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 10 || !strings.HasPrefix(rows[0].Name, "hello") || rows[0].Ratio != 1 {
		t.Fatalf("rows = %+v", rows)
	}
	api, writes := 0, 0
	for _, r := range rows {
		if r.Errors > 0 || r.Requests == 0 || r.Ratio <= 0 || r.P99 < r.P50 {
			t.Errorf("%s: %+v", r.Name, r)
		}
		if strings.HasPrefix(r.Name, "api") {
			api++
		}
		if strings.HasPrefix(r.Name, "unit: ") {
			writes++
			if r.CPUms <= 0 || r.PeakKB <= 0 {
				t.Errorf("%s: no CPU time or RSS measured: %+v", r.Name, r)
			}
		}
		// Every writer saves forms of its own: a 409 would be the tool's
		// mistake (a shared form or a wrong lock version), not contention.
		if (strings.HasPrefix(r.Name, "unit: ") || strings.HasPrefix(r.Name, "api: ")) && r.Conflict > 0 {
			t.Errorf("%s: %d conflicts", r.Name, r.Conflict)
		}
	}
	if api != 2 {
		t.Errorf("%d API rows, want the ledger and the draft", api)
	}
	if writes != 3 {
		t.Errorf("%d write rows, want drafts, saves and submits alone, and the full flow", writes)
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

// TestRepeatedDraftsStayUnderTheFileLimit: a report holds at most 30
// evidence files, so a client saving the same draft with a new file again
// and again (the soak, the draft benchmark) takes the older files off
// instead of being refused with 422 from the 31st save on.
func TestRepeatedDraftsStayUnderTheFileLimit(t *testing.T) {
	p := testutil.Start(t)
	ctx := context.Background()
	c, forms, err := bench.LoginWriter(ctx, p.Server.URL, "canlian", p.App.DemoPassword)
	if err != nil || len(forms) == 0 {
		t.Fatalf("forms %v: %v", forms, err)
	}
	for i := range 40 {
		if _, err := c.SaveAndSubmit(ctx, forms[0], "draft", bench.NewEvidence("e.pdf", 1000), false); err != nil {
			t.Fatalf("save %d: %v", i+1, err)
		}
	}
	pg, err := c.Get(ctx, forms[0])
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(pg.Body), `name="remove_file"`); n == 0 || n > 30 {
		t.Errorf("the draft holds %d files after 40 saves", n)
	}
}

// TestRunPagesOnASynthDataset: on a dataset made by synth with bench
// accounts, the tool logs in with them, reads the pages and writes on the
// generated units' forms.
func TestRunPagesOnASynthDataset(t *testing.T) {
	p := testutil.Start(t, testutil.NoDemo())
	ctx := context.Background()
	const password = "bench-test-password-1"
	hash, err := p.App.Hasher.Hash(ctx, password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := synth.Generate(ctx, p.App.Store, synth.Options{Units: 40, Plans: 2, Measures: 30, UnitsPerMeasure: 4, Periods: 4,
		Now: p.Clock.Now(), Seed: 5, BenchPasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	var acc bench.Accounts
	acc.Reviewer, acc.Leader, acc.Writers = synth.BenchAccounts("")
	acc.Unit = acc.Writers[0]
	rows, err := bench.RunPages(ctx, bench.Options{URL: p.Server.URL, Password: password, Concurrency: 2,
		Duration: 100 * time.Millisecond, HelloAddr: "127.0.0.1:0", FileKB: 2, Accounts: acc,
		Only: regexp.MustCompile(`^(reviewer /|leader /|unit /todo|unit: open form)`)})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, r := range rows {
		names[r.Name] = true
		if r.Errors > 0 || r.Requests == 0 {
			t.Errorf("%s: %+v", r.Name, r)
		}
	}
	if !names["leader /"] || !names["unit /todo"] || !names["unit: open form + save draft with 2 KB file"] || names["unit / (dashboard)"] {
		t.Errorf("rows measured: %v", names)
	}
}

// BenchmarkSaveDraft measures one unit writer's round — open the report
// form, save it with a 50 KB file — against a test portal in this
// process, one writer at a time, so its ns/op and allocs/op are the cost
// of a write, not of the queue in front of SQLite's writer.
//
//	go test -run XXX -bench SaveDraft -benchmem ./internal/bench/
func BenchmarkSaveDraft(b *testing.B) {
	p := testutil.Start(b, testutil.WithDemoHistory())
	ctx := context.Background()
	c, forms, err := bench.LoginWriter(ctx, p.Server.URL, "jiaoyuju", p.App.DemoPassword)
	if err != nil || len(forms) == 0 {
		b.Fatal("no report form", err)
	}
	file := bench.NewEvidence("bench.pdf", 50*1024)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.SaveAndSubmit(ctx, forms[0], "bench draft", file, false); err != nil {
			b.Fatal(err)
		}
	}
}
