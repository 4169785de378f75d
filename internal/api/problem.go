package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/labstack/echo/v4"

	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/validate"
	"duban/internal/workflow"
)

// Problem is an RFC 9457 problem detail. Fields carries the field errors
// in the portal's one validation shape (field → message, here already in
// the caller's language); Current, on a 409, the object as it stands now.
type Problem struct {
	Type    string            `json:"type,omitempty" doc:"A URI reference identifying the problem type (about:blank when the status says it all)."`
	Title   string            `json:"title" doc:"The HTTP status text."`
	Status  int               `json:"status" doc:"The HTTP status code."`
	Detail  string            `json:"detail,omitempty" doc:"What went wrong, in the caller's Accept-Language."`
	Code    string            `json:"code,omitempty" doc:"The message's catalog key, stable across languages."`
	Fields  map[string]string `json:"fields,omitempty" doc:"Invalid fields: field name → message."`
	Current any               `json:"current,omitempty" doc:"On 409: the object's current state."`
}

// Error satisfies error.
func (p *Problem) Error() string { return p.Detail }

// GetStatus satisfies huma.StatusError.
func (p *Problem) GetStatus() int { return p.Status }

// ContentType makes the answer application/problem+json.
func (p *Problem) ContentType(ct string) string {
	if ct == "application/json" {
		return "application/problem+json"
	}
	return ct
}

// newProblem is huma's error constructor (huma.NewErrorWithContext): its
// own request validation (a malformed parameter, an unknown field) lands
// here, field by field, and is said in the caller's language (the guard
// put it in the request's context).
func newProblem(hc huma.Context, status int, msg string, errs ...error) huma.StatusError {
	ctx := context.Background()
	if hc != nil {
		ctx = hc.Context()
	}
	p := &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status}
	p.Code, p.Detail = localize(ctx, msg)
	for _, err := range errs {
		var d huma.ErrorDetailer
		if errors.As(err, &d) {
			det := d.ErrorDetail()
			if p.Fields == nil {
				p.Fields = map[string]string{}
			}
			name := det.Location
			if strings.HasPrefix(name, "query.") && status == http.StatusUnprocessableEntity {
				// A filter or sort off the allow-list is a bad request.
				p.Status, p.Title = http.StatusBadRequest, http.StatusText(http.StatusBadRequest)
			}
			for _, pre := range []string{"body.", "query.", "path.", "header."} {
				name = strings.TrimPrefix(name, pre)
			}
			_, p.Fields[name] = localize(ctx, det.Message)
		} else if err != nil && p.Detail == "" {
			_, p.Detail = localize(ctx, err.Error())
		}
	}
	return p
}

// problemFor is a problem whose detail is a catalog message.
func problemFor(ctx context.Context, status int, key string, args ...any) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Code: key, Detail: i18n.T(ctx, key, args...)}
}

// invalidFields is a 422 with field errors (field → catalog key).
func invalidFields(ctx context.Context, fields validate.Errors) *Problem {
	p := problemFor(ctx, http.StatusUnprocessableEntity, "api.err.invalid")
	p.Fields = map[string]string{}
	for f, m := range fields {
		p.Fields[f] = i18n.T(ctx, m.Key, m.Args...)
	}
	return p
}

// writeProblem answers outside huma (the guard, echo's own errors).
func writeProblem(c echo.Context, p *Problem) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return c.Blob(p.Status, "application/problem+json", b)
}

// WriteError answers an error echo raised on an API path (no route, a
// method the route does not take, a body over the limit) as
// problem+json in the caller's language.
func WriteError(c echo.Context, status int, key string) error {
	ctx := i18n.WithLocale(c.Request().Context(), i18n.FromAcceptLanguage(c.Request().Header.Get("Accept-Language")))
	if status == http.StatusRequestEntityTooLarge {
		key = "api.err.too_large" // the pages' text speaks of an upload
	}
	return writeProblem(c, problemFor(ctx, status, key))
}

// fail maps a service error to a problem, as the pages map it to a page:
// another unit's object is not found (and audited like the pages do),
// invalid input is 422 with its fields, a refusal of the state machine is
// 409 with the current state when one is given.
func (a *API) fail(ctx context.Context, err error, current func() any) error {
	var refused *model.RefusedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &refused):
		if a.d.Refusals != nil {
			if rerr := a.d.Refusals.Record(ctx, callerOf(ctx).Actor, store.AuditEntry{Action: "object.denied",
				ObjectType: refused.ObjectType, ObjectID: refused.ObjectID}); rerr != nil {
				a.d.Log.Error("audit refusal", "err", rerr)
			}
		}
		return problemFor(ctx, http.StatusNotFound, "error.404")
	case validate.FieldsOf(err) != nil:
		return invalidFields(ctx, validate.FieldsOf(err))
	case errors.Is(err, model.ErrNotFound):
		return problemFor(ctx, http.StatusNotFound, "error.404")
	case errors.Is(err, model.ErrForbidden):
		return problemFor(ctx, http.StatusForbidden, "error.403")
	case errors.Is(err, model.ErrConflict):
		key := workflow.MessageKey(err)
		if errors.Is(err, workflow.ErrStale) {
			key = "api.err.stale" // the pages' message speaks of the form
		}
		p := problemFor(ctx, http.StatusConflict, key)
		if current != nil {
			p.Current = current()
		}
		return p
	case errors.Is(err, model.ErrInvalid):
		return problemFor(ctx, http.StatusUnprocessableEntity, "api.err.invalid")
	case errors.Is(err, context.Canceled):
		return err
	}
	a.d.Log.Error("api request failed", "err", err)
	return problemFor(ctx, http.StatusInternalServerError, "error.500")
}
