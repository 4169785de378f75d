package handlers

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"duban/internal/format"
	"duban/internal/i18n"
	"duban/internal/periods"
	plansvc "duban/internal/planadmin"
	"duban/internal/planimport"
	"duban/internal/planparse"
	"duban/internal/validate"
	"duban/internal/web/render"
	"duban/views/pages/planadmin"
	"duban/views/paths"
)

// The admin's plan import (立项): upload a .txt, .docx, .xlsx or .csv file
// or paste the text →
// preview (the tree, warnings, how each unit name resolves, the diff
// against a plan imported before) → confirm → stored by planimport.
//
// Nothing is stored before the confirmation. The uploaded bytes travel from
// the preview to the confirm form as a base64 hidden field rather than a
// server-side temp file: the portal may run as several stateless instances
// behind a load balancer (the confirm may reach another instance), nothing
// unconfirmed is written to disk or needs cleaning up, and the confirm
// decodes and parses the bytes again on the server, so the form can carry
// nothing an admin could not have uploaded anyway. A plan is tens of
// kilobytes; the field is capped with the upload.

func planImportPage() planadmin.ImportPage {
	return planadmin.ImportPage{Form: planadmin.ImportForm{Reporting: periods.Quarterly, DueDays: "5"}, MaxMB: planimport.MaxUpload >> 20}
}

// ImportPlanForm shows the upload form.
func (h *Handlers) ImportPlanForm(c echo.Context) error {
	return render.Page(c, http.StatusOK, planadmin.Import(planImportPage()))
}

// PreviewPlanImport reads the upload and shows what would be stored.
func (h *Handlers) PreviewPlanImport(c echo.Context) error {
	page := planImportPage()
	page.Errors = validate.Errors{}
	page.Form.Text = c.FormValue("text")
	page.Form.Reporting = c.FormValue("reporting")
	page.Form.DueDays = c.FormValue("due_days")
	planimport.CheckSettings(page.Form.Reporting, page.Form.DueDays, page.Errors)
	raw, field, status, err := readPlanUpload(c, &page)
	switch {
	case err != nil:
		return err
	case status != 0:
		return render.Page(c, status, planadmin.Import(page))
	}
	pv, err := planimport.New(h.Store).PreviewUpload(c.Request().Context(), raw)
	if key := planparse.MessageKey(err); key != "" && key != "planparse.err.unknown" {
		page.Errors.Set(field, key)
		return render.Page(c, http.StatusUnprocessableEntity, planadmin.Import(page))
	}
	if err != nil {
		return err
	}
	out, err := h.previewPage(c.Request().Context(), pv, raw, page.Form.Reporting, page.Form.DueDays, nil, nil, planimport.CorrectionFromPlan(pv.Parsed))
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, planadmin.Preview(out))
}

// readPlanUpload reads the uploaded file or the pasted text of the import
// form and names the field it came from. A refusal is a status to show the
// form again with (page's errors set), 0 when the upload may be previewed.
func readPlanUpload(c echo.Context, page *planadmin.ImportPage) ([]byte, string, int, error) {
	var raw []byte
	field := "text"
	fh, err := c.FormFile("file")
	switch {
	case err == nil && (fh.Filename != "" || fh.Size > 0):
		page.Form.HadFile = true
		field = "file"
		if strings.TrimSpace(page.Form.Text) != "" {
			page.Errors.Set(validate.Form, "plans.import.err.both")
			return nil, field, http.StatusUnprocessableEntity, nil
		}
		if fh.Size > planimport.MaxUpload {
			page.Errors.Set("file", "plans.import.err.too_large", strconv.Itoa(planimport.MaxUpload>>20))
			return nil, field, http.StatusRequestEntityTooLarge, nil
		}
		f, err := fh.Open()
		if err != nil {
			return nil, field, 0, fmt.Errorf("open upload: %w", err)
		}
		raw, err = io.ReadAll(io.LimitReader(f, planimport.MaxUpload+1))
		f.Close()
		if err != nil {
			return nil, field, 0, fmt.Errorf("read upload: %w", err)
		}
	case err == nil || errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart):
		raw = []byte(page.Form.Text)
		if strings.TrimSpace(page.Form.Text) == "" {
			page.Errors.Set(validate.Form, "plans.import.err.nothing")
			return nil, field, http.StatusUnprocessableEntity, nil
		}
	default:
		return nil, field, 0, err
	}
	if len(raw) > planimport.MaxUpload {
		page.Errors.Set(field, "plans.import.err.too_large", strconv.Itoa(planimport.MaxUpload>>20))
		return nil, field, http.StatusRequestEntityTooLarge, nil
	}
	if len(page.Errors) > 0 {
		return nil, field, http.StatusUnprocessableEntity, nil
	}
	return raw, field, 0, nil
}

