package api

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"

	"duban/internal/figures"
	"duban/internal/format"
	"duban/internal/model"
	"duban/internal/rules"
	"duban/internal/store"
	"duban/internal/web/handlers"
	"duban/internal/workflow"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Paging is the cursor pagination of every list.
type Paging struct {
	Cursor string `query:"cursor" doc:"Opaque cursor from the previous page's next_cursor."`
	Limit  int    `query:"limit" default:"50" minimum:"1" maximum:"200" doc:"Items per page."`
}

// window cuts a list of n items at the cursor; next is "" on the last page.
func (p Paging) window(ctx context.Context, n int) (from, to int, next string, err error) {
	if p.Cursor != "" {
		b, derr := base64.RawURLEncoding.DecodeString(p.Cursor)
		s, ok := strings.CutPrefix(string(b), "o:")
		off, aerr := strconv.Atoi(s)
		if derr != nil || !ok || aerr != nil || off < 0 || off > n {
			return 0, 0, "", problemFor(ctx, http.StatusBadRequest, "api.err.cursor")
		}
		from = off
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 50
	}
	to = min(n, from+limit)
	if to < n {
		next = base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(to)))
	}
	return from, to, next, nil
}

func badParam(ctx context.Context, name string) error {
	p := problemFor(ctx, http.StatusBadRequest, "api.err.bad_param")
	p.Fields = map[string]string{name: p.Detail}
	return p
}

type IDParam struct {
	ID int64 `path:"id" minimum:"1"`
}

type PlanParam struct {
	Plan int64 `query:"plan" required:"true" minimum:"1" doc:"Plan ID."`
}

// Outputs.
type (
	planList struct {
		Body struct {
			Items      []Plan `json:"items"`
			NextCursor string `json:"next_cursor,omitempty"`
		}
	}
	planOut     struct{ Body PlanDetail }
	measureList struct {
		Body struct {
			Items      []Measure `json:"items"`
			NextCursor string    `json:"next_cursor,omitempty"`
		}
	}
	measureOut struct {
		Body struct {
			Measure
			Assignments []Assignment `json:"assignments"`
		}
	}
	assignmentList struct {
		Body struct {
			Items      []Assignment `json:"items"`
			NextCursor string       `json:"next_cursor,omitempty"`
		}
	}
	assignmentOut struct{ Body AssignmentDetail }
	promptList    struct {
		Body struct {
			Items []Prompt `json:"items"`
		}
	}
	reportOut struct {
		ETag string `header:"ETag"`
		Body Report
	}
	versionOut struct{ Body Version }
	ledgerOut  struct {
		Body struct {
			Plan       Plan        `json:"plan"`
			Total      int         `json:"total"`
			Items      []LedgerRow `json:"items"`
			NextCursor string      `json:"next_cursor,omitempty"`
		}
	}
	indicatorsOut struct {
		Body struct {
			Items []Indicator `json:"items"`
		}
	}
	scorecardOut struct {
		Body struct {
			Items []Score `json:"items"`
		}
	}
)

// get is a read operation: it also answers 304 to If-None-Match, and
// like every operation a problem on error.
func (a *API) get(id, path, summary, tag string) huma.Operation {
	problem := a.huma.OpenAPI().Components.Schemas.Schema(reflect.TypeOf(Problem{}), true, "Problem")
	return huma.Operation{OperationID: id, Method: http.MethodGet, Path: path, Summary: summary, Tags: []string{tag},
		Responses: map[string]*huma.Response{
			"304":     {Description: "Not modified: If-None-Match named the current ETag."},
			"default": {Description: "Error", Content: map[string]*huma.MediaType{"application/problem+json": {Schema: problem}}},
		}}
}

