package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"duban/internal/clock"
	"duban/internal/evidence"
	"duban/internal/model"
	"duban/internal/validate"
	"duban/internal/workflow"
)

// ReportBody is what a unit writes in a report: the JSON body, or the
// "report" part of a multipart body whose "files" parts are the evidence.
type ReportBody struct {
	ProgressState string        `json:"progress_state" enum:"not_started,on_track,behind,done"`
	Percent       int           `json:"percent" minimum:"0" maximum:"100"`
	Progress      string        `json:"progress,omitempty" doc:"工作进展; required to submit."`
	Problems      string        `json:"problems,omitempty"`
	NextSteps     string        `json:"next_steps,omitempty"`
	Targets       []ActualInput `json:"targets,omitempty" doc:"Actual values of the measure's targets."`
	RemoveFiles   []int64       `json:"remove_files,omitempty" doc:"Attachment IDs to take off the report."`
}

// ActualInput is an actual value for a target.
type ActualInput struct {
	TargetID int64   `json:"target_id"`
	Actual   float64 `json:"actual"`
}

// ReviewBody is a review decision.
type ReviewBody struct {
	Decision string `json:"decision" enum:"approve,return"`
	Reason   string `json:"reason,omitempty" doc:"Required to return."`
}

// PromptBody is a 催办.
type PromptBody struct {
	PeriodIDs []int64 `json:"period_ids,omitempty" doc:"Periods to chase; none: every period the rules chase now."`
	Message   string  `json:"message,omitempty"`
}

// CloseBody is 办结.
type CloseBody struct {
	ClosedOn string `json:"closed_on,omitempty" format:"date" doc:"The day the work was finished (default today)."`
	Note     string `json:"note,omitempty"`
}

// ReopenBody is a reopening.
type ReopenBody struct {
	Reason string `json:"reason"`
}

type IfMatchHeader struct {
	IfMatch string `header:"If-Match" doc:"The ETag (lock version) the change is based on."`
}

// lockOf reads If-Match; absent is version 0 (a report not yet started).
func lockOf(ctx context.Context, h string) (int, error) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || n < 0 {
		return 0, problemFor(ctx, http.StatusBadRequest, "api.err.if_match")
	}
	return n, nil
}

type (
	assignmentWritten struct{ Body Assignment }
	reportWritten     struct {
		ETag string `header:"ETag"`
		Body Report
	}
	promptsWritten struct {
		Body struct {
			Items []Prompt `json:"items"`
		}
	}
	measureWritten struct{ Body Measure }
)

func post(id, path, summary, tag string) huma.Operation {
	return huma.Operation{OperationID: id, Method: http.MethodPost, Path: path, Summary: summary, Tags: []string{tag}}
}

func (a *API) registerWrites() {
	huma.Register(a.huma, post("sign-assignment", "/assignments/{id}/sign", "签收 an assignment", "workflow"), a.sign)
	// The report writes read their body themselves (streaming the files
	// into storage), so huma must not: the body is documented afterwards.
	const reportPath = "/assignments/{id}/periods/{period}/report"
	huma.Register(a.huma, huma.Operation{OperationID: "save-report", Method: http.MethodPut, Path: reportPath,
		Summary: "Save the period's report as a draft", Tags: []string{"workflow"}}, a.saveDraft)
	huma.Register(a.huma, post("submit-report", reportPath+"/submit", "Submit (报送) the period's report", "workflow"), a.submit)
	a.withFiles(a.huma.OpenAPI().Paths[reportPath].Put, "report", ReportBody{})
	a.withFiles(a.huma.OpenAPI().Paths[reportPath+"/submit"].Post, "report", ReportBody{})
	huma.Register(a.huma, post("review-report", "/reports/{id}/review", "Approve or return a submitted report", "workflow"), a.review)
	huma.Register(a.huma, post("send-prompt", "/assignments/{id}/prompts", "Send a 催办 prompt", "workflow"), a.prompt)
	huma.Register(a.huma, post("close-measure", "/measures/{id}/close", "办结 a measure", "workflow"), a.closeMeasure)
	huma.Register(a.huma, post("reopen-measure", "/measures/{id}/reopen", "Reopen a closed measure", "workflow"), a.reopenMeasure)
}

func (a *API) sign(ctx context.Context, in *IDParam) (*assignmentWritten, error) {
	act := callerOf(ctx).Actor
	if err := a.d.Flow.Sign(ctx, act, in.ID); err != nil {
		return nil, a.fail(ctx, err, func() any { return a.currentAssignment(ctx, in.ID) })
	}
	return &assignmentWritten{Body: *a.currentAssignment(ctx, in.ID)}, nil
}

func (a *API) currentAssignment(ctx context.Context, id int64) *Assignment {
	row, _, err := a.seeAssignment(ctx, id)
	if err != nil {
		return nil
	}
	as := assignmentOf(row)
	return &as
}

type ReportParams struct {
	IDParam
	Period int64 `path:"period" minimum:"1"`
	IfMatchHeader
}

func (a *API) saveDraft(ctx context.Context, in *ReportParams) (*reportWritten, error) {
	return a.writeReport(ctx, in, false)
}

func (a *API) submit(ctx context.Context, in *ReportParams) (*reportWritten, error) {
	return a.writeReport(ctx, in, true)
}

