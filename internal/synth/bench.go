package synth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"duban/internal/app"
	"duban/internal/model"
	"duban/internal/store"
)

// BenchOptions tune Bench.
type BenchOptions struct {
	Runs   int       // requests per page after one warm-up
	PlanID int64     // the plan of the one-plan pages (0: the newest)
	Out    io.Writer // the report
}

// BenchUser is the reviewer account Bench logs in with; its password is
// set to a fresh random one at every run.
const BenchUser = "bench-reviewer"

// Bench requests each dashboard through the real router (middleware,
// session, rendering) as a logged-in reviewer and reports the median, p95
// and worst latency, the bytes and allocations per request and the peak
// resident memory of the process after each page.
func Bench(ctx context.Context, a *app.App, o BenchOptions) error {
	if o.Runs < 1 {
		o.Runs = 1
	}
	password, err := ensureBenchUser(ctx, a)
	if err != nil {
		return err
	}
	plans, err := a.Store.ListPlans(ctx)
	if err != nil || len(plans) == 0 {
		return errors.Join(err, errors.New("bench: no plans"))
	}
	planID := o.PlanID
	if planID == 0 {
		planID = plans[0].ID
	}
	ms, err := a.Store.MeasuresOf(ctx, planID)
	if err != nil || len(ms) == 0 {
		return errors.Join(err, fmt.Errorf("bench: plan %d has no measures", planID))
	}
	srv := httptest.NewServer(a.Server.E)
	defer srv.Close()
	c, err := login(srv.URL, BenchUser, password)
	if err != nil {
		return err
	}
	p := strconv.FormatInt(planID, 10)
	m := strconv.FormatInt(ms[len(ms)/2].ID, 10)
	pages := []struct{ name, path string }{
		{"overview, one plan", "/?plan=" + p},
		{"ledger, one plan", "/ledger?plan=" + p},
		{"ledger, filtered", "/ledger?plan=" + p + "&light=red&q=" + url.QueryEscape("任务")},
		{"indicators, one plan", "/indicators?plan=" + p},
		{"scorecard, one plan", "/scorecard?plan=" + p},
		{"print, one measure", "/print/measures/" + m},
		{"export ledger.xlsx", "/ledger.xlsx?plan=" + p},
		{"export history.xlsx", "/measures/" + m + "/history.xlsx"},
		{"overview, all plans", "/?plan=all"},
		{"scorecard, all plans", "/scorecard?plan=all"},
	}
	fmt.Fprintf(o.Out, "%d plans in the database; one-plan pages use plan %d (%d measures); %d runs each after a warm-up\n",
		len(plans), planID, len(ms), o.Runs)
	fmt.Fprintf(o.Out, "%-22s %10s %10s %10s %10s %12s %10s\n", "page", "median", "p95", "max", "bytes", "alloc/req", "peak RSS")
	for _, pg := range pages {
		if _, err := fetch(c, srv.URL+pg.path); err != nil { // warm-up
			return fmt.Errorf("%s: %w", pg.name, err)
		}
		var ms0 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		var times []time.Duration
		size := 0
		for i := 0; i < o.Runs; i++ {
			t0 := time.Now()
			n, err := fetch(c, srv.URL+pg.path)
			if err != nil {
				return fmt.Errorf("%s: %w", pg.name, err)
			}
			times = append(times, time.Since(t0))
			size = n
		}
		var ms1 runtime.MemStats
		runtime.ReadMemStats(&ms1)
		slices.Sort(times)
		fmt.Fprintf(o.Out, "%-22s %10s %10s %10s %10d %10.1fMB %8.0fMB\n", pg.name,
			round(percentile(times, 50)), round(percentile(times, 95)), round(times[len(times)-1]), size,
			float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(o.Runs)/1e6, maxRSSMB())
	}
	return nil
}

func round(d time.Duration) time.Duration {
	if d > 10*time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Microsecond)
}

// percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (p*len(sorted)+99)/100 - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func maxRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // KB on Linux
}

func ensureBenchUser(ctx context.Context, a *app.App) (string, error) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	password := "bench-" + hex.EncodeToString(b[:])
	hash, err := a.Hasher.Hash(ctx, password)
	if err != nil {
		return "", err
	}
	actor := store.Actor{Username: "synth-bench"}
	if u, err := a.Store.UserByUsername(ctx, BenchUser); err == nil {
		return password, a.Store.SetPassword(ctx, actor, u.ID, hash)
	} else if !errors.Is(err, model.ErrNotFound) {
		return "", err
	}
	u := &model.User{Username: BenchUser, DisplayName: "性能测试", PasswordHash: hash, Role: model.RoleReviewer}
	return password, a.Store.CreateUser(ctx, u)
}

// login logs a fresh cookie-jar client in, the way a browser would.
func login(base, username, password string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if _, err := fetch(c, base+"/login"); err != nil {
		return nil, err
	}
	u, _ := url.Parse(base)
	token := ""
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "duban_csrf" {
			token = ck.Value
		}
	}
	form := url.Values{"username": {username}, "password": {password}, "_csrf": {token}}
	res, err := c.Post(base+"/login", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("bench login: status %d", res.StatusCode)
	}
	return c, nil
}

func fetch(c *http.Client, u string) (int, error) {
	res, err := c.Get(u)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	n, err := io.Copy(io.Discard, res.Body)
	if err != nil {
		return 0, err
	}
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: status %d", u, res.StatusCode)
	}
	return int(n), nil
}
