package planadmin

// The checks of the measure form: what a measure's title, due date, units
// and targets may be, and the edit they make for the store.

import (
	"context"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"duban/internal/clock"
	"duban/internal/format"
	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/validate"
)

// Limits of the measure form.
const (
	MaxTitleRunes = 200
	MaxIndicator  = 100
	MaxTargetUnit = 20
	MaxTargetRows = 100
)

// MeasureForm is a measure's edit form as typed.
type MeasureForm struct {
	Version     int
	Title       string
	DueOn       string
	LeadUnitID  int64
	Responsible map[int64]bool
	Targets     []TargetRow
}

// TargetRow is one row of the targets table; ID 0 is a new row.
type TargetRow struct {
	ID        int64
	Text      string
	Indicator string
	Op        string
	Value     string
	Unit      string
	Year      string
	Remove    bool
	Values    int64 // reported values; such a row cannot be removed
}

// CheckMeasure checks a typed measure form of plan whose stored targets are
// stored, adding the members of the ticked unit groups (各市(区)政府 →
// seven units) to its responsible units. It fills what the form leaves to
// the rules (a target row's year, a stored row's phrase) and returns the
// edit to store and the field errors, which it adds to errs.
func (s *Service) CheckMeasure(ctx context.Context, plan *model.Plan, stored []model.Target, f *MeasureForm, groups []int64, errs validate.Errors) (MeasureEdit, error) {
	e := MeasureEdit{Title: f.Title, LeadUnitID: f.LeadUnitID}
	checkTitle(errs, "title", f.Title, MaxTitleRunes)
	if due, ok := clock.ParseDay(f.DueOn); !ok {
		errs.Set("due_on", "plans.err.date")
	} else if due.Before(clock.Date(plan.StartOn)) {
		errs.Set("due_on", "plans.err.due_before_start", clock.DayText(plan.StartOn))
	} else {
		e.DueOn = due
	}
	if err := s.addGroups(ctx, f, groups); err != nil {
		return e, err
	}
	for id := range f.Responsible {
		if id != f.LeadUnitID {
			e.ResponsibleUnitIDs = append(e.ResponsibleUnitIDs, id)
		}
	}
	delete(f.Responsible, f.LeadUnitID)
	e.Targets = checkTargets(plan, stored, f, errs)
	return e, nil
}

// addGroups adds every member of the ticked groups to the responsible
// units.
func (s *Service) addGroups(ctx context.Context, f *MeasureForm, groups []int64) error {
	if len(groups) == 0 {
		return nil
	}
	all, err := s.st.UnitGroupsForPlans(ctx)
	if err != nil {
		return err
	}
	for _, id := range groups {
		for _, g := range all {
			if g.Group.ID == id {
				for _, u := range g.UnitIDs {
					f.Responsible[u] = true
				}
			}
		}
	}
	return nil
}

// checkTargets checks the target rows: a stored row must still exist, a
// blank new row is ignored, a removed stored row is left out.
func checkTargets(plan *model.Plan, stored []model.Target, f *MeasureForm, errs validate.Errors) []TargetEdit {
	storedByID := map[int64]model.Target{}
	for _, t := range stored {
		storedByID[t.ID] = t
	}
	horizon := clock.Date(plan.EndOn).Year()
	var out []TargetEdit
	rows := f.Targets
	f.Targets = nil
	for _, row := range rows {
		if row.ID != 0 {
			st, ok := storedByID[row.ID]
			if !ok {
				// A row of a target that is gone (or was never here).
				errs.Set(validate.Form, "form.conflict")
				continue
			}
			row.Text = st.Text
		}
		f.Targets = append(f.Targets, row)
		if row.ID == 0 && row.Indicator == "" && row.Value == "" && row.Unit == "" {
			continue // an unused blank row
		}
		if row.Remove && row.ID != 0 {
			continue
		}
		key := "t" + strconv.Itoa(len(f.Targets)-1) + "_row"
		t := checkTarget(row, horizon, key, errs)
		if row.Year == "" {
			f.Targets[len(f.Targets)-1].Year = strconv.Itoa(horizon)
		}
		out = append(out, t)
	}
	return out
}

// checkTarget checks one target row; its errors go to the row's key.
func checkTarget(row TargetRow, horizon int, key string, errs validate.Errors) TargetEdit {
	t := TargetEdit{ID: row.ID, Text: row.Text, Indicator: row.Indicator, Op: row.Op, Unit: row.Unit, Year: horizon}
	switch n := utf8.RuneCountInString(row.Indicator); {
	case n == 0:
		errs.Set(key, "plans.err.indicator_required")
	case n > MaxIndicator:
		errs.Set(key, "plans.err.too_long", strconv.Itoa(MaxIndicator))
	}
	if !i18n.ValidOp(row.Op) {
		errs.Set(key, "plans.err.op")
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(row.Value, ",", ""), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		if _, dup := errs[key]; !dup {
			errs.Set(key, "plans.err.value")
		}
	}
	t.Value = v
	if utf8.RuneCountInString(row.Unit) > MaxTargetUnit {
		errs.Set(key, "plans.err.too_long", strconv.Itoa(MaxTargetUnit))
	}
	if row.Year != "" {
		y, err := strconv.Atoi(row.Year)
		if err != nil || y < 1949 || y > 2100 {
			if _, dup := errs[key]; !dup {
				errs.Set(key, "plans.err.year")
			}
		}
		t.Year = y
	}
	if t.ID == 0 {
		// A target added by hand has no phrase in the plan; its text says
		// it in words, as a plan would, so the measure page reads
		// naturally.
		t.Text = row.Indicator + opWords[row.Op] + format.Num(v) + row.Unit
	}
	return t
}

// opWords is how a plan document writes each target operator; the
// phrase of a hand-added target is stored in the plan's language, not the
// viewer's.
var opWords = map[string]string{">=": "不低于", ">": "超过", "<=": "不高于", "<": "低于", "=": "等于", "~": "左右"}

// checkTitle checks a required title of at most max characters.
func checkTitle(errs validate.Errors, field, title string, max int) {
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		errs.Set(field, "form.required")
	case n > max:
		errs.Set(field, "plans.err.too_long", strconv.Itoa(max))
	}
}
