package handlers

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"duban/internal/format"
	"duban/internal/i18n"
	"duban/internal/model"
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

// maxPlanUpload is the largest plan document accepted. A long plan is a
// few hundred kilobytes of text; anything near this is not a plan.
const maxPlanUpload = 2 << 20

func planImportPage() planadmin.ImportPage {
	return planadmin.ImportPage{Form: planadmin.ImportForm{Reporting: periods.Quarterly, DueDays: "5"}, MaxMB: maxPlanUpload >> 20}
}

// ImportPlanForm shows the upload form.
func (h *Handlers) ImportPlanForm(c echo.Context) error {
	return render.Page(c, http.StatusOK, planadmin.Import(planImportPage()))
}

// importSettings checks the reporting cycle and due days of the forms.
func importSettings(reporting, dueDays string, errs validate.Errors) planimport.Options {
	var opt planimport.Options
	if reporting != periods.Quarterly && reporting != periods.Monthly {
		errs.Set("reporting", "plans.err.reporting")
	}
	opt.Reporting = reporting
	// planimport reads 0 as "the default, 5", so an import asks for at
	// least one day; the plan settings can set 0 afterwards.
	n, err := strconv.Atoi(strings.TrimSpace(dueDays))
	if err != nil || n < 1 || n > 60 {
		errs.Set("due_days", "plans.import.err.due_days")
	}
	opt.DueDays = n
	return opt
}

// PreviewPlanImport reads the upload and shows what would be stored.
func (h *Handlers) PreviewPlanImport(c echo.Context) error {
	page := planImportPage()
	page.Errors = validate.Errors{}
	page.Form.Text = c.FormValue("text")
	page.Form.Reporting = c.FormValue("reporting")
	page.Form.DueDays = c.FormValue("due_days")
	importSettings(page.Form.Reporting, page.Form.DueDays, page.Errors)
	refuse := func(status int) error {
		return render.Page(c, status, planadmin.Import(page))
	}

	var raw []byte
	field := "text"
	fh, err := c.FormFile("file")
	switch {
	case err == nil && (fh.Filename != "" || fh.Size > 0):
		page.Form.HadFile = true
		field = "file"
		if strings.TrimSpace(page.Form.Text) != "" {
			page.Errors.Set(validate.Form, "plans.import.err.both")
			return refuse(http.StatusUnprocessableEntity)
		}
		if fh.Size > maxPlanUpload {
			page.Errors.Set("file", "plans.import.err.too_large", strconv.Itoa(maxPlanUpload>>20))
			return refuse(http.StatusRequestEntityTooLarge)
		}
		f, err := fh.Open()
		if err != nil {
			return fmt.Errorf("open upload: %w", err)
		}
		raw, err = io.ReadAll(io.LimitReader(f, maxPlanUpload+1))
		f.Close()
		if err != nil {
			return fmt.Errorf("read upload: %w", err)
		}
	case err == nil || errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart):
		raw = []byte(page.Form.Text)
		if strings.TrimSpace(page.Form.Text) == "" {
			page.Errors.Set(validate.Form, "plans.import.err.nothing")
			return refuse(http.StatusUnprocessableEntity)
		}
	default:
		return err
	}
	if len(raw) > maxPlanUpload {
		page.Errors.Set(field, "plans.import.err.too_large", strconv.Itoa(maxPlanUpload>>20))
		return refuse(http.StatusRequestEntityTooLarge)
	}
	if len(page.Errors) > 0 {
		return refuse(http.StatusUnprocessableEntity)
	}
	pv, _, notices, err := h.previewPlan(c.Request().Context(), raw)
	if key := planparse.MessageKey(err); key != "" && key != "planparse.err.unknown" {
		page.Errors.Set(field, key)
		return refuse(http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	out, err := h.previewPage(c.Request().Context(), pv, raw, notices, page.Form.Reporting, page.Form.DueDays, nil, nil, planimport.CorrectionFromPlan(pv.Parsed))
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, planadmin.Preview(out))
}

