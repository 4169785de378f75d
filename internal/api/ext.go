package api

import (
	"context"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/validate"
	"duban/internal/workflow"
)

// Extension is a 延期申请.
type Extension struct {
	ID             int64     `json:"id"`
	AssignmentID   int64     `json:"assignment_id"`
	UnitID         int64     `json:"unit_id"`
	Unit           string    `json:"unit"`
	WholeMeasure   bool      `json:"whole_measure"`
	Reason         string    `json:"reason"`
	OriginalOn     string    `json:"original_on" format:"date"`
	ProposedOn     string    `json:"proposed_on" format:"date"`
	State          string    `json:"state" enum:"pending,approved,rejected"`
	DecidedOn      string    `json:"decided_on,omitempty" format:"date"`
	DecisionReason string    `json:"decision_reason,omitempty"`
	RequestedAt    string    `json:"requested_at" format:"date-time"`
	Files          []FileRef `json:"files" doc:"Evidence sent with the request."`
}

// Instruction is a 领导批示 and its answer.
type Instruction struct {
	ID        int64     `json:"id"`
	ReportID  int64     `json:"report_id,omitempty"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	DueOn     string    `json:"due_on,omitempty" format:"date"`
	At        string    `json:"at" format:"date-time"`
	Reply     string    `json:"reply,omitempty"`
	RepliedAt string    `json:"replied_at,omitempty" format:"date-time"`
	Overdue   bool      `json:"overdue"`
	Files     []FileRef `json:"files" doc:"Evidence sent with the answer."`
}

// Deadline is an assignment's deadline, as planned and as extended.
type Deadline struct {
	AssignmentID int64  `json:"assignment_id"`
	UnitID       int64  `json:"unit_id"`
	Unit         string `json:"unit"`
	Original     string `json:"original" format:"date"`
	Adjusted     string `json:"adjusted,omitempty" format:"date"`
}

type recordOut struct {
	Body struct {
		Deadlines    []Deadline    `json:"deadlines"`
		Extensions   []Extension   `json:"extensions"`
		Instructions []Instruction `json:"instructions"`
	}
}

// ExtensionBody asks for a later deadline.
type ExtensionBody struct {
	ProposedOn   string `json:"proposed_on" format:"date"`
	Reason       string `json:"reason"`
	WholeMeasure bool   `json:"whole_measure,omitempty" doc:"The lead unit asks for every assignment of the measure."`
}

// DecisionBody decides an extension request.
type DecisionBody struct {
	Decision  string `json:"decision" enum:"approve,reject"`
	DecidedOn string `json:"decided_on,omitempty" format:"date" doc:"The date granted (default: the date asked)."`
	Reason    string `json:"reason,omitempty" doc:"Required to reject."`
}

// AnswerBody is a 落实情况.
type AnswerBody struct {
	Reply string `json:"reply"`
}

func (a *API) registerExt() {
	huma.Register(a.huma, a.get("get-measure-record", "/measures/{id}/record", "A measure's deadlines, extension requests and instructions, as the caller may see them", "extensions"), a.record)
	dl := a.get("download-case-file", "/case-files/{id}", "Download a file sent with an extension request or an instruction's answer", "extensions")
	dl.Responses["200"] = &huma.Response{Description: "The file, with its own content type.", Content: map[string]*huma.MediaType{
		"*/*": {Schema: &huma.Schema{Type: "string", ContentEncoding: "binary"}}}}
	huma.Register(a.huma, dl, a.downloadCaseFile)
	huma.Register(a.huma, post("request-extension", "/assignments/{id}/extensions", "Ask for a later deadline (延期申请), with evidence as multipart", "extensions"), a.requestExtension)
	a.withFiles(a.huma.OpenAPI().Paths["/assignments/{id}/extensions"].Post, "extension", ExtensionBody{})
	huma.Register(a.huma, post("decide-extension", "/extensions/{id}/decide", "Approve or reject an extension request", "extensions"), a.decideExtension)
	huma.Register(a.huma, post("answer-instruction", "/instructions/{id}/answer", "Answer an instruction (落实情况), with evidence as multipart", "extensions"), a.answerInstruction)
	a.withFiles(a.huma.OpenAPI().Paths["/instructions/{id}/answer"].Post, "answer", AnswerBody{})
}

// caseFileRefs lists the files of a request or an answer.
func caseFileRefs(fs []model.CaseFile) []FileRef {
	out := []FileRef{}
	for _, f := range fs {
		out = append(out, FileRef{ID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256,
			Download: Prefix + "/case-files/" + itoa(f.ID)})
	}
	return out
}

func (a *API) downloadCaseFile(ctx context.Context, in *IDParam) (*huma.StreamResponse, error) {
	f, err := a.d.Flow.CaseFile(ctx, callerOf(ctx).Actor, in.ID)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	return a.sendFile(ctx, fileOut{ID: f.ID, Key: f.StorageKey, Name: f.Name, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256})
}

func (a *API) record(ctx context.Context, in *IDParam) (*recordOut, error) {
	rec, err := a.d.Flow.MeasureRecord(ctx, callerOf(ctx).Actor, in.ID, 0)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	out := &recordOut{}
	out.Body.Deadlines, out.Body.Extensions, out.Body.Instructions = []Deadline{}, []Extension{}, []Instruction{}
	if !rec.Visible {
		return out, nil
	}
	for _, d := range rec.Deadlines {
		out.Body.Deadlines = append(out.Body.Deadlines, Deadline{AssignmentID: d.AssignmentID, UnitID: d.UnitID, Unit: d.Unit,
			Original: day(d.Original), Adjusted: day(d.Adjusted)})
	}
	for _, e := range rec.Extensions {
		x := Extension{ID: e.ID, AssignmentID: e.AssignmentID, UnitID: e.UnitID, Unit: e.Unit, WholeMeasure: e.WholeMeasure,
			Reason: e.Reason, OriginalOn: day(e.OriginalOn), ProposedOn: day(e.ProposedOn), State: e.State,
			DecisionReason: e.DecisionReason, RequestedAt: stamp(e.CreatedAt), Files: caseFileRefs(e.Files)}
		if e.DecidedOn != nil {
			x.DecidedOn = day(*e.DecidedOn)
		}
		out.Body.Extensions = append(out.Body.Extensions, x)
	}
	for _, i := range rec.Instructions {
		x := Instruction{ID: i.ID, Author: i.Author, Body: i.Body, At: stamp(i.CreatedAt), Reply: i.Reply, Overdue: i.Overdue,
			Files: caseFileRefs(i.Files)}
		if i.ReportID != nil {
			x.ReportID = *i.ReportID
		}
		if i.DueOn != nil {
			x.DueOn = day(*i.DueOn)
		}
		if i.RepliedAt != nil {
			x.RepliedAt = stamp(*i.RepliedAt)
		}
		out.Body.Instructions = append(out.Body.Instructions, x)
	}
	return out, nil
}

// optionalDay parses a date field; "" is the zero time.
func optionalDay(ctx context.Context, field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, v, clock.Zone)
	if err != nil {
		return t, badParam(ctx, field)
	}
	return t, nil
}

type extensionWritten struct {
	Body struct {
		ID    int64  `json:"id"`
		State string `json:"state" enum:"pending,approved,rejected"`
	}
}

func (a *API) requestExtension(ctx context.Context, in *IDParam) (*extensionWritten, error) {
	var body ExtensionBody
	ups, err := a.readBody(ctx, "extension", &body)
	if err != nil {
		return nil, err
	}
	on, err := optionalDay(ctx, "proposed_on", body.ProposedOn)
	if err == nil && on.IsZero() {
		err = invalidFields(ctx, validate.Errors{"proposed_on": {Key: "ext.err.date_required"}})
	}
	if err != nil {
		a.discard(ctx, ups)
		return nil, err
	}
	e, err := a.d.Flow.RequestExtension(ctx, callerOf(ctx).Actor, workflow.ExtensionInput{AssignmentID: in.ID, ProposedOn: on,
		Reason: body.Reason, WholeMeasure: body.WholeMeasure, Files: workflow.FilesOf(ups)})
	if err != nil {
		return nil, a.fail(ctx, err, func() any { return a.currentAssignment(ctx, in.ID) })
	}
	out := &extensionWritten{}
	out.Body.ID, out.Body.State = e.ID, e.State
	return out, nil
}

func (a *API) decideExtension(ctx context.Context, in *struct {
	IDParam
	Body DecisionBody
}) (*extensionWritten, error) {
	on, err := optionalDay(ctx, "decided_on", in.Body.DecidedOn)
	if err != nil {
		return nil, err
	}
	approve := in.Body.Decision == "approve"
	if err := a.d.Flow.DecideExtension(ctx, callerOf(ctx).Actor, in.ID, approve, on, in.Body.Reason); err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	e, err := a.d.Store.ExtensionByID(ctx, in.ID)
	if err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	out := &extensionWritten{}
	out.Body.ID, out.Body.State = e.ID, e.State
	return out, nil
}

type answerWritten struct {
	Body struct {
		ID      int64 `json:"id"`
		Replied bool  `json:"replied"`
	}
}

func (a *API) answerInstruction(ctx context.Context, in *IDParam) (*answerWritten, error) {
	var body AnswerBody
	ups, err := a.readBody(ctx, "answer", &body)
	if err != nil {
		return nil, err
	}
	if err := a.d.Flow.AnswerInstruction(ctx, callerOf(ctx).Actor, in.ID, body.Reply, workflow.FilesOf(ups)); err != nil {
		return nil, a.fail(ctx, err, nil)
	}
	out := &answerWritten{}
	out.Body.ID, out.Body.Replied = in.ID, true
	return out, nil
}
