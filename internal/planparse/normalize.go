package planparse

// Normalize folds the punctuation and whitespace variants found in policy
// documents into one form, so the parser sees one shape and offsets are
// stable. Offsets in Domain and Measure refer to its output (in runes).
//
//   - full-width ASCII (U+FF01–U+FF5E) becomes ASCII: （）：，；．％ → (),:;.%
//     and full-width digits and letters become ASCII; the ideographic 、。
//     stay as they are;
//   - 【】［］〖〗﹝﹞ become 〔〕; small form variants ﹐﹔﹕﹑﹙﹚ and
//     half-width ｡､ become their ordinary forms; ∶ becomes ':';
//   - CRLF, CR and Unicode line separators become '\n'; tabs, NBSP and the
//     ideographic space become ' '; BOMs, zero-width and control characters
//     are dropped;
//   - runs of spaces collapse to one, lines are trimmed, and runs of blank
//     lines collapse to one blank line.
//
// Normalize is idempotent.
func Normalize(s string) string {
	return string(normalizeRunes(s))
}

// normalizeRunes is Normalize as runes, which is what the parser works on.
func normalizeRunes(s string) []rune {
	rs := make([]rune, 0, len(s)/2)
	afterCR := false
	for _, r := range s {
		if r == '\n' && afterCR {
			afterCR = false
			continue
		}
		afterCR = r == '\r'
		if m, ok := foldRune(r); ok {
			rs = append(rs, m)
		}
	}

	out := make([]rune, 0, len(rs))
	started := false
	blank := false
	for start := 0; start <= len(rs); {
		end := start
		for end < len(rs) && rs[end] != '\n' {
			end++
		}
		mark := len(out)
		if started {
			out = append(out, '\n')
			if blank {
				out = append(out, '\n')
			}
		}
		lineStart := len(out)
		out = appendTidyLine(out, rs[start:end])
		start = end + 1
		if len(out) == lineStart {
			out = out[:mark]
			blank = started
			continue
		}
		started, blank = true, false
	}
	return out
}

// foldRune maps one rune; ok is false when the rune is dropped.
func foldRune(r rune) (rune, bool) {
	switch {
	case r == '\r', r == '\v', r == '\f', r == 0x85, r == 0x2028, r == 0x2029:
		return '\n', true
	case r == '\n':
		return r, true
	case r == '\t', r == 0xA0, r == 0x3000, r == 0x1680, r >= 0x2000 && r <= 0x200A,
		r == 0x202F, r == 0x205F:
		return ' ', true
	case r == 0xFEFF, r >= 0x200B && r <= 0x200D, r == 0x2060, r == 0xAD:
		return 0, false
	case r < 0x20, r >= 0x7F && r <= 0x9F:
		return 0, false
	case r == 0xFF3B, r == 0x3010, r == 0x3016, r == 0xFE5D:
		return '〔', true
	case r == 0xFF3D, r == 0x3011, r == 0x3017, r == 0xFE5E:
		return '〕', true
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0, true
	case r == 0xFF61:
		return '。', true
	case r == 0xFF64, r == 0xFE51:
		return '、', true
	case r == 0xFE50:
		return ',', true
	case r == 0xFE54:
		return ';', true
	case r == 0xFE55, r == 0x2236:
		return ':', true
	case r == 0xFE59:
		return '(', true
	case r == 0xFE5A:
		return ')', true
	case r == 0xFE6A:
		return '%', true
	case r == 0x2267:
		return '≥', true
	case r == 0x2266:
		return '≤', true
	}
	return r, true
}

// appendTidyLine appends the line to out with runs of spaces collapsed and
// the ends trimmed.
func appendTidyLine(out, line []rune) []rune {
	first := len(out)
	for i := 0; i < len(line); i++ {
		if line[i] != ' ' {
			out = append(out, line[i])
			continue
		}
		j := i
		for j < len(line) && line[j] == ' ' {
			j++
		}
		if len(out) > first && j < len(line) {
			out = append(out, ' ')
		}
		i = j - 1
	}
	return out
}
