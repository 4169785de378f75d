package evidence

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Errors of Check.
var (
	ErrExtension = errors.New("file type not allowed")
	ErrContent   = errors.New("file content does not match its type")
)

// Kind is an allowed evidence type.
type Kind struct {
	Ext         string // without the dot, lower case
	ContentType string
	magic       func(head []byte) bool
	// zipEntry, when set, must be in the ZIP central directory.
	zipEntry string
	zip      bool
}

var (
	sigPNG  = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}
	sigJPEG = []byte{0xff, 0xd8, 0xff}
	sigOLE2 = []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}
	sigZIP  = []byte{'P', 'K', 3, 4}
	sigZIP0 = []byte{'P', 'K', 5, 6} // an empty archive
)

func prefix(sig []byte) func([]byte) bool {
	return func(h []byte) bool { return bytes.HasPrefix(h, sig) }
}

// PDF readers accept the header anywhere in the first KB.
func isPDF(h []byte) bool { return bytes.Contains(h[:min(len(h), 1024)], []byte("%PDF-")) }

func isZIP(h []byte) bool { return bytes.HasPrefix(h, sigZIP) || bytes.HasPrefix(h, sigZIP0) }

// Kinds are the allowed evidence types: pdf, jpg, png, doc(x), xls(x), ofd
// and zip.
var Kinds = []Kind{
	{Ext: "pdf", ContentType: "application/pdf", magic: isPDF},
	{Ext: "jpg", ContentType: "image/jpeg", magic: prefix(sigJPEG)},
	{Ext: "jpeg", ContentType: "image/jpeg", magic: prefix(sigJPEG)},
	{Ext: "png", ContentType: "image/png", magic: prefix(sigPNG)},
	{Ext: "doc", ContentType: "application/msword", magic: prefix(sigOLE2)},
	{Ext: "xls", ContentType: "application/vnd.ms-excel", magic: prefix(sigOLE2)},
	{Ext: "docx", ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", magic: prefix(sigZIP), zip: true, zipEntry: "word/document.xml"},
	{Ext: "xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", magic: prefix(sigZIP), zip: true, zipEntry: "xl/workbook.xml"},
	{Ext: "ofd", ContentType: "application/ofd", magic: prefix(sigZIP), zip: true, zipEntry: "ofd.xml"},
	{Ext: "zip", ContentType: "application/zip", magic: isZIP, zip: true},
}

// Accept is the list for an <input accept=…> attribute.
func Accept() string {
	var b strings.Builder
	for i, k := range Kinds {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("." + k.Ext)
	}
	return b.String()
}

// KindOf returns the allowed kind of a file name's extension.
func KindOf(name string) (Kind, bool) {
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
	for _, k := range Kinds {
		if k.Ext == ext {
			return k, true
		}
	}
	return Kind{}, false
}

// Check decides whether a stored file is what its name says: the extension
// must be allowed and the content must start with that type's signature;
// for ZIP-based formats the central directory is read (cheap: it sits at
// the end of the file) and must list the part the format requires.
func Check(name string, head []byte, r io.ReaderAt, size int64) (Kind, error) {
	k, ok := KindOf(name)
	if !ok {
		return Kind{}, ErrExtension
	}
	if !k.magic(head) {
		return k, ErrContent
	}
	if !k.zip {
		return k, nil
	}
	if bytes.HasPrefix(head, sigZIP0) {
		return k, nil // an empty .zip; other kinds need the local header
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return k, ErrContent
	}
	if k.zipEntry == "" {
		return k, nil
	}
	for _, f := range zr.File {
		if strings.EqualFold(strings.TrimPrefix(f.Name, "/"), k.zipEntry) {
			return k, nil
		}
	}
	return k, ErrContent
}

// MaxNameRunes bounds a stored original name.
const MaxNameRunes = 120

// SanitizeName makes an uploaded file name safe to store and show: only
// the last path element, no control or reserved characters, no leading
// dots, at most MaxNameRunes runes with the extension kept. It is only
// ever displayed; files are stored under generated keys.
func SanitizeName(name string) string {
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "_")
	}
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), r == utf8.RuneError, unicode.Is(unicode.Cf, r):
			// Control and format characters: a right-to-left override
			// makes "rep\u202egnp.pdf" show as "repfdp.png".
			return -1
		case strings.ContainsRune(`<>:"|?*`, r):
			return '_'
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	ext := path.Ext(name)
	if utf8.RuneCountInString(ext) > 10 {
		ext = ""
	}
	base := strings.TrimSuffix(name, ext)
	if rs := []rune(base); len(rs)+utf8.RuneCountInString(ext) > MaxNameRunes {
		base = string(rs[:MaxNameRunes-utf8.RuneCountInString(ext)])
	}
	base = strings.Trim(base, " .")
	if base == "" {
		base = "file"
	}
	return base + strings.ToLower(ext)
}
