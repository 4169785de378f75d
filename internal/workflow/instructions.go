package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/validate"
)

// InstructionInput is a leader's instruction (领导批示) on a measure, or on
// one of its reports.
type InstructionInput struct {
	MeasureID int64
	ReportID  int64 // 0: on the measure
	Body      string
	DueOn     time.Time // reply due; zero: none
	CoUnits   []int64   // co-units named besides the lead unit
}

// WriteInstruction records an instruction of a leader (viewer) or the
// office; the lead unit and the co-units it names are notified.
func (s *Service) WriteInstruction(ctx context.Context, a store.Actor, in InstructionInput) (*model.Instruction, error) {
	in.Body = strings.TrimSpace(in.Body)
	var out *model.Instruction
	err := s.run(ctx, func(ctx context.Context) error {
		m, err := s.st.MeasureByID(ctx, in.MeasureID)
		if err != nil {
			return err
		}
		lead, err := s.st.LeadOfMeasure(ctx, m.ID)
		if errors.Is(err, model.ErrNotFound) {
			return fmt.Errorf("measure %d has no lead unit to answer: %w", m.ID, ErrState)
		}
		if err != nil {
			return err
		}
		to, err := Next(ObjInstruction, StateNone, ActWrite, KindOf(a, ObjInstruction, lead.UnitID, lead.UnitID))
		if err != nil {
			return err
		}
		if m.ClosedAt != nil {
			return ErrMeasureClosed
		}
		errs := validate.Errors{}
		switch {
		case in.Body == "":
			errs.Set("body", "instr.err.body_required")
		case tooLong(in.Body, MaxTextRunes):
			errs.Set("body", "report.form.err.too_long")
		}
		if !in.DueOn.IsZero() && clock.Date(in.DueOn).Before(today(s.now())) {
			errs.Set("due_on", "instr.err.due_past")
		}
		all, err := s.st.AssignmentsOf(ctx, m.ID)
		if err != nil {
			return err
		}
		var co []int64
		for _, u := range in.CoUnits {
			ok := false
			for _, x := range all {
				ok = ok || (x.UnitID == u && x.Role == model.AssignResponsible)
			}
			if !ok {
				errs.Set("co_units", "instr.err.co_unit")
			} else if !slices.Contains(co, u) {
				co = append(co, u)
			}
		}
		row := &model.Instruction{MeasureID: m.ID, AuthorID: a.UserID, Body: in.Body}
		if in.ReportID != 0 {
			r, err := s.st.ReportByID(ctx, in.ReportID)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(all, func(x model.Assignment) bool { return x.ID == r.AssignmentID }) {
				return fmt.Errorf("report %d of another measure: %w", r.ID, model.ErrNotFound)
			}
			row.ReportID = &r.ID
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if !in.DueOn.IsZero() {
			d := clock.Date(in.DueOn).UTC()
			row.DueOn = &d
		}
		if err := s.st.AddInstruction(ctx, row, co); err != nil {
			return err
		}
		var users []int64
		for _, u := range append([]int64{lead.UnitID}, co...) {
			ids, err := s.st.UnitUserIDs(ctx, u)
			if err != nil {
				return err
			}
			users = append(users, ids...)
		}
		text := in.Body
		if row.DueOn != nil {
			text = clock.DayText(*row.DueOn) + " " + text
		}
		if err := s.notify(ctx, users, NoteInstruction, "measure", m.ID, m, lead.UnitID, "", text); err != nil {
			return err
		}
		newVals := map[string]any{"state": to, "measure_id": m.ID, "body": in.Body, "co_units": co}
		if row.DueOn != nil {
			newVals["due_on"] = clock.DayText(*row.DueOn)
		}
		if row.ReportID != nil {
			newVals["report_id"] = *row.ReportID
		}
		if err := s.st.Audit(ctx, a, store.AuditEntry{Action: "instruction." + ActWrite, ObjectType: "instruction", ObjectID: row.ID,
			Old: map[string]any{"state": StateNone}, New: newVals}); err != nil {
			return err
		}
		out = row
		return nil
	})
	return out, err
}

// AnswerInstruction records the lead unit's 落实情况 on an instruction, with
// evidence; the author is notified. An instruction is answered once.
func (s *Service) AnswerInstruction(ctx context.Context, a store.Actor, instructionID int64, text string, files []NewFile) error {
	text = strings.TrimSpace(text)
	err := s.run(ctx, func(ctx context.Context) error {
		in, err := s.st.InstructionByID(ctx, instructionID)
		if err != nil {
			return err
		}
		m, err := s.st.MeasureByID(ctx, in.MeasureID)
		if err != nil {
			return err
		}
		kind, lead, err := s.instructionKind(ctx, a, in)
		if err != nil {
			return err
		}
		from := StateOpen
		if in.RepliedAt != nil {
			from = StateAnswered
		}
		to, err := Next(ObjInstruction, from, ActAnswer, kind)
		if err != nil {
			return err
		}
		switch {
		case text == "":
			return validate.Refuse("reply", "instr.err.reply_required")
		case tooLong(text, MaxTextRunes):
			return validate.Refuse("reply", "report.form.err.too_long")
		case len(files) > MaxFiles:
			return validate.Refuse("files", "report.form.err.too_many_files")
		}
		if err := s.st.ReplyInstruction(ctx, in.ID, a.UserID, text); errors.Is(err, model.ErrConflict) {
			return ErrStale
		} else if err != nil {
			return err
		}
		var names []string
		for _, f := range files {
			cf := &model.CaseFile{InstructionID: &in.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Blob.Size,
				SHA256: f.Blob.SHA256, StorageKey: f.Blob.Key, UploadedBy: userPtr(a.UserID)}
			if err := s.st.AddCaseFile(ctx, cf); err != nil {
				return err
			}
			names = append(names, f.Name)
		}
		if err := s.notify(ctx, []int64{in.AuthorID}, NoteInstructionAnswer, "measure", m.ID, m, lead.UnitID, "", text); err != nil {
			return err
		}
		if err := s.st.Audit(ctx, a, store.AuditEntry{Action: "instruction." + ActAnswer, ObjectType: "instruction", ObjectID: in.ID,
			Old: map[string]any{"state": from}, New: map[string]any{"state": to, "reply": text, "files": names}}); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		s.discard(ctx, files)
	}
	return err
}

// instructionKind is how actor stands to an instruction: the lead unit
// owns it, the co-units working on the measure observe it, other units are
// strangers. It returns the measure's lead assignment too.
func (s *Service) instructionKind(ctx context.Context, a store.Actor, in *model.Instruction) (string, *model.Assignment, error) {
	lead, err := s.st.LeadOfMeasure(ctx, in.MeasureID)
	if errors.Is(err, model.ErrNotFound) {
		lead, err = &model.Assignment{}, nil
	}
	if err != nil {
		return "", nil, err
	}
	kind := KindOf(a, ObjInstruction, lead.UnitID, lead.UnitID)
	if kind == Stranger && a.Role == model.RoleUnit && a.UnitID != 0 {
		works, err := s.st.UnitWorksOn(ctx, in.MeasureID, a.UnitID)
		if err != nil {
			return "", nil, err
		}
		if works {
			kind = Observer
		}
	}
	return kind, lead, nil
}
