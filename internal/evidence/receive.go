package evidence

import (
	"context"
	"errors"
	"io"
)

// Upload is one evidence file received from a client: stored and checked,
// or refused with Err (a catalog key) and nothing stored.
type Upload struct {
	Name string
	Kind Kind
	Blob *Blob
	Err  string
}

// Receive streams one uploaded file into s and checks it by extension and
// content, the checks every upload (form or API) goes through. A file of
// a type not taken is drained, not stored. A file over limit stops with
// ErrTooLarge (its Err set); other refusals come back with Err set and a
// nil error. A read error of r is returned as is.
func Receive(ctx context.Context, s Storage, filename string, r io.Reader, limit int64) (Upload, error) {
	up := Upload{Name: SanitizeName(filename)}
	if _, ok := KindOf(up.Name); !ok {
		// Not even stored: drain the part so the next one can be read.
		if _, err := io.Copy(io.Discard, io.LimitReader(r, limit+1)); err != nil {
			return up, err
		}
		up.Err = "evidence.err.type"
		return up, nil
	}
	blob, err := s.Create(ctx, r, limit)
	switch {
	case errors.Is(err, ErrTooLarge):
		up.Err = "evidence.err.too_large"
		return up, ErrTooLarge
	case errors.Is(err, ErrEmpty):
		up.Err = "evidence.err.empty"
		return up, nil
	case err != nil:
		return up, err
	}
	f, err := s.Open(ctx, blob.Key)
	if err != nil {
		_ = s.Remove(ctx, blob.Key)
		return up, err
	}
	kind, cerr := Check(up.Name, blob.Head, f, f.Size())
	f.Close()
	if cerr != nil {
		_ = s.Remove(ctx, blob.Key)
		up.Err = "evidence.err.content"
		return up, nil
	}
	up.Kind, up.Blob = kind, blob
	return up, nil
}
