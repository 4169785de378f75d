package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"duban/internal/model"
	"duban/internal/storage"
	"duban/internal/workflow"
	"duban/views/pages/reports"
)

// Limits of the non-file parts of a report form.
const (
	wfMaxFieldBytes = 64 << 10
	wfMaxFormBytes  = 1 << 20
)

// errUploadTooLarge is a file over the per-file limit or a body over the
// body limit: the answer is 413 and nothing is kept.
var errUploadTooLarge = echo.NewHTTPError(http.StatusRequestEntityTooLarge, "upload too large")

// wfUpload is one evidence file of a form: stored and checked, or refused.
type wfUpload struct {
	Name string
	Kind storage.Kind
	Blob *storage.Blob
	Err  string // catalog key when refused
}

// wfReadForm reads a report form. A multipart body is read part by part:
// text fields into memory (bounded), each file streamed straight into
// storage and then checked by extension and content. Uploads that fail
// are removed again; the caller removes the good ones if it does not use
// them. A file over the limit stops the read with errUploadTooLarge.
func (h *Handlers) wfReadForm(c echo.Context) (url.Values, []wfUpload, error) {
	r := c.Request()
	ctx := r.Context()
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return nil, nil, wfBodyErr(err)
		}
		return r.PostForm, nil, nil
	}
	limit := h.Config.MaxUploadMB << 20
	var ups []wfUpload
	vals := url.Values{}
	// On failure every stored file is removed; the fields read so far are
	// kept so a 413 can show the form again with them.
	fail := func(err error) (url.Values, []wfUpload, error) {
		h.wfDiscard(ctx, ups)
		for i := range ups {
			ups[i].Blob = nil
		}
		return vals, ups, err
	}
	// An old browser without Sec-Fetch-Site makes the CSRF check parse the
	// form before we get it; take the files from there.
	if r.MultipartForm != nil {
		vals = url.Values(r.MultipartForm.Value)
		for _, fh := range r.MultipartForm.File["files"] {
			if fh.Filename == "" && fh.Size == 0 {
				continue
			}
			f, err := fh.Open()
			if err != nil {
				return fail(err)
			}
			up, err := h.wfStore(ctx, fh.Filename, f, limit)
			f.Close()
			if up.Name != "" {
				ups = append(ups, up)
			}
			if err != nil {
				return fail(err)
			}
		}
		if err := CheckInput(r.MultipartForm.Value); err != nil {
			return fail(err)
		}
		return url.Values(r.MultipartForm.Value), ups, nil
	}
	vals = url.Values{}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	textBytes := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(wfBodyErr(err))
		}
		name := part.FormName()
		if part.FileName() == "" && name != "files" {
			b, err := io.ReadAll(io.LimitReader(part, wfMaxFieldBytes+1))
			if err != nil {
				return fail(wfBodyErr(err))
			}
			if len(b) > wfMaxFieldBytes {
				// A client that ignores maxlength: keep the start, so
				// the form comes back with it and the field marked too
				// long (every text limit is far below this), and skip
				// the rest of the field.
				if _, err := io.Copy(io.Discard, part); err != nil {
					return fail(wfBodyErr(err))
				}
				b = validPrefix(b, wfMaxFieldBytes)
			}
			textBytes += len(b)
			if textBytes > wfMaxFormBytes {
				return fail(echo.NewHTTPError(http.StatusBadRequest, "form fields too large"))
			}
			vals.Add(name, string(b))
			continue
		}
		if name != "files" || part.FileName() == "" {
			// An empty file input, or a file under a name we do not take.
			if _, err := io.Copy(io.Discard, part); err != nil {
				return fail(wfBodyErr(err))
			}
			continue
		}
		up, err := h.wfStore(ctx, part.FileName(), part, limit)
		if up.Name != "" {
			ups = append(ups, up)
		}
		if err != nil {
			return fail(err)
		}
	}
	if err := CheckInput(vals); err != nil {
		return fail(err)
	}
	return vals, ups, nil
}

