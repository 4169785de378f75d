package evidence_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"duban/internal/evidence"
)

func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func TestCreateOpenRemove(t *testing.T) {
	dir := t.TempDir()
	st := evidence.NewLocal(dir)
	ctx := context.Background()
	data := bytes.Repeat([]byte("证据"), 5000)
	b, err := st.Create(ctx, bytes.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if b.Size != int64(len(data)) || b.SHA256 != hex.EncodeToString(sum[:]) || len(b.Head) != evidence.HeadSize {
		t.Fatalf("blob = size %d sha %s head %d", b.Size, b.SHA256, len(b.Head))
	}
	f, err := st.Open(ctx, b.Key)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, data) || f.Size() != int64(len(data)) {
		t.Fatal("read back differs")
	}
	if fs := files(t, dir); len(fs) != 1 || !strings.HasPrefix(fs[0], dir) {
		t.Fatalf("files on disk: %v", fs)
	}
	if err := st.Remove(ctx, b.Key); err != nil {
		t.Fatal(err)
	}
	if err := st.Remove(ctx, b.Key); err != nil {
		t.Fatalf("second remove: %v", err)
	}
	if fs := files(t, dir); len(fs) != 0 {
		t.Fatalf("left on disk: %v", fs)
	}
}

func TestCreateRefusesAndKeepsNothing(t *testing.T) {
	dir := t.TempDir()
	st := evidence.NewLocal(dir)
	ctx := context.Background()
	if _, err := st.Create(ctx, bytes.NewReader(make([]byte, 1001)), 1000); !errors.Is(err, evidence.ErrTooLarge) {
		t.Fatalf("too large: %v", err)
	}
	if _, err := st.Create(ctx, bytes.NewReader(nil), 1000); !errors.Is(err, evidence.ErrEmpty) {
		t.Fatalf("empty: %v", err)
	}
	if _, err := st.Create(ctx, io.MultiReader(bytes.NewReader([]byte("abc")), errReader{}), 1000); err == nil {
		t.Fatal("a failing reader was stored")
	}
	if _, err := st.Create(ctx, bytes.NewReader(make([]byte, 1000)), 1000); err != nil {
		t.Fatalf("exactly the limit: %v", err)
	}
	if fs := files(t, dir); len(fs) != 1 {
		t.Fatalf("files on disk after refusals: %v", fs)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestKeysCannotEscape(t *testing.T) {
	st := evidence.NewLocal(t.TempDir())
	for _, k := range []string{"../../etc/passwd", "ab/../../x", "/etc/passwd", "", "AB/0123456789abcdef0123456789abcdef"} {
		if _, err := st.Open(context.Background(), k); err == nil {
			t.Errorf("Open(%q) succeeded", k)
		}
		if err := st.Remove(context.Background(), k); err == nil {
			t.Errorf("Remove(%q) succeeded", k)
		}
	}
}

// Two instances sharing one folder write concurrently without clashing.
func TestSharedFolder(t *testing.T) {
	dir := t.TempDir()
	a, b := evidence.NewLocal(dir), evidence.NewLocal(dir)
	var wg sync.WaitGroup
	keys := make(chan string, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			st := a
			if i%2 == 1 {
				st = b
			}
			bl, err := st.Create(context.Background(), strings.NewReader(strings.Repeat("x", i+1)), 100)
			if err != nil {
				t.Error(err)
				return
			}
			keys <- bl.Key
		}(i)
	}
	wg.Wait()
	close(keys)
	seen := map[string]bool{}
	for k := range keys {
		if seen[k] {
			t.Fatalf("key %s issued twice", k)
		}
		seen[k] = true
		if f, err := b.Open(context.Background(), k); err != nil {
			t.Fatal(err)
		} else {
			f.Close()
		}
	}
	if len(seen) != 40 {
		t.Fatalf("%d files", len(seen))
	}
}

func zipWith(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, _ := zw.Create(n)
		w.Write([]byte("<x/>"))
	}
	zw.Close()
	return buf.Bytes()
}

func TestCheck(t *testing.T) {
	docx := zipWith(t, "[Content_Types].xml", "word/document.xml")
	xlsx := zipWith(t, "[Content_Types].xml", "xl/workbook.xml")
	ofd := zipWith(t, "OFD.xml", "Doc_0/Document.xml")
	plain := zipWith(t, "a.txt")
	ole := append([]byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}, make([]byte, 600)...)
	cases := []struct {
		name string
		data []byte
		want error
		ct   string
	}{
		{"报告.pdf", evidence.SamplePDF("x"), nil, "application/pdf"},
		{"photo.JPG", []byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10}, nil, "image/jpeg"},
		{"chart.png", evidence.SamplePNG(1), nil, "image/png"},
		{"a.doc", ole, nil, "application/msword"},
		{"a.xls", ole, nil, "application/vnd.ms-excel"},
		{"a.docx", docx, nil, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"a.xlsx", xlsx, nil, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"公文.ofd", ofd, nil, "application/ofd"},
		{"all.zip", plain, nil, "application/zip"},
		{"evil.pdf", []byte("<html><script>alert(1)</script></html>"), evidence.ErrContent, ""},
		{"x.png", evidence.SamplePDF("x"), evidence.ErrContent, ""},
		{"a.docx", xlsx, evidence.ErrContent, ""},
		{"a.xlsx", plain, evidence.ErrContent, ""},
		{"a.ofd", docx, evidence.ErrContent, ""},
		{"broken.docx", []byte("PK\x03\x04garbage"), evidence.ErrContent, ""},
		{"page.html", []byte("<html></html>"), evidence.ErrExtension, ""},
		{"run.exe", []byte("MZ"), evidence.ErrExtension, ""},
		{"noext", evidence.SamplePDF("x"), evidence.ErrExtension, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			head := c.data[:min(len(c.data), evidence.HeadSize)]
			k, err := evidence.Check(c.name, head, bytes.NewReader(c.data), int64(len(c.data)))
			if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
				t.Fatalf("Check = %v, want %v", err, c.want)
			}
			if c.want == nil && k.ContentType != c.ct {
				t.Fatalf("content type %q, want %q", k.ContentType, c.ct)
			}
		})
	}
}

func TestSanitizeName(t *testing.T) {
	cases := map[string]string{
		"../../x.pdf":                      "x.pdf",
		`..\..\windows\evil.PDF`:           "evil.pdf",
		"/etc/passwd":                      "passwd",
		"2015年第一季度佐证材料.docx":               "2015年第一季度佐证材料.docx",
		".htaccess":                        "htaccess",
		"a\x00b\nc.png":                    "abc.png",
		"rep\u202egnp.pdf":                 "repgnp.pdf",
		"\u200fa\u2066b\u200d.pdf":         "ab.pdf",
		`re<po>rt:"1"|?*.pdf`:              "re_po_rt__1____.pdf",
		"...":                              "file",
		".pdf":                             "pdf",
		"  spaced name .jpg  ":             "spaced name.jpg",
		strings.Repeat("长", 300) + ".xlsx": strings.Repeat("长", evidence.MaxNameRunes-5) + ".xlsx",
	}
	for in, want := range cases {
		if got := evidence.SanitizeName(in); got != want {
			t.Errorf("SanitizeName(%q) = %q, want %q", in, got, want)
		}
	}
}