func (a *API) registerReads() {
	huma.Register(a.huma, a.get("list-plans", "/plans", "List plans, newest first", "plans"), a.listPlans)
	huma.Register(a.huma, a.get("get-plan", "/plans/{id}", "A plan with its periods and domains", "plans"), a.getPlan)
	huma.Register(a.huma, a.get("list-measures", "/plans/{id}/measures", "A plan's measures with their targets, in plan order", "plans"), a.listMeasures)
	huma.Register(a.huma, a.get("get-measure", "/measures/{id}", "A measure with its targets and the assignments the caller may see", "plans"), a.getMeasure)
	huma.Register(a.huma, a.get("list-assignments", "/assignments", "A plan's assignments the caller may see, with their lights", "assignments"), a.listAssignments)
	huma.Register(a.huma, a.get("get-assignment", "/assignments/{id}", "An assignment with its light, reasons and periods", "assignments"), a.getAssignment)
	huma.Register(a.huma, a.get("list-prompts", "/assignments/{id}/prompts", "The 催办 prompts about an assignment, newest first", "assignments"), a.listPrompts)
	huma.Register(a.huma, a.get("get-report", "/reports/{id}", "A report: current version, versions, reviews, evidence", "reports"), a.getReport)
	huma.Register(a.huma, a.get("get-report-version", "/reports/{id}/versions/{no}", "One submitted version of a report", "reports"), a.getVersion)
	dl := a.get("download-attachment", "/attachments/{id}", "Download an evidence file", "reports")
	dl.Responses["200"] = &huma.Response{Description: "The file, with its own content type.", Content: map[string]*huma.MediaType{
		"*/*": {Schema: &huma.Schema{Type: "string", ContentEncoding: "binary"}}}}
	huma.Register(a.huma, dl, a.download)
	huma.Register(a.huma, a.get("get-ledger", "/ledger", "The 督办台账 with the filters of /ledger", "dashboards"), a.ledger)
	huma.Register(a.huma, a.get("get-indicators", "/indicators", "Every quantified target of a plan with its latest actual", "dashboards"), a.indicators)
	huma.Register(a.huma, a.get("get-scorecard", "/scorecard", "The unit scorecard", "dashboards"), a.scorecard)
}

func (a *API) listPlans(ctx context.Context, in *struct{ Paging }) (*planList, error) {
	ps, err := a.d.Store.ListPlans(ctx)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	from, to, next, err := in.window(ctx, len(ps))
	if err != nil {
		return nil, err
	}
	out := &planList{}
	out.Body.Items, out.Body.NextCursor = []Plan{}, next
	for i := from; i < to; i++ {
		out.Body.Items = append(out.Body.Items, planOf(&ps[i]))
	}
	return out, nil
}

func (a *API) getPlan(ctx context.Context, in *IDParam) (*planOut, error) {
	p, err := a.d.Store.PlanByID(ctx, in.ID)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	ps, err := a.d.Store.PeriodsOf(ctx, p.ID)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	ds, err := a.d.Store.DomainsOf(ctx, p.ID)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	out := &planOut{Body: PlanDetail{Plan: planOf(p), Periods: []Period{}, Domains: []Domain{}}}
	for i := range ps {
		out.Body.Periods = append(out.Body.Periods, periodOf(&ps[i]))
	}
	for _, d := range ds {
		out.Body.Domains = append(out.Body.Domains, Domain{ID: d.ID, Position: d.Position, Label: d.Label, Title: d.Title, Goal: d.Goal})
	}
	return out, nil
}

func (a *API) listMeasures(ctx context.Context, in *struct {
	IDParam
	Domain int64 `query:"domain" minimum:"0" doc:"Only this domain's measures."`
	Paging
}) (*measureList, error) {
	if _, err := a.d.Store.PlanByID(ctx, in.ID); err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	ms, err := a.d.Store.MeasuresOf(ctx, in.ID)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	if in.Domain != 0 {
		ms = slices.DeleteFunc(ms, func(m model.Measure) bool { return m.DomainID != in.Domain })
	}
	from, to, next, err := in.window(ctx, len(ms))
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, to-from)
	for _, m := range ms[from:to] {
		ids = append(ids, m.ID)
	}
	ts, err := a.d.Store.TargetsOfMeasures(ctx, ids)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	out := &measureList{}
	out.Body.Items, out.Body.NextCursor = []Measure{}, next
	for i := from; i < to; i++ {
		out.Body.Items = append(out.Body.Items, measureOf(&ms[i], ts[ms[i].ID]))
	}
	return out, nil
}

