package handlers

// Evidence uploads of the report and record forms: the multipart body
// read part by part, each file streamed into storage and checked.

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"duban/internal/evidence"
	"duban/views/pages/reports"
)

// Limits of the non-file parts of a report form.
const (
	maxFieldBytes = 64 << 10
	maxFormBytes  = 1 << 20
)

// errUploadTooLarge is a file over the per-file limit or a body over the
// body limit: the answer is 413 and nothing is kept.
var errUploadTooLarge = echo.NewHTTPError(http.StatusRequestEntityTooLarge, "upload too large")

// evidenceUpload is one evidence file of a form: stored and checked, or refused.
type evidenceUpload = evidence.Upload

// readReportForm reads a report form. A multipart body is read part by part:
// text fields into memory (bounded), each file streamed straight into
// storage and then checked by extension and content. Uploads that fail
// are removed again; the caller removes the good ones if it does not use
// them. A file over the limit stops the read with errUploadTooLarge.
func (h *Handlers) readReportForm(c echo.Context) (url.Values, []evidenceUpload, error) {
	r := c.Request()
	ctx := r.Context()
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return nil, nil, bodyErr(err)
		}
		return r.PostForm, nil, nil
	}
	if r.MultipartForm != nil {
		// An old browser without Sec-Fetch-Site makes the CSRF check parse
		// the form before we get it; take the files from there.
		return h.parsedReportForm(ctx, r.MultipartForm)
	}
	return h.streamReportForm(ctx, r)
}

// uploadFailure removes every stored file of a failed read and returns
// the fields read so far, so that a 413 can show the form again with them.
func (h *Handlers) uploadFailure(ctx context.Context, vals url.Values, ups []evidenceUpload, err error) (url.Values, []evidenceUpload, error) {
	h.discardUploads(ctx, ups)
	for i := range ups {
		ups[i].Blob = nil
	}
	return vals, ups, err
}

// parsedReportForm stores the files of a form already parsed.
func (h *Handlers) parsedReportForm(ctx context.Context, mf *multipart.Form) (url.Values, []evidenceUpload, error) {
	limit := h.Config.MaxUploadMB << 20
	vals := url.Values(mf.Value)
	var ups []evidenceUpload
	for _, fh := range mf.File["files"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		f, err := fh.Open()
		if err != nil {
			return h.uploadFailure(ctx, vals, ups, err)
		}
		up, err := h.storeUpload(ctx, fh.Filename, f, limit)
		f.Close()
		if up.Name != "" {
			ups = append(ups, up)
		}
		if err != nil {
			return h.uploadFailure(ctx, vals, ups, err)
		}
	}
	if err := CheckInput(mf.Value); err != nil {
		return h.uploadFailure(ctx, vals, ups, err)
	}
	return vals, ups, nil
}

// streamReportForm reads a multipart body part by part (evidence.ReadParts):
// text fields into memory, bounded; each file streamed into storage.
func (h *Handlers) streamReportForm(ctx context.Context, r *http.Request) (url.Values, []evidenceUpload, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	vals := url.Values{}
	textBytes := 0
	field := func(part *multipart.Part) error {
		if part.FileName() != "" {
			// A file under a name we do not take.
			if _, err := io.Copy(io.Discard, part); err != nil {
				return bodyErr(err)
			}
			return nil
		}
		b, err := readField(part)
		if err != nil {
			return err
		}
		if textBytes += len(b); textBytes > maxFormBytes {
			return echo.NewHTTPError(http.StatusBadRequest, "form fields too large")
		}
		vals.Add(part.FormName(), string(b))
		return nil
	}
	ups, err := evidence.ReadParts(ctx, mr, h.Files, h.Config.MaxUploadMB<<20, field, nil)
	var be *evidence.BodyError
	switch {
	case errors.Is(err, evidence.ErrTooLarge):
		return vals, ups, errUploadTooLarge
	case errors.As(err, &be):
		return vals, ups, bodyErr(be.Err)
	case err != nil:
		return vals, ups, err
	}
	if err := CheckInput(vals); err != nil {
		return h.uploadFailure(ctx, vals, ups, err)
	}
	return vals, ups, nil
}

// readField reads a text field. A client that ignores maxlength gets the
// start kept, so the form comes back with it and the field marked too
// long (every text limit is far below this), and the rest skipped.
func readField(part *multipart.Part) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
	if err != nil {
		return nil, bodyErr(err)
	}
	if len(b) > maxFieldBytes {
		if _, err := io.Copy(io.Discard, part); err != nil {
			return nil, bodyErr(err)
		}
		b = validPrefix(b, maxFieldBytes)
	}
	return b, nil
}

// storeUpload streams one file into storage and checks it. A refused file
// comes back with Err set and nothing stored.
func (h *Handlers) storeUpload(ctx context.Context, filename string, r io.Reader, limit int64) (evidenceUpload, error) {
	up, err := evidence.Receive(ctx, h.Files, filename, r, limit)
	if errors.Is(err, evidence.ErrTooLarge) {
		return up, errUploadTooLarge
	}
	if err != nil {
		return up, bodyErr(err)
	}
	return up, nil
}

// bodyErr maps a body read error: over the body limit is 413, anything
// else a bad request.
func bodyErr(err error) error {
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
		return errUploadTooLarge
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errUploadTooLarge
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return echo.NewHTTPError(http.StatusBadRequest, "read form: "+err.Error())
}

func (h *Handlers) discardUploads(ctx context.Context, ups []evidenceUpload) {
	evidence.Discard(ctx, h.Files, ups)
}

// fileProblems lists refused uploads for the form.
func fileProblems(ups []evidenceUpload) []reports.FileProblem {
	var out []reports.FileProblem
	for _, u := range ups {
		if u.Err != "" {
			out = append(out, reports.FileProblem{Name: u.Name, Key: u.Err})
		}
	}
	return out
}

// validPrefix cuts b to at most n bytes without splitting a UTF-8 character.
func validPrefix(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	b = b[:n]
	// Only the last character can be cut short: drop its bytes.
	for i := 0; i < utf8.UTFMax-1 && len(b) > 0; i++ {
		if r, _ := utf8.DecodeLastRune(b); r != utf8.RuneError {
			break
		}
		b = b[:len(b)-1]
	}
	return b
}
