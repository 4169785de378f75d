package api

import (
	"time"

	"duban/internal/figures"
	"duban/internal/format"
	"duban/internal/model"
	"duban/internal/rules"
	"duban/internal/store"
	"duban/internal/workflow"
)

// The API's JSON shapes. They are the API's contract (the OpenAPI schemas
// are generated from them), so they are declared here rather than
// exposing the GORM models.

const dateFmt = "2006-01-02"

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateFmt)
}

// Plan is a policy plan.
type Plan struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Issuer    string `json:"issuer"`
	IssuedOn  string `json:"issued_on"`
	StartOn   string `json:"start_on" format:"date"`
	EndOn     string `json:"end_on" format:"date"`
	Reporting string `json:"reporting" doc:"quarterly or monthly"`
	Version   int    `json:"version"`
}

func planOf(p *model.Plan) Plan {
	return Plan{ID: p.ID, Title: p.Title, Issuer: p.Issuer, IssuedOn: p.IssuedOn, StartOn: day(p.StartOn),
		EndOn: day(p.EndOn), Reporting: p.Reporting, Version: p.Version}
}

// PlanDetail is a plan with its reporting periods and domains.
type PlanDetail struct {
	Plan
	Periods []Period `json:"periods"`
	Domains []Domain `json:"domains"`
}

// Period is a reporting period.
type Period struct {
	ID       int64  `json:"id"`
	Seq      int    `json:"seq"`
	Label    string `json:"label"`
	StartsOn string `json:"starts_on" format:"date"`
	EndsOn   string `json:"ends_on" format:"date"`
	DueOn    string `json:"due_on" format:"date"`
}

func periodOf(p *model.Period) Period {
	return Period{ID: p.ID, Seq: p.Seq, Label: p.Label, StartsOn: day(p.StartsOn), EndsOn: day(p.EndsOn), DueOn: day(p.DueOn)}
}

// Domain is a domain (领域) of a plan.
type Domain struct {
	ID       int64  `json:"id"`
	Position int    `json:"position"`
	Label    string `json:"label"`
	Title    string `json:"title"`
	Goal     string `json:"goal"`
}

// Measure is a measure with its targets.
type Measure struct {
	ID         int64    `json:"id"`
	PlanID     int64    `json:"plan_id"`
	DomainID   int64    `json:"domain_id"`
	Position   int      `json:"position"`
	Label      string   `json:"label"`
	Title      string   `json:"title"`
	SourceText string   `json:"source_text" doc:"The measure's text in the plan."`
	DueOn      string   `json:"due_on" format:"date"`
	DueNote    string   `json:"due_note"`
	Ongoing    bool     `json:"ongoing"`
	Closed     bool     `json:"closed"`
	ClosedAt   string   `json:"closed_at,omitempty" format:"date-time"`
	Version    int      `json:"version"`
	Targets    []Target `json:"targets"`
}

func measureOf(m *model.Measure, ts []model.Target) Measure {
	out := Measure{ID: m.ID, PlanID: m.PlanID, DomainID: m.DomainID, Position: m.Position, Label: m.Label, Title: m.Title,
		SourceText: m.SourceText, DueOn: day(m.DueOn), DueNote: m.DueNote, Ongoing: m.Ongoing, Closed: m.ClosedAt != nil,
		Version: m.Version, Targets: []Target{}}
	if m.ClosedAt != nil {
		out.ClosedAt = m.ClosedAt.UTC().Format(time.RFC3339)
	}
	for i := range ts {
		out.Targets = append(out.Targets, targetOf(&ts[i]))
	}
	return out
}

// Target is a quantified target of a measure.
type Target struct {
	ID        int64   `json:"id"`
	Position  int     `json:"position"`
	Text      string  `json:"text"`
	Indicator string  `json:"indicator"`
	Op        string  `json:"op"`
	Value     float64 `json:"value"`
	Unit      string  `json:"unit"`
	Year      int     `json:"year"`
}

func targetOf(t *model.Target) Target {
	return Target{ID: t.ID, Position: t.Position, Text: t.Text, Indicator: t.Indicator, Op: t.Op, Value: t.Value, Unit: t.Unit, Year: t.Year}
}

// Assignment is a measure × unit.
type Assignment struct {
	ID        int64  `json:"id"`
	PlanID    int64  `json:"plan_id"`
	MeasureID int64  `json:"measure_id"`
	Measure   string `json:"measure" doc:"The measure's label and title."`
	UnitID    int64  `json:"unit_id"`
	Unit      string `json:"unit"`
	Role      string `json:"role" enum:"lead,responsible"`
	Signed    bool   `json:"signed"`
	SignedAt  string `json:"signed_at,omitempty" format:"date-time"`
	Closed    bool   `json:"closed"`
	Light     *Light `json:"light,omitempty" doc:"The assignment's light and its reasons, from the read model."`
}

