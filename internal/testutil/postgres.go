package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// PostgresURL creates a fresh database on the server named by
// DUBAN_TEST_POSTGRES (a postgres:// URL of a superuser) and returns its URL;
// the database is dropped when the test ends. Without the variable the test
// is skipped, except under CI, where PostgreSQL tests are required.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("DUBAN_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("DUBAN_TEST_POSTGRES is not set: PostgreSQL tests are required in CI (.ci/run starts a server)")
		}
		t.Skip("DUBAN_TEST_POSTGRES not set: skipping PostgreSQL test (set it to postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "duban_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
