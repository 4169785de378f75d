package api_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"duban/internal/evidence"
)

// TestEvidenceWithExtensionsAndAnswers: a unit sends a file with its
// extension request and the lead unit one with its answer to an
// instruction, as multipart bodies; the record lists both files with API
// download links that give the bytes back to the office and nothing to
// another unit; a refused file keeps nothing on disk.
func TestEvidenceWithExtensionsAndAnswers(t *testing.T) {
	e := start(t)
	pr := demoPair(t, e.p)
	co, lead, office, stranger := e.tokens(pr)
	before := countFiles(t, e.p.Config.DataDir)

	// A refused file: 422 naming it, nothing kept, no request made.
	var p problemJSON
	want(t, e.call(co, "POST", path("/assignments/%d/extensions", pr.coAsg),
		withFiles(t, "extension", m{"proposed_on": "2016-06-30", "reason": "需协调资金"}, map[string][]byte{"run.exe": []byte("MZ....")})),
		http.StatusUnprocessableEntity).json(t, &p)
	if p.Fields["files"] == "" {
		t.Fatalf("refused file not named: %+v", p)
	}
	// A valid request, but a file with an invalid date: the file goes too.
	want(t, e.call(co, "POST", path("/assignments/%d/extensions", pr.coAsg),
		withFiles(t, "extension", m{"proposed_on": "30/06/2016", "reason": "x"}, map[string][]byte{"a.pdf": evidence.SamplePDF("a")})),
		http.StatusBadRequest)
	if n := countFiles(t, e.p.Config.DataDir); n != before {
		t.Fatalf("refused requests left files: %d → %d", before, n)
	}

	letter := evidence.SamplePDF("资金协调函")
	var ext struct {
		ID    int64  `json:"id"`
		State string `json:"state"`
	}
	want(t, e.call(co, "POST", path("/assignments/%d/extensions", pr.coAsg),
		withFiles(t, "extension", m{"proposed_on": "2016-06-30", "reason": "需协调资金"}, map[string][]byte{"协调函.pdf": letter})),
		http.StatusOK).json(t, &ext)
	if ext.State != "pending" {
		t.Fatalf("extension %+v", ext)
	}

	ins := e.instruction(pr.measure, "请报送落实情况。")
	minutes := evidence.SamplePDF("会议纪要")
	want(t, e.call(lead, "POST", path("/instructions/%d/answer", ins.ID),
		withFiles(t, "answer", m{"reply": "已召开专题会议部署。"}, map[string][]byte{"会议纪要.pdf": minutes})), http.StatusOK)

	type fileRef struct {
		Name     string `json:"name"`
		Download string `json:"download"`
	}
	var rec struct {
		Extensions []struct {
			ID    int64     `json:"id"`
			Files []fileRef `json:"files"`
		} `json:"extensions"`
		Instructions []struct {
			Reply string    `json:"reply"`
			Files []fileRef `json:"files"`
		} `json:"instructions"`
	}
	want(t, e.call(office, "GET", path("/measures/%d/record", pr.measure), nil), http.StatusOK).json(t, &rec)
	if len(rec.Extensions) != 1 || len(rec.Extensions[0].Files) != 1 || rec.Extensions[0].Files[0].Name != "协调函.pdf" {
		t.Fatalf("extension files: %+v", rec.Extensions)
	}
	if len(rec.Instructions) != 1 || len(rec.Instructions[0].Files) != 1 || rec.Instructions[0].Files[0].Name != "会议纪要.pdf" {
		t.Fatalf("answer files: %+v", rec.Instructions)
	}
	for _, f := range []struct {
		ref  fileRef
		want []byte
	}{{rec.Extensions[0].Files[0], letter}, {rec.Instructions[0].Files[0], minutes}} {
		rel := f.ref.Download[len("/api/v1"):]
		got := want(t, e.call(office, "GET", rel, nil), http.StatusOK)
		if !bytes.Equal(got.Body, f.want) || got.Header.Get("Content-Disposition") == "" {
			t.Fatalf("%s: %d bytes, disposition %q", rel, len(got.Body), got.Header.Get("Content-Disposition"))
		}
	}
	// A unit that is neither the requester nor the lead may not fetch the
	// request's evidence (an instruction's answer is shared with every unit
	// of the measure, as on the page).
	want(t, e.call(stranger, "GET", rec.Extensions[0].Files[0].Download[len("/api/v1"):], nil), http.StatusNotFound)
}

// countFiles counts the evidence files of a data dir.
func countFiles(t *testing.T, dataDir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(filepath.Join(dataDir, "attachments"), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			n++
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return n
}
