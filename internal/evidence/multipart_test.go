package evidence_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"slices"
	"testing"

	"duban/internal/evidence"
)

// part is one part of a test body: a field (no file name) or a file.
type part struct{ name, file, body string }

func body(t *testing.T, parts ...part) *multipart.Reader {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		var pw io.Writer
		var err error
		if p.file == "" && p.name != evidence.FilesPart {
			pw, err = w.CreateFormField(p.name)
		} else {
			pw, err = w.CreateFormFile(p.name, p.file)
		}
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(pw, p.body)
	}
	w.Close()
	return multipart.NewReader(&buf, w.Boundary())
}

func TestReadParts(t *testing.T) {
	pdf := string(evidence.SamplePDF("进展"))
	errStop := errors.New("stop")
	tests := []struct {
		name   string
		parts  []part
		file   func([]evidence.Upload) error
		fields []string
		ups    []string // names, "!" marks a refused one
		stored int      // files left on disk
		err    error
	}{
		{name: "fields and files", parts: []part{{"progress", "", "进展"}, {evidence.FilesPart, "a.pdf", pdf}, {"problems", "", "无"}},
			fields: []string{"progress", "problems"}, ups: []string{"a.pdf"}, stored: 1},
		{name: "an empty file input is skipped", parts: []part{{evidence.FilesPart, "", ""}, {"progress", "", "x"}},
			fields: []string{"progress"}},
		{name: "a refused file is listed, not stored", parts: []part{{evidence.FilesPart, "a.exe", "MZ"}, {evidence.FilesPart, "b.pdf", pdf}},
			ups: []string{"!a.exe", "b.pdf"}, stored: 1},
		{name: "a file over the limit removes every stored file", parts: []part{{evidence.FilesPart, "a.pdf", pdf}, {evidence.FilesPart, "b.pdf", pdf + string(make([]byte, 4096))}},
			ups: []string{"a.pdf", "!b.pdf"}, err: evidence.ErrTooLarge},
		{name: "the file hook stops the read", parts: []part{{evidence.FilesPart, "a.pdf", pdf}, {evidence.FilesPart, "b.pdf", pdf}},
			file: func(ups []evidence.Upload) error {
				if len(ups) > 1 {
					return errStop
				}
				return nil
			}, ups: []string{"a.pdf", "b.pdf"}, err: errStop},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			st := evidence.NewLocal(dir)
			var fields []string
			field := func(p *multipart.Part) error {
				fields = append(fields, p.FormName())
				return nil
			}
			ups, err := evidence.ReadParts(context.Background(), body(t, tt.parts...), st, int64(len(pdf)+100), field, tt.file)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			var names []string
			for _, u := range ups {
				if u.Err != "" {
					names = append(names, "!"+u.Name)
				} else {
					names = append(names, u.Name)
				}
				if err != nil && u.Blob != nil {
					t.Errorf("%s keeps its blob after a failed read", u.Name)
				}
			}
			if !slices.Equal(names, tt.ups) || !slices.Equal(fields, tt.fields) {
				t.Errorf("uploads %v fields %v, want %v %v", names, fields, tt.ups, tt.fields)
			}
			if n := len(files(t, dir)); n != tt.stored {
				t.Errorf("%d files on disk, want %d", n, tt.stored)
			}
		})
	}
}
