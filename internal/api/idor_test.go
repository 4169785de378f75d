package api_test

import (
	"net/http"
	"strings"
	"testing"

	"duban/internal/evidence"
	"duban/internal/model"
	"duban/internal/store"
)

// TestIDORSweep asks, as every role, for every assignment of the demo plan
// and for a submitted input and another unit's draft with their evidence:
// what the pages hide from a caller (another unit's objects, drafts of
// others) is 404 through the API too and never shows its content; unit
// users' 台账 and measure pages list only what they may see.
func TestIDORSweep(t *testing.T) {
	e := start(t)
	e.p.App.Server.API.SetRate(1e6, 1e6)
	ctx := t.Context()
	pr := demoPair(t, e.p)
	unitOf := map[string]int64{}
	for _, n := range []string{"jiaoyuju", "canlian", "taishan"} {
		u, err := e.p.App.Store.UserByUsername(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		unitOf[n] = u.UnitIDOr0()
	}
	third := pr.third()
	rows, err := e.p.App.Store.AssignmentRowsOfPlan(ctx, pr.plan)
	if err != nil {
		t.Fatal(err)
	}
	leadOf := map[int64]int64{}
	var thirdAsg *store.AssignmentRow
	for i, r := range rows {
		if r.Role == model.AssignLead {
			leadOf[r.MeasureID] = r.UnitID
		}
		if r.UnitID == unitOf[third] && thirdAsg == nil {
			thirdAsg = &rows[i]
		}
	}
	if thirdAsg == nil {
		t.Fatalf("%s has no assignment", third)
	}

	// A submitted input of the co-unit and a draft of the third unit,
	// each with a file.
	type object struct {
		report, file int64
		unit         int64
		asg          store.AssignmentRow
		submitted    bool
		secret       string
	}
	write := func(user string, asg store.AssignmentRow, submit bool, secret string) object {
		tok := e.token(user, noScope)
		want(t, e.call(tok, "POST", path("/assignments/%d/sign", asg.ID), nil), http.StatusOK)
		period := currentPeriod(t, e, tok, asg.ID)
		form := path("/assignments/%d/periods/%d/report", asg.ID, period)
		body := m{"progress_state": "on_track", "percent": 30, "progress": secret}
		res := want(t, e.call(tok, "PUT", form, reportWithFiles(t, body, map[string][]byte{"证明.pdf": evidence.SamplePDF(secret)})), http.StatusOK)
		var rep reportJSON
		res.json(t, &rep)
		if submit {
			want(t, e.call(tok, "POST", form+"/submit", body, "If-Match", res.Header.Get("ETag")), http.StatusOK)
		}
		return object{report: rep.ID, file: rep.Attachments[0].ID, unit: asg.UnitID, asg: asg, submitted: submit, secret: secret}
	}
	var coRow store.AssignmentRow
	for _, r := range rows {
		if r.ID == pr.coAsg {
			coRow = r
		}
	}
	objects := []object{write(pr.co, coRow, true, "协办材料机密内容"), write(third, *thirdAsg, false, "草稿机密内容")}

	roles := map[string]string{"admin": model.RoleAdmin, "duchashi": model.RoleReviewer, "lingdao": model.RoleViewer,
		"jiaoyuju": model.RoleUnit, "canlian": model.RoleUnit, "taishan": model.RoleUnit}
	for user, role := range roles {
		t.Run(user, func(t *testing.T) {
			tok := e.token(user, noScope)
			mine := unitOf[user]
			sees := func(r store.AssignmentRow) bool {
				return role != model.RoleUnit || r.UnitID == mine || leadOf[r.MeasureID] == mine
			}
			hidden := 0
			for i, r := range rows {
				if sees(r) {
					if i%10 == 0 { // a sample: the point is what is hidden
						want(t, e.call(tok, "GET", path("/assignments/%d", r.ID), nil), http.StatusOK)
					}
					continue
				}
				hidden++
				want(t, e.call(tok, "GET", path("/assignments/%d", r.ID), nil), http.StatusNotFound)
				if hidden%5 != 1 {
					continue // every hidden ID is read above; the writes on a sample
				}
				want(t, e.call(tok, "GET", path("/assignments/%d/prompts", r.ID), nil), http.StatusNotFound)
				want(t, e.call(tok, "POST", path("/assignments/%d/sign", r.ID), nil), http.StatusNotFound)
				want(t, e.call(tok, "PUT", path("/assignments/%d/periods/1/report", r.ID), m{"progress_state": "done", "percent": 100}), http.StatusNotFound)
			}
			if role == model.RoleUnit && hidden == 0 {
				t.Fatal("the sweep hid nothing from a unit")
			}
			for _, o := range objects {
				visible := (role == model.RoleUnit && o.unit == mine) || (o.submitted && sees(o.asg))
				checks := []struct{ method, path string }{
					{"GET", path("/reports/%d", o.report)}, {"GET", path("/reports/%d/versions/1", o.report)},
					{"GET", path("/attachments/%d", o.file)},
				}
				for _, c := range checks {
					res := e.call(tok, c.method, c.path, nil)
					if visible {
						if res.Status != http.StatusOK && !(res.Status == http.StatusNotFound && !o.submitted && strings.Contains(c.path, "versions")) {
							t.Errorf("%s %s = %d, want it visible", c.method, c.path, res.Status)
						}
						continue
					}
					if res.Status != http.StatusNotFound || strings.Contains(string(res.Body), o.secret) {
						t.Errorf("%s %s = %d %.200s, want 404 without content", c.method, c.path, res.Status, res.Body)
					}
				}
				if !visible && (role == model.RoleUnit || role == model.RoleReviewer) {
					want(t, e.call(tok, "POST", path("/reports/%d/review", o.report), m{"decision": "approve"}, "If-Match", `"1"`), http.StatusNotFound)
				}
			}
			if role == model.RoleUnit {
				var ledger struct {
					Items []struct {
						UnitID int64 `json:"unit_id"`
					} `json:"items"`
				}
				want(t, e.call(tok, "GET", path("/ledger?plan=%d&limit=200", pr.plan), nil), http.StatusOK).json(t, &ledger)
				for _, r := range ledger.Items {
					if r.UnitID != mine {
						t.Fatalf("the 台账 shows unit %d to unit %d", r.UnitID, mine)
					}
				}
				var ms struct {
					Assignments []struct {
						UnitID int64 `json:"unit_id"`
					} `json:"assignments"`
				}
				want(t, e.call(tok, "GET", path("/measures/%d", pr.measure), nil), http.StatusOK).json(t, &ms)
				for _, a := range ms.Assignments {
					if a.UnitID != mine && leadOf[pr.measure] != mine {
						t.Fatalf("measure %d lists unit %d to unit %d", pr.measure, a.UnitID, mine)
					}
				}
			}
		})
	}
}
