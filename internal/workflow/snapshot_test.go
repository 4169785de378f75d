package workflow_test

import (
	"testing"

	"duban/internal/workflow"
)

func f64(v float64) *float64 { return &v }

func TestCompareVersions(t *testing.T) {
	old := workflow.Snapshot{ProgressState: "on_track", Percent: 40, Progress: "已新建幼儿园3所,入园率达到90%。",
		Problems: "无", Targets: []workflow.SnapTarget{{TargetID: 1, Actual: f64(90)}, {TargetID: 2}},
		Files: []workflow.SnapFile{{ID: 7, Name: "a.pdf"}, {ID: 8, Name: "b.png"}}}
	cur := old
	cur.Percent = 55
	cur.Progress = "已新建幼儿园5所,入园率达到90%。"
	cur.Targets = []workflow.SnapTarget{{TargetID: 1, Actual: f64(91.5)}, {TargetID: 2, Actual: f64(1)}}
	cur.Files = []workflow.SnapFile{{ID: 8, Name: "b.png"}, {ID: 9, Name: "c.pdf"}}
	d := workflow.Compare(old, cur)
	if len(d.Fields) != 2 || d.Fields[0].Field != workflow.FieldPercent || d.Fields[1].Field != workflow.FieldProgress {
		t.Fatalf("fields = %+v", d.Fields)
	}
	p := d.Fields[1]
	if p.Prefix != "已新建幼儿园" || p.OldPart != "3" || p.NewPart != "5" || p.Suffix != "所,入园率达到90%。" {
		t.Fatalf("text diff = %q [%q→%q] %q", p.Prefix, p.OldPart, p.NewPart, p.Suffix)
	}
	if len(d.Targets) != 2 || *d.Targets[0].New != 91.5 || d.Targets[1].Old != nil {
		t.Fatalf("targets = %+v", d.Targets)
	}
	if len(d.Added) != 1 || d.Added[0].ID != 9 || len(d.Removed) != 1 || d.Removed[0].ID != 7 {
		t.Fatalf("files added %v removed %v", d.Added, d.Removed)
	}
	if same := workflow.Compare(old, old); !same.Empty() {
		t.Fatalf("a version differs from itself: %+v", same)
	}
}
