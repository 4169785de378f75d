package validate

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	for _, tc := range []struct {
		s        string
		required bool
		max      int
		want     string
	}{
		{"", true, 10, "form.required"},
		{"", false, 10, ""},
		{"学前教育", true, 4, ""},
		{"学前教育。", true, 4, "form.too_long"},
		{"a\x07b", false, 10, "form.invalid_chars"},
		{strings.Repeat("x", 10), true, 10, ""},
	} {
		if got := Text(tc.s, tc.required, tc.max); got != tc.want {
			t.Errorf("Text(%q, %v, %d) = %q, want %q", tc.s, tc.required, tc.max, got, tc.want)
		}
	}
}