// previewPlan decodes and parses an upload without storing anything. It
// returns the decoder's warnings (Import needs them again) and notices that
// say in the user's language what the decoder did to the bytes.
func (h *Handlers) previewPlan(ctx context.Context, raw []byte) (*planimport.Preview, []string, []validate.Message, error) {
	src, err := planparse.Read(raw)
	if err != nil {
		return nil, nil, nil, err
	}
	var notices []validate.Message
	switch {
	case src.Format != planparse.FormatText && src.Format != planparse.FormatCSV:
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}) || bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		notices = append(notices, validate.Message{Key: "plans.import.notice.utf16"})
	case !mostlyUTF8(raw):
		notices = append(notices, validate.Message{Key: "plans.import.notice.gbk"})
	}
	pv, err := planimport.New(h.Store).PreviewText(ctx, src.Text, src.Warnings)
	if err != nil {
		return nil, nil, nil, err
	}
	pv.Format = src.Format
	return pv, src.Warnings, notices, nil
}

// mostlyUTF8 reports whether b is UTF-8 but for a character cut off at the
// very end (which the decoder drops): anything else was converted from
// GB18030/GBK.
func mostlyUTF8(b []byte) bool {
	for k := 0; k <= 3 && k <= len(b); k++ {
		if utf8.Valid(b[:len(b)-k]) {
			return true
		}
	}
	return false
}

