// Package validate is the one shape of a refused form: field → message
// (a catalog key and its arguments). Services return it inside an *Error,
// which wraps model.ErrInvalid; handlers re-render the form with it and
// the user's input; views show each message next to its field.
package validate

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"duban/internal/model"
)

// Form is the field of a message about the whole form.
const Form = "_form"

// Message is a catalog key and the arguments it takes.
type Message struct {
	Key  string
	Args []any
}

// Errors maps a form field to its message; the zero map has none.
type Errors map[string]Message

// Set records the message of field, replacing an earlier one.
func (e Errors) Set(field, key string, args ...any) {
	e[field] = Message{Key: key, Args: args}
}

// Has reports whether field has a message.
func (e Errors) Has(field string) bool {
	_, ok := e[field]
	return ok
}

// Key is the catalog key of field's message, "" if none.
func (e Errors) Key(field string) string { return e[field].Key }

// Err is nil when there are no errors, else an *Error holding them.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return &Error{Fields: e}
}

// Merge returns one map with the messages of e and o (o's win).
func (e Errors) Merge(o Errors) Errors {
	if len(o) == 0 {
		return e
	}
	out := maps.Clone(e)
	if out == nil {
		out = Errors{}
	}
	maps.Copy(out, o)
	return out
}

// Error is a refused input. It wraps model.ErrInvalid, so the error page
// answers 422 when a handler does not show the form again.
type Error struct {
	Fields Errors
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("invalid input:")
	for _, f := range slices.Sorted(maps.Keys(e.Fields)) {
		fmt.Fprintf(&b, " %s=%s", f, e.Fields[f].Key)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return model.ErrInvalid }

// Refuse is an *Error with one message.
func Refuse(field, key string, args ...any) error {
	return &Error{Fields: Errors{field: {Key: key, Args: args}}}
}

// FieldsOf returns the field errors inside err, or nil.
func FieldsOf(err error) Errors {
	var ve *Error
	if errors.As(err, &ve) {
		return ve.Fields
	}
	return nil
}
