package planadmin

// The page models of the breakdown editor: a measure's edit form and a
// plan's settings form, filled from the database or from the typed input,
// with what the pages show around the form. The handlers parse the request
// and render what these return.

import (
	"context"
	"errors"
	"strconv"
	"time"
	"unicode/utf8"

	"duban/internal/clock"
	"duban/internal/format"
	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/validate"
)

// blankTargetsShow is how many empty rows are offered for new targets.
const blankTargetsShow = 1

// MeasureEditPage is the view model of /admin/measures/:id/edit.
type MeasureEditPage struct {
	MeasureID  int64
	PlanID     int64
	PlanTitle  string
	PlanLabel  string
	SourceText string
	Form       MeasureForm
	UnitKinds  []UnitKind
	Groups     []GroupOption
	Ops        []OpOption
	Errors     validate.Errors
	CanDelete  bool // no reports or prompts refer to the measure
	// Stale is set when the form was refused because someone saved the
	// measure in between.
	Stale bool
}

// UnitKind is the units of one kind, for the unit pickers.
type UnitKind struct {
	KindKey string
	Units   []UnitOption
}

// UnitOption is a unit that can be assigned.
type UnitOption struct {
	ID          int64
	Name        string
	Unconfirmed bool  // created by an import, not yet confirmed by an admin
	Used        int64 // reports and prompts of its assignment to this measure
}

// GroupOption is a unit group that adds all its members as responsible.
type GroupOption struct {
	ID      int64
	Name    string
	Members int
}

// OpOption is an allowed target operator.
type OpOption struct {
	Op  string
	Key string
}

// TargetOps lists the target operators the forms offer.
func TargetOps() []OpOption {
	var out []OpOption
	for _, o := range i18n.TargetOps {
		out = append(out, OpOption{Op: o.Op, Key: o.Key})
	}
	return out
}

// MeasureEditForm is a measure's edit page with its stored values; errs
// (may be nil) are shown above the form, e.g. a refused deletion.
func (s *Service) MeasureEditForm(ctx context.Context, id int64, errs validate.Errors) (MeasureEditPage, error) {
	m, err := s.st.MeasureByID(ctx, id)
	if err != nil {
		return MeasureEditPage{}, err
	}
	f := MeasureForm{Version: m.Version, Title: m.Title, DueOn: clock.DayText(m.DueOn), Responsible: map[int64]bool{}}
	as, err := s.st.AssignmentsOf(ctx, m.ID)
	if err != nil {
		return MeasureEditPage{}, err
	}
	for _, a := range as {
		if a.Role == model.AssignLead {
			f.LeadUnitID = a.UnitID
		} else {
			f.Responsible[a.UnitID] = true
		}
	}
	ts, err := s.st.TargetsOf(ctx, m.ID)
	if err != nil {
		return MeasureEditPage{}, err
	}
	for _, t := range ts {
		f.Targets = append(f.Targets, TargetRow{ID: t.ID, Text: t.Text, Indicator: t.Indicator, Op: t.Op,
			Value: format.Num(t.Value), Unit: t.Unit, Year: strconv.Itoa(t.Year)})
	}
	for range blankTargetsShow {
		f.Targets = append(f.Targets, TargetRow{Op: ">="})
	}
	return s.measureEditPage(ctx, m, f, errs)
}

// measureEditPage adds to a form what the page shows around it.
func (s *Service) measureEditPage(ctx context.Context, m *model.Measure, f MeasureForm, errs validate.Errors) (MeasureEditPage, error) {
	page := MeasureEditPage{MeasureID: m.ID, PlanID: m.PlanID, SourceText: m.SourceText, Form: f, Errors: errs, Ops: TargetOps()}
	p, err := s.st.PlanByID(ctx, m.PlanID)
	if err != nil {
		return page, err
	}
	d, err := s.st.DomainByID(ctx, m.DomainID)
	if err != nil {
		return page, err
	}
	page.PlanTitle, page.PlanLabel = p.Title, format.Citation(d.Label, m.Label)
	usage, err := s.st.UsageOfMeasure(ctx, m.ID)
	if err != nil {
		return page, err
	}
	as, err := s.st.AssignmentsOf(ctx, m.ID)
	if err != nil {
		return page, err
	}
	usedByUnit := map[int64]int64{}
	page.CanDelete = true
	for _, a := range as {
		if n := usage.ByAssignment[a.ID]; n > 0 {
			usedByUnit[a.UnitID] = n
			page.CanDelete = false
		}
	}
	for i := range page.Form.Targets {
		page.Form.Targets[i].Values = usage.ByTarget[page.Form.Targets[i].ID]
	}
	if page.UnitKinds, err = s.UnitChooser(ctx, usedByUnit); err != nil {
		return page, err
	}
	groups, err := s.st.UnitGroupsForPlans(ctx)
	if err != nil {
		return page, err
	}
	for _, g := range groups {
		if len(g.UnitIDs) > 0 {
			page.Groups = append(page.Groups, GroupOption{ID: g.Group.ID, Name: g.Group.Name, Members: len(g.UnitIDs)})
		}
	}
	return page, nil
}