// visibleRows keeps the assignment rows the caller may see.
func (a *API) visibleRows(ctx context.Context, rows []store.AssignmentRow) ([]store.AssignmentRow, error) {
	var mids []int64
	for _, r := range rows {
		mids = append(mids, r.MeasureID)
	}
	leads, err := a.d.Store.LeadAssignmentsOf(ctx, mids)
	if err != nil {
		return nil, err
	}
	act := callerOf(ctx).Actor
	return slices.DeleteFunc(rows, func(r store.AssignmentRow) bool {
		return !workflow.CanSeeAssignment(act, r.UnitID, leads[r.MeasureID].UnitID)
	}), nil
}

func (a *API) getMeasure(ctx context.Context, in *IDParam) (*measureOut, error) {
	m, err := a.d.Store.MeasureByID(ctx, in.ID)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	ts, err := a.d.Store.TargetsOf(ctx, m.ID)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	rows, err := a.d.Store.AssignmentRowsOfMeasure(ctx, m.ID)
	if err == nil {
		rows, err = a.visibleRows(ctx, rows)
	}
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	out := &measureOut{}
	out.Body.Measure, out.Body.Assignments = measureOf(m, ts), []Assignment{}
	for i := range rows {
		out.Body.Assignments = append(out.Body.Assignments, assignmentOf(&rows[i]))
	}
	return out, nil
}

func (a *API) listAssignments(ctx context.Context, in *struct {
	PlanParam
	Measure int64  `query:"measure" minimum:"0" doc:"Only this measure's assignments."`
	Unit    int64  `query:"unit" minimum:"0" doc:"Only this unit's assignments."`
	Light   string `query:"light" enum:"red,yellow,green,blue,grey," doc:"Only assignments with this light."`
	Paging
}) (*assignmentList, error) {
	if _, err := a.d.Store.PlanByID(ctx, in.Plan); err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	rows, err := a.d.Store.AssignmentRowsOfPlan(ctx, in.Plan)
	if err == nil {
		rows, err = a.visibleRows(ctx, rows)
	}
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	snap, err := figures.Load(ctx, a.d.Store, figures.Scope{PlanID: in.Plan, MeasureID: in.Measure}, a.d.Clock.Now())
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	rows = slices.DeleteFunc(rows, func(r store.AssignmentRow) bool {
		st := snap.Assignment(r.ID)
		return (in.Measure != 0 && r.MeasureID != in.Measure) || (in.Unit != 0 && r.UnitID != in.Unit) ||
			st == nil || (in.Light != "" && st.Status.Light.String() != in.Light)
	})
	from, to, next, err := in.window(ctx, len(rows))
	if err != nil {
		return nil, err
	}
	out := &assignmentList{}
	out.Body.Items, out.Body.NextCursor = []Assignment{}, next
	for i := from; i < to; i++ {
		as := assignmentOf(&rows[i])
		as.Light = lightOf(snap.Assignment(rows[i].ID).Status)
		out.Body.Items = append(out.Body.Items, as)
	}
	return out, nil
}

