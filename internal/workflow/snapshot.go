package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"duban/internal/model"
)

// Snapshot is a report's content frozen at submission (report_versions.snapshot).
type Snapshot struct {
	ProgressState string       `json:"progress_state"`
	Percent       int          `json:"percent"`
	Progress      string       `json:"progress"`
	Problems      string       `json:"problems"`
	NextSteps     string       `json:"next_steps"`
	Targets       []SnapTarget `json:"targets"`
	Files         []SnapFile   `json:"files"`
}

// SnapTarget is a target with the actual value reported for it.
type SnapTarget struct {
	TargetID  int64    `json:"target_id"`
	Indicator string   `json:"indicator"`
	Text      string   `json:"text"`
	Op        string   `json:"op"`
	Value     float64  `json:"value"`
	Unit      string   `json:"unit"`
	Actual    *float64 `json:"actual"`
}

// SnapFile is an evidence file listed by a version.
type SnapFile struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// ParseSnapshot reads a stored snapshot.
func ParseSnapshot(s string) (Snapshot, error) {
	var sn Snapshot
	if err := json.Unmarshal([]byte(s), &sn); err != nil {
		return sn, fmt.Errorf("report snapshot: %w", err)
	}
	return sn, nil
}

// HasFile reports whether the version lists the attachment.
func (sn *Snapshot) HasFile(id int64) bool {
	for _, f := range sn.Files {
		if f.ID == id {
			return true
		}
	}
	return false
}

// BuildSnapshot assembles a report's content from its row, the measure's
// targets with the values reported and the files it carries now.
func BuildSnapshot(r *model.Report, targets []model.Target, vals []model.TargetValue, files []model.Attachment) Snapshot {
	sn := Snapshot{ProgressState: r.ProgressState, Percent: r.Percent, Progress: r.Progress, Problems: r.Problems,
		NextSteps: r.NextSteps, Targets: []SnapTarget{}, Files: []SnapFile{}}
	byTarget := map[int64]*float64{}
	for _, v := range vals {
		byTarget[v.TargetID] = v.Value
	}
	for _, t := range targets {
		sn.Targets = append(sn.Targets, SnapTarget{TargetID: t.ID, Indicator: t.Indicator, Text: t.Text, Op: t.Op,
			Value: t.Value, Unit: t.Unit, Actual: byTarget[t.ID]})
	}
	for _, f := range files {
		if f.RemovedAt != nil {
			continue
		}
		sn.Files = append(sn.Files, SnapFile{ID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256})
	}
	return sn
}

// Diff is what changed from one version to the next.
type Diff struct {
	Fields  []FieldChange
	Targets []TargetChange
	Added   []SnapFile
	Removed []SnapFile
}

// Empty reports whether nothing changed.
func (d *Diff) Empty() bool {
	return len(d.Fields) == 0 && len(d.Targets) == 0 && len(d.Added) == 0 && len(d.Removed) == 0
}

// Field names of a FieldChange (the view labels them).
const (
	FieldProgressState = "progress_state"
	FieldPercent       = "percent"
	FieldProgress      = "progress"
	FieldProblems      = "problems"
	FieldNextSteps     = "next_steps"
)

// FieldChange is a changed field. For free text, Prefix and Suffix are
// the unchanged start and end, OldPart and NewPart what was replaced.
type FieldChange struct {
	Field            string
	Old, New         string
	Prefix, Suffix   string
	OldPart, NewPart string
}

// TargetChange is a changed actual value (nil: not given).
type TargetChange struct {
	Target   SnapTarget
	Old, New *float64
}

// Compare diffs two versions of a report.
func Compare(old, cur Snapshot) Diff {
	var d Diff
	if old.ProgressState != cur.ProgressState {
		d.Fields = append(d.Fields, FieldChange{Field: FieldProgressState, Old: old.ProgressState, New: cur.ProgressState})
	}
	if old.Percent != cur.Percent {
		d.Fields = append(d.Fields, FieldChange{Field: FieldPercent, Old: fmt.Sprint(old.Percent), New: fmt.Sprint(cur.Percent)})
	}
	for _, f := range []struct{ name, a, b string }{
		{FieldProgress, old.Progress, cur.Progress},
		{FieldProblems, old.Problems, cur.Problems},
		{FieldNextSteps, old.NextSteps, cur.NextSteps},
	} {
		if f.a != f.b {
			c := FieldChange{Field: f.name, Old: f.a, New: f.b}
			c.Prefix, c.OldPart, c.NewPart, c.Suffix = textDiff(f.a, f.b)
			d.Fields = append(d.Fields, c)
		}
	}
	oldVals := map[int64]*float64{}
	for _, t := range old.Targets {
		oldVals[t.TargetID] = t.Actual
	}
	for _, t := range cur.Targets {
		o := oldVals[t.TargetID]
		if !sameValue(o, t.Actual) {
			d.Targets = append(d.Targets, TargetChange{Target: t, Old: o, New: t.Actual})
		}
	}
	oldFiles, curFiles := map[int64]bool{}, map[int64]bool{}
	for _, f := range old.Files {
		oldFiles[f.ID] = true
	}
	for _, f := range cur.Files {
		curFiles[f.ID] = true
		if !oldFiles[f.ID] {
			d.Added = append(d.Added, f)
		}
	}
	for _, f := range old.Files {
		if !curFiles[f.ID] {
			d.Removed = append(d.Removed, f)
		}
	}
	return d
}

func sameValue(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// textDiff splits two texts into their common prefix and suffix (by rune)
// and the differing middles: enough to show an edit in running Chinese
// text, which has no word breaks for a word diff to use.
func textDiff(a, b string) (prefix, oldPart, newPart, suffix string) {
	ra, rb := []rune(a), []rune(b)
	p := 0
	for p < len(ra) && p < len(rb) && ra[p] == rb[p] {
		p++
	}
	s := 0
	for s < len(ra)-p && s < len(rb)-p && ra[len(ra)-1-s] == rb[len(rb)-1-s] {
		s++
	}
	return string(ra[:p]), string(ra[p : len(ra)-s]), string(rb[p : len(rb)-s]), string(ra[len(ra)-s:])
}

// CurrentSnapshot is a report as stored now (a draft, or the state after
// a conflict), nil when the assignment has no report for the period.
func (s *Service) CurrentSnapshot(ctx context.Context, asgID, measureID, periodID int64) (*Snapshot, error) {
	rep, err := s.st.ReportOf(ctx, asgID, periodID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ts, err := s.st.TargetsOf(ctx, measureID)
	if err != nil {
		return nil, err
	}
	vals, err := s.st.TargetValuesOf(ctx, []int64{rep.ID})
	if err != nil {
		return nil, err
	}
	files, err := s.st.AttachmentsOf(ctx, []int64{rep.ID})
	if err != nil {
		return nil, err
	}
	sn := BuildSnapshot(rep, ts, vals, files)
	return &sn, nil
}