// previewPage builds the preview's view model.
func (h *Handlers) previewPage(ctx context.Context, pv *planimport.Preview, raw []byte,
	reporting, dueDays string, choices map[string]int64, errs validate.Errors, corr *planimport.Correction) (planadmin.PreviewPage, error) {
	p := pv.Parsed
	page := planadmin.PreviewPage{
		Payload: base64.StdEncoding.EncodeToString(raw), SHA256: pv.SHA256, Reporting: reporting, DueDays: dueDays,
		Title: p.Title, Issuer: p.Issuer, IssuedOn: p.Date, Horizon: p.Horizon, HorizonFrom: p.HorizonFrom,
		Counts:  [3]int{pv.Domains, pv.Measures, pv.Targets},
		Notices: pv.Notices, Warnings: pv.Warnings, Unchanged: pv.Unchanged, Errors: errs,
		Format: pv.Format, Text: planparse.Normalize(pv.Text), PlanEnd: planimport.PlanEnd(p).Format(time.DateOnly),
	}
	unknown := map[string]bool{}
	for i, u := range pv.Units {
		page.Units = append(page.Units, planadmin.PreviewUnit{Index: i, Name: u.Name, Via: u.Via, Label: u.Label,
			Members: len(u.UnitIDs), Choice: choices[u.Name]})
		if !u.Known() {
			unknown[u.Name] = true
		}
	}
	page.Ops = plansvc.TargetOps()
	page.Domains, page.Rows = previewTree(p, corr, unknown)
	if pv.Existing != nil {
		page.Existing = &planadmin.ExistingPlan{ID: pv.Existing.ID, Title: pv.Existing.Title}
	}
	page.Diff = previewDiff(pv.Diff)
	if len(unknown) > 0 {
		var err error
		if page.UnitKinds, err = plansvc.New(h.Store).UnitChooser(ctx, nil); err != nil {
			return page, err
		}
	}
	return page, nil
}

// previewTree is the preview's tree. It follows the correction form: each
// row under the domain it goes to, showing the measure it makes. Rows are
// numbered afresh in that order, so removed rows leave no gaps.
func previewTree(p *planparse.Plan, corr *planimport.Correction, unknown map[string]bool) ([]planadmin.PreviewDomain, int) {
	namesOf := func(ns []string) []planadmin.PreviewName {
		var out []planadmin.PreviewName
		for _, n := range ns {
			n = strings.TrimSpace(n)
			out = append(out, planadmin.PreviewName{Name: n, Unknown: unknown[n]})
		}
		return out
	}
	var out []planadmin.PreviewDomain
	rows := 0
	for i, d := range p.Domains {
		pd := planadmin.PreviewDomain{Index: i, Label: d.Label, Title: d.Title, Goal: d.Goal,
			Form: planadmin.DomainFields{Label: d.Label, Title: d.Title}}
		if i < len(corr.Domains) {
			pd.Form = corr.Domains[i]
		}
		for _, r := range corr.Rows {
			if r.Domain != i {
				continue
			}
			m := r.Built
			pm := planadmin.PreviewMeasure{Label: m.Label, Title: m.Title, Lead: namesOf(m.LeadUnits), Responsible: namesOf(m.ResponsibleUnits),
				Inherited: m.UnitsInherited, Due: m.Due, DueText: m.DueText, Ongoing: m.Ongoing, Key: rows, Form: r.Form}
			rows++
			for _, t := range m.Targets {
				pm.Targets = append(pm.Targets, planadmin.PreviewTarget{Indicator: t.Indicator, OpKey: i18n.OpKey(t.Op),
					Value: format.Num(t.Value), Unit: t.Unit, Year: t.Year})
			}
			pd.Measures = append(pd.Measures, pm)
		}
		out = append(out, pd)
	}
	return out, rows
}