// seeAssignment loads an assignment the caller may see; another unit's is
// not found.
func (a *API) seeAssignment(ctx context.Context, id int64) (*store.AssignmentRow, int64, error) {
	row, lead, err := a.d.Flow.AssignmentRow(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	if !workflow.CanSeeAssignment(callerOf(ctx).Actor, row.UnitID, lead) {
		return nil, 0, model.Refused("assignment", id)
	}
	return row, lead, nil
}

func (a *API) getAssignment(ctx context.Context, in *IDParam) (*assignmentOut, error) {
	row, lead, err := a.seeAssignment(ctx, in.ID)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	snap, err := figures.Load(ctx, a.d.Store, figures.Scope{PlanID: row.PlanID, MeasureID: row.MeasureID}, a.d.Clock.Now())
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	me := snap.Assignment(row.ID)
	if me == nil {
		return nil, a.fail(ctx, model.ErrNotFound, nil)
	}
	reps, err := a.d.Store.ReportsOfAssignments(ctx, []int64{row.ID})
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	byPeriod := map[int64]*model.Report{}
	for i := range reps {
		byPeriod[reps[i].PeriodID] = &reps[i]
	}
	out := &assignmentOut{Body: AssignmentDetail{Assignment: assignmentOf(row), Periods: []PeriodReport{}}}
	out.Body.Light = lightOf(me.Status)
	act := callerOf(ctx).Actor
	for i, p := range me.Plan().Periods {
		pr := PeriodReport{Period: periodOf(&p), Owed: me.Owed(i), State: "none"}
		if r := byPeriod[p.ID]; r != nil && workflow.CanSeeReport(act, row.UnitID, lead, r) {
			pr.ReportID, pr.State, pr.Percent = r.ID, r.State, r.Percent
		}
		out.Body.Periods = append(out.Body.Periods, pr)
	}
	return out, nil
}

func (a *API) listPrompts(ctx context.Context, in *IDParam) (*promptList, error) {
	if _, _, err := a.seeAssignment(ctx, in.ID); err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	ps, err := a.d.Store.PromptsOfAssignment(ctx, in.ID)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	var uids []int64
	for _, p := range ps {
		uids = append(uids, p.SenderID)
	}
	names, err := a.d.Store.UserNames(ctx, uids)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	out := &promptList{}
	out.Body.Items = []Prompt{}
	for _, p := range ps {
		pr := Prompt{ID: p.ID, Message: p.Message, Sender: names[p.SenderID], SentAt: stamp(p.CreatedAt)}
		if p.PeriodID != nil {
			pr.PeriodID = *p.PeriodID
		}
		if p.ResolvedAt != nil {
			pr.ResolvedAt = stamp(*p.ResolvedAt)
		}
		out.Body.Items = append(out.Body.Items, pr)
	}
	return out, nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// seeReport loads a report the caller may see (a draft only its unit).
func (a *API) seeReport(ctx context.Context, id int64) (*model.Report, *store.AssignmentRow, int64, error) {
	rep, err := a.d.Store.ReportByID(ctx, id)
	if err != nil {
		return nil, nil, 0, err
	}
	row, lead, err := a.d.Flow.AssignmentRow(ctx, rep.AssignmentID)
	if err != nil {
		return nil, nil, 0, err
	}
	if !workflow.CanSeeReport(callerOf(ctx).Actor, row.UnitID, lead, rep) {
		return nil, nil, 0, model.Refused("report", id)
	}
	return rep, row, lead, nil
}

// reportView is a report as the caller may see it: its page's model
// (workflow.ReportPage) in the API's shape.
func (a *API) reportView(ctx context.Context, id int64) (*Report, error) {
	pg, err := a.d.Flow.ReportPage(ctx, callerOf(ctx).Actor, id, 0)
	if err != nil {
		return nil, err
	}
	rep := &pg.Report
	out := &Report{ID: rep.ID, AssignmentID: rep.AssignmentID, PeriodID: rep.PeriodID, State: rep.State, LockVersion: rep.LockVersion,
		VersionNo: rep.VersionNo, Versions: []VersionLine{}, Reviews: []Review{}, Attachments: []Attachment{},
		AllowedWrites: append([]string{}, pg.Allowed...)}
	if rep.SubmittedAt != nil {
		out.SubmittedAt = stamp(*rep.SubmittedAt)
	}
	for _, r := range pg.Reviews {
		out.Reviews = append(out.Reviews, Review{VersionNo: r.VersionNo, Decision: r.Decision, Reason: r.Reason,
			Reviewer: r.Reviewer, At: stamp(r.At)})
	}
	for _, v := range pg.Versions {
		out.Versions = append(out.Versions, VersionLine{No: v.No, SubmittedAt: stamp(v.SubmittedAt), Decision: v.Decision})
	}
	if pg.Content != nil {
		out.Current = contentOf(pg.Content)
	}
	for _, f := range pg.Files {
		out.Attachments = append(out.Attachments, Attachment{ID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size,
			SHA256: f.SHA256, UploadedAt: stamp(f.CreatedAt), Removed: f.RemovedAt != nil, Download: downloadPath(f.ID)})
	}
	return out, nil
}

// lockTag is a report's ETag: its lock version, which If-Match sends back.
func lockTag(lock int) string { return `"` + strconv.Itoa(lock) + `"` }

func (a *API) getReport(ctx context.Context, in *IDParam) (*reportOut, error) {
	v, err := a.reportView(ctx, in.ID)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	return &reportOut{ETag: lockTag(v.LockVersion), Body: *v}, nil
}

func (a *API) getVersion(ctx context.Context, in *struct {
	IDParam
	No int `path:"no" minimum:"1"`
}) (*versionOut, error) {
	rep, _, _, err := a.seeReport(ctx, in.ID)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	v, err := a.d.Store.ReportVersion(ctx, rep.ID, in.No)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	sn, err := workflow.ParseSnapshot(v.Snapshot)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	return &versionOut{Body: Version{ReportID: rep.ID, No: v.VersionNo, SubmittedAt: stamp(v.SubmittedAt), Content: contentOf(&sn)}}, nil
}

func (a *API) download(ctx context.Context, in *IDParam) (*huma.StreamResponse, error) {
	att, err := a.d.Flow.Attachment(ctx, callerOf(ctx).Actor, in.ID)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	return a.sendFile(ctx, fileOut{ID: att.ID, Key: att.StorageKey, Name: att.Name, ContentType: att.ContentType, Size: att.Size, SHA256: att.SHA256})
}

// fileOut is an evidence file to send.
type fileOut struct {
	ID                     int64
	Key, Name, ContentType string
	Size                   int64
	SHA256                 string
}

// sendFile streams an evidence file the caller may see, as a download.
func (a *API) sendFile(ctx context.Context, f fileOut) (*huma.StreamResponse, error) {
	rd, err := a.d.Files.Open(ctx, f.Key)
	if errors.Is(err, os.ErrNotExist) {
		a.d.Log.Error("evidence file missing from storage", "file", f.ID, "key", f.Key)
		return nil, a.fail(ctx, model.ErrNotFound, nil)
	}
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		defer rd.Close()
		hc.SetHeader("Content-Type", f.ContentType)
		hc.SetHeader("Content-Disposition", handlers.ContentDisposition(f.Name, f.ID))
		hc.SetHeader("Content-Length", strconv.FormatInt(f.Size, 10))
		hc.SetHeader("ETag", `"`+f.SHA256+`"`)
		hc.SetHeader("Cache-Control", "private, no-store")
		hc.SetStatus(http.StatusOK)
		if _, err := io.Copy(hc.BodyWriter(), rd); err != nil {
			a.d.Log.Warn("send evidence file", "file", f.ID, "err", err)
		}
	}}, nil
}

