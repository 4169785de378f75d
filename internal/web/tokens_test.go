package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"duban/internal/auth"
	"duban/internal/testutil"
)

// TestProfileTokens creates a token on /profile (its secret shown once and
// stored only hashed), lists it, refuses another user's revocation as not
// found, revokes it, and lets an admin revoke any token.
func TestProfileTokens(t *testing.T) {
	p := testutil.Start(t)
	unit := p.Login("jiaoyuju")

	res := unit.PostForm("/profile/tokens", url.Values{"name": {""}, "expires": {"90"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("token without a name: %d, want 422", res.StatusCode)
	}
	res = unit.PostForm("/profile/tokens", url.Values{"name": {"统计局接口"}, "expires": {"90"}, "read_only": {"1"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("create token: %d", res.StatusCode)
	}
	secret := strings.TrimSpace(res.Doc(t).Find(".token-value").Text())
	if !strings.HasPrefix(secret, auth.TokenPrefix) || len(secret) < 40 {
		t.Fatalf("secret %q not shown", secret)
	}
	if strings.Contains(unit.Get("/profile").Body, secret) {
		t.Fatal("the secret is shown again")
	}
	ctx := t.Context()
	tok, err := p.App.Store.APITokenByHash(ctx, auth.HashToken(secret))
	if err != nil || !tok.ReadOnly || tok.ExpiresAt == nil || tok.Name != "统计局接口" || !strings.HasPrefix(secret, tok.Prefix) {
		t.Fatalf("stored token %+v, %v", tok, err)
	}
	if strings.Contains(tok.SecretHash, secret) {
		t.Fatal("secret stored in clear")
	}
	if n := countAudit(t, p, "token.create"); n != 1 {
		t.Fatalf("%d token.create entries", n)
	}
	if !strings.Contains(unit.Get("/profile").Body, tok.Prefix) {
		t.Fatal("token not listed on the profile")
	}

	// Another unit's user cannot revoke it: not found.
	other := p.Login("canlian")
	if res := other.PostForm("/profile/tokens/"+itoa(tok.ID)+"/revoke", nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("revoke another's token: %d, want 404", res.StatusCode)
	}
	if res := unit.PostForm("/profile/tokens/"+itoa(tok.ID)+"/revoke", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if _, _, err := auth.NewTokens(p.App.Store, p.Clock).Authenticate(ctx, secret, "127.0.0.1"); err == nil {
		t.Fatal("revoked token still authenticates")
	}

	// An admin revokes a token from the admin list.
	res = unit.PostForm("/profile/tokens", url.Values{"name": {"second"}, "expires": {"0"}})
	secret2 := strings.TrimSpace(res.Doc(t).Find(".token-value").Text())
	tok2, err := p.App.Store.APITokenByHash(ctx, auth.HashToken(secret2))
	if err != nil || tok2.ExpiresAt != nil {
		t.Fatalf("never-expiring token: %+v %v", tok2, err)
	}
	admin := p.Login("admin")
	if !strings.Contains(admin.Get("/admin/tokens").Body, tok2.Prefix) {
		t.Fatal("token not on the admin list")
	}
	if res := admin.PostForm("/admin/tokens/"+itoa(tok2.ID)+"/revoke", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin revoke: %d", res.StatusCode)
	}
	if n := countAudit(t, p, "token.revoke"); n != 2 {
		t.Fatalf("%d token.revoke entries, want 2", n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