// writeReport saves or submits through workflow.SaveReport, the pages'
// one write: the same checks, audit, notifications and read-model flush.
func (a *API) writeReport(ctx context.Context, in *ReportParams, submit bool) (*reportWritten, error) {
	act := callerOf(ctx).Actor
	row, leadUnit, err := a.seeAssignment(ctx, in.ID)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	if !workflow.IsOwner(act, row.UnitID) {
		return nil, a.fail(ctx, model.ErrForbidden, nil) // seen, not its unit's
	}
	lock, err := lockOf(ctx, in.IfMatch)
	if err != nil {
		return nil, err
	}
	body, ups, err := a.readReport(ctx)
	if err != nil {
		return nil, err
	}
	rin := workflow.ReportInput{AssignmentID: row.ID, PeriodID: in.Period, LockVersion: lock, ProgressState: body.ProgressState,
		Percent: body.Percent, Progress: strings.TrimSpace(body.Progress), Problems: strings.TrimSpace(body.Problems),
		NextSteps: strings.TrimSpace(body.NextSteps), Targets: map[int64]*float64{}, RemoveFiles: body.RemoveFiles,
		Place: &workflow.ReportPlace{Row: row, LeadUnit: leadUnit}}
	for _, t := range body.Targets {
		v := t.Actual
		rin.Targets[t.TargetID] = &v
	}
	rin.AddFiles = workflow.FilesOf(ups)
	rep, err := a.d.Flow.SaveReport(ctx, act, rin, submit) // removes the new files when it fails
	if err != nil {
		return nil, a.fail(ctx, err, func() any { return a.currentReport(ctx, row.ID, in.Period) })
	}
	return a.reportWritten(ctx, rep.ID)
}

func (a *API) reportWritten(ctx context.Context, id int64) (*reportWritten, error) {
	v, err := a.reportView(ctx, id)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	return &reportWritten{ETag: lockTag(v.LockVersion), Body: *v}, nil
}

// currentReport is the report as it stands, for a 409; nil when there is
// none or the caller may not see it.
func (a *API) currentReport(ctx context.Context, asgID, periodID int64) any {
	rep, err := a.d.Store.ReportOf(ctx, asgID, periodID)
	if err != nil {
		return nil
	}
	return a.reportByID(ctx, rep.ID)
}

func (a *API) reportByID(ctx context.Context, id int64) any {
	v, err := a.reportView(ctx, id)
	if err != nil {
		return nil
	}
	return v
}

// readReport reads a report write's body: JSON, or multipart with the
// JSON in the "report" part and evidence in "files".
func (a *API) readReport(ctx context.Context) (*ReportBody, []evidence.Upload, error) {
	var body ReportBody
	ups, err := a.readBody(ctx, "report", &body)
	if err != nil {
		return nil, nil, err
	}
	return &body, ups, nil
}

func (a *API) review(ctx context.Context, in *struct {
	IDParam
	IfMatch string `header:"If-Match" required:"true" doc:"The report's ETag (lock version)."`
	Body    ReviewBody
}) (*reportWritten, error) {
	lock, err := lockOf(ctx, in.IfMatch)
	if err != nil {
		return nil, err
	}
	if _, err := a.d.Flow.Review(ctx, callerOf(ctx).Actor, in.ID, lock, in.Body.Decision, in.Body.Reason); err != nil {
		return nil, a.fail(ctx, err, func() any { return a.reportByID(ctx, in.ID) })
	}
	return a.reportWritten(ctx, in.ID)
}

func (a *API) prompt(ctx context.Context, in *struct {
	IDParam
	Body PromptBody
}) (*promptsWritten, error) {
	ps, err := a.d.Flow.SendPrompt(ctx, callerOf(ctx).Actor, in.ID, in.Body.PeriodIDs, in.Body.Message)
	if err != nil {
		return nil, a.fail(ctx, err, func() any { return a.currentAssignment(ctx, in.ID) })
	}
	out := &promptsWritten{}
	out.Body.Items = []Prompt{}
	for _, p := range ps {
		pr := Prompt{ID: p.ID, Message: p.Message, Sender: callerOf(ctx).User.DisplayName, SentAt: stamp(p.CreatedAt)}
		if p.PeriodID != nil {
			pr.PeriodID = *p.PeriodID
		}
		out.Body.Items = append(out.Body.Items, pr)
	}
	return out, nil
}

func (a *API) closeMeasure(ctx context.Context, in *struct {
	IDParam
	Body CloseBody
}) (*measureWritten, error) {
	var on time.Time
	if in.Body.ClosedOn != "" {
		var err error
		if on, err = time.ParseInLocation(time.DateOnly, in.Body.ClosedOn, clock.Zone); err != nil {
			return nil, invalidFields(ctx, validate.Errors{"closed_on": {Key: "closure.err.date"}})
		}
	}
	err := a.d.Flow.CloseMeasure(ctx, callerOf(ctx).Actor, in.ID, on, in.Body.Note)
	return a.measureWritten(ctx, in.ID, err)
}

func (a *API) reopenMeasure(ctx context.Context, in *struct {
	IDParam
	Body ReopenBody
}) (*measureWritten, error) {
	err := a.d.Flow.ReopenMeasure(ctx, callerOf(ctx).Actor, in.ID, in.Body.Reason)
	return a.measureWritten(ctx, in.ID, err)
}

func (a *API) measureWritten(ctx context.Context, id int64, err error) (*measureWritten, error) {
	current := func() any {
		m, err := a.d.Store.MeasureByID(ctx, id)
		if err != nil {
			return nil
		}
		ms := measureOf(m, nil)
		return &ms
	}
	if err != nil {
		return nil, a.fail(ctx, err, current)
	}
	m, err := a.d.Store.MeasureByID(ctx, id)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	ts, err := a.d.Store.TargetsOf(ctx, id)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	return &measureWritten{Body: measureOf(m, ts)}, nil
}
