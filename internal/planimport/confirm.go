package planimport

// The admin's import in the portal: the upload is previewed (nothing
// stored), then the confirm form sends the same document back with the
// admin's settings, unit choices and corrections, and Confirm checks and
// stores it or says what to show again.

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"duban/internal/model"
	"duban/internal/periods"
	"duban/internal/planparse"
	"duban/internal/store"
	"duban/internal/validate"
)

// MaxUpload is the largest plan document accepted. A long plan is a few
// hundred kilobytes of text; anything near this is not a plan.
const MaxUpload = 2 << 20

// CheckSettings checks the reporting cycle and due days of the import
// forms, adding field errors to errs.
func CheckSettings(reporting, dueDays string, errs validate.Errors) Options {
	var opt Options
	if reporting != periods.Quarterly && reporting != periods.Monthly {
		errs.Set("reporting", "plans.err.reporting")
	}
	opt.Reporting = reporting
	// The importer reads 0 as "the default, 5", so an import asks for at
	// least one day; the plan settings can set 0 afterwards.
	n, err := strconv.Atoi(strings.TrimSpace(dueDays))
	if err != nil || n < 1 || n > 60 {
		errs.Set("due_days", "plans.import.err.due_days")
	}
	opt.DueDays = n
	return opt
}

// PreviewUpload decodes and parses an uploaded document without storing
// anything. Its Notices say in the reader's language what the decoder did
// to the bytes (converted from UTF-16 or GB18030).
func (s *Service) PreviewUpload(ctx context.Context, raw []byte) (*Preview, error) {
	src, err := planparse.Read(raw)
	if err != nil {
		return nil, err
	}
	var notices []validate.Message
	switch {
	case src.Format != planparse.FormatText && src.Format != planparse.FormatCSV:
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}) || bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		notices = append(notices, validate.Message{Key: "plans.import.notice.utf16"})
	case !mostlyUTF8(raw):
		notices = append(notices, validate.Message{Key: "plans.import.notice.gbk"})
	}
	pv, err := s.PreviewText(ctx, src.Text, src.Warnings)
	if err != nil {
		return nil, err
	}
	pv.Format, pv.Notices, pv.DecodeWarnings = src.Format, notices, src.Warnings
	return pv, nil
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

// PayloadError refuses a confirm whose document is not one the preview
// could have sent (altered or cut); Key, if set, says why the parser
// refused it.
type PayloadError struct{ Key string }

func (e *PayloadError) Error() string { return "plan import payload refused " + e.Key }

// UnitChoice is the admin's choice for one unknown unit name as posted:
// the form field, the name and the chosen unit ID ("0": create it).
type UnitChoice struct {
	Field, Name, ID string
}

// ConfirmInput is a posted confirm form.
type ConfirmInput struct {
	Payload            string // the document, base64, as the preview sent it
	SHA256             string // the previewed text's hash
	Reporting, DueDays string
	Units              []UnitChoice
	// Correction is the admin's correction form; nil on a post without one
	// (the parsed plan is taken as it is).
	Correction *Correction
	// Action is "" (store), "update" (apply the corrections and show
	// them), "add_measure:<domain>" or "add_target:<row>".
	Action string
	Apply  bool // the admin saw the changes to a stored plan and applies them
}

// Confirmation is what became of a confirm: the stored import (Result),
// or the preview to show again with the corrections and Errors; Conflict
// when the database changed since the preview (imported meanwhile, a
// chosen unit deleted).
type Confirmation struct {
	Result     *Result
	Raw        []byte
	Preview    *Preview
	Choices    Choices
	Correction *Correction
	Errors     validate.Errors
	Conflict   bool
}

