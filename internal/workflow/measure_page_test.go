package workflow

import (
	"strings"
	"testing"
)

func TestHighlightTargets(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		phrases []targetPhrase
		want    string // marks shown as [..]
	}{
		{"one target", "学前三年毛入园率达到93%。", []targetPhrase{{"学前三年毛入园率达到93%", "学前三年毛入园率"}}, "[学前三年毛入园率达到93%]。"},
		{"two targets in order", "入学率达到100%,辍学率在1.2%以下。", []targetPhrase{{"入学率达到100%", "入学率"}, {"辍学率在1.2%以下", "辍学率"}}, "[入学率达到100%],[辍学率在1.2%以下]。"},
		{"targets listed out of order", "甲达到1%,乙达到2%。", []targetPhrase{{"乙达到2%", "乙"}, {"甲达到1%", "甲"}}, "[甲达到1%],[乙达到2%]。"},
		{"reworded target found by its indicator", "城镇新增就业残疾人600名。", []targetPhrase{{"新增就业残疾人不低于650名", "城镇新增就业残疾人"}}, "[城镇新增就业残疾人]600名。"},
		{"same phrase twice marks the next occurrence", "达到90%,另一项也达到90%。", []targetPhrase{{"达到90%", ""}, {"达到90%", ""}}, "[达到90%],另一项也[达到90%]。"},
		{"not in the text", "没有指标的任务。", []targetPhrase{{"毛入园率达到93%", "毛入园率"}}, "没有指标的任务。"},
		{"overlapping phrase is not marked twice", "综合利用率达85%以上。", []targetPhrase{{"综合利用率达85%以上", ""}, {"利用率达85%", ""}}, "[综合利用率达85%以上]。"},
		{"empty source", "", []targetPhrase{{"x", "x"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			for _, s := range highlightTargets(tt.src, tt.phrases) {
				if s.Mark {
					b.WriteString("[" + s.Text + "]")
				} else {
					b.WriteString(s.Text)
				}
			}
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
		})
	}
}
