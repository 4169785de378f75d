package validate_test

import (
	"errors"
	"fmt"
	"testing"

	"duban/internal/model"
	"duban/internal/validate"
)

func TestErrors(t *testing.T) {
	errs := validate.Errors{}
	if errs.Err() != nil {
		t.Fatal("no messages must be no error")
	}
	errs.Set("title", "form.required")
	errs.Set("due_on", "plans.err.due_before_start", "2014-01-01")
	errs.Set("title", "plans.err.too_long", 200)
	if !errs.Has("title") || errs.Has("lead") || errs.Key("title") != "plans.err.too_long" || errs["title"].Args[0] != 200 {
		t.Fatalf("errs = %#v", errs)
	}
	err := fmt.Errorf("save measure: %w", errs.Err())
	if !errors.Is(err, model.ErrInvalid) {
		t.Fatal("a validation error must wrap model.ErrInvalid")
	}
	if got := validate.FieldsOf(err); got.Key("due_on") != "plans.err.due_before_start" {
		t.Fatalf("FieldsOf = %#v", got)
	}
	if validate.FieldsOf(errors.New("other")) != nil || validate.FieldsOf(nil) != nil {
		t.Fatal("FieldsOf of another error must be nil")
	}
	if got := err.Error(); got != "save measure: invalid input: due_on=plans.err.due_before_start title=plans.err.too_long" {
		t.Fatalf("Error() = %q", got)
	}
}

func TestRefuseAndMerge(t *testing.T) {
	err := validate.Refuse("units", "plans.err.unit_has_reports", int64(7))
	fe := validate.FieldsOf(err)
	if fe.Key("units") != "plans.err.unit_has_reports" || fe["units"].Args[0] != int64(7) {
		t.Fatalf("Refuse = %#v", fe)
	}
	a := validate.Errors{"name": {Key: "form.required"}}
	b := validate.Errors{"password": {Key: "password.err.short"}, "name": {Key: "x"}}
	m := a.Merge(b)
	if len(m) != 2 || m.Key("name") != "x" || a.Key("name") != "form.required" {
		t.Fatalf("Merge = %#v (a = %#v)", m, a)
	}
	if got := a.Merge(nil); len(got) != 1 {
		t.Fatalf("Merge(nil) = %#v", got)
	}
}
