package backup

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"duban/internal/clock"
	"duban/internal/evidence"
	"duban/internal/store"
	"duban/internal/store/db"
)

// Verify checks a backup without restoring it: every file's size and
// sha256 against the manifest; for SQLite also the snapshot's integrity,
// its row counts, and that every attachment row has its file; for
// PostgreSQL that pg_restore can read the dump.
func Verify(ctx context.Context, dir string) (*Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	files := map[string]File{}
	for _, want := range m.Files {
		got, err := describe(dir, want.Path)
		if err != nil {
			return nil, fmt.Errorf("backup %s: %w", dir, err)
		}
		if got.Size != want.Size || got.SHA256 != want.SHA256 {
			return nil, fmt.Errorf("backup %s: %s does not match the manifest (size %d, sha256 %s; the manifest says %d, %s)",
				dir, want.Path, got.Size, got.SHA256, want.Size, want.SHA256)
		}
		files[want.Path] = want
	}
	if _, ok := files[m.Database]; !ok {
		return nil, fmt.Errorf("backup %s: the manifest lists no database file %s", dir, m.Database)
	}
	if m.Dialect == db.Postgres {
		if b, err := exec.CommandContext(ctx, "pg_restore", "--list", filepath.Join(dir, PGDumpFile)).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("backup %s: pg_restore cannot read the dump: %w: %s", dir, err, strings.TrimSpace(string(b)))
		}
		return m, nil
	}
	snapDB, err := openSnapshot(filepath.Join(dir, SQLiteFile))
	if err != nil {
		return nil, err
	}
	defer snapDB.Close()
	var ok string
	if err := snapDB.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		return nil, fmt.Errorf("backup %s: integrity check of the database: %q %v", dir, ok, err)
	}
	snap, err := readSnapshot(ctx, snapDB, db.SQLite)
	if err != nil {
		return nil, err
	}
	if err := sameCounts(m.Tables, snap.tables); err != nil {
		return nil, fmt.Errorf("backup %s: %w", dir, err)
	}
	for _, b := range snap.blobs {
		f, ok := files[FilesDir+"/"+b.key]
		if !ok || f.SHA256 != b.sha256 {
			return nil, fmt.Errorf("backup %s: attachment %s is missing or differs from its row", dir, b.key)
		}
	}
	return m, nil
}

func sameCounts(want, got map[string]int64) error {
	for t, n := range want {
		if got[t] != n {
			return fmt.Errorf("table %s has %d rows, the manifest says %d", t, got[t], n)
		}
	}
	for t := range got {
		if _, ok := want[t]; !ok {
			return fmt.Errorf("table %s is not in the manifest", t)
		}
	}
	return nil
}

// Restored is what a restore checked.
type Restored struct {
	Manifest *Manifest
	Audit    store.AuditCheck
}

// Restore verifies the backup in src, then puts it in place of p: the
// database, the evidence files and the key files. A data dir or database
// that holds anything is refused unless force; with force it is replaced.
// Afterwards the restored database's row counts must equal the manifest's,
// every attachment must hash as its row says, and the audit log must verify
// with the restored key and head.
func Restore(ctx context.Context, src string, p Portal, force bool) (*Restored, error) {
	m, err := Verify(ctx, src)
	if err != nil {
		return nil, err
	}
	pg := strings.HasPrefix(p.DSN, "postgres://") || strings.HasPrefix(p.DSN, "postgresql://")
	if (m.Dialect == db.Postgres) != pg {
		return nil, fmt.Errorf("restore: the backup is of a %s database, the target %s is not", m.Dialect, p.DSN)
	}
	if err := checkEmpty(ctx, p, pg, force); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(p.DataDir, 0o750); err != nil {
		return nil, err
	}
	// Key files and evidence first, the database last: a restore cut
	// short leaves no database that looks complete.
	for _, f := range m.Files {
		if f.Path == m.Database {
			continue
		}
		dst := filepath.Join(p.DataDir, filepath.FromSlash(f.Path))
		perm := os.FileMode(0o640)
		if !strings.HasPrefix(f.Path, FilesDir+"/") {
			perm = 0o600
		}
		if err := installFile(filepath.Join(src, filepath.FromSlash(f.Path)), dst, perm, f); err != nil {
			return nil, err
		}
	}
	if pg {
		args := []string{"--no-owner", "--no-privileges", "--exit-on-error", "--dbname=" + libpqDSN(p.DSN)}
		if force {
			args = append(args, "--clean", "--if-exists")
		}
		args = append(args, filepath.Join(src, PGDumpFile))
		if b, err := exec.CommandContext(ctx, "pg_restore", args...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("restore: pg_restore: %w: %s", err, strings.TrimSpace(string(b)))
		}
	} else {
		for _, suffix := range []string{"-wal", "-shm"} {
			if err := os.Remove(p.DSN + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, err
			}
		}
		var dbFile File
		for _, f := range m.Files {
			if f.Path == m.Database {
				dbFile = f
			}
		}
		if err := installFile(filepath.Join(src, SQLiteFile), p.DSN, 0o600, dbFile); err != nil {
			return nil, err
		}
	}
	return check(ctx, p, m)
}

