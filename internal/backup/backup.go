// Package backup takes and restores a consistent snapshot of a running
// portal: the database (SQLite's VACUUM INTO, or pg_dump inside an exported
// snapshot on PostgreSQL), the evidence files that snapshot references, and
// the key files of the data dir (session keys, the audit key and head),
// with a manifest of row counts and file hashes.
//
// Consistency: the audit head is copied first (the database can only be
// ahead of it), then the database snapshot is taken, then exactly the files
// its attachment rows name are copied. Stored files never change once
// written, so a file referenced by the snapshot is the file it describes;
// files stored after the snapshot are not in the backup, and neither are
// their rows.
package backup

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "github.com/mattn/go-sqlite3"    // database/sql driver "sqlite3"

	"duban/internal/evidence"
	"duban/internal/store"
	"duban/internal/store/db"
)

// Names inside a backup folder.
const (
	ManifestFile = "manifest.json"
	SQLiteFile   = "duban.db"
	PGDumpFile   = "duban.pgdump"
	FilesDir     = "attachments"
	format       = 1
)

// keyFiles are the data dir's files a restored portal needs: without the
// session keys every session cookie is void, without the audit key and
// head the audit log cannot be verified or extended.
var keyFiles = []string{"session.keys", store.AuditKeyFile, store.AuditHeadFile}

// File is one file of a backup, by its slash path inside the folder.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Manifest describes a backup.
type Manifest struct {
	Format        int              `json:"format"`
	CreatedAt     time.Time        `json:"created_at"`
	Dialect       string           `json:"dialect"`
	SchemaVersion int64            `json:"schema_version"`
	Database      string           `json:"database"` // the snapshot's file
	Tables        map[string]int64 `json:"tables"`   // rows per table in the snapshot
	Attachments   int              `json:"attachments"`
	Files         []File           `json:"files"`
}

// Portal is what a backup is taken from or restored to.
type Portal struct {
	DB      *db.DB // an open, migrated handle (Create only)
	DSN     string // the SQLite path or postgres:// URL
	DataDir string
}

func (p Portal) attachmentsDir() string { return filepath.Join(p.DataDir, FilesDir) }

// snapshot is what a database snapshot yields besides its file.
type snapshot struct {
	schemaVersion int64
	tables        map[string]int64
	blobs         []blob
}

type blob struct {
	key, sha256 string
	size        int64
}

// Create writes a backup of p into dest, which must not exist yet. It is
// written under a temporary name beside dest and renamed when complete.
func Create(ctx context.Context, p Portal, dest string) (*Manifest, error) {
	if _, err := os.Stat(dest); err == nil {
		return nil, fmt.Errorf("backup: %s already exists", dest)
	}
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o750); err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+".partial-*")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(work)
	m := &Manifest{Format: format, CreatedAt: time.Now().UTC(), Dialect: p.DB.Dialect}

	for _, name := range keyFiles {
		f, err := copyFile(filepath.Join(p.DataDir, name), work, name, 0o600)
		if errors.Is(err, os.ErrNotExist) {
			continue // e.g. session keys given by --session-keys
		}
		if err != nil {
			return nil, fmt.Errorf("backup %s: %w", name, err)
		}
		m.Files = append(m.Files, *f)
	}

	var snap *snapshot
	if p.DB.Dialect == db.Postgres {
		m.Database = PGDumpFile
		snap, err = dumpPostgres(ctx, p.DB, p.DSN, filepath.Join(work, PGDumpFile))
	} else {
		m.Database = SQLiteFile
		snap, err = snapshotSQLite(ctx, p.DSN, filepath.Join(work, SQLiteFile))
	}
	if err != nil {
		return nil, err
	}
	f, err := describe(work, m.Database)
	if err != nil {
		return nil, err
	}
	m.Files = append(m.Files, *f)
	m.SchemaVersion, m.Tables = snap.schemaVersion, snap.tables

	src := evidence.NewLocal(p.attachmentsDir())
	for _, b := range snap.blobs {
		f, err := copyBlob(ctx, src, work, b)
		if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, *f)
		m.Attachments++
	}
	if err := writeManifest(work, m); err != nil {
		return nil, err
	}
	if err := os.Rename(work, dest); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	return m, evidence.SyncDir(parent)
}

// snapshotSQLite copies the database with VACUUM INTO on a connection of
// its own: one read transaction, so the copy is consistent while the portal
// keeps writing (WAL readers do not block the writer).
func snapshotSQLite(ctx context.Context, path, out string) (*snapshot, error) {
	conn, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", out); err != nil {
		return nil, fmt.Errorf("backup: VACUUM INTO: %w", err)
	}
	if err := syncFile(out); err != nil {
		return nil, err
	}
	snapDB, err := openSnapshot(out)
	if err != nil {
		return nil, err
	}
	defer snapDB.Close()
	return readSnapshot(ctx, snapDB, db.SQLite)
}

func openSnapshot(path string) (*sql.DB, error) {
	return sql.Open("sqlite3", "file:"+path+"?mode=ro&immutable=1")
}

