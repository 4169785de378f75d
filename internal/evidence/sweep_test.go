package evidence_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"duban/internal/bench"
	"duban/internal/evidence"
	"duban/internal/testutil"
)

// leftovers lays out what a crash leaves in an evidence folder: a
// referenced file, an unreferenced one and an upload temporary, all two
// days old, plus an unreferenced file and a temporary from a moment ago.
type leftovers struct {
	referenced, orphan, youngOrphan, oldTemp, youngTemp string
}

func makeLeftovers(t *testing.T, root string) leftovers {
	t.Helper()
	l := evidence.NewLocal(root)
	ctx := context.Background()
	var keys []string
	for range 3 {
		b, err := l.Create(ctx, bytes.NewReader(evidence.SamplePDF("file")), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, b.Key)
	}
	path := func(k string) string { return filepath.Join(root, filepath.FromSlash(k)) }
	lo := leftovers{referenced: path(keys[0]), orphan: path(keys[1]), youngOrphan: path(keys[2]),
		oldTemp: filepath.Join(filepath.Dir(path(keys[0])), ".upload-123"), youngTemp: filepath.Join(filepath.Dir(path(keys[1])), ".upload-456")}
	for _, p := range []string{lo.oldTemp, lo.youngTemp} {
		if err := os.WriteFile(p, []byte("half an upload"), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-48 * time.Hour)
	for _, p := range []string{lo.referenced, lo.orphan, lo.oldTemp} {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	return lo
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func TestSweepRemovesOldLeftoversOnly(t *testing.T) {
	root := t.TempDir()
	lo := makeLeftovers(t, root)
	refKey, _ := filepath.Rel(root, lo.referenced)
	refKey = filepath.ToSlash(refKey)
	referenced := func(_ context.Context, keys []string) (map[string]bool, error) {
		out := map[string]bool{}
		for _, k := range keys {
			out[k] = k == refKey
		}
		return out, nil
	}
	sw, err := evidence.NewLocal(root).Sweep(context.Background(), 24*time.Hour, time.Now(), referenced)
	if err != nil {
		t.Fatal(err)
	}
	if sw.Temps != 1 || sw.Orphans != 1 || sw.Kept != 1 {
		t.Fatalf("sweep = %+v; want 1 temporary and 1 unreferenced file removed, 1 kept", sw)
	}
	for p, want := range map[string]bool{lo.referenced: true, lo.orphan: false, lo.youngOrphan: true, lo.oldTemp: false, lo.youngTemp: true} {
		if exists(p) != want {
			t.Errorf("%s exists = %v, want %v", p, !want, want)
		}
	}
}

// TestPortalSweepsAtStart: a portal started on a data dir with crash
// leftovers removes the old ones, and keeps the files its rows reference.
func TestPortalSweepsAtStart(t *testing.T) {
	dir := t.TempDir()
	p := testutil.Start(t, testutil.WithDataDir(dir))
	ctx := context.Background()
	// A unit saves a report with a file: its row references the file.
	c, forms, err := bench.LoginWriter(ctx, p.Server.URL, "canlian", p.App.DemoPassword)
	if err != nil || len(forms) == 0 {
		t.Fatalf("report forms: %v %v", forms, err)
	}
	if _, err := c.SaveAndSubmit(ctx, forms[0], "sweep", bench.NewEvidence("kept.pdf", 2000), false); err != nil {
		t.Fatal(err)
	}
	var key string
	if err := p.App.DB.R.Table("attachments").Select("storage_key").Where("name = ?", "kept.pdf").Scan(&key).Error; err != nil || key == "" {
		t.Fatalf("the saved file has no row: %v", err)
	}
	lo := makeLeftovers(t, p.Config.AttachmentsDir())
	lo.referenced = filepath.Join(p.Config.AttachmentsDir(), filepath.FromSlash(key))
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(lo.referenced, old, old); err != nil {
		t.Fatal(err)
	}
	p.App.Close()

	testutil.Start(t, testutil.WithDataDir(dir))
	deadline := time.Now().Add(10 * time.Second)
	for exists(lo.orphan) || exists(lo.oldTemp) {
		if time.Now().After(deadline) {
			t.Fatal("the start sweep left the old leftovers")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !exists(lo.referenced) || !exists(lo.youngOrphan) || !exists(lo.youngTemp) {
		t.Fatal("the start sweep removed a referenced or recent file")
	}
}
