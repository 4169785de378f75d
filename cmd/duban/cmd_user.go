package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"runtime"
	"slices"
	"strings"

	"duban/internal/app"
	"duban/internal/auth"
	"duban/internal/demo"
	"duban/internal/model"
	"duban/internal/store"
)

// redact hides the password of a database URL.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func demoAccountLines() []string {
	var out []string
	for _, a := range demo.Accounts {
		line := fmt.Sprintf("%-10s %s", a.Username, a.Role)
		if a.Unit != "" {
			line += "  " + a.Unit
		}
		out = append(out, line)
	}
	return out
}

// readPassword reads one line from stdin (for --password-stdin).
func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password on standard input")
	}
	return pw, nil
}

var cliActor = store.Actor{Username: "cli"}

func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: duban user add|passwd|disable …")
	}
	sub, rest := args[0], args[1:]
	var username, role, unit, display string
	var pwStdin bool
	cfg, pos, err := parseFlags("user "+sub, rest, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "login name")
		fs.StringVar(&role, "role", "", "admin, reviewer, unit or viewer")
		fs.StringVar(&unit, "unit", "", "unit name (role unit only)")
		fs.StringVar(&display, "name", "", "display name")
		fs.BoolVar(&pwStdin, "password-stdin", false, "read the password from standard input")
	})
	if err != nil {
		return err
	}
	if username == "" && len(pos) > 0 {
		username = pos[0]
	}
	if username == "" {
		return errors.New("a username is required")
	}
	st, closeStore, err := app.OpenStore(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer closeStore()
	hasher := auth.NewHasher(runtime.NumCPU())
	switch sub {
	case "add":
		if !auth.ValidUsername(username) {
			return fmt.Errorf("username %q: use 2–64 letters, digits or . _ @ -, starting with a letter or digit", username)
		}
		if !slices.Contains(model.Roles, role) {
			return fmt.Errorf("--role must be one of %s", strings.Join(model.Roles, ", "))
		}
		if (role == model.RoleUnit) != (unit != "") {
			return errors.New("--unit is required for role unit and only for it")
		}
		if !pwStdin {
			return errors.New("give the password on standard input with --password-stdin")
		}
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		hash, err := hasher.Hash(ctx, pw, username, display)
		if err != nil {
			return err
		}
		u := &model.User{Username: username, DisplayName: display, Role: role, PasswordHash: hash}
		err = st.WithTx(ctx, func(ctx context.Context) error {
			if unit != "" {
				un, err := st.UnitByName(ctx, unit)
				if err != nil {
					return fmt.Errorf("unit %q: %w (create it in the portal or import a plan first)", unit, err)
				}
				u.UnitID = &un.ID
			}
			if err := st.CreateUser(ctx, u); err != nil {
				return err
			}
			return st.Audit(ctx, cliActor, store.AuditEntry{Action: "user.create", ObjectType: "user", ObjectID: u.ID,
				New: map[string]any{"username": u.Username, "role": u.Role, "unit_id": u.UnitID}})
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created user %s (%s)\n", username, role)
		return nil
	case "passwd":
		if !pwStdin {
			return errors.New("give the password on standard input with --password-stdin")
		}
		u, err := st.UserByUsername(ctx, username)
		if err != nil {
			return err
		}
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		hash, err := hasher.Hash(ctx, pw, u.Username, u.DisplayName)
		if err != nil {
			return err
		}
		if err := st.SetPassword(ctx, cliActor, u.ID, hash); err != nil {
			return err
		}
		if err := st.DeleteUserSessions(ctx, u.ID, ""); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed; their sessions have ended\n", username)
		return nil
	case "disable":
		u, err := st.UserByUsername(ctx, username)
		if err != nil {
			return err
		}
		if err := st.SetUserDisabled(ctx, cliActor, u.ID, true); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "disabled %s; their sessions have ended\n", username)
		return nil
	}
	return fmt.Errorf("unknown user command %q", sub)
}
