package synth_test

import (
	"context"
	"testing"

	"duban/internal/evidence"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/synth"
	"duban/internal/testutil"
	"duban/internal/workflow"
)

// TestGenerateWritesWhatTheWorkflowWrites: the synthetic province is shaped
// like data the workflow wrote — every submitted report has its versions
// with a snapshot listing its file, prompts chase periods that were owed
// when they were sent, reviews and prompts reach the units' inboxes — so a
// generated returned report can be revised like a real one.
func TestGenerateWritesWhatTheWorkflowWrites(t *testing.T) {
	backends := []struct {
		name string
		opts func(t *testing.T) []testutil.Option
	}{
		{"sqlite", func(t *testing.T) []testutil.Option { return []testutil.Option{testutil.NoDemo()} }},
		{"postgres", func(t *testing.T) []testutil.Option {
			return []testutil.Option{testutil.NoDemo(), testutil.WithDB(testutil.PostgresURL(t))}
		}},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			p := testutil.Start(t, b.opts(t)...)
			ctx := context.Background()
			st := p.App.Store
			res, err := synth.Generate(ctx, st, synth.Options{Units: 30, Plans: 2, Measures: 24, UnitsPerMeasure: 4, Periods: 6,
				Now: p.Clock.Now(), Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			if res.Versions < res.Reports/2 || res.Prompts == 0 || res.Notifications == 0 {
				t.Fatalf("too little history: %s", res)
			}
			count := func(q string, args ...any) int64 {
				t.Helper()
				var n int64
				if err := st.Raw(ctx, &n, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				return n
			}
			if n := count(`SELECT count(*) FROM reports r WHERE r.state <> 'draft'
				AND (SELECT count(*) FROM report_versions v WHERE v.report_id = r.id) <> r.version_no`); n != 0 {
				t.Errorf("%d submitted reports lack a version row per submission", n)
			}
			if n := count(`SELECT count(*) FROM report_versions`); int(n) != res.Versions {
				t.Errorf("report_versions has %d rows, the generator counted %d", n, res.Versions)
			}
			if n := count(`SELECT count(*) FROM reports r WHERE r.state = 'approved' AND r.version_no = 2
				AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.report_id = r.id AND v.version_no = 1 AND v.decision = 'return')`); n != 0 {
				t.Errorf("%d revised reports have no return on their first version", n)
			}
			if n := count(`SELECT count(*) FROM prompts p JOIN reports r ON r.assignment_id = p.assignment_id AND r.period_id = p.period_id
				WHERE r.submitted_at IS NOT NULL AND r.submitted_at <= p.created_at`); n != 0 {
				t.Errorf("%d prompts chase a period that was already submitted", n)
			}
			if n := count(`SELECT count(*) FROM prompts p JOIN reports r ON r.assignment_id = p.assignment_id AND r.period_id = p.period_id
				WHERE p.resolved_at IS NULL AND r.state IN ('submitted', 'approved')`); n != 0 {
				t.Errorf("%d prompts stay open although their period was submitted", n)
			}
			if n := count(`SELECT count(*) FROM reviews v JOIN reports r ON r.id = v.report_id JOIN assignments a ON a.id = r.assignment_id
				WHERE NOT EXISTS (SELECT 1 FROM notifications n JOIN users u ON u.id = n.user_id
					WHERE n.object_type = 'report' AND n.object_id = v.report_id AND u.unit_id = a.unit_id)`); n != 0 {
				t.Errorf("%d reviews never reached the unit's inbox", n)
			}

			// A generated returned report is revised and resubmitted through
			// the workflow like any other.
			var r model.Report
			if err := st.Raw(ctx, &r, "SELECT * FROM reports WHERE state = ? ORDER BY id LIMIT 1", model.ReportReturned); err != nil || r.ID == 0 {
				t.Fatal(err)
			}
			asg, err := st.AssignmentByID(ctx, r.AssignmentID)
			if err != nil {
				t.Fatal(err)
			}
			var u model.User
			if err := st.Raw(ctx, &u, "SELECT * FROM users WHERE unit_id = ? ORDER BY id LIMIT 1", asg.UnitID); err != nil || u.ID == 0 {
				t.Fatal(err)
			}
			actor := store.Actor{UserID: u.ID, Username: u.Username, Role: model.RoleUnit, UnitID: asg.UnitID}
			got, err := workflow.New(st, evidence.NewLocal(p.Config.AttachmentsDir())).SaveReport(ctx, actor, workflow.ReportInput{AssignmentID: asg.ID, PeriodID: r.PeriodID,
				LockVersion: r.LockVersion, ProgressState: model.ProgressOnTrack, Percent: r.Percent, Progress: "已补充佐证材料。"}, true)
			if err != nil {
				t.Fatalf("resubmit a generated returned report: %v", err)
			}
			if got.State != model.ReportSubmitted || got.VersionNo != r.VersionNo+1 {
				t.Fatalf("resubmitted report: state %s version %d, want submitted version %d", got.State, got.VersionNo, r.VersionNo+1)
			}
		})
	}
}

// TestProportionsFollowTheDemoHistory: the generated history has the
// shape of the demo's, which the workflow itself wrote: the shares of
// report states, versions, returns, prompts and evidence per report are
// within a factor of 2.5 of the demo's, and every submission is waiting
// in its reviewer's inbox as the workflow's notification would have it.
func TestProportionsFollowTheDemoHistory(t *testing.T) {
	type shape map[string]float64
	measure := func(t *testing.T, p *testutil.Portal) shape {
		count := func(q string) float64 {
			t.Helper()
			var n int64
			if err := p.App.Store.Raw(context.Background(), &n, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return float64(n)
		}
		reports := count(`SELECT count(*) FROM reports`)
		handedIn := count(`SELECT count(*) FROM reports WHERE state <> 'draft'`)
		if reports == 0 || handedIn == 0 {
			t.Fatal("no history")
		}
		return shape{
			"approved share":           count(`SELECT count(*) FROM reports WHERE state = 'approved'`) / reports,
			"waiting or returned":      count(`SELECT count(*) FROM reports WHERE state IN ('submitted', 'returned')`) / reports,
			"draft share":              count(`SELECT count(*) FROM reports WHERE state = 'draft'`) / reports,
			"versions per handed in":   count(`SELECT count(*) FROM report_versions`) / handedIn,
			"returns per handed in":    count(`SELECT count(*) FROM reviews WHERE decision = 'return'`) / handedIn,
			"prompts per report":       count(`SELECT count(*) FROM prompts`) / reports,
			"files per handed in":      count(`SELECT count(*) FROM attachments`) / handedIn,
			"target values per report": count(`SELECT count(*) FROM target_values`) / reports,
		}
	}
	demo := measure(t, testutil.Start(t, testutil.WithDemoHistory()))
	p := testutil.Start(t, testutil.NoDemo())
	// The read model is rebuilt once, after every row is written.
	var rebuilt []int64
	res, err := synth.Generate(context.Background(), p.App.Store, synth.Options{Units: 60, Plans: 3, Measures: 40, UnitsPerMeasure: 5,
		Periods: 6, Now: p.Clock.Now(), Seed: 3, RebuildReadModel: func(ctx context.Context, st *store.Store) error {
			var n int64
			err := st.Raw(ctx, &n, "SELECT count(*) FROM reports")
			rebuilt = append(rebuilt, n)
			return err
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rebuilt) != 1 || rebuilt[0] != int64(res.Reports) {
		t.Errorf("read model rebuilt %d times, seeing %v reports of %d", len(rebuilt), rebuilt, res.Reports)
	}
	gen := measure(t, p)
	for k, d := range demo {
		if r := gen[k] / d; r < 0.4 || r > 2.5 {
			t.Errorf("%s: generated %.3f, demo %.3f", k, gen[k], d)
		} else {
			t.Logf("%-26s generated %.3f, demo %.3f", k, gen[k], d)
		}
	}
	var missing int64
	if err := p.App.Store.Raw(context.Background(), &missing, `SELECT count(*) FROM report_versions v WHERE NOT EXISTS (SELECT 1 FROM notifications n
		WHERE n.kind = 'review_waiting' AND n.object_type = 'report' AND n.object_id = v.report_id)`); err != nil {
		t.Fatal(err)
	}
	if missing != 0 {
		t.Errorf("%d submitted versions never reached a reviewer's inbox", missing)
	}
}
