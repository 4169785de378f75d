// Package demo fills an empty database with the Jiangmen plan, demo
// accounts for every role and (once the workflow exists) a plausible
// history, all marked as demo data.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"duban/internal/auth"
	"duban/internal/model"
	"duban/internal/planimport"
	"duban/internal/store"
)

// Date is the demo's clock date: inside the plan's second year, just after
// the first quarter's reports were due.
const Date = "2015-04-03"

// Districts are the seven district-level governments of Jiangmen that
// "各市(区)政府" means; each is also known by its short name.
var Districts = []string{"蓬江区", "江海区", "新会区", "台山市", "开平市", "鹤山市", "恩平市"}

// DistrictGroup is the plan's collective name for them.
const DistrictGroup = "各市(区)政府"

// Account is a demo login.
type Account struct {
	Username, Role, Unit, Display string
}

// Accounts are the demo logins, one per role (two unit kinds).
var Accounts = []Account{
	{Username: "admin", Role: model.RoleAdmin, Display: "系统管理员"},
	{Username: "duchashi", Role: model.RoleReviewer, Display: "市政府督查室"},
	{Username: "jiaoyuju", Role: model.RoleUnit, Unit: "市教育局", Display: "市教育局填报员"},
	{Username: "canlian", Role: model.RoleUnit, Unit: "市残联", Display: "市残联填报员"},
	{Username: "taishan", Role: model.RoleUnit, Unit: "台山市人民政府", Display: "台山市政府填报员"},
	{Username: "lingdao", Role: model.RoleViewer, Display: "市领导"},
}

// DistrictUnitName is the full name of a district government unit.
func DistrictUnitName(short string) string { return short + "人民政府" }

// Seed creates the demo units and accounts on an empty database and returns
// the demo password (kept in DATA_DIR/demo-password.txt so it is the same
// at every start). On a database that already has demo accounts it only
// returns the password; on one with real accounts it refuses.
func Seed(ctx context.Context, st *store.Store, h *auth.Hasher, dataDir string, withPlan bool) (string, error) {
	pwFile := filepath.Join(dataDir, "demo-password.txt")
	if _, err := st.UserByUsername(ctx, Accounts[0].Username); err == nil {
		b, err := os.ReadFile(pwFile)
		if err != nil {
			return "", fmt.Errorf("demo data exists but %s is missing: %w", pwFile, err)
		}
		// Importing the same plan again is a no-op; this brings a demo
		// database made before a newer release up to date.
		if withPlan {
			if err := importPlan(ctx, st); err != nil {
				return "", err
			}
		}
		return strings.TrimSpace(string(b)), nil
	} else if !errors.Is(err, model.ErrNotFound) {
		return "", err
	}
	if n, err := st.CountUsers(ctx); err != nil {
		return "", err
	} else if n > 0 {
		return "", errors.New("--demo needs an empty database: this one already has accounts")
	}
	// Random, so it passes the password policy; drawn again in the unlikely
	// case that it spells something guessable.
	var password string
	for password == "" || h.Check(password) != nil {
		var b [10]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		password = "demo-" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))[:12]
	}
	hash, err := h.Hash(ctx, password)
	if err != nil {
		return "", err
	}
	err = st.WithTx(ctx, func(ctx context.Context) error {
		var ids []int64
		for _, d := range Districts {
			u, err := st.EnsureUnit(ctx, DistrictUnitName(d), model.UnitDistrict, true)
			if err != nil {
				return err
			}
			if err := st.EnsureAlias(ctx, u.ID, d); err != nil {
				return err
			}
			ids = append(ids, u.ID)
		}
		if _, err := st.EnsureGroup(ctx, DistrictGroup, ids); err != nil {
			return err
		}
		for _, a := range Accounts {
			u := &model.User{Username: a.Username, DisplayName: a.Display, Role: a.Role, PasswordHash: hash, Demo: true}
			if a.Unit != "" {
				un, err := st.EnsureUnit(ctx, a.Unit, model.UnitDepartment, true)
				if err != nil {
					return err
				}
				u.UnitID = &un.ID
			}
			if err := st.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		return st.Audit(ctx, store.Actor{Username: "system"}, store.AuditEntry{Action: "demo.seed", ObjectType: "system"})
	})
	if err != nil {
		return "", fmt.Errorf("seed demo data: %w", err)
	}
	if withPlan {
		if err := importPlan(ctx, st); err != nil {
			return "", err
		}
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return "", err
	}
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write demo password: %w", err)
	}
	return password, nil
}

// importPlan imports the bundled Jiangmen plan (a no-op when it is there).
func importPlan(ctx context.Context, st *store.Store) error {
	text, warnings, err := planimport.Decode(JiangmenPlan)
	if err != nil {
		return fmt.Errorf("demo plan: %w", err)
	}
	_, err = planimport.New(st).Import(ctx, store.Actor{Username: "system"}, text, warnings,
		planimport.Options{Demo: true, ConfirmUnits: true}, nil, false)
	if err != nil {
		return fmt.Errorf("demo plan: %w", err)
	}
	return nil
}