// check opens the restored portal and compares it with the manifest.
func check(ctx context.Context, p Portal, m *Manifest) (*Restored, error) {
	d, err := db.Open(ctx, p.DSN)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	sqlDB, err := d.Reader()
	if err != nil {
		return nil, err
	}
	snap, err := readSnapshot(ctx, sqlDB, d.Dialect)
	if err != nil {
		return nil, err
	}
	if err := sameCounts(m.Tables, snap.tables); err != nil {
		return nil, fmt.Errorf("restore: the restored database differs from the backup: %w", err)
	}
	files := evidence.NewLocal(p.attachmentsDir())
	for _, b := range snap.blobs {
		if sum, err := hashBlob(ctx, files, b.key); err != nil || sum != b.sha256 {
			return nil, fmt.Errorf("restore: attachment %s is missing or differs from its row", b.key)
		}
	}
	// Bring the schema up to this program's version, then verify the
	// audit log with the restored key and head.
	if _, err := d.Migrate(ctx); err != nil {
		return nil, err
	}
	st := store.New(d, clock.System{})
	if err := st.OpenAuditChain(ctx, p.DataDir); err != nil {
		return nil, err
	}
	c, err := st.CheckAudit(ctx)
	if err != nil {
		return nil, err
	}
	if c.BrokenID != 0 {
		return nil, fmt.Errorf("restore: the restored audit log does not verify: %s", c.Problem)
	}
	return &Restored{Manifest: m, Audit: c}, nil
}

func hashBlob(ctx context.Context, files *evidence.Local, key string) (string, error) {
	f, err := files.Open(ctx, key)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// checkEmpty refuses a target that holds data, unless force, in which case
// it clears the SQLite files, the evidence and the key files.
func checkEmpty(ctx context.Context, p Portal, pg, force bool) error {
	var found []string
	entries, err := os.ReadDir(p.DataDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	for _, e := range entries {
		found = append(found, filepath.Join(p.DataDir, e.Name()))
	}
	if !pg {
		if _, err := os.Stat(p.DSN); err == nil && !strings.HasPrefix(p.DSN, p.DataDir+string(filepath.Separator)) {
			found = append(found, p.DSN)
		}
	} else {
		n, err := pgTables(ctx, p.DSN)
		if err != nil {
			return err
		}
		if n > 0 {
			found = append(found, fmt.Sprintf("%d tables in the target database", n))
		}
	}
	if len(found) == 0 {
		return nil
	}
	if !force {
		return fmt.Errorf("restore: the target is not empty (%s); pass --force to replace it", strings.Join(found, ", "))
	}
	for _, f := range found {
		if pg && !strings.HasPrefix(f, p.DataDir) {
			continue // pg_restore --clean replaces the tables
		}
		if err := os.RemoveAll(f); err != nil {
			return err
		}
	}
	return nil
}

func pgTables(ctx context.Context, dsn string) (int, error) {
	conn, err := sql.Open("pgx", dsn)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n int
	err = conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()").Scan(&n)
	return n, err
}

// installFile copies src to dst through a temporary file, checking the
// copy against the manifest entry.
func installFile(src, dst string, perm os.FileMode, want File) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	tmp := dst + ".restore-tmp"
	os.Remove(tmp)
	got, err := writeHashed(in, tmp, perm)
	if err != nil {
		return fmt.Errorf("restore %s: %w", want.Path, err)
	}
	if got.SHA256 != want.SHA256 {
		os.Remove(tmp)
		return fmt.Errorf("restore %s: the copy does not match the manifest", want.Path)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	return evidence.SyncDir(filepath.Dir(dst))
}
