package db_test

import (
	"context"
	"path/filepath"
	"sort"
	"testing"

	"gorm.io/gorm"

	"duban/internal/model"
	"duban/internal/store/db"
	"duban/internal/testutil"
)

// TestModelsMatchSchema migrates an empty database on each backend and
// checks that every GORM model field has a column and every column a field.
func TestModelsMatchSchema(t *testing.T) {
	backends := []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "duban.db") }},
		{"postgres", func(t *testing.T) string { return testutil.PostgresURL(t) }},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			d, err := db.Open(ctx, b.dsn(t))
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if _, err := d.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			// Migrating again is a no-op.
			if applied, err := d.Migrate(ctx); err != nil || len(applied) != 0 {
				t.Fatalf("second migrate: %v %v", applied, err)
			}
			for _, m := range allModels() {
				checkModel(t, d.W, m)
			}
		})
	}
}

func checkModel(t *testing.T, g *gorm.DB, m any) {
	t.Helper()
	stmt := &gorm.Statement{DB: g}
	if err := stmt.Parse(m); err != nil {
		t.Fatal(err)
	}
	table := stmt.Schema.Table
	cols, err := g.Migrator().ColumnTypes(m)
	if err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	if len(cols) == 0 {
		t.Fatalf("table %s does not exist", table)
	}
	have := map[string]bool{}
	for _, c := range cols {
		have[c.Name()] = true
	}
	want := map[string]bool{}
	for _, f := range stmt.Schema.Fields {
		if f.DBName == "" {
			continue
		}
		want[f.DBName] = true
		if !have[f.DBName] {
			t.Errorf("%s: model field %s has no column %q", table, f.Name, f.DBName)
		}
	}
	var extra []string
	for c := range have {
		if !want[c] {
			extra = append(extra, c)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("%s: columns without a model field: %v", table, extra)
	}
}

func TestSQLiteSettings(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(t.TempDir(), "duban.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	checks := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"synchronous", "2"},
		{"foreign_keys", "1"},
		{"busy_timeout", "10000"},
	}
	for _, c := range checks {
		t.Run(c.pragma, func(t *testing.T) {
			for name, g := range map[string]*gorm.DB{"writer": d.W, "reader": d.R} {
				var got string
				if err := g.Raw("PRAGMA " + c.pragma).Scan(&got).Error; err != nil {
					t.Fatal(err)
				}
				if got != c.want {
					t.Errorf("%s PRAGMA %s = %s, want %s", name, c.pragma, got, c.want)
				}
			}
		})
	}
	var v string
	if err := d.R.Raw("select sqlite_version()").Scan(&v).Error; err != nil {
		t.Fatal(err)
	}
	t.Logf("sqlite %s", v)
	// Readers are read-only.
	if err := d.R.Exec("CREATE TABLE x (a INTEGER)").Error; err == nil {
		t.Error("a reader connection could write")
	}
}

// allModels lists every model, for the schema check: a model added to
// internal/model is added here too.
func allModels() []any {
	return []any{
		&model.Unit{}, &model.UnitAlias{}, &model.UnitGroup{}, &model.UnitGroupMember{}, &model.User{}, &model.Session{},
		&model.LoginAttempt{}, &model.Setting{}, &model.Plan{}, &model.Domain{}, &model.Measure{}, &model.Target{},
		&model.Assignment{}, &model.Period{}, &model.Report{}, &model.ReportVersion{}, &model.TargetValue{},
		&model.Attachment{}, &model.Review{}, &model.Prompt{}, &model.Notification{}, &model.AuditEvent{},
		&model.Extension{}, &model.Instruction{}, &model.InstructionUnit{}, &model.CaseFile{}, &model.MeasureClosure{},
		&model.Bulletin{},
		&model.AssignmentState{}, &model.ReadModelDirty{}, &model.ReadModelGeneration{},
		&model.APIToken{},
	}
}