// ledgerSorts is the allow-list of the 台账's orders besides the plan's own.
var ledgerSorts = map[string]func(a, b LedgerRow) int{
	"unit":  func(a, b LedgerRow) int { return strings.Compare(a.Unit, b.Unit) },
	"due":   func(a, b LedgerRow) int { return strings.Compare(a.DueOn, b.DueOn) },
	"light": func(a, b LedgerRow) int { return lightRank(b.Light.Color) - lightRank(a.Light.Color) },
}

func lightRank(name string) int {
	l, _ := rules.Parse(name)
	return slices.Index(rules.All, l) // red first
}

func (a *API) ledger(ctx context.Context, in *struct {
	PlanParam
	Domain int64  `query:"domain" minimum:"0"`
	Unit   int64  `query:"unit" minimum:"0" doc:"Ignored for unit users, who only see their unit."`
	Light  string `query:"light" enum:"red,yellow,green,blue,grey,"`
	State  string `query:"state" enum:"none,draft,submitted,returned,approved,"`
	Period int64  `query:"period" minimum:"0" doc:"Show this period's report instead of the latest."`
	Q      string `query:"q" maxLength:"100" doc:"Text in the measure's title or source text."`
	Sort   string `query:"sort" enum:"plan,unit,-unit,due,-due,light,-light," doc:"Order (plan order by default); - reverses."`
	Paging
}) (*ledgerOut, error) {
	plan, err := a.d.Store.PlanByID(ctx, in.Plan)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	q := workflow.LedgerQuery{PlanID: plan.ID, DomainID: in.Domain, UnitID: in.Unit, Text: strings.TrimSpace(in.Q),
		Light: in.Light, State: in.State, PeriodID: in.Period}
	if utf8.RuneCountInString(q.Text) > 100 {
		return nil, badParam(ctx, "q")
	}
	l, err := a.d.Flow.Ledger(ctx, callerOf(ctx).Actor, q, a.d.Clock.Now()) // as on /ledger
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	if in.Period != 0 && l.Filter.PeriodID == 0 {
		return nil, badParam(ctx, "period")
	}
	rows := l.Rows
	items := make([]LedgerRow, 0, len(rows))
	for _, r := range rows {
		items = append(items, ledgerRowOf(r))
	}
	if key := strings.TrimPrefix(in.Sort, "-"); key != "" && key != "plan" {
		less := ledgerSorts[key]
		desc := strings.HasPrefix(in.Sort, "-")
		slices.SortStableFunc(items, func(x, y LedgerRow) int {
			if desc {
				return less(y, x)
			}
			return less(x, y)
		})
	} else if in.Sort == "-plan" {
		slices.Reverse(items)
	}
	from, to, next, err := in.window(ctx, len(items))
	if err != nil {
		return nil, err
	}
	out := &ledgerOut{}
	out.Body.Plan, out.Body.Total, out.Body.Items, out.Body.NextCursor = planOf(plan), len(items), items[from:to], next
	return out, nil
}

