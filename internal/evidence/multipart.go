package evidence

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
)

// FilesPart is the name of the multipart parts that carry evidence files,
// on the pages' forms and in the API.
const FilesPart = "files"

// BodyError is a failure to read the request body itself (a client gone,
// a body over its limit: errors.As finds *http.MaxBytesError in Err), as
// opposed to a file refused or an error of the caller's own field reader.
type BodyError struct{ Err error }

func (e *BodyError) Error() string { return "read body: " + e.Err.Error() }

func (e *BodyError) Unwrap() error { return e.Err }

// ReadParts reads a multipart body part by part, the one reader of the
// pages' forms and the API. Each file in a FilesPart part is streamed into
// s and checked (Receive, at most limit bytes); after each, file (may be
// nil) sees the uploads so far and may stop the read with an error. A
// FilesPart part without a file is skipped; every other part goes to field.
//
// A file over the limit stops the read with ErrTooLarge; a failed body
// read with a *BodyError; an error of field or file comes back as it is.
// On any error every stored file is removed again and the uploads so far
// come back with no Blob, so that a form can be shown again naming them.
// Refused files (Err set, nothing stored) are among the uploads.
func ReadParts(ctx context.Context, mr *multipart.Reader, s Storage, limit int64,
	field func(*multipart.Part) error, file func([]Upload) error) ([]Upload, error) {
	var ups []Upload
	fail := func(err error) ([]Upload, error) {
		Discard(ctx, s, ups)
		for i := range ups {
			ups[i].Blob = nil
		}
		return ups, err
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return ups, nil
		}
		if err != nil {
			return fail(&BodyError{err})
		}
		switch {
		case part.FormName() != FilesPart:
			if err := field(part); err != nil {
				return fail(err)
			}
		case part.FileName() == "":
			// An empty file input.
			if _, err := io.Copy(io.Discard, part); err != nil {
				return fail(&BodyError{err})
			}
		default:
			up, err := Receive(ctx, s, part.FileName(), part, limit)
			if up.Name != "" {
				ups = append(ups, up)
			}
			if err != nil && !errors.Is(err, ErrTooLarge) {
				err = &BodyError{err}
			}
			if err == nil && file != nil {
				err = file(ups)
			}
			if err != nil {
				return fail(err)
			}
		}
	}
}

// Discard removes the stored files of uploads a write will not take.
func Discard(ctx context.Context, s Storage, ups []Upload) {
	for _, u := range ups {
		if u.Blob != nil {
			_ = s.Remove(ctx, u.Blob.Key)
		}
	}
}
