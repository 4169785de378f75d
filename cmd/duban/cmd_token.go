package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"duban/internal/app"
	"duban/internal/auth"
	"duban/internal/validate"
)

// parseDays reads an expiry such as "90d" or "90" (days); "" and "0" mean
// the token never expires.
func parseDays(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(s), "d"))
	if s == "" {
		return 0, nil
	}
	if err != nil || n < 0 || n > auth.MaxTokenDays {
		return 0, fmt.Errorf("--expires %q: give days, e.g. 90d (at most %d)", s, auth.MaxTokenDays)
	}
	return n, nil
}

// cmdToken creates a personal access token for scripts and prints its
// secret (the only time it is shown).
func cmdToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: duban token create --user NAME --name NAME [--read-only] [--expires 90d]")
	}
	var username, name, expires string
	var readOnly bool
	cfg, _, err := parseFlags("token create", args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "user", "", "the user the token acts as")
		fs.StringVar(&name, "name", "", "what the token is for")
		fs.BoolVar(&readOnly, "read-only", false, "the token may only read")
		fs.StringVar(&expires, "expires", "", "lifetime in days, e.g. 90d (default: never)")
	})
	if err != nil {
		return err
	}
	days, err := parseDays(expires)
	if err != nil {
		return err
	}
	if username == "" {
		return errors.New("--user is required")
	}
	st, closeStore, err := app.OpenStore(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer closeStore()
	u, err := st.UserByUsername(ctx, username)
	if err != nil {
		return fmt.Errorf("user %q: %w", username, err)
	}
	if u.Disabled {
		return fmt.Errorf("user %q is disabled", username)
	}
	secret, tok, err := auth.NewTokens(st, st.Clock()).Create(ctx, cliActor, u.ID, auth.NewToken{Name: name, ReadOnly: readOnly, Days: days})
	if fe := validate.FieldsOf(err); fe != nil {
		return fmt.Errorf("token: %v", fe)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	exp := "never"
	if tok.ExpiresAt != nil {
		exp = tok.ExpiresAt.Format("2006-01-02")
	}
	fmt.Fprintf(stderr, "token %q for %s (read-only %v, expires %s); the secret above is shown only now\n", tok.Name, username, tok.ReadOnly, exp)
	return nil
}
