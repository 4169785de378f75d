package layout

import "testing"

func TestNavBadge(t *testing.T) {
	for n, want := range map[int]string{1: "1", 99: "99", 100: "99+", 41751: "99+"} {
		if got := navBadge(n); got != want {
			t.Errorf("navBadge(%d) = %q, want %q", n, got, want)
		}
	}
}
