package planparse

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// binaryMagic lists file signatures of formats admins upload by mistake.
var binaryMagic = []struct {
	prefix string
	name   string
}{
	{"\x89PNG\r\n\x1a\n", "PNG image"},
	{"\xff\xd8\xff", "JPEG image"},
	{"GIF8", "GIF image"},
	{"%PDF-", "PDF document"},
	{"PK\x03\x04", "ZIP archive (docx/xlsx?)"},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document (doc/xls?)"},
	{"{\\rtf", "RTF document"},
}

// Decode turns uploaded bytes into UTF-8 text. It strips a UTF-8 BOM, keeps
// valid UTF-8 (dropping, with a warning, a multi-byte sequence cut off at the
// very end), converts UTF-16 with a BOM and GB18030/GBK text with a warning,
// and refuses empty (ErrEmpty), binary (ErrBinary) and undecodable
// (ErrEncoding) input. Warnings are English sentences and never nil.
func Decode(b []byte) (text string, warnings []string, err error) {
	warnings = []string{}
	if len(b) == 0 {
		return "", warnings, ErrEmpty
	}
	// UTF-16 is checked before the binary test: its ASCII halves are NUL bytes.
	if bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		dec := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder()
		out, derr := dec.Bytes(b)
		if derr != nil || bytes.Count(out, []byte(string(utf8.RuneError))) > 0 {
			return "", warnings, fmt.Errorf("%w (invalid UTF-16)", ErrEncoding)
		}
		warnings = append(warnings, "the file was UTF-16 text and was converted to UTF-8")
		b = out
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if isBlank(b) {
		return "", warnings, ErrEmpty
	}
	if kind := binaryKind(b); kind != "" {
		return "", warnings, fmt.Errorf("%w (%s)", ErrBinary, kind)
	}
	switch {
	case utf8.Valid(b):
		text = string(b)
	case utf8.Valid(b[:len(b)-cutUTF8Tail(b)]):
		n := cutUTF8Tail(b)
		text = string(b[:len(b)-n])
		warnings = append(warnings, fmt.Sprintf("the text ends in the middle of a UTF-8 character; %d trailing byte(s) were dropped", n))
	default:
		var w string
		text, w, err = decodeGB18030(b)
		if err != nil {
			return "", warnings, err
		}
		warnings = append(warnings, "the text was GB18030/GBK encoded and was converted to UTF-8")
		if w != "" {
			warnings = append(warnings, w)
		}
	}
	if isBlank([]byte(text)) {
		return "", warnings, ErrEmpty
	}
	return text, warnings, nil
}

// isBlank reports whether b holds only (Unicode) whitespace. Invalid UTF-8
// counts as content.
func isBlank(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return false
		}
		if !unicode.IsSpace(r) && r != 0xFEFF {
			return false
		}
		b = b[n:]
	}
	return true
}

// binaryKind names why b looks binary, or returns "".
func binaryKind(b []byte) string {
	for _, m := range binaryMagic {
		if bytes.HasPrefix(b, []byte(m.prefix)) {
			return m.name
		}
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return "contains NUL bytes"
	}
	sample := b
	if len(sample) > 64<<10 {
		sample = sample[:64<<10]
	}
	ctrl := 0
	for _, c := range sample {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1A) || c == 0x7F {
			ctrl++
		}
	}
	if ctrl*50 > len(sample) { // more than 2% control characters
		return "too many control characters"
	}
	return ""
}

// cutUTF8Tail returns how many trailing bytes form an incomplete (but so far
// valid) UTF-8 sequence, or 0.
func cutUTF8Tail(b []byte) int {
	for k := 1; k <= 3 && k <= len(b); k++ {
		c := b[len(b)-k]
		if c >= 0xC0 {
			if !utf8.FullRune(b[len(b)-k:]) {
				return k
			}
			return 0
		}
		if c < 0x80 {
			return 0
		}
	}
	return 0
}

// decodeGB18030 converts GB18030/GBK text. It accepts the result only when
// nothing failed to decode (except a character cut off at the very end) and
// most non-ASCII characters are CJK, which random bytes rarely are.
func decodeGB18030(b []byte) (string, string, error) {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		return "", "", fmt.Errorf("%w: %v", ErrEncoding, err)
	}
	warning := ""
	bad := bytes.Count(out, []byte(string(utf8.RuneError)))
	if bad == 1 && bytes.HasSuffix(out, []byte(string(utf8.RuneError))) {
		out = out[:len(out)-len(string(utf8.RuneError))]
		warning = "the text ends in the middle of a GB18030 character; the incomplete character was dropped"
		bad = 0
	}
	if bad > 0 {
		return "", "", ErrEncoding
	}
	nonASCII, cjk := 0, 0
	for _, r := range string(out) {
		if r < 0x80 {
			continue
		}
		nonASCII++
		if isCJKRune(r) {
			cjk++
		}
	}
	if nonASCII == 0 || cjk*10 < nonASCII*7 {
		return "", "", ErrEncoding
	}
	return string(out), warning, nil
}

// isCJKRune reports Han characters and CJK or full-width punctuation.
func isCJKRune(r rune) bool {
	return unicode.Is(unicode.Han, r) ||
		(r >= 0x3000 && r <= 0x303F) || // CJK symbols and punctuation
		(r >= 0xFF00 && r <= 0xFFEF) || // full-width forms
		(r >= 0x2010 && r <= 0x2027) || // dashes, quotes, ellipsis
		r == 0x2030 || r == 0x00B7 || r == 0x2236 || r == 0x2103
}
