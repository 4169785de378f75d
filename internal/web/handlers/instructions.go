package handlers

import (
	"errors"
	"net/http"
	"os"
	"strconv"

	"github.com/labstack/echo/v4"

	"duban/internal/model"
	"duban/internal/validate"
	"duban/internal/web/render"
	"duban/internal/workflow"
	"duban/views/pages/record"
	"duban/views/paths"
)

// WriteInstruction records a leader's or the office's 批示 on a measure.
func (h *Handlers) WriteInstruction(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.Store.MeasureByID(ctx, id); err != nil {
		return err
	}
	vals, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "read form")
	}
	form := record.Form{Name: record.FormInstruction, Values: formValues(vals, "body", "due_on")}
	in := workflow.InstructionInput{MeasureID: id, Body: vals.Get("body")}
	for _, v := range vals["co_unit"] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "co_unit: not an ID")
		}
		in.CoUnits = append(in.CoUnits, n)
		form.Values["co_unit_"+v] = "1"
	}
	if v := vals.Get("report_id"); v != "" {
		if in.ReportID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "report_id: not an ID")
		}
	}
	due, ok := optionalDay(vals.Get("due_on"))
	if !ok {
		form.Errors = validate.Errors{"due_on": {Key: "instr.err.due_past"}}
		return h.showMeasure(c, id, http.StatusUnprocessableEntity, form)
	}
	in.DueOn = due
	x, err := h.Flow.WriteInstruction(ctx, actor(c), in)
	if err != nil {
		return h.refusedForm(c, id, form, err)
	}
	return render.Redirect(c, paths.MeasureAt(id, "instruction-"+strconv.FormatInt(x.ID, 10)), "ok", "instr.written")
}

// AnswerInstruction records the lead unit's 落实情况 with evidence files.
func (h *Handlers) AnswerInstruction(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	in, err := h.Store.InstructionByID(ctx, id)
	if err != nil {
		return err
	}
	vals, ups, rerr := h.readReportForm(c)
	if rerr != nil {
		h.discardUploads(ctx, ups)
		return rerr
	}
	form := record.Form{Name: record.AnswerFormName(id), Values: formValues(vals, "reply")}
	if len(fileProblems(ups)) > 0 {
		h.discardUploads(ctx, ups)
		form.Errors = validate.Errors{"files": {Key: "evidence.err.refused"}}
		return h.showMeasure(c, in.MeasureID, http.StatusUnprocessableEntity, form)
	}
	if err := h.Flow.AnswerInstruction(ctx, actor(c), id, vals.Get("reply"), workflow.FilesOf(ups)); err != nil {
		return h.refusedForm(c, in.MeasureID, form, err)
	}
	return render.Redirect(c, paths.MeasureAt(in.MeasureID, "instruction-"+strconv.FormatInt(id, 10)), "ok", "instr.answered")
}

// DownloadCaseFile sends an extension's or a reply's evidence file to
// whoever may see it, always as a download.
func (h *Handlers) DownloadCaseFile(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	f, err := h.Flow.CaseFile(ctx, actor(c), id)
	if err != nil {
		return err
	}
	rd, err := h.Files.Open(ctx, f.StorageKey)
	if errors.Is(err, os.ErrNotExist) {
		h.Log.Error("evidence file missing from storage", "case_file", f.ID, "key", f.StorageKey)
		return model.ErrNotFound
	}
	if err != nil {
		return err
	}
	defer rd.Close()
	sendEvidence(c, rd, f.Name, f.ContentType, f.ID, f.CreatedAt)
	return nil
}