func assignmentOf(r *store.AssignmentRow) Assignment {
	out := Assignment{ID: r.ID, PlanID: r.PlanID, MeasureID: r.MeasureID, Measure: format.MeasureName(r.DomainLabel, r.MeasureLabel, r.MeasureTitle),
		UnitID: r.UnitID, Unit: r.UnitName, Role: r.Role, Signed: r.SignedAt != nil, Closed: r.Closed()}
	if r.SignedAt != nil {
		out.SignedAt = r.SignedAt.UTC().Format(time.RFC3339)
	}
	return out
}

// Light is what the rules say about an assignment.
type Light struct {
	Color   string   `json:"color" enum:"red,yellow,green,blue,grey"`
	Reasons []Reason `json:"reasons"`
}

// Reason is one structured reason of a light.
type Reason struct {
	Kind      string  `json:"kind"`
	Light     string  `json:"light" enum:"red,yellow,green,blue,grey"`
	Period    string  `json:"period,omitempty"`
	Days      int     `json:"days,omitempty"`
	Date      string  `json:"date,omitempty" format:"date"`
	Percent   int     `json:"percent,omitempty"`
	Expected  int     `json:"expected,omitempty"`
	Behind    int     `json:"behind,omitempty"`
	Indicator string  `json:"indicator,omitempty"`
	Op        string  `json:"op,omitempty"`
	Value     float64 `json:"value,omitempty"`
	Unit      string  `json:"unit,omitempty"`
	Actual    float64 `json:"actual,omitempty"`
}

func lightOf(st rules.Status) *Light {
	l := &Light{Color: st.Light.String(), Reasons: []Reason{}}
	for _, r := range st.Reasons {
		l.Reasons = append(l.Reasons, Reason{Kind: r.Kind, Light: r.Light.String(), Period: r.Period, Days: r.Days,
			Date: day(r.Date), Percent: r.Percent, Expected: r.Expected, Behind: r.Behind, Indicator: r.Indicator,
			Op: r.Op, Value: r.Value, Unit: r.Unit, Actual: r.Actual})
	}
	return l
}

// AssignmentDetail is an assignment with its periods and their reports.
type AssignmentDetail struct {
	Assignment
	Periods []PeriodReport `json:"periods"`
}

// PeriodReport is one period of an assignment and its report, as far as
// the caller may see it.
type PeriodReport struct {
	Period   Period `json:"period"`
	Owed     bool   `json:"owed" doc:"The rules count this period as owed (due or chased)."`
	ReportID int64  `json:"report_id,omitempty"`
	State    string `json:"state" enum:"none,draft,submitted,returned,approved"`
	Percent  int    `json:"percent"`
}

// Report is a report with its history.
type Report struct {
	ID            int64         `json:"id"`
	AssignmentID  int64         `json:"assignment_id"`
	PeriodID      int64         `json:"period_id"`
	State         string        `json:"state" enum:"draft,submitted,returned,approved"`
	LockVersion   int           `json:"lock_version" doc:"Send it back in If-Match to change the report."`
	VersionNo     int           `json:"version_no" doc:"Submitted versions so far."`
	SubmittedAt   string        `json:"submitted_at,omitempty" format:"date-time"`
	Current       *Content      `json:"current,omitempty" doc:"The latest submitted version (for the owner, the draft when none was submitted)."`
	Versions      []VersionLine `json:"versions"`
	Reviews       []Review      `json:"reviews"`
	Attachments   []Attachment  `json:"attachments"`
	AllowedWrites []string      `json:"allowed_actions" doc:"What the caller may do now: save, submit, approve, return."`
}

// Content is a report's text, progress, actuals and evidence.
type Content struct {
	ProgressState string        `json:"progress_state" enum:"not_started,on_track,behind,done"`
	Percent       int           `json:"percent"`
	Progress      string        `json:"progress"`
	Problems      string        `json:"problems"`
	NextSteps     string        `json:"next_steps"`
	Targets       []TargetValue `json:"targets"`
	Files         []FileRef     `json:"files"`
}

// TargetValue is a target with the actual reported for it.
type TargetValue struct {
	TargetID  int64    `json:"target_id"`
	Indicator string   `json:"indicator"`
	Op        string   `json:"op"`
	Value     float64  `json:"value"`
	Unit      string   `json:"unit"`
	Actual    *float64 `json:"actual,omitempty"`
}

// FileRef is an evidence file a version lists.
type FileRef struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	Download    string `json:"download" doc:"API path of the file."`
}

