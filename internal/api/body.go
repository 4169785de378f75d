package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"reflect"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"duban/internal/evidence"
	"duban/internal/i18n"
	"duban/internal/validate"
	"duban/internal/workflow"
)

// maxBodyJSON bounds a write's JSON (the text limits are far below).
const maxBodyJSON = 1 << 20

// withFiles documents a write that takes its JSON alone or, to add
// evidence, as the part named part of a multipart body whose "files" parts
// are the files. Its handler reads the body itself (readBody), streaming
// the files into storage.
func (a *API) withFiles(op *huma.Operation, part string, body any) {
	name := reflect.TypeOf(body).Name()
	ref := a.huma.OpenAPI().Components.Schemas.Schema(reflect.TypeOf(body), true, name)
	op.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
		"application/json": {Schema: ref},
		"multipart/form-data": {Schema: &huma.Schema{Type: "object", Required: []string{part}, Properties: map[string]*huma.Schema{
			part:    ref,
			"files": {Type: "array", Items: &huma.Schema{Type: "string", ContentEncoding: "binary"}},
		}}, Encoding: map[string]*huma.Encoding{part: {ContentType: "application/json"}}},
	}}
}

// readBody decodes a write's JSON into dst: the whole body, or the part
// named part of a multipart body whose "files" parts are streamed into
// storage and checked as on the pages (evidence.Receive). Refused or
// excess files leave nothing behind.
func (a *API) readBody(ctx context.Context, part string, dst any) ([]evidence.Upload, error) {
	r := echoOf(ctx).Request()
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	decode := func(rd io.Reader) error {
		dec := json.NewDecoder(io.LimitReader(rd, maxBodyJSON))
		dec.DisallowUnknownFields()
		if err := dec.Decode(dst); err != nil {
			return a.decodeErr(ctx, err)
		}
		return nil
	}
	switch mt {
	case "application/json":
		return nil, decode(r.Body)
	case "multipart/form-data":
	default:
		return nil, problemFor(ctx, http.StatusUnsupportedMediaType, "api.err.media_type")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, problemFor(ctx, http.StatusBadRequest, "api.err.invalid")
	}
	got := false
	field := func(p *multipart.Part) error {
		if p.FormName() != part || got {
			if _, err := io.Copy(io.Discard, p); err != nil {
				return a.bodyErr(ctx, err)
			}
			return nil
		}
		got = true
		return decode(p)
	}
	file := func(ups []evidence.Upload) error {
		if len(ups) > workflow.MaxFiles {
			return invalidFields(ctx, validate.Errors{evidence.FilesPart: {Key: "report.form.err.too_many_files"}})
		}
		if up := ups[len(ups)-1]; up.Err != "" {
			pr := invalidFields(ctx, validate.Errors{evidence.FilesPart: {Key: up.Err}})
			pr.Fields[evidence.FilesPart] = i18n.T(ctx, "api.err.file_refused", up.Name+": "+pr.Fields[evidence.FilesPart])
			return pr
		}
		return nil
	}
	ups, err := evidence.ReadParts(ctx, mr, a.d.Files, a.d.MaxUploadMB<<20, field, file)
	var be *evidence.BodyError
	switch {
	case errors.Is(err, evidence.ErrTooLarge):
		return nil, problemFor(ctx, http.StatusRequestEntityTooLarge, "evidence.err.too_large")
	case errors.As(err, &be):
		return nil, a.bodyErr(ctx, be.Err)
	case err != nil:
		return nil, err
	case !got:
		evidence.Discard(ctx, a.d.Files, ups)
		return nil, invalidFields(ctx, validate.Errors{part: {Key: "form.required"}})
	}
	return ups, nil
}

// discard removes received files a write will not take.
func (a *API) discard(ctx context.Context, ups []evidence.Upload) {
	evidence.Discard(ctx, a.d.Files, ups)
}

// decodeErr says what is wrong with a write's JSON in the caller's
// language: a field of the wrong type or not accepted is a 422 naming the
// field (as huma's own validation does), anything else a 400.
func (a *API) decodeErr(ctx context.Context, err error) error {
	var ute *json.UnmarshalTypeError
	switch {
	case errors.As(err, &ute) && ute.Field != "":
		key := "api.val.object"
		switch ute.Type.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			key = "api.val.integer"
		case reflect.Float32, reflect.Float64:
			key = "api.val.number"
		case reflect.String:
			key = "api.val.string"
		case reflect.Bool:
			key = "api.val.boolean"
		case reflect.Slice, reflect.Array:
			key = "api.val.array"
		}
		return invalidFields(ctx, validate.Errors{ute.Field: {Key: key}})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return invalidFields(ctx, validate.Errors{field: {Key: "api.val.unexpected_property"}})
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return a.bodyErr(ctx, err)
	}
	return problemFor(ctx, http.StatusBadRequest, "api.err.json")
}

// bodyErr maps a failed body read: over the limit is 413.
func (a *API) bodyErr(ctx context.Context, err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return problemFor(ctx, http.StatusRequestEntityTooLarge, "api.err.too_large")
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return problemFor(ctx, http.StatusBadRequest, "api.err.invalid")
}
