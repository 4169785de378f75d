package main

import (
	"net/http"
	"strings"
	"testing"

	"duban/internal/testutil"
)

// TestTokenCreate: `duban token create` prints a secret the running
// portal's API accepts, with the scope and expiry asked for.
func TestTokenCreate(t *testing.T) {
	dir := t.TempDir()
	p := testutil.Start(t, testutil.WithDataDir(dir))
	for _, args := range [][]string{
		{"token", "create", "--name", "x"},
		{"token", "create", "--user", "nobody", "--name", "x"},
		{"token", "create", "--user", "jiaoyuju", "--name", "x", "--expires", "soon"},
		{"token", "create", "--user", "jiaoyuju", "--name", ""},
	} {
		if out, err := cli(t, dir, "", args...); err == nil {
			t.Errorf("%v: accepted (%q)", args, out)
		}
	}
	out, err := cli(t, dir, "", "token", "create", "--user", "jiaoyuju", "--name", "统计局对接", "--expires", "30d", "--read-only")
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.SplitN(out, "\n", 2)[0]
	if !strings.HasPrefix(secret, "dbn_") || !strings.Contains(out, "read-only true") {
		t.Fatalf("output %q", out)
	}
	call := func(method, path string) int {
		req, _ := http.NewRequest(method, p.Server.URL+path, strings.NewReader("{}"))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if s := call("GET", "/api/v1/plans"); s != http.StatusOK {
		t.Fatalf("read with the CLI token: %d", s)
	}
	if s := call("POST", "/api/v1/assignments/1/sign"); s != http.StatusForbidden {
		t.Fatalf("write with a read-only token: %d", s)
	}
}
