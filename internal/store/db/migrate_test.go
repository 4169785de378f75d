package db_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"duban/internal/store/db"
	"duban/internal/testutil"
)

// TestConcurrentMigrationsOnPostgres starts several instances' migrations
// at once against one empty database, as a rolling deploy does: the
// session lock makes them take turns, so every one succeeds and the
// schema is applied exactly once.
func TestConcurrentMigrationsOnPostgres(t *testing.T) {
	dsn := testutil.PostgresURL(t)
	ctx := context.Background()
	const instances = 4
	var wg sync.WaitGroup
	errs := make([]error, instances)
	applied := make([]int, instances)
	for i := range instances {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := db.Open(ctx, dsn)
			if err != nil {
				errs[i] = err
				return
			}
			defer d.Close()
			files, err := d.Migrate(ctx)
			errs[i], applied[i] = err, len(files)
		}()
	}
	wg.Wait()
	total := 0
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: %v", i, err)
		}
		total += applied[i]
	}
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	if err := d.R.Raw("SELECT count(*) FROM goose_db_version WHERE version_id > 0").Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if total != n {
		t.Fatalf("instances applied %d migrations in all, the database records %d: some ran twice or not at all", total, n)
	}
}

// TestMigrateGathersStatistics: a freshly migrated SQLite database has
// planner statistics, so the first queries do not pick indexes blind.
func TestMigrateGathersStatistics(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(t.TempDir(), "duban.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := d.R.Raw("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatal("no sqlite_stat1 after migrate: ANALYZE did not run")
	}
	if err := d.Optimize(ctx); err != nil {
		t.Fatalf("optimize: %v", err)
	}
}
