package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"

	"duban/internal/bench"
	"duban/internal/model"
	"duban/internal/testutil"
)

// TestTwoInstancesOnOnePostgres runs two portals (two app.New, two HTTP
// servers) on one PostgreSQL database and one shared data folder, as
// several instances behind a load balancer would, and has writers on both
// save, submit, review and 催办 at the same time, on the same and on
// different reports. Every accepted write must be there, none may have
// overwritten another silently (the optimistic lock answers 409), and the
// audit chain, written by both, must verify.
func TestTwoInstancesOnOnePostgres(t *testing.T) {
	dsn := testutil.PostgresURL(t)
	dir := t.TempDir()
	p1 := testutil.Start(t, testutil.WithDB(dsn), testutil.WithDataDir(dir))
	p2 := testutil.Start(t, testutil.WithDB(dsn), testutil.WithDataDir(dir))
	ctx := context.Background()
	pw := p1.App.DemoPassword
	bases := []string{p1.Server.URL, p2.Server.URL}
	login := func(base, user string) *bench.Client {
		t.Helper()
		c := bench.NewClient(base)
		if err := c.Login(ctx, user, pw); err != nil {
			t.Fatalf("%s on %s: %v", user, base, err)
		}
		return c
	}

	// The forms: every unit signs on one instance and lists its forms.
	units := []string{"canlian", "taishan", "jiaoyuju"}
	type form struct {
		path  string
		users [2]*bench.Client // the unit's session on each instance
	}
	var forms []form
	for _, u := range units {
		c1, c2 := login(bases[0], u), login(bases[1], u)
		if err := c2.SignAll(ctx); err != nil {
			t.Fatal(err)
		}
		fs, err := c1.ReportForms(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs[:min(4, len(fs))] {
			forms = append(forms, form{f, [2]*bench.Client{c1, c2}})
		}
	}
	if len(forms) < 6 {
		t.Fatalf("only %d report forms to write to", len(forms))
	}

	// Phase 1: on every form, two writers on each instance save drafts
	// with a file at the same time, while the office sends 催办 from both
	// instances on the same and on other assignments.
	type save struct {
		lock     int
		progress string
		sha      string
	}
	var mu sync.Mutex
	accepted := map[string][]save{} // form → accepted saves
	refusedSHA := []string{}
	conflicts := 0
	var wg sync.WaitGroup
	for _, f := range forms {
		for inst := range 2 {
			for w := range 2 {
				wg.Go(func() {
					c := f.users[inst].Clone()
					for i := range 3 {
						lock, err := c.OpenForm(ctx, f.path)
						if err != nil {
							t.Errorf("%s: %v", f.path, err)
							return
						}
						text := fmt.Sprintf("实例%d写入者%d第%d次", inst+1, w+1, i+1)
						ev := bench.NewEvidence(fmt.Sprintf("i%d-w%d-%d.pdf", inst, w, i), 1500)
						p, err := c.SaveReport(ctx, f.path, lock, "save", text, 10*i, ev)
						if err != nil {
							t.Error(err)
							return
						}
						n, _ := strconv.Atoi(lock)
						mu.Lock()
						switch p.Status {
						case http.StatusSeeOther:
							accepted[f.path] = append(accepted[f.path], save{n, text, ev.SHA256})
						case http.StatusConflict:
							conflicts++
							refusedSHA = append(refusedSHA, ev.SHA256)
						default:
							t.Errorf("save %s: status %d", f.path, p.Status)
						}
						mu.Unlock()
					}
				})
			}
		}
	}
	// 催办 on assignments of units that do not write here.
	var promptAsg []model.Assignment
	if err := p1.App.DB.W.Joins("JOIN units ON units.id = assignments.unit_id").
		Where("units.name NOT IN ?", []string{"市残联", "台山市人民政府", "市教育局"}).
		Order("assignments.id").Limit(4).Find(&promptAsg).Error; err != nil || len(promptAsg) < 4 {
		t.Fatalf("assignments to prompt: %d, %v", len(promptAsg), err)
	}
	prompted := map[int64]int{} // assignment → accepted prompts
	for inst := range 2 {
		rv := login(bases[inst], "duchashi")
		if _, err := rv.Get(ctx, "/supervision"); err != nil {
			t.Fatal(err)
		}
		for k, a := range promptAsg {
			if k%2 != inst && k != 0 { // the first on both instances, the others on one
				continue
			}
			wg.Go(func() {
				p, err := rv.Clone().Post(ctx, "/prompts", url.Values{"assignment_id": {fmt.Sprint(a.ID)}, "message": {"请按时报送"}})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				switch p.Status {
				case http.StatusSeeOther:
					prompted[a.ID]++
				case http.StatusUnprocessableEntity: // nothing owed: refused, nothing written
				default:
					t.Errorf("prompt %d: status %d", a.ID, p.Status)
				}
			})
		}
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	db := p1.App.DB.W
	asgPeriod := regexp.MustCompile(`/assignments/(\d+)/periods/(\d+)`)
	reportOf := func(path string) model.Report {
		t.Helper()
		m := asgPeriod.FindStringSubmatch(path)
		var r model.Report
		if err := db.Where("assignment_id = ? AND period_id = ?", m[1], m[2]).First(&r).Error; err != nil {
			t.Fatalf("report of %s: %v", path, err)
		}
		return r
	}
	for _, f := range forms {
		saves := accepted[f.path]
		if len(saves) == 0 {
			t.Fatalf("%s: no save was accepted", f.path)
		}
		// No two accepted saves started from the same version: nothing
		// was overwritten without the writer having seen it.
		locks := []int{}
		last := saves[0]
		for _, s := range saves {
			locks = append(locks, s.lock)
			if s.lock > last.lock {
				last = s
			}
		}
		slices.Sort(locks)
		if len(slices.Compact(slices.Clone(locks))) != len(locks) {
			t.Errorf("%s: two accepted saves from the same version: %v", f.path, locks)
		}
		r := reportOf(f.path)
		if r.LockVersion != last.lock+1 || r.Progress != last.progress {
			t.Errorf("%s: stored version %d %q, the last accepted save was from %d: %q", f.path, r.LockVersion, r.Progress, last.lock, last.progress)
		}
		for _, s := range saves {
			var n int64
			db.Model(&model.Attachment{}).Where("report_id = ? AND sha256 = ?", r.ID, s.sha).Count(&n)
			if n != 1 {
				t.Errorf("%s: the file of the accepted save from version %d is there %d times", f.path, s.lock, n)
			}
		}
	}
	var n int64
	db.Model(&model.Attachment{}).Where("sha256 IN ?", append(refusedSHA, "-")).Count(&n)
	if n != 0 {
		t.Errorf("%d files of refused saves were kept", n)
	}
	for _, a := range promptAsg {
		var got int64
		db.Model(&model.Prompt{}).Where("assignment_id = ?", a.ID).Count(&got)
		if got < int64(prompted[a.ID]) {
			t.Errorf("assignment %d: %d prompts accepted, %d stored", a.ID, prompted[a.ID], got)
		}
	}
	t.Logf("phase 1: %d forms, %d saves accepted, %d refused with 409; prompts accepted %v", len(forms), func() int {
		s := 0
		for _, v := range accepted {
			s += len(v)
		}
		return s
	}(), conflicts, prompted)

	// won reads the answer to a write that raced another: 303 when it
	// went through, 409 when the other one was first.
	won := func(what string, p *bench.Page, err error) bool {
		switch {
		case err != nil:
			t.Errorf("%s: %v", what, err)
		case p.Status == http.StatusSeeOther:
			return true
		case p.Status != http.StatusConflict:
			t.Errorf("%s: status %d", what, p.Status)
		}
		return false
	}

	// Phase 2: each form is submitted from both instances at once: one
	// submission wins, the other is told the report changed.
	submitted := map[string]int{}
	for _, f := range forms {
		for inst := range 2 {
			wg.Go(func() {
				c := f.users[inst].Clone()
				lock, err := c.OpenForm(ctx, f.path)
				if err != nil {
					mu.Lock()
					defer mu.Unlock()
					if !errors.Is(err, bench.ErrNotEditable) { // the other one was faster
						t.Error(err)
					}
					return
				}
				p, err := c.SaveReport(ctx, f.path, lock, "submit", fmt.Sprintf("实例%d提交", inst+1), 60)
				if won("submit "+f.path, p, err) {
					mu.Lock()
					submitted[f.path]++
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	var leadReports []model.Report
	for _, f := range forms {
		r := reportOf(f.path)
		var versions int64
		db.Model(&model.ReportVersion{}).Where("report_id = ?", r.ID).Count(&versions)
		if submitted[f.path] != 1 || r.State != model.ReportSubmitted || r.VersionNo != 1 || versions != 1 {
			t.Errorf("%s: %d submissions accepted, state %s, version %d, %d versions stored", f.path, submitted[f.path], r.State, r.VersionNo, versions)
		}
		var a model.Assignment
		db.First(&a, r.AssignmentID)
		if a.Role == model.AssignLead {
			leadReports = append(leadReports, r)
		}
	}
	if len(leadReports) == 0 {
		t.Fatal("no lead unit's report to review")
	}

	// Phase 3: two reviewers, one on each instance, decide on the same
	// official report at once from the same version: exactly one decides.
	decided := map[int64]int{}
	for inst := range 2 {
		rv := login(bases[inst], "duchashi")
		for _, r := range leadReports {
			wg.Go(func() {
				c := rv.Clone()
				if _, err := c.Get(ctx, fmt.Sprintf("/reports/%d", r.ID)); err != nil {
					t.Error(err)
					return
				}
				form := url.Values{"decision": {"approve"}, "lock_version": {fmt.Sprint(r.LockVersion)}}
				if inst == 1 {
					form = url.Values{"decision": {"return"}, "reason": {"请补充佐证材料"}, "lock_version": {fmt.Sprint(r.LockVersion)}}
				}
				p, err := c.Post(ctx, fmt.Sprintf("/reports/%d/review", r.ID), form)
				if won(fmt.Sprintf("review %d", r.ID), p, err) {
					mu.Lock()
					decided[r.ID]++
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	for _, r := range leadReports {
		var reviews int64
		db.Model(&model.Review{}).Where("report_id = ?", r.ID).Count(&reviews)
		var now model.Report
		db.First(&now, r.ID)
		if decided[r.ID] != 1 || reviews != 1 || (now.State != model.ReportApproved && now.State != model.ReportReturned) {
			t.Errorf("report %d: %d decisions accepted, %d stored, state %s", r.ID, decided[r.ID], reviews, now.State)
		}
	}

	// Every accepted write is in the audit log, and the chain that both
	// instances wrote verifies from either of them.
	var saves, submits int64
	db.Model(&model.AuditEvent{}).Where("action = ?", "report.save").Count(&saves)
	db.Model(&model.AuditEvent{}).Where("action = ?", "report.submit").Count(&submits)
	want := 0
	for _, v := range accepted {
		want += len(v)
	}
	if saves != int64(want) || submits != int64(len(forms)) {
		t.Errorf("audit: %d saves and %d submissions, want %d and %d", saves, submits, want, len(forms))
	}
	for i, p := range []*testutil.Portal{p1, p2} {
		c, err := p.App.Store.CheckAudit(ctx)
		if err != nil || c.BrokenID != 0 || c.SealErr != nil {
			t.Fatalf("instance %d: audit check %+v: %v", i+1, c, err)
		}
		if c.Entries+c.Pending < int64(want) {
			t.Errorf("instance %d checked %d entries", i+1, c.Checked())
		}
	}
}
