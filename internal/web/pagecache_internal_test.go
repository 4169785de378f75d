package web

import "testing"

// TestPageCutAndFill: a kept page filled is the page rendered with the
// request's own token and nonce, wherever the holes stand.
func TestPageCutAndFill(t *testing.T) {
	p := newPageCache()
	c, n := p.csrfHole, p.nonceHole
	for _, tc := range []struct{ page, want string }{
		{"", ""},
		{"<p>no holes</p>", "<p>no holes</p>"},
		{c, "TOKEN"},
		{n + c, "NONCETOKEN"},
		{"<a>" + c + "</a><s " + n + ">" + c + n + "x", "<a>TOKEN</a><s NONCE>TOKENNONCEx"},
		{"dubanhole is text a user typed " + n, "dubanhole is text a user typed NONCE"},
	} {
		if got := string(p.cut([]byte(tc.page)).fill("TOKEN", "NONCE")); got != tc.want {
			t.Errorf("fill(%q) = %q, want %q", tc.page, got, tc.want)
		}
	}
}