// previewDiff is what a revised document would change in the stored plan.
func previewDiff(d *planimport.Diff) *planadmin.PreviewDiff {
	if d == nil {
		return nil
	}
	rows := func(cs []planimport.MeasureChange) []planadmin.DiffRow {
		var out []planadmin.DiffRow
		for _, x := range cs {
			r := planadmin.DiffRow{Label: format.Citation(x.Domain, x.Label), Title: x.Title, MeasureID: x.MeasureID}
			if x.DueFrom != nil && x.DueTo != nil {
				r.DueFrom = &planadmin.DueView{On: x.DueFrom.On, Note: x.DueFrom.Note, Ongoing: x.DueFrom.Ongoing}
				r.DueTo = &planadmin.DueView{On: x.DueTo.On, Note: x.DueTo.Note, Ongoing: x.DueTo.Ongoing}
			}
			for _, f := range x.Fields {
				r.FieldKeys = append(r.FieldKeys, "plans.import.field."+f)
			}
			out = append(out, r)
		}
		return out
	}
	return &planadmin.PreviewDiff{DomainsAdded: d.DomainsAdded, Added: rows(d.Added), Changed: rows(d.Changed), Removed: rows(d.Removed)}
}

// ConfirmPlanImport stores the previewed document (planimport.Confirm): a
// new plan, or the changes of a revised one. The buttons of the correction
// form show the page again instead of storing.
func (h *Handlers) ConfirmPlanImport(c echo.Context) error {
	ctx := c.Request().Context()
	in := planimport.ConfirmInput{Payload: c.FormValue("payload"), SHA256: c.FormValue("sha256"),
		Reporting: c.FormValue("reporting"), DueDays: c.FormValue("due_days"), Units: readUnitChoices(c),
		Correction: readCorrection(c), Action: c.FormValue("action"), Apply: c.FormValue("apply") == "1"}
	cf, err := planimport.New(h.Store).Confirm(ctx, actor(c), in)
	var perr *planimport.PayloadError
	switch {
	case errors.As(err, &perr):
		return payloadRefused(c, perr.Key)
	case err != nil:
		return err
	case cf.Result != nil:
		kind, key := importedFlash(cf.Result)
		return render.Redirect(c, paths.Plan(cf.Result.Plan.ID), kind, key)
	}
	page, err := h.previewPage(ctx, cf.Preview, cf.Raw, in.Reporting, in.DueDays, cf.Choices, cf.Errors, cf.Correction)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if cf.Conflict {
		status = http.StatusConflict
	} else if len(cf.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return render.Page(c, status, planadmin.Preview(page))
}

// payloadRefused shows the upload form again: the posted document is not
// one the preview could have sent.
func payloadRefused(c echo.Context, key string) error {
	page := planImportPage()
	page.Errors = validate.Errors{validate.Form: {Key: "plans.import.err.payload"}}
	if key != "" {
		page.Errors.Set(validate.Form, key)
	}
	return render.Page(c, http.StatusUnprocessableEntity, planadmin.Import(page))
}

// readUnitChoices reads the admin's choice for each unknown unit name.
func readUnitChoices(c echo.Context) []planimport.UnitChoice {
	var out []planimport.UnitChoice
	n, _ := strconv.Atoi(c.FormValue("units"))
	for i := range min(max(n, 0), 1000) {
		field := "unit_" + strconv.Itoa(i)
		out = append(out, planimport.UnitChoice{Field: field, ID: c.FormValue(field),
			Name: strings.TrimSpace(c.FormValue("unit_name_" + strconv.Itoa(i)))})
	}
	return out
}

// importedFlash is the flash (kind, message) of a stored import.
func importedFlash(res *planimport.Result) (string, string) {
	switch {
	case res.Unchanged:
		return "info", "plans.import.unchanged"
	case res.Applied != nil:
		for _, r := range res.Applied.Removed {
			if r.Kept {
				return "ok", "plans.import.applied_kept"
			}
		}
		return "ok", "plans.import.applied"
	case len(res.NewUnits) > 0:
		return "ok", "plans.import.done_new_units"
	}
	return "ok", "plans.import.done"
}