// Confirm checks a confirm form and stores the import unless the form
// asks to see the preview again or has errors.
func (s *Service) Confirm(ctx context.Context, a store.Actor, in ConfirmInput) (*Confirmation, error) {
	raw, err := base64.StdEncoding.DecodeString(in.Payload)
	if err != nil || len(raw) == 0 || len(raw) > MaxUpload {
		return nil, &PayloadError{}
	}
	cf := &Confirmation{Raw: raw, Errors: validate.Errors{}}
	opt := CheckSettings(in.Reporting, in.DueDays, cf.Errors)
	if cf.Preview, err = s.PreviewUpload(ctx, raw); err != nil {
		// The payload passed the preview; failing now means it was altered.
		if key := planparse.MessageKey(err); key != "planparse.err.unknown" {
			return nil, &PayloadError{Key: key}
		}
		return nil, err
	}
	if cf.Choices, err = s.unitChoices(ctx, in.Units, cf.Errors); err != nil {
		return nil, err
	}
	parsed := cf.Preview.Parsed
	if cf.Correction = in.Correction; cf.Correction == nil {
		cf.Correction = CorrectionFromPlan(parsed)
	} else {
		cf.Correction.fitDomains(len(parsed.Domains))
		parsed = cf.Correction.Apply(cf.Preview.Parsed, cf.Errors)
		if err := s.previewAgain(ctx, cf, parsed); err != nil {
			return nil, err
		}
	}
	if in.SHA256 != cf.Preview.SHA256 {
		cf.Errors.Set(validate.Form, "plans.import.err.payload")
	}
	action, arg, _ := strings.Cut(in.Action, ":")
	switch action {
	case "update":
		return cf, nil
	case "add_measure", "add_target":
		// Adding shows no errors yet (the new row is empty); they come
		// with the next apply or the confirm.
		n, _ := strconv.Atoi(arg)
		if action == "add_measure" && n >= 0 && n < len(parsed.Domains) {
			cf.Correction.AddMeasure(n)
		} else if action == "add_target" {
			cf.Correction.AddTarget(n, parsed.Horizon)
		}
		clear(cf.Errors)
		return cf, nil
	}
	if len(cf.Errors) > 0 {
		return cf, nil
	}
	return cf, s.store(ctx, a, cf, parsed, opt, in.Apply)
}

// store stores the checked import, or says why it is shown again.
func (s *Service) store(ctx context.Context, a store.Actor, cf *Confirmation, parsed *planparse.Plan, opt Options, apply bool) error {
	pv := cf.Preview
	if pv.Unchanged {
		cf.Result = &Result{Plan: pv.Existing, Unchanged: true}
		return nil
	}
	if pv.Existing != nil && !apply {
		// Someone imported this plan between the preview and now: show the
		// changes it would make instead.
		cf.Errors.Set(validate.Form, "plans.import.err.imported_meanwhile")
		cf.Conflict = true
		return nil
	}
	res, err := s.ImportPlan(ctx, a, pv.Text, parsed, pv.DecodeWarnings, opt, cf.Choices, apply)
	switch {
	case errors.Is(err, ErrChangedNeedsApply):
		cf.Errors.Set(validate.Form, "plans.import.err.imported_meanwhile")
		cf.Conflict = true
		return s.previewAgain(ctx, cf, parsed)
	case errors.Is(err, model.ErrNotFound):
		// A unit chosen for a name was deleted meanwhile.
		cf.Errors.Set("units", "plans.err.unknown_unit")
		cf.Conflict = true
		return nil
	}
	cf.Result = res
	return err
}

// previewAgain previews the corrected plan again, against what is stored
// now.
func (s *Service) previewAgain(ctx context.Context, cf *Confirmation, parsed *planparse.Plan) error {
	old := cf.Preview
	pv, err := s.PreviewPlan(ctx, old.Text, parsed, old.DecodeWarnings)
	if err != nil {
		return err
	}
	pv.Format, pv.Notices, pv.DecodeWarnings = old.Format, old.Notices, old.DecodeWarnings
	cf.Preview = pv
	return nil
}

// unitChoices reads the admin's choice for each unknown unit name: 0
// creates it (flagged), an ID maps it to that unit (remembered as an
// alias). A choice that is no unit is an error on its field.
func (s *Service) unitChoices(ctx context.Context, in []UnitChoice, errs validate.Errors) (Choices, error) {
	choices := Choices{}
	field := map[string]string{}
	for _, u := range in {
		if u.Name == "" || u.ID == "" {
			continue
		}
		field[u.Name] = u.Field
		id, err := strconv.ParseInt(u.ID, 10, 64)
		if err != nil || id < 0 {
			errs.Set(u.Field, "plans.err.unknown_unit")
			continue
		}
		if id > 0 {
			choices[u.Name] = id
		}
	}
	missing, err := s.MissingChoices(ctx, choices)
	for name := range missing {
		errs.Set(field[name], "plans.err.unknown_unit")
	}
	return choices, err
}