// MeasureInput is a posted measure form as the handler read it: the typed
// form, the ticked unit groups, the errors of reading it (a unit ID that is
// not a number) and whether the admin only asked for one more target row.
type MeasureInput struct {
	Form   MeasureForm
	Groups []int64
	Errors validate.Errors
	AddRow bool
}

// SaveMeasure checks a posted measure form and saves it. It returns nil
// when the edit is saved; otherwise the page to show again with the typed
// input: with Errors (refused; Stale when someone saved in between), or
// without (one more blank target row was asked for; nothing is saved).
func (s *Service) SaveMeasure(ctx context.Context, a store.Actor, id int64, in MeasureInput) (*MeasureEditPage, error) {
	m, err := s.st.MeasureByID(ctx, id)
	if err != nil {
		return nil, err
	}
	plan, err := s.st.PlanByID(ctx, m.PlanID)
	if err != nil {
		return nil, err
	}
	stored, err := s.st.TargetsOf(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	f, errs := in.Form, in.Errors
	if errs == nil {
		errs = validate.Errors{}
	}
	edit, err := s.CheckMeasure(ctx, plan, stored, &f, in.Groups, errs)
	if err != nil {
		return nil, err
	}
	again := func() (*MeasureEditPage, error) {
		page, err := s.measureEditPage(ctx, m, f, errs)
		return &page, err
	}
	if in.AddRow {
		// "Add a row" without JavaScript: the same form, one more blank
		// row, nothing saved and no errors shown yet.
		if len(f.Targets) < MaxTargetRows {
			f.Targets = append(f.Targets, TargetRow{Op: ">="})
		}
		errs = nil
		return again()
	}
	if len(errs) > 0 {
		return again()
	}
	err = s.UpdateMeasure(ctx, a, id, f.Version, edit)
	switch {
	case validate.FieldsOf(err) != nil:
		s.placeRefusal(ctx, err, f, errs)
		return again()
	case errors.Is(err, model.ErrConflict):
		errs.Set(validate.Form, "form.conflict")
		page, err := again()
		page.Stale = true
		return page, err
	case err != nil:
		return nil, err
	}
	return nil, nil
}

// placeRefusal puts a refusal of an edit next to the field or row it is
// about, naming the unit or indicator.
func (s *Service) placeRefusal(ctx context.Context, err error, f MeasureForm, errs validate.Errors) {
	field, m := Refusal(err)
	var row int64
	if len(m.Args) > 0 {
		row, _ = m.Args[0].(int64)
	}
	switch field {
	case FieldUnits:
		p := validate.Message{Key: m.Key}
		if row != 0 {
			if u, err := s.st.UnitByID(ctx, row); err == nil {
				p.Args = []any{u.Name}
			}
		}
		errs["units"] = p
	case FieldTargets:
		for i, t := range f.Targets {
			if t.ID == row {
				errs.Set("t"+strconv.Itoa(i)+"_row", m.Key, t.Indicator)
				return
			}
		}
		errs.Set("targets", m.Key)
	default:
		errs.Set(validate.Form, m.Key)
	}
}

// Refusal is the one field and message of a plan edit that was refused
// (see FieldUnits); none when err is not a refusal.
func Refusal(err error) (string, validate.Message) {
	for field, m := range validate.FieldsOf(err) {
		return field, m
	}
	return "", validate.Message{}
}

// NewMeasure checks the add-a-measure form of a plan (a title, an
// optional due date not before the plan starts) and adds the measure to
// the domain. It returns the new measure, or the field errors to show.
func (s *Service) NewMeasure(ctx context.Context, a store.Actor, planID, domainID int64, title, dueOn string) (*model.Measure, validate.Errors, error) {
	plan, err := s.st.PlanByID(ctx, planID)
	if err != nil {
		return nil, nil, err
	}
	errs := validate.Errors{}
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		errs.Set("title", "form.required")
	case n > MaxTitleRunes:
		errs.Set("title", "plans.err.title_long")
	}
	var due time.Time
	if dueOn != "" {
		d, ok := clock.ParseDay(dueOn)
		switch {
		case !ok:
			errs.Set("due_on", "plans.err.date")
		case d.Before(clock.Date(plan.StartOn)):
			errs.Set("due_on", "plans.err.due_before_plan")
		}
		due = d
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	m, err := s.AddMeasure(ctx, a, planID, domainID, title, due)
	if validate.FieldsOf(err) != nil {
		_, msg := Refusal(err)
		errs.Set(validate.Form, msg.Key)
		return nil, errs, nil
	}
	return m, nil, err
}

// RemoveMeasure deletes a measure (see DeleteMeasure) and returns its
// plan; a refused deletion returns the measure's page saying why.
func (s *Service) RemoveMeasure(ctx context.Context, a store.Actor, id int64, version int) (int64, *MeasureEditPage, error) {
	m, err := s.st.MeasureByID(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	err = s.DeleteMeasure(ctx, a, id, version)
	_, refusal := Refusal(err)
	switch {
	case refusal.Key != "":
	case errors.Is(err, model.ErrConflict):
		refusal.Key = "form.conflict"
	default:
		return m.PlanID, nil, err
	}
	page, err := s.MeasureEditForm(ctx, id, validate.Errors{validate.Form: {Key: refusal.Key}})
	return m.PlanID, &page, err
}

// UnitChooser lists every unit grouped by kind for the unit pickers of the
// breakdown editor and the import preview; used counts a unit's reports and
// prompts on the measure being edited (nil elsewhere).
func (s *Service) UnitChooser(ctx context.Context, used map[int64]int64) ([]UnitKind, error) {
	units, err := s.st.AllUnits(ctx)
	if err != nil {
		return nil, err
	}
	var out []UnitKind
	for _, kind := range model.UnitKinds {
		k := UnitKind{KindKey: "unit.kind." + kind}
		for _, u := range units {
			if u.Kind == kind {
				k.Units = append(k.Units, UnitOption{ID: u.ID, Name: u.Name, Unconfirmed: !u.Confirmed, Used: used[u.ID]})
			}
		}
		if len(k.Units) > 0 {
			out = append(out, k)
		}
	}
	return out, nil
}

// PlanEditPage is the view model of /admin/plans/:id/edit.
type PlanEditPage struct {
	PlanID   int64
	Form     PlanForm
	Periods  []PeriodRow
	Reports  int64 // reports that refer to the periods
	Prompts  int64
	Errors   validate.Errors
	Measures int
	// Stale is set when the form was refused because someone saved the
	// plan in between.
	Stale bool
}

// PeriodRow is one current reporting period.
type PeriodRow struct {
	Label  string
	Starts string
	Ends   string
	Due    string
}

// Locked reports whether the periods can no longer be cut anew.
func (p PlanEditPage) Locked() bool { return p.Reports > 0 || p.Prompts > 0 }

// PlanEditForm is a plan's settings page with its stored values.
func (s *Service) PlanEditForm(ctx context.Context, id int64) (PlanEditPage, error) {
	p, err := s.st.PlanByID(ctx, id)
	if err != nil {
		return PlanEditPage{}, err
	}
	f := PlanForm{Version: p.Version, Title: p.Title, Reporting: p.Reporting, DueDays: strconv.Itoa(p.DueDays),
		StartOn: clock.DayText(p.StartOn), EndOn: clock.DayText(p.EndOn)}
	return s.planEditPage(ctx, id, f, nil)
}

func (s *Service) planEditPage(ctx context.Context, id int64, f PlanForm, errs validate.Errors) (PlanEditPage, error) {
	page := PlanEditPage{PlanID: id, Form: f, Errors: errs}
	ps, err := s.st.PeriodsOf(ctx, id)
	if err != nil {
		return page, err
	}
	for _, x := range ps {
		page.Periods = append(page.Periods, PeriodRow{Label: x.Label, Starts: clock.DayText(x.StartsOn), Ends: clock.DayText(x.EndsOn), Due: clock.DayText(x.DueOn)})
	}
	page.Reports, page.Prompts, err = s.st.PlanUsage(ctx, id)
	return page, err
}

// SavePlan checks a posted settings form and saves it. It returns what
// changed, or the page to show again with the typed input and its Errors
// (Stale when someone saved in between).
func (s *Service) SavePlan(ctx context.Context, a store.Actor, id int64, f PlanForm) (PlanChange, *PlanEditPage, error) {
	if _, err := s.st.PlanByID(ctx, id); err != nil {
		return PlanChange{}, nil, err
	}
	errs := validate.Errors{}
	ps := CheckPlan(f, errs)
	again := func(stale bool) (PlanChange, *PlanEditPage, error) {
		page, err := s.planEditPage(ctx, id, f, errs)
		page.Stale = stale
		return PlanChange{}, &page, err
	}
	if len(errs) > 0 {
		return again(false)
	}
	change, err := s.UpdatePlan(ctx, a, id, f.Version, ps)
	switch {
	case validate.FieldsOf(err) != nil:
		_, m := Refusal(err)
		errs.Set(validate.Form, m.Key)
		return again(false)
	case errors.Is(err, model.ErrConflict):
		errs.Set(validate.Form, "form.conflict")
		return again(true)
	}
	return change, nil, err
}
