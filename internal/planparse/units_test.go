package planparse

import (
	"slices"
	"testing"
)

func TestSplitUnits(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"各市(区)政府、市残联、市人力资源社会保障局", []string{"各市(区)政府", "市残联", "市人力资源社会保障局"}},
		{"各市(区)政府,市残联", []string{"各市(区)政府", "市残联"}},
		{"市科协,各有关区、县级市", []string{"市科协", "各有关区、县级市"}},
		{"各区、县级市政府、市财政局", []string{"各区、县级市政府", "市财政局"}},
		{"各市、区", []string{"各市、区"}},
		{"各县(市、区)人民政府", []string{"各县(市、区)人民政府"}},
		{"各有关单位", []string{"各有关单位"}},
		{"市财政局和市国土资源局", []string{"市财政局", "市国土资源局"}},
		{"市人力资源和社会保障局", []string{"市人力资源和社会保障局"}},
		{"市城乡规划和建设局及市财政局", []string{"市城乡规划和建设局", "市财政局"}},
		{"市教育局、市财政局等", []string{"市教育局", "市财政局"}},
		{"市教育局等单位", []string{"市教育局"}},
		{"市教育局 市财政局", []string{"市教育局", "市财政局"}},
		{"", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := splitUnits(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("splitUnits(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestUnitBracketContent(t *testing.T) {
	tests := []struct {
		name, in   string
		ok         bool
		lead, resp []string
	}{
		{"comma between parts", "牵头单位:市教育局,责任单位:各市(区)政府、市残联", true, []string{"市教育局"}, []string{"各市(区)政府", "市残联"}},
		{"semicolon between parts", "牵头单位:市文广新局;责任单位:市体育局", true, []string{"市文广新局"}, []string{"市体育局"}},
		{"牵头部门", "牵头部门:市人力资源社会保障局;责任单位:各市(区)政府,市残联", true, []string{"市人力资源社会保障局"}, []string{"各市(区)政府", "市残联"}},
		{"配合单位 with a collective", "牵头单位:市农业局,配合单位:市科协,各有关区、县级市", true, []string{"市农业局"}, []string{"市科协", "各有关区、县级市"}},
		{"协办单位", "牵头单位:市农业局;协办单位:市教育局", true, []string{"市农业局"}, []string{"市教育局"}},
		{"责任部门", "责任部门:市财政局", true, []string{}, []string{"市财政局"}},
		{"space after the colon", "牵头单位: 市教育局 ;责任单位: 市财政局", true, []string{"市教育局"}, []string{"市财政局"}},
		{"unlabelled, 等负责", "A局、B局、C局等负责", true, []string{"A局"}, []string{"B局", "C局"}},
		{"unlabelled, 负责", "区卫生计生局负责", true, []string{"区卫生计生局"}, []string{}},
		{"牵头 and 配合", "市交通局牵头,市财政局、各镇配合", true, []string{"市交通局"}, []string{"市财政局", "各镇"}},
		{"document number", "2012", false, nil, nil},
		{"a remark", "含技工教育", false, nil, nil},
		{"a place", "区", false, nil, nil},
		{"text before the label", "请各单位按牵头单位:市教育局", false, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lead, resp, _, ok := parseUnitContent([]rune(tt.in))
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v (lead %q resp %q)", ok, tt.ok, lead, resp)
			}
			if ok && (!slices.Equal(lead, tt.lead) || !slices.Equal(resp, tt.resp)) {
				t.Errorf("got %q / %q, want %q / %q", lead, resp, tt.lead, tt.resp)
			}
		})
	}
}

func TestFindUnitBrackets(t *testing.T) {
	text := []rune("根据(粤府办〔2012〕30号)制定。各市(区)政府负责实施。〔牵头单位:市教育局,责任单位:各市(区)政府〕(家庭医生)(市卫生局负责)")
	got := findUnitBrackets(text)
	if len(got) != 2 {
		t.Fatalf("got %d brackets, want 2: %+v", len(got), got)
	}
	if s := string(text[got[0].start:got[0].end]); s != "〔牵头单位:市教育局,责任单位:各市(区)政府〕" {
		t.Errorf("first bracket = %q", s)
	}
	if s := string(text[got[1].start:got[1].end]); s != "(市卫生局负责)" {
		t.Errorf("second bracket = %q", s)
	}
}
