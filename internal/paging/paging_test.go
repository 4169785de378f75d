package paging

import "testing"

func TestOf(t *testing.T) {
	for _, tc := range []struct {
		req                 string
		total               int
		no, pages, from, to int
	}{
		{"", 0, 1, 1, 0, 0},
		{"", 566, 1, 12, 0, 50},
		{"2", 566, 2, 12, 50, 100},
		{"12", 566, 12, 12, 550, 566},
		{"99", 566, 12, 12, 550, 566},
		{"-3", 72, 1, 2, 0, 50},
		{"x", 72, 1, 2, 0, 50},
		{"2", 50, 1, 1, 0, 50},
	} {
		no, pages, from, to := Of(tc.req, tc.total)
		if no != tc.no || pages != tc.pages || from != tc.from || to != tc.to {
			t.Errorf("Of(%q, %d) = %d %d %d %d", tc.req, tc.total, no, pages, from, to)
		}
	}
}
