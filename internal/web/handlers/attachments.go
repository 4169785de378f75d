package handlers

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"duban/internal/model"
)

// Download sends an evidence file to whoever may see it, always as a
// download (never rendered inline), with its original name.
func (h *Handlers) Download(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	att, err := h.Flow.Attachment(ctx, actor(c), id)
	if err != nil {
		return err
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
