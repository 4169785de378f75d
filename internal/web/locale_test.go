package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"duban/internal/testutil"
)

// TestFirstVisitFollowsAcceptLanguage: until a visitor picks a language,
// the portal answers in the one their browser asks for; once they pick,
// the choice wins over the header.
func TestFirstVisitFollowsAcceptLanguage(t *testing.T) {
	p := testutil.Start(t)
	tests := []struct {
		accept, wantLang, wantText string
	}{
		{"en-US,en;q=0.9", "en", "Log in"},
		{"zh-CN,zh;q=0.9,en;q=0.8", "zh-CN", "登录"},
		{"", "zh-CN", "登录"},
		{"fr-FR", "zh-CN", "登录"},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			c := p.Client()
			req, _ := http.NewRequest(http.MethodGet, "/login", nil)
			req.Header.Set("Accept-Language", tt.accept)
			res := c.Do(req)
			doc := res.Doc(t)
			if got, _ := doc.Find("html").Attr("lang"); got != tt.wantLang {
				t.Errorf("Accept-Language %q: <html lang=%q>, want %q", tt.accept, got, tt.wantLang)
			}
			if !strings.Contains(doc.Find("h1").Text(), tt.wantText) {
				t.Errorf("Accept-Language %q: heading %q, want %q", tt.accept, doc.Find("h1").Text(), tt.wantText)
			}
			if !strings.Contains(res.Header.Get("Vary"), "Accept-Language") {
				t.Errorf("Vary = %q, want Accept-Language in it", res.Header.Get("Vary"))
			}
		})
	}
	t.Run("the choice wins", func(t *testing.T) {
		c := p.Client()
		c.PostForm("/lang", url.Values{"to": {"zh-CN"}, "back": {"/login"}})
		req, _ := http.NewRequest(http.MethodGet, "/login", nil)
		req.Header.Set("Accept-Language", "en-US")
		doc := c.Do(req).Doc(t)
		if got, _ := doc.Find("html").Attr("lang"); got != "zh-CN" {
			t.Errorf("after choosing 中文, an English browser gets lang=%q", got)
		}
	})
}
