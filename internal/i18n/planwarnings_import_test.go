package i18n

import (
	"context"
	"strings"
	"testing"
)

// TestPlanWarningImportShapes: every warning shape the importer adds for
// other documents (numbering slips, task tables, unknown units) reads in
// both languages with its places filled in.
func TestPlanWarningImportShapes(t *testing.T) {
	samples := map[string]string{
		"numbering starts at 2. in domain 一、 重点任务: the numbers before it are missing":                                   "2.",
		"numbering skips from 3. to 5. in domain 二、 优化市场准入环境":                                                           "5.",
		"numbering repeats 2. in domain 一、 重点任务":                                                                        "2.",
		"numbering puts 3. after 4. in domain 一、 重点任务: out of order":                                                    "4.",
		"domain numbering starts at (三): the numbers before it are missing":                                             "(三)",
		"domain numbering skips from (一) to (三)":                                                                        "(三)",
		"domain numbering repeats (二)":                                                                                  "(二)",
		"domain numbering puts (二) after (三): out of order":                                                             "(三)",
		"a line starting with 12. was kept in the text of measure 2. in domain 一、 重点任务":                                 "12.",
		"四、 保障措施 looks like a closing section (保障措施); it was not taken as a domain":                                     "四、",
		"row 6 of sheet 任务清单 has no task text; it was left out":                                                         "任务清单",
		"the measures were read from the document's task table; the body text was not searched for measures":            "",
		"unit name 区发改局 (measure 一、1.) matches no unit, alias or group: map it to a unit or it is created as a new one": "区发改局",
	}
	for in, arg := range samples {
		for _, loc := range []string{ZH, EN} {
			got := PlanWarning(WithLocale(context.Background(), loc), in)
			if got == in || strings.Contains(got, "%!") || !strings.Contains(got, arg) {
				t.Errorf("PlanWarning(%s, %q) = %q", loc, in, got)
			}
		}
	}
}