// dumpPostgres exports a snapshot from a repeatable-read transaction, reads
// the row counts and attachment rows in it, and has pg_dump dump that very
// snapshot.
func dumpPostgres(ctx context.Context, d *db.DB, dsn, out string) (*snapshot, error) {
	sqlDB, err := d.Reader()
	if err != nil {
		return nil, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var id string
	if err := tx.QueryRowContext(ctx, "SELECT pg_export_snapshot()").Scan(&id); err != nil {
		return nil, fmt.Errorf("backup: export snapshot: %w", err)
	}
	snap, err := readSnapshot(ctx, tx, db.Postgres)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--no-owner", "--no-privileges",
		"--snapshot="+id, "--file="+out, "--dbname="+libpqDSN(dsn))
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("backup: pg_dump: %w: %s", err, strings.TrimSpace(string(b)))
	}
	if err := syncFile(out); err != nil {
		return nil, err
	}
	return snap, tx.Commit()
}

// libpqDSN drops the URL parameters only the Go driver understands.
func libpqDSN(dsn string) string {
	for _, p := range []string{"pool_max_conns", "pool_min_conns"} {
		if i := strings.Index(dsn, p+"="); i > 0 {
			end := strings.IndexByte(dsn[i:], '&')
			if end < 0 {
				dsn = strings.TrimRight(dsn[:i], "&?")
			} else {
				dsn = dsn[:i] + dsn[i+end+1:]
			}
		}
	}
	return dsn
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// readSnapshot counts every table's rows, reads the schema version and the
// files the attachment rows reference.
func readSnapshot(ctx context.Context, q querier, dialect string) (*snapshot, error) {
	tables, err := tableNames(ctx, q, dialect)
	if err != nil {
		return nil, err
	}
	s := &snapshot{tables: map[string]int64{}}
	for _, t := range tables {
		var n int64
		// t comes from the catalog, never from input.
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+t+`"`).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", t, err)
		}
		s.tables[t] = n
	}
	if err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version").Scan(&s.schemaVersion); err != nil {
		return nil, fmt.Errorf("schema version: %w", err)
	}
	// Reports' evidence and that of extension requests and replies share
	// the storage.
	rows, err := q.QueryContext(ctx, "SELECT storage_key, MAX(sha256), MAX(size) FROM "+
		"(SELECT storage_key, sha256, size FROM attachments UNION ALL SELECT storage_key, sha256, size FROM case_files) f "+
		"GROUP BY storage_key ORDER BY storage_key")
	if err != nil {
		return nil, fmt.Errorf("read attachments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b blob
		if err := rows.Scan(&b.key, &b.sha256, &b.size); err != nil {
			return nil, err
		}
		s.blobs = append(s.blobs, b)
	}
	return s, rows.Err()
}

func tableNames(ctx context.Context, q querier, dialect string) ([]string, error) {
	query := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
	if dialect == db.Postgres {
		query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// copyBlob copies one stored file, checking it against its row.
func copyBlob(ctx context.Context, src *evidence.Local, work string, b blob) (*File, error) {
	in, err := src.Open(ctx, b.key)
	if err != nil {
		return nil, fmt.Errorf("backup: attachment %s: %w", b.key, err)
	}
	defer in.Close()
	rel := FilesDir + "/" + b.key
	f, err := writeHashed(in, filepath.Join(work, filepath.FromSlash(rel)), 0o640)
	if err != nil {
		return nil, fmt.Errorf("backup: attachment %s: %w", b.key, err)
	}
	if f.SHA256 != b.sha256 || f.Size != b.size {
		return nil, fmt.Errorf("backup: attachment %s does not match its row (sha256 %s, size %d; the row says %s, %d)", b.key, f.SHA256, f.Size, b.sha256, b.size)
	}
	f.Path = rel
	return f, nil
}

func copyFile(src, work, rel string, perm os.FileMode) (*File, error) {
	in, err := os.Open(src)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	f, err := writeHashed(in, filepath.Join(work, filepath.FromSlash(rel)), perm)
	if err != nil {
		return nil, err
	}
	f.Path = rel
	return f, nil
}

// writeHashed copies r into a new file at path, fsynced, and hashes it.
func writeHashed(r io.Reader, path string, perm os.FileMode) (*File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), r)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return &File{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func describe(dir, rel string) (*File, error) {
	in, err := os.Open(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	defer in.Close()
	h := sha256.New()
	n, err := io.Copy(h, in)
	if err != nil {
		return nil, err
	}
	return &File{Path: rel, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func writeManifest(dir string, m *Manifest) error {
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return store.WriteFileAtomic(filepath.Join(dir, ManifestFile), append(b, '\n'), 0o640)
}

// ReadManifest reads a backup's manifest.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("backup %s: %w", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("backup %s: manifest: %w", dir, err)
	}
	if m.Format != format {
		return nil, fmt.Errorf("backup %s: manifest format %d, this program reads %d", dir, m.Format, format)
	}
	return &m, nil
}