func contentOf(sn *workflow.Snapshot) *Content {
	c := &Content{ProgressState: sn.ProgressState, Percent: sn.Percent, Progress: sn.Progress, Problems: sn.Problems,
		NextSteps: sn.NextSteps, Targets: []TargetValue{}, Files: []FileRef{}}
	for _, t := range sn.Targets {
		c.Targets = append(c.Targets, TargetValue{TargetID: t.TargetID, Indicator: t.Indicator, Op: t.Op, Value: t.Value, Unit: t.Unit, Actual: t.Actual})
	}
	for _, f := range sn.Files {
		c.Files = append(c.Files, FileRef{ID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256,
			Download: downloadPath(f.ID)})
	}
	return c
}

// VersionLine is one submitted version.
type VersionLine struct {
	No          int    `json:"no"`
	SubmittedAt string `json:"submitted_at" format:"date-time"`
	Decision    string `json:"decision,omitempty" enum:"approve,return"`
}

// Version is one submitted version's content.
type Version struct {
	ReportID    int64    `json:"report_id"`
	No          int      `json:"no"`
	SubmittedAt string   `json:"submitted_at" format:"date-time"`
	Content     *Content `json:"content"`
}

// Review is a review decision.
type Review struct {
	VersionNo int    `json:"version_no"`
	Decision  string `json:"decision" enum:"approve,return"`
	Reason    string `json:"reason"`
	Reviewer  string `json:"reviewer"`
	At        string `json:"at" format:"date-time"`
}

// Attachment is an evidence file's metadata.
type Attachment struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	UploadedAt  string `json:"uploaded_at" format:"date-time"`
	Removed     bool   `json:"removed"`
	Download    string `json:"download"`
}

func downloadPath(id int64) string { return Prefix + "/attachments/" + itoa(id) }

// Prompt is a 催办.
type Prompt struct {
	ID         int64  `json:"id"`
	PeriodID   int64  `json:"period_id,omitempty"`
	Message    string `json:"message"`
	Sender     string `json:"sender"`
	SentAt     string `json:"sent_at" format:"date-time"`
	ResolvedAt string `json:"resolved_at,omitempty" format:"date-time"`
}

// LedgerRow is one line of the 台账.
type LedgerRow struct {
	AssignmentID int64  `json:"assignment_id"`
	MeasureID    int64  `json:"measure_id"`
	Measure      string `json:"measure"`
	DomainID     int64  `json:"domain_id"`
	UnitID       int64  `json:"unit_id"`
	Unit         string `json:"unit"`
	Role         string `json:"role" enum:"lead,responsible"`
	DueOn        string `json:"due_on" format:"date"`
	Period       string `json:"period,omitempty" doc:"The period of the report shown."`
	State        string `json:"state" enum:"none,draft,submitted,returned,approved"`
	Percent      int    `json:"percent"`
	Light        Light  `json:"light"`
}

func ledgerRowOf(r figures.LedgerRow) LedgerRow {
	a := r.Assignment
	out := LedgerRow{AssignmentID: a.ID, MeasureID: a.MeasureID, Measure: format.MeasureName(a.Measure.Domain.Label, a.Measure.Label, a.Measure.Title),
		DomainID: a.Measure.DomainID, UnitID: a.UnitID, Role: a.Role, DueOn: day(a.DueOn()), State: "none",
		Light: *lightOf(a.Status)}
	if a.Unit != nil {
		out.Unit = a.Unit.Name
	}
	if r.Period >= 0 {
		out.Period = a.Plan().Periods[r.Period].Label
		if st := r.Report.State(); st != "" {
			out.State = st
		}
		out.Percent = r.Report.Percent()
	}
	return out
}

// Indicator is one target with its latest actual.
type Indicator struct {
	TargetID  int64    `json:"target_id"`
	MeasureID int64    `json:"measure_id"`
	Measure   string   `json:"measure"`
	Indicator string   `json:"indicator"`
	Op        string   `json:"op"`
	Value     float64  `json:"value"`
	Unit      string   `json:"unit"`
	Year      int      `json:"year"`
	Actual    *float64 `json:"actual,omitempty"`
	Path      *float64 `json:"path,omitempty" doc:"Where the target should stand now (序时目标)."`
	Status    string   `json:"status" enum:"behind,missed,on_path,met,no_data"`
}

// Score is a unit's line of the scorecard.
type Score struct {
	UnitID      int64   `json:"unit_id"`
	Unit        string  `json:"unit"`
	Assignments int     `json:"assignments"`
	Leads       int     `json:"leads"`
	Due         int     `json:"due"`
	OnTime      int     `json:"on_time"`
	OnTimeRate  float64 `json:"on_time_rate"`
	Outstanding int     `json:"outstanding"`
	CatchUp     int     `json:"catch_up"`
	Reviews     int     `json:"reviews"`
	Returns     int     `json:"returns"`
	ReturnRate  float64 `json:"return_rate"`
	Closed      int     `json:"closed"`
}
