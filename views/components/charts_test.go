package components

import (
	"net/url"
	"reflect"
	"testing"
)

func TestAxisLines(t *testing.T) {
	for _, tc := range []struct {
		label string
		width float64
		want  []string
	}{
		{"2014年第3季度", 200, []string{"2014年第3季度"}},
		{"2014年第3季度", 50, []string{"2014年", "第3季度"}},
		{"2014 Q3", 40, []string{"2014", "Q3"}},
		{"2014-07", 100, []string{"2014-07"}},
		{"2015年7月", 50, []string{"2015年", "7月"}},
		{"2014年第3季度", 30, []string{"201…", "第3…"}},
		{"公共文化体育服务", 40, []string{"公共…"}},
	} {
		got := axisLines(tc.label, tc.width)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("axisLines(%q, %v) = %q, want %q", tc.label, tc.width, got, tc.want)
		}
		for _, l := range got {
			if textWidth(l) > tc.width {
				t.Errorf("%q is %.0f wide, more than %.0f", l, textWidth(l), tc.width)
			}
		}
	}
}

func TestPager(t *testing.T) {
	p := NewPager("/ledger", url.Values{"plan": {"3"}, "light": {"red"}, "page": {"7"}}, 7, 12)
	var nos []int
	for _, l := range p.Links {
		nos = append(nos, l.No) // 0 is a gap
	}
	if !reflect.DeepEqual(nos, []int{1, 0, 5, 6, 7, 8, 9, 0, 12}) {
		t.Errorf("page links %v", nos)
	}
	if p.Prev != "/ledger?light=red&page=6&plan=3" || p.Next != "/ledger?light=red&page=8&plan=3" || p.Links[0].URL != "/ledger?light=red&plan=3" {
		t.Errorf("links %q %q %q", p.Prev, p.Next, p.Links[0].URL)
	}
	if p := NewPager("/supervision", nil, 1, 1); p.Prev != "" || p.Next != "" || len(p.Links) != 1 {
		t.Errorf("one page: %+v", p)
	}
}
