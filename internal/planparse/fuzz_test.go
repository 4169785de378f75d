package planparse

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Read (text and .csv), Decode, Normalize and Parse never panic, that
// Normalize is idempotent, and that offsets always point at the measure text.
func FuzzParse(f *testing.F) {
	// The seed document goes in as 1 KB pieces, cut anywhere (even inside a
	// character): with one 39 KB entry the coverage-guided minimiser spends
	// the whole run shrinking inputs. TestSeed covers the whole document.
	if b, err := os.ReadFile(seedPath); err == nil {
		for len(b) > 0 {
			n := min(len(b), 1024)
			f.Add(b[:n])
			b = b[n:]
		}
	}
	files, _ := filepath.Glob("testdata/*.txt")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"", "(一)", "1.", "〔", "(一)A。1.B。〔牵头单位:", "一、(一)1.11.121人才", "(一)A。1.B(C负责)2.",
		"(一)A。1.达到100%、90%和", "2014年达到\xe6", "\xef\xbb\xbf\x89PNG", shortPlan,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkRead(t, b)
		text, warnings, err := Decode(b)
		if warnings == nil {
			t.Fatal("Decode returned nil warnings")
		}
		if err == nil && text == "" {
			t.Fatal("Decode returned empty text without an error")
		}
		inputs := []string{string(b)}
		if err == nil && text != inputs[0] {
			inputs = append(inputs, text)
		}
		for _, s := range inputs {
			norm := Normalize(s)
			if again := Normalize(norm); again != norm {
				t.Fatalf("Normalize is not idempotent: %q → %q", norm, again)
			}
			p, err := Parse(s)
			if err != nil {
				if !errors.Is(err, ErrNoStructure) {
					t.Fatalf("unexpected error %v", err)
				}
				continue
			}
			checkOffsets(t, []rune(norm), p)
		}
	})
}

func checkOffsets(t *testing.T, norm []rune, p *Plan) {
	t.Helper()
	if p.Warnings == nil || p.Domains == nil {
		t.Fatal("nil slices in plan")
	}
	for _, d := range p.Domains {
		if d.Start < 0 || d.Start > d.End || d.End > len(norm) {
			t.Fatalf("domain %s offsets %d-%d out of range %d", d.Label, d.Start, d.End, len(norm))
		}
		for _, m := range d.Measures {
			if m.Start < d.Start || m.Start > m.End || m.End > d.End || string(norm[m.Start:m.End]) != m.Text {
				t.Fatalf("measure %s%s offsets %d-%d do not give its text %q", d.Label, m.Label, m.Start, m.End, m.Text)
			}
			if m.LeadUnits == nil || m.ResponsibleUnits == nil || m.Targets == nil {
				t.Fatal("nil slices in measure")
			}
		}
	}
}
