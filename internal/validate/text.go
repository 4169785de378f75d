package validate

import (
	"unicode"
	"unicode/utf8"
)

// Text checks a free-text field: required or not, at most max characters,
// no control characters. It returns the catalog key of the problem, or "".
func Text(s string, required bool, max int) string {
	switch {
	case s == "" && required:
		return "form.required"
	case utf8.RuneCountInString(s) > max:
		return "form.too_long"
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "form.invalid_chars"
		}
	}
	return ""
}
