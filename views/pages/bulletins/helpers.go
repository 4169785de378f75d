package bulletins

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"duban/internal/bulletin"
	"duban/internal/validate"
)

// choiceValue is the draft form's value for a plan's period: "plan:period".
func choiceValue(c bulletin.Choice) string {
	return strconv.FormatInt(c.PlanID, 10) + ":" + strconv.FormatInt(c.PeriodID, 10)
}

// fieldAttrs are a field's ARIA attributes: invalid and described by its
// error message when it has one, and by other (a hint's ID) when given.
func fieldAttrs(errs validate.Errors, field, other string) templ.Attributes {
	at := templ.Attributes{}
	ids := other
	if errs.Has(field) {
		at["aria-invalid"] = "true"
		ids = strings.TrimSpace(ids + " " + field + "-error")
	}
	if ids != "" {
		at["aria-describedby"] = ids
	}
	return at
}
