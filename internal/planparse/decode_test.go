package planparse

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

const shortPlan = "某市教育发展实施方案(2016-2018年)\n(一)公共教育。到2018年,学前三年毛入园率达到95%。\n1.普及学前教育。\n2.发展特殊教育。\n〔牵头单位:市教育局;责任单位:各区、县级市政府〕\n"

func TestDecode(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(shortPlan)
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().String(shortPlan)
	if err != nil {
		t.Fatal(err)
	}
	yu := "教育"
	cutUTF8 := shortPlan + yu[:len(yu)-1] // ends inside 育
	cutGBK := gbk + "\xbd"                // a lead byte with no trail byte

	tests := []struct {
		name     string
		in       []byte
		want     string
		warnings []string // substrings, one per warning
		err      error
	}{
		{"utf-8", []byte(shortPlan), shortPlan, nil, nil},
		{"utf-8 with BOM", []byte("\xef\xbb\xbf" + shortPlan), shortPlan, nil, nil},
		{"truncated utf-8 tail", []byte(cutUTF8), shortPlan + "教", []string{"middle of a UTF-8 character; 2 trailing byte(s)"}, nil},
		{"gbk", []byte(gbk), shortPlan, []string{"GB18030/GBK"}, nil},
		{"gbk cut inside a character", []byte(cutGBK), shortPlan, []string{"GB18030/GBK", "middle of a GB18030 character"}, nil},
		{"utf-16 with BOM", []byte(utf16), shortPlan, []string{"UTF-16"}, nil},
		{"empty", nil, "", nil, ErrEmpty},
		{"whitespace only", []byte(" \r\n\t\u3000\u3000 "), "", nil, ErrEmpty},
		{"BOM only", []byte("\xef\xbb\xbf"), "", nil, ErrEmpty},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"), "", nil, ErrBinary},
		{"pdf", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj"), "", nil, ErrBinary},
		{"docx", []byte("PK\x03\x04\x14\x00\x06\x00"), "", nil, ErrBinary},
		{"NUL bytes", []byte("公共教育\x00\x00\x00"), "", nil, ErrBinary},
		{"control characters", []byte(strings.Repeat("ab\x01\x02\x1b", 20)), "", nil, ErrBinary},
		{"latin-1", []byte("caf\xe9 cr\xe8me br\xfbl\xe9e, d\xe9j\xe0 vu"), "", nil, ErrEncoding},
		{"random high bytes", []byte("\x80\x81\xfe\xff\xc0\xc1\xf5\xf8"), "", nil, ErrEncoding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warnings, err := Decode(tt.in)
			if warnings == nil {
				t.Error("warnings is nil")
			}
			if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if got != tt.want {
				t.Errorf("text = %q, want %q", got, tt.want)
			}
			if len(warnings) != len(tt.warnings) {
				t.Fatalf("warnings = %q, want %d", warnings, len(tt.warnings))
			}
			for i, w := range tt.warnings {
				if !strings.Contains(warnings[i], w) {
					t.Errorf("warning %d = %q, want it to mention %q", i, warnings[i], w)
				}
			}
		})
	}
}

// TestDecodeGBKPlan parses a GBK upload end to end: it must give the same
// plan as the UTF-8 text.
func TestDecodeGBKPlan(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(shortPlan)
	if err != nil {
		t.Fatal(err)
	}
	text, _, err := Decode([]byte(gbk))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Domains) != 1 || len(p.Domains[0].Measures) != 2 || p.Horizon != 2018 ||
		!slices.Equal(p.Domains[0].ResponsibleUnits, []string{"各区、县级市政府"}) {
		t.Errorf("unexpected plan: %+v", p)
	}
}

func TestMessageKey(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{ErrEmpty, "planparse.err.empty"},
		{fmt.Errorf("%w (PNG image)", ErrBinary), "planparse.err.binary"},
		{fmt.Errorf("import plan %q: %w", "a.txt", ErrEncoding), "planparse.err.encoding"},
		{ErrNoStructure, "planparse.err.no_structure"},
		{errors.New("disk full"), "planparse.err.unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := MessageKey(tt.err); got != tt.want {
				t.Errorf("MessageKey(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}
