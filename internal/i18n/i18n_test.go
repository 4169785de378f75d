package i18n

import (
	"context"
	"strings"
	"testing"
	"unicode"
)

func TestCatalogLoadsAndTranslates(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Keys()) < 20 {
		t.Fatalf("catalog has only %d keys", len(c.Keys()))
	}
	tests := []struct{ locale, want string }{
		{ZH, "督办"},
		{EN, "Duban"},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			if got := T(WithLocale(context.Background(), tt.locale), "app.name"); got != tt.want {
				t.Errorf("app.name in %s = %q, want %q", tt.locale, got, tt.want)
			}
		})
	}
	if got := c.Text(ZH, "no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key = %q", got)
	}
	if Normalize("en-US") != EN || Normalize("zh-CN") != ZH || Normalize("") != ZH {
		t.Error("Normalize maps locales wrongly")
	}
}

func TestPeriodLabel(t *testing.T) {
	zh := WithLocale(context.Background(), ZH)
	en := WithLocale(context.Background(), EN)
	tests := []struct {
		ctx         context.Context
		label, want string
	}{
		{zh, "2014Q3", "2014年第3季度"},
		{en, "2014Q3", "2014 Q3"},
		{zh, "2015-02", "2015年2月"},
		{en, "2015-02", "2015-02"},
		{zh, "odd", "odd"},
	}
	for _, tt := range tests {
		if got := PeriodLabel(tt.ctx, tt.label); got != tt.want {
			t.Errorf("PeriodLabel(%q) = %q, want %q", tt.label, got, tt.want)
		}
	}
}

func TestPlanWarning(t *testing.T) {
	zh := WithLocale(context.Background(), ZH)
	en := WithLocale(context.Background(), EN)
	tests := []struct {
		ctx  context.Context
		in   string
		want string
	}{
		{zh, "document appears truncated: domain (十) 生态环保 has no unit bracket and ends mid-sentence",
			"文件似乎不完整：领域 (十) 生态环保 没有单位括注，且正文在句中截断。已保留现有内容，请核对并补全分工。"},
		{en, "domain (二) 公共卫生 has no unit bracket", "Domain (二) 公共卫生 has no unit bracket (lead/responsible units)."},
		{zh, "measure 3. in domain (一) 公共教育 has no unit bracket", "措施 3.（领域 (一) 公共教育）没有标注牵头单位或责任单位。"},
		{zh, "the text was GB18030/GBK encoded and was converted to UTF-8", "文件为 GB18030/GBK 编码，已转换为 UTF-8。"},
		{zh, "something new", "something new"},
	}
	for _, tt := range tests {
		if got := PlanWarning(tt.ctx, tt.in); got != tt.want {
			t.Errorf("PlanWarning(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestChineseTextUsesFullWidthPunctuation fails on a half-width , : ; ( or )
// next to a Chinese character in a zh-CN string: Chinese text takes
// ，：；（）. Digits on both sides (10:30) are not Chinese text.
func TestChineseTextUsesFullWidthPunctuation(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range c.Keys() {
		if bad := halfWidthInChinese(c.Text(ZH, key)); bad != "" {
			t.Errorf("%s: half-width %s in Chinese text: %q", key, bad, c.Text(ZH, key))
		}
	}
}

// halfWidthInChinese returns the first half-width mark that has a Chinese
// character (or a full-width mark) beside it, skipping spaces; "" if none.
func halfWidthInChinese(s string) string {
	r := []rune(s)
	chinese := func(i, step int) bool {
		for ; i >= 0 && i < len(r); i += step {
			if r[i] != ' ' {
				return unicode.Is(unicode.Han, r[i]) || (r[i] >= 0x3000 && r[i] <= 0x303f) || (r[i] >= 0xff00 && r[i] <= 0xffef) || r[i] == '“' || r[i] == '”'
			}
		}
		return false
	}
	for i, ch := range r {
		if strings.ContainsRune(",:;()", ch) && (chinese(i-1, -1) || chinese(i+1, 1)) {
			return string(ch)
		}
	}
	return ""
}

func TestHalfWidthInChinese(t *testing.T) {
	tests := []struct{ in, want string }{
		{"已报送 2 家,共 9 家。", ","},
		{"当前报告期:%s", ":"},
		{"全部方案(%d 个)", "("},
		{"各市(区)政府", "("},
		{"已报送 2 家，共 9 家。", ""},
		{"2–64 位字母、数字或 . _ @ -，创建后不可修改。", ""},
		{"会议时间 10:30", ""},
		{"Lead unit (牵头单位)", "("},
		{"Dates look like 2015-04-03; that filter was not applied.", ""},
	}
	for _, tt := range tests {
		if got := halfWidthInChinese(tt.in); got != tt.want {
			t.Errorf("halfWidthInChinese(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	tests := []struct{ header, want string }{
		{"", ZH},
		{"zh-CN,zh;q=0.9,en;q=0.8", ZH},
		{"zh-TW", ZH},
		{"en-US,en;q=0.9", EN},
		{"en-GB,zh-CN;q=0.5", EN},
		{"de-DE,en;q=0.7,zh;q=0.5", EN},
		{"fr-FR", ZH},
		{"zh;q=0.9,en;q=0.2", ZH},
		{";;;garbage", ZH},
	}
	for _, tt := range tests {
		if got := FromAcceptLanguage(tt.header); got != tt.want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}
