package export

import (
	"testing"
)

func TestSheetName(t *testing.T) {
	used := map[string]bool{}
	tests := []struct{ in, want string }{
		{"(一)公共教育", "(一)公共教育"},
		{"a/b\\c[d]:e*f?g", "a_b_c_d__e_f_g"},
		{"'quoted'", "quoted"},
		{"", "Sheet"},
		{"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"},
		// Names are unique without regard to case, and stay within 31 runes.
		{"(一)公共教育", "(一)公共教育~2"},
		{"SHEET", "SHEET~2"},
		{"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九~2"},
	}
	for _, tt := range tests {
		if got := SheetName(tt.in, used); got != tt.want {
			t.Errorf("SheetName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	got := ContentDisposition("ledger.xlsx", "督办台账 (2015)'s.xlsx")
	want := `attachment; filename="ledger.xlsx"; filename*=UTF-8''%E7%9D%A3%E5%8A%9E%E5%8F%B0%E8%B4%A6%20%282015%29%27s.xlsx`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := FileName("a/b:c*?\"<>|\n.xlsx"); got != "a_b_c_______.xlsx" {
		t.Errorf("FileName = %q", got)
	}
}

func TestRisky(t *testing.T) {
	for s, want := range map[string]bool{"=1+1": true, "+1": true, "-1": true, "@SUM(A1)": true, "\tx": true, "\rx": true,
		"1=1": false, "": false, "学前教育": false} {
		if risky(s) != want {
			t.Errorf("risky(%q) = %v", s, !want)
		}
	}
}
