package planparse

import "errors"

// Sentinel errors. Callers test them with errors.Is; MessageKey maps them to
// message catalog keys so the UI can show the zh-CN text.
var (
	// ErrEmpty: the upload is empty or holds only whitespace.
	ErrEmpty = errors.New("planparse: the document is empty")
	// ErrBinary: the upload is not text (an image, a Word or PDF file, …).
	ErrBinary = errors.New("planparse: the file is binary, not plain text; save the document as plain text (.txt) and upload it again")
	// ErrEncoding: the bytes are neither UTF-8 nor GB18030/GBK text.
	ErrEncoding = errors.New("planparse: the text encoding is not recognised; save the document as UTF-8 or GB18030/GBK text")
	// ErrNoStructure: the text has no domain with numbered measures.
	ErrNoStructure = errors.New("planparse: no domain with numbered measures was found; the text does not look like a plan")
)

// MessageKey returns the message catalog key for an error returned by Read,
// Decode or Parse ("" for nil, "planparse.err.unknown" for anything else).
// A *FormatError maps to planparse.err.format_<kind>.
func MessageKey(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrEmpty):
		return "planparse.err.empty"
	case errors.Is(err, ErrBinary):
		return "planparse.err.binary"
	case errors.Is(err, ErrEncoding):
		return "planparse.err.encoding"
	case errors.Is(err, ErrFormat):
		var fe *FormatError
		if errors.As(err, &fe) {
			return "planparse.err.format_" + fe.Kind
		}
		return "planparse.err.format_zip"
	case errors.Is(err, ErrNoStructure):
		return "planparse.err.no_structure"
	default:
		return "planparse.err.unknown"
	}
}
