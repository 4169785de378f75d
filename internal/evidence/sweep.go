package evidence

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Swept is what a sweep removed.
type Swept struct {
	Temps    int // .upload-* files of uploads cut short (a crash, a kill)
	Orphans  int // stored files no attachment row references
	Kept     int // stored files still referenced
	Bytes    int64
	Problems []error
}

// Sweep removes what crashes leave behind, older than minAge: temporary
// upload files, and stored files that no row references (a crash between
// storing a file and committing its row, or a rolled-back save whose
// cleanup did not run). referenced answers, for a batch of keys, which are
// still in use. Files younger than minAge are left alone: their row may be
// about to commit.
func (l *Local) Sweep(ctx context.Context, minAge time.Duration, now time.Time, referenced func(context.Context, []string) (map[string]bool, error)) (Swept, error) {
	var sw Swept
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		refs, err := referenced(ctx, batch)
		if err != nil {
			return err
		}
		for _, k := range batch {
			if refs[k] {
				sw.Kept++
				continue
			}
			p, _ := l.path(k)
			if st, err := os.Stat(p); err == nil {
				if err := os.Remove(p); err != nil {
					sw.Problems = append(sw.Problems, err)
					continue
				}
				sw.Orphans++
				sw.Bytes += st.Size()
			}
		}
		batch = batch[:0]
		return nil
	}
	err := filepath.WalkDir(l.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil || now.Sub(info.ModTime()) < minAge {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".upload-") {
			if err := os.Remove(path); err != nil {
				sw.Problems = append(sw.Problems, err)
			} else {
				sw.Temps++
				sw.Bytes += info.Size()
			}
			return nil
		}
		rel, err := filepath.Rel(l.root, path)
		if err != nil {
			return nil
		}
		key := filepath.ToSlash(rel)
		if !keyPattern.MatchString(key) {
			return nil // not ours: leave it
		}
		batch = append(batch, key)
		if len(batch) >= 500 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return sw, err
}

// SyncDir fsyncs a folder so a rename or a new file in it survives a crash.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
