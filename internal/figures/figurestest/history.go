// Package figurestest writes report histories straight into the real
// tables (reports, target_values, reviews, prompts, assignments.signed_at,
// measures.closed_at) on top of testutil.SeedFixture, so the dashboards can
// be tested with known numbers before the report workflow exists.
package figurestest

import (
	"context"
	"testing"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/testutil"
)

// At parses "2015-04-02" (10:00 local) or "2015-04-02 15:04" in the
// portal's zone.
func At(s string) time.Time {
	if t, err := time.ParseInLocation("2006-01-02 15:04", s, clock.Zone); err == nil {
		return t
	}
	t, err := time.ParseInLocation(time.DateOnly, s, clock.Zone)
	if err != nil {
		panic("figurestest.At: " + s)
	}
	return t.Add(10 * time.Hour)
}

// History writes reports for the fixture's assignments.
type History struct {
	T        testing.TB
	St       *store.Store
	F        *testutil.Fixture
	Periods  map[string]model.Period // by label
	Targets  [][]model.Target        // by measure index, in position order
	Reviewer int64                   // user ID of the reviews' author
	asg      map[[2]int64]model.Assignment
}

// New prepares a History for a seeded fixture. Reviews are written in the
// name of the demo reviewer (duchashi) when it exists, else of a new user.
func New(t testing.TB, st *store.Store, f *testutil.Fixture) *History {
	t.Helper()
	ctx := context.Background()
	h := &History{T: t, St: st, F: f, Periods: map[string]model.Period{}, asg: map[[2]int64]model.Assignment{}}
	ps, err := st.PeriodsOf(ctx, f.Plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		h.Periods[p.Label] = p
	}
	as, err := st.AssignmentsOfPlan(ctx, f.Plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		h.asg[[2]int64{a.MeasureID, a.UnitID}] = a
	}
	for _, m := range f.Measures {
		ts, err := st.TargetsOf(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		h.Targets = append(h.Targets, ts)
	}
	if u, err := st.UserByUsername(ctx, "duchashi"); err == nil {
		h.Reviewer = u.ID
	} else {
		u := &model.User{Username: "figurestest-reviewer", PasswordHash: "x", Role: model.RoleReviewer}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		h.Reviewer = u.ID
	}
	return h
}

// A returns the assignment of the fixture's measure mi (0-based, plan
// order) to the named unit.
func (h *History) A(mi int, unit string) model.Assignment {
	h.T.Helper()
	a, ok := h.asg[[2]int64{h.F.Measures[mi].ID, h.F.Units[unit]}]
	if !ok {
		h.T.Fatalf("no assignment of measure %d to %s", mi, unit)
	}
	return a
}

// Report describes one report to write. Dates are At() strings; Values
// maps a target's position (1-based) within its measure to the actual.
type Report struct {
	State     string
	Progress  string
	Percent   int
	Submitted string
	Returned  string
	Approved  string
	Values    map[int]float64
}

func ptr(s string) *time.Time {
	if s == "" {
		return nil
	}
	t := At(s).UTC()
	return &t
}

// Report writes a's report for a period label and returns its ID.
func (h *History) Report(a model.Assignment, label string, r Report) int64 {
	h.T.Helper()
	per, ok := h.Periods[label]
	if !ok {
		h.T.Fatalf("no period %s", label)
	}
	if r.Progress == "" {
		r.Progress = model.ProgressOnTrack
	}
	now := h.St.Clock().Now().UTC()
	row := model.Report{AssignmentID: a.ID, PeriodID: per.ID, State: r.State, ProgressState: r.Progress, Percent: r.Percent,
		Progress: "工作进展 " + label, SubmittedAt: ptr(r.Submitted), ReturnedAt: ptr(r.Returned), ApprovedAt: ptr(r.Approved),
		LockVersion: 1, CreatedAt: now, UpdatedAt: now}
	if row.SubmittedAt != nil {
		row.VersionNo = 1
	}
	mi := -1
	for i, m := range h.F.Measures {
		if m.ID == a.MeasureID {
			mi = i
		}
	}
	err := h.St.WithTx(context.Background(), func(ctx context.Context) error {
		if err := h.St.Insert(ctx, &row); err != nil {
			return err
		}
		for pos, v := range r.Values {
			v := v
			tv := model.TargetValue{ReportID: row.ID, TargetID: h.Targets[mi][pos-1].ID, Value: &v}
			if err := h.St.Insert(ctx, &tv); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		h.T.Fatalf("write report: %v", err)
	}
	return row.ID
}

// Review records a review decision ("approve" or "return") on a report.
func (h *History) Review(reportID int64, decision, reason, at string) {
	h.T.Helper()
	rv := model.Review{ReportID: reportID, VersionNo: 1, ReviewerID: h.Reviewer, Decision: decision, Reason: reason, CreatedAt: At(at).UTC()}
	if err := h.St.Insert(context.Background(), &rv); err != nil {
		h.T.Fatalf("write review: %v", err)
	}
}

// Close closes (办结) measure mi at a date.
func (h *History) Close(mi int, at string) {
	h.T.Helper()
	_, err := h.St.Exec(context.Background(), "UPDATE measures SET closed_at = ?, closed_by = ?, closed_note = ? WHERE id = ?",
		At(at).UTC(), h.Reviewer, "已完成", h.F.Measures[mi].ID)
	if err != nil {
		h.T.Fatal(err)
	}
}

// Sign records that a unit signed for (签收) an assignment.
func (h *History) Sign(a model.Assignment, at string) {
	h.T.Helper()
	if _, err := h.St.Exec(context.Background(), "UPDATE assignments SET signed_at = ? WHERE id = ?", At(at).UTC(), a.ID); err != nil {
		h.T.Fatal(err)
	}
}

// Prompt records an open 催办 prompt for an assignment and period.
func (h *History) Prompt(a model.Assignment, label, message, at string) int64 {
	h.T.Helper()
	per := h.Periods[label]
	p := model.Prompt{UnitID: a.UnitID, AssignmentID: &a.ID, PeriodID: &per.ID, SenderID: h.Reviewer, Message: message, CreatedAt: At(at).UTC()}
	if err := h.St.Insert(context.Background(), &p); err != nil {
		h.T.Fatal(err)
	}
	return p.ID
}

// Audit appends an audit entry, as the workflow would.
func (h *History) Audit(action, objectType string, objectID int64) {
	h.T.Helper()
	a := store.Actor{UserID: h.Reviewer, Username: "duchashi", Role: model.RoleReviewer}
	if err := h.St.Audit(context.Background(), a, store.AuditEntry{Action: action, ObjectType: objectType, ObjectID: objectID}); err != nil {
		h.T.Fatal(err)
	}
}
