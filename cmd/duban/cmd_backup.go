package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"duban/internal/app"
	"duban/internal/backup"
)

// cmdBackup writes a consistent backup of the running portal into DEST, or
// with --verify checks an existing backup.
func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var verify bool
	cfg, pos, err := parseFlags("backup", args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&verify, "verify", false, "check the backup in DEST (file hashes, database integrity and row counts) without restoring it")
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("usage: duban backup DEST  |  duban backup --verify DEST")
	}
	if verify {
		m, err := backup.Verify(ctx, pos[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backup %s is complete: %s database of %s, schema %d, %d rows in %d tables, %d evidence files, %d files checked\n",
			pos[0], m.Dialect, m.CreatedAt.Format("2006-01-02 15:04:05Z"), m.SchemaVersion, totalRows(m), len(m.Tables), m.Attachments, len(m.Files))
		return nil
	}
	d, err := app.Open(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer d.Close()
	m, err := backup.Create(ctx, backup.Portal{DB: d, DSN: cfg.DB, DataDir: cfg.DataDir}, pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s: %d rows in %d tables, %d evidence files, %d files with their sha256 in %s\n",
		pos[0], totalRows(m), len(m.Tables), m.Attachments, len(m.Files), backup.ManifestFile)
	return nil
}

// cmdRestore puts a backup in place of an empty data dir and database.
func cmdRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var force bool
	cfg, pos, err := parseFlags("restore", args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&force, "force", false, "replace a data dir or database that is not empty")
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("usage: duban restore SRC [--force]")
	}
	r, err := backup.Restore(ctx, pos[0], backup.Portal{DSN: cfg.DB, DataDir: cfg.DataDir}, force)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s into %s: %d rows in %d tables and %d evidence files match the manifest; audit log intact (%d entries)\n",
		pos[0], cfg.DataDir, totalRows(r.Manifest), len(r.Manifest.Tables), r.Manifest.Attachments, r.Audit.Checked())
	return nil
}

func totalRows(m *backup.Manifest) int64 {
	var n int64
	for _, c := range m.Tables {
		n += c
	}
	return n
}