func (a *API) indicators(ctx context.Context, in *PlanParam) (*indicatorsOut, error) {
	if _, err := a.d.Store.PlanByID(ctx, in.Plan); err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	snap, err := figures.Load(ctx, a.d.Store, figures.Scope{PlanID: in.Plan}, a.d.Clock.Now())
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	out := &indicatorsOut{}
	out.Body.Items = []Indicator{}
	for _, ind := range snap.Indicators() {
		t := ind.Target
		it := Indicator{TargetID: t.ID, MeasureID: ind.Measure.ID, Measure: format.MeasureName(ind.Measure.Domain.Label, ind.Measure.Label, ind.Measure.Title),
			Indicator: t.Indicator, Op: t.Op, Value: t.Value, Unit: t.Unit, Year: t.Year, Status: ind.Status}
		if ind.HasValue {
			v := ind.Actual
			it.Actual = &v
		}
		if ind.HasPath {
			v := ind.Path
			it.Path = &v
		}
		out.Body.Items = append(out.Body.Items, it)
	}
	return out, nil
}

func (a *API) scorecard(ctx context.Context, in *struct {
	Plan int64  `query:"plan" minimum:"0" doc:"Plan ID; 0 or absent: every plan."`
	Sort string `query:"sort" enum:"unit,-unit,on_time,-on_time,return,-return,outstanding,-outstanding,closed,-closed," doc:"Order; - reverses."`
}) (*scorecardOut, error) {
	if in.Plan != 0 {
		if _, err := a.d.Store.PlanByID(ctx, in.Plan); err != nil {
			return nil, a.fail(ctx, err, nil)
		}
	}
	snap, err := figures.Load(ctx, a.d.Store, figures.Scope{PlanID: in.Plan}, a.d.Clock.Now())
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	scores := snap.Scorecard()
	if in.Sort != "" && !figures.SortScores(scores, strings.TrimPrefix(in.Sort, "-"), strings.HasPrefix(in.Sort, "-")) {
		return nil, badParam(ctx, "sort")
	}
	out := &scorecardOut{}
	out.Body.Items = []Score{}
	for _, s := range scores {
		out.Body.Items = append(out.Body.Items, Score{UnitID: s.Unit.ID, Unit: s.Unit.Name, Assignments: s.Assignments, Leads: s.Leads,
			Due: s.Due, OnTime: s.OnTime, OnTimeRate: s.OnTimeRate(), Outstanding: s.Outstanding, CatchUp: s.CatchUp,
			Reviews: s.Reviews, Returns: s.Returns, ReturnRate: s.ReturnRate(), Closed: s.Closed})
	}
	return out, nil
}
