package planparse

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"full-width punctuation to ASCII", "（一）公共教育：到２０１５年，达到９３％；１．２％", "(一)公共教育:到2015年,达到93%;1.2%"},
		{"ideographic punctuation stays", "市教育局、市残联。", "市教育局、市残联。"},
		{"bracket variants to 〔〕", "【牵头单位：市教育局】［责任单位：市残联］〖A〗﹝B﹞", "〔牵头单位:市教育局〕〔责任单位:市残联〕〔A〕〔B〕"},
		{"small and half-width forms", "A﹐B﹔C﹕D﹑E､F｡∶", "A,B;C:D、E、F。:"},
		{"comparison variants", "≧65%＞＜＝≦", "≥65%><=≤"},
		{"CRLF and CR", "a\r\nb\rc\n", "a\nb\nc"},
		{"spaces collapse, lines trimmed", "\ufeff　　第一行  有\t空格　\n  第二行 ", "第一行 有 空格\n第二行"},
		{"blank lines collapse to one", "a\n\n\n\n b\n \n\nc", "a\n\nb\n\nc"},
		{"zero-width and control characters dropped", "a\u200bb\u0007c\u00add", "abcd"},
		{"line separators", "a\u2028b\u2029c", "a\nb\nc"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.in)
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Normalize(got); again != got {
				t.Errorf("Normalize is not idempotent: %q → %q", got, again)
			}
		})
	}
}
