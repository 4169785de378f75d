package handlers

import (
	"errors"
	"net/url"
	"strings"
	"unicode/utf8"
)

// ErrBadInput is a request whose text cannot be stored: invalid UTF-8 or a
// NUL byte. PostgreSQL refuses both (SQLite would store them as they came),
// so they are turned away at the edge, the same on both databases, with
// 400 and a page that says why.
var ErrBadInput = errors.New("input is not valid UTF-8 text or contains a NUL byte")

// ValidText reports whether s can be stored as text.
func ValidText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// CheckInput checks every name and value of a form or query.
func CheckInput(vals url.Values) error {
	for k, vs := range vals {
		if !ValidText(k) {
			return ErrBadInput
		}
		for _, v := range vs {
			if !ValidText(v) {
				return ErrBadInput
			}
		}
	}
	return nil
}