// previewPage builds the preview's view model.
func (h *Handlers) previewPage(ctx context.Context, pv *planimport.Preview, raw []byte, notices []validate.Message,
	reporting, dueDays string, choices map[string]int64, errs validate.Errors, corr *planimport.Correction) (planadmin.PreviewPage, error) {
	p := pv.Parsed
	page := planadmin.PreviewPage{
		Payload: base64.StdEncoding.EncodeToString(raw), SHA256: pv.SHA256, Reporting: reporting, DueDays: dueDays,
		Title: p.Title, Issuer: p.Issuer, IssuedOn: p.Date, Horizon: p.Horizon, HorizonFrom: p.HorizonFrom,
		Counts:  [3]int{pv.Domains, pv.Measures, pv.Targets},
		Notices: notices, Warnings: pv.Warnings, Unchanged: pv.Unchanged, Errors: errs,
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

// ConfirmPlanImport stores the previewed document: a new plan, or the
// changes of a revised one. The buttons of the correction form show the
// page again instead of storing.
func (h *Handlers) ConfirmPlanImport(c echo.Context) error {
	ctx := c.Request().Context()
	raw, err := base64.StdEncoding.DecodeString(c.FormValue("payload"))
	if err != nil || len(raw) == 0 || len(raw) > maxPlanUpload {
		return payloadRefused(c, "")
	}
	st := &confirmState{raw: raw, reporting: c.FormValue("reporting"), dueDays: c.FormValue("due_days"), errs: validate.Errors{}}
	st.opt = importSettings(st.reporting, st.dueDays, st.errs)
	pv, decodeWarnings, notices, err := h.previewPlan(ctx, raw)
	if err != nil {
		// The payload passed the preview; failing now means it was altered.
		if key := planparse.MessageKey(err); key != "planparse.err.unknown" {
			return payloadRefused(c, key)
		}
		return err
	}
	st.pv, st.notices, st.decodeWarnings, st.text = pv, notices, decodeWarnings, pv.Text
	if st.choices, err = h.readUnitChoices(c, st.errs); err != nil {
		return err
	}
	if err := h.correctImport(c, st); err != nil {
		return err
	}
	if c.FormValue("sha256") != st.pv.SHA256 {
		st.errs.Set(validate.Form, "plans.import.err.payload")
	}
	action, arg, _ := strings.Cut(c.FormValue("action"), ":")
	switch action {
	case "update":
		if len(st.errs) > 0 {
			return h.previewAgain(c, st, http.StatusUnprocessableEntity)
		}
		return h.previewAgain(c, st, http.StatusOK)
	case "add_measure", "add_target":
		// Adding shows no errors yet (the new row is empty); they come
		// with the next apply or the confirm.
		n, _ := strconv.Atoi(arg)
		if action == "add_measure" && n >= 0 && n < len(st.parsed.Domains) {
			st.corr.AddMeasure(n)
		} else if action == "add_target" {
			st.corr.AddTarget(n, st.parsed.Horizon)
		}
		clear(st.errs)
		return h.previewAgain(c, st, http.StatusOK)
	}
	if len(st.errs) > 0 {
		return h.previewAgain(c, st, http.StatusUnprocessableEntity)
	}
	return h.storeImport(c, st, c.FormValue("apply") == "1")
}

// confirmState is a confirm post as it is read and checked.
type confirmState struct {
	raw                []byte
	reporting, dueDays string
	opt                planimport.Options
	pv                 *planimport.Preview
	notices            []validate.Message
	decodeWarnings     []string
	text               string
	parsed             *planparse.Plan
	choices            planimport.Choices
	corr               *planimport.Correction
	errs               validate.Errors
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

// readUnitChoices reads the admin's choice for each unknown unit name: 0
// creates it (flagged), an ID maps it to that unit (remembered as an
// alias).
func (h *Handlers) readUnitChoices(c echo.Context, errs validate.Errors) (planimport.Choices, error) {
	choices := planimport.Choices{}
	field := map[string]string{}
	n, _ := strconv.Atoi(c.FormValue("units"))
	for i := range min(max(n, 0), 1000) {
		name := strings.TrimSpace(c.FormValue("unit_name_" + strconv.Itoa(i)))
		v := c.FormValue("unit_" + strconv.Itoa(i))
		if name == "" || v == "" {
			continue
		}
		field[name] = "unit_" + strconv.Itoa(i)
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			errs.Set(field[name], "plans.err.unknown_unit")
			continue
		}
		if id > 0 {
			choices[name] = id
		}
	}
	missing, err := planimport.New(h.Store).MissingChoices(c.Request().Context(), choices)
	for name := range missing {
		errs.Set(field[name], "plans.err.unknown_unit")
	}
	return choices, err
}

// correctImport applies the admin's corrections of the parsed plan (none
// on an old form) and previews the corrected plan.
func (h *Handlers) correctImport(c echo.Context, st *confirmState) error {
	st.parsed = st.pv.Parsed
	st.corr = readCorrection(c, len(st.parsed.Domains))
	if st.corr == nil {
		st.corr = planimport.CorrectionFromPlan(st.parsed)
		return nil
	}
	st.parsed = st.corr.Apply(st.pv.Parsed, st.errs)
	return h.previewCorrected(c, st)
}

// previewCorrected previews the corrected plan again (against what is
// stored now).
func (h *Handlers) previewCorrected(c echo.Context, st *confirmState) error {
	format := st.pv.Format
	pv, err := planimport.New(h.Store).PreviewPlan(c.Request().Context(), st.text, st.parsed, st.decodeWarnings)
	if err != nil {
		return err
	}
	pv.Format = format
	st.pv = pv
	return nil
}

// previewAgain shows the preview with the corrections and errors.
func (h *Handlers) previewAgain(c echo.Context, st *confirmState, status int) error {
	page, err := h.previewPage(c.Request().Context(), st.pv, st.raw, st.notices, st.reporting, st.dueDays, st.choices, st.errs, st.corr)
	if err != nil {
		return err
	}
	return render.Page(c, status, planadmin.Preview(page))
}

// storeImport stores the checked plan and says what became of it.
func (h *Handlers) storeImport(c echo.Context, st *confirmState, apply bool) error {
	if st.pv.Unchanged {
		return render.Redirect(c, paths.Plan(st.pv.Existing.ID), "info", "plans.import.unchanged")
	}
	if st.pv.Existing != nil && !apply {
		// Someone imported this plan between the preview and now: show the
		// changes it would make instead.
		st.errs.Set(validate.Form, "plans.import.err.imported_meanwhile")
		return h.previewAgain(c, st, http.StatusConflict)
	}
	res, err := planimport.New(h.Store).ImportPlan(c.Request().Context(), actor(c), st.text, st.parsed, st.decodeWarnings, st.opt, st.choices, apply)
	switch {
	case errors.Is(err, planimport.ErrChangedNeedsApply):
		st.errs.Set(validate.Form, "plans.import.err.imported_meanwhile")
		if err := h.previewCorrected(c, st); err != nil {
			return err
		}
		return h.previewAgain(c, st, http.StatusConflict)
	case errors.Is(err, model.ErrNotFound):
		// A unit chosen for a name was deleted meanwhile.
		st.errs.Set("units", "plans.err.unknown_unit")
		return h.previewAgain(c, st, http.StatusConflict)
	case err != nil:
		return err
	}
	kind, key := importedFlash(res)
	return render.Redirect(c, paths.Plan(res.Plan.ID), kind, key)
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