// wfStore streams one file into storage and checks it. A refused file
// comes back with Err set and nothing stored.
func (h *Handlers) wfStore(ctx context.Context, filename string, r io.Reader, limit int64) (wfUpload, error) {
	up := wfUpload{Name: storage.SanitizeName(filename)}
	if _, ok := storage.KindOf(up.Name); !ok {
		// Not even stored: drain the part so the next one can be read.
		if _, err := io.Copy(io.Discard, io.LimitReader(r, limit+1)); err != nil {
			return up, wfBodyErr(err)
		}
		up.Err = "evidence.err.type"
		return up, nil
	}
	blob, err := h.Files.Create(ctx, r, limit)
	switch {
	case errors.Is(err, storage.ErrTooLarge):
		up.Err = "evidence.err.too_large"
		return up, errUploadTooLarge
	case errors.Is(err, storage.ErrEmpty):
		up.Err = "evidence.err.empty"
		return up, nil
	case err != nil:
		return up, wfBodyErr(err)
	}
	f, err := h.Files.Open(ctx, blob.Key)
	if err != nil {
		_ = h.Files.Remove(ctx, blob.Key)
		return up, err
	}
	kind, cerr := storage.Check(up.Name, blob.Head, f, f.Size())
	f.Close()
	if cerr != nil {
		_ = h.Files.Remove(ctx, blob.Key)
		up.Err = "evidence.err.content"
		return up, nil
	}
	up.Kind, up.Blob = kind, blob
	return up, nil
}

// wfBodyErr maps a body read error: over the body limit is 413, anything
// else a bad request.
func wfBodyErr(err error) error {
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

func (h *Handlers) wfDiscard(ctx context.Context, ups []wfUpload) {
	for _, u := range ups {
		if u.Blob != nil {
			_ = h.Files.Remove(ctx, u.Blob.Key)
		}
	}
}

// Download sends an evidence file to whoever may see it, always as a
// download (never rendered inline), with its original name.
func (h *Handlers) Download(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	att, err := h.Store.AttachmentByID(ctx, id)
	if err != nil {
		return err
	}
	rep, err := h.Store.ReportByID(ctx, att.ReportID)
	if err != nil {
		return err
	}
	row, leadUnit, err := h.Flow.AssignmentRow(ctx, rep.AssignmentID)
	if err != nil {
		return err
	}
	a := actor(c)
	var snaps []workflow.Snapshot
	if !workflow.IsOwner(a, row.UnitID) {
		vs, err := h.Store.ReportVersions(ctx, rep.ID)
		if err != nil {
			return err
		}
		for _, v := range vs {
			sn, err := workflow.ParseSnapshot(v.Snapshot)
			if err != nil {
				return err
			}
			snaps = append(snaps, sn)
		}
	}
	if !workflow.CanDownload(a, row.UnitID, leadUnit, rep, att, snaps) {
		return model.Refused("attachment", id)
	}
	f, err := h.Files.Open(ctx, att.StorageKey)
	if errors.Is(err, os.ErrNotExist) {
		h.Log.Error("evidence file missing from storage", "attachment", att.ID, "key", att.StorageKey)
		return fmt.Errorf("attachment %d file: %w", id, model.ErrNotFound)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sendEvidence(c, f, att.Name, att.ContentType, att.ID, att.CreatedAt)
	return nil
}

// sendEvidence serves a stored evidence file as a download, never
// rendered inline, with its original name (Range requests work).
func sendEvidence(c echo.Context, f io.ReadSeeker, name, contentType string, id int64, modified time.Time) {
	hd := c.Response().Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Disposition", ContentDisposition(name, id))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", "private, no-store")
	http.ServeContent(c.Response(), c.Request(), "", modified, f)
}

// ContentDisposition makes an attachment header with an ASCII fallback
// name and the real (e.g. Chinese) name in RFC 5987 form.
func ContentDisposition(name string, id int64) string {
	fallback := name
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			fallback = fmt.Sprintf("attachment-%d%s", id, strings.ToLower(path.Ext(name)))
			if !asciiPrintable(fallback) {
				fallback = fmt.Sprintf("attachment-%d", id)
			}
			break
		}
	}
	return `attachment; filename="` + fallback + `"; filename*=UTF-8''` + rfc5987(name)
}

func asciiPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\' {
			return false
		}
	}
	return true
}

// rfc5987 percent-encodes every byte that is not an attr-char.
func rfc5987(s string) string {
	const attr = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte(attr, ch) >= 0 {
			b.WriteByte(ch)
		} else {
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}

// wfFileProblems lists refused uploads for the form.
func wfFileProblems(ups []wfUpload) []reports.FileProblem {
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
