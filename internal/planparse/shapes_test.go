package planparse

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"duban/internal/planparse/docxtest"
)

// Shapes of the genre beyond the seed: 分工方案 with unit lines, (一)
// restarting per part, parts holding measures directly, one level only,
// lead notes and joint leads, deadlines, and the warnings for what cannot
// be read cleanly. Each check names the measure by domain and label.

type shapeMeasure struct {
	domain, label string
	lead, resp    []string
	inherited     bool
	due           string // YYYY-MM-DD, "ongoing", or "" for none
	dueText       string
}

func measureAt(t *testing.T, p *Plan, domain, label string) *Measure {
	t.Helper()
	for i := range p.Domains {
		if p.Domains[i].Label != domain {
			continue
		}
		for j := range p.Domains[i].Measures {
			if p.Domains[i].Measures[j].Label == label {
				return &p.Domains[i].Measures[j]
			}
		}
	}
	var got []string
	for _, d := range p.Domains {
		for _, m := range d.Measures {
			got = append(got, d.Label+" "+m.Label)
		}
	}
	t.Fatalf("no measure %s %s; have %q", domain, label, got)
	return nil
}

func checkShape(t *testing.T, p *Plan, domains []string, want []shapeMeasure, warnings []string) {
	t.Helper()
	var got []string
	for _, d := range p.Domains {
		got = append(got, d.Label+d.Title)
	}
	if !slices.Equal(got, domains) {
		t.Errorf("domains = %q, want %q", got, domains)
	}
	for _, w := range want {
		m := measureAt(t, p, w.domain, w.label)
		if w.lead != nil && (!slices.Equal(m.LeadUnits, w.lead) || !slices.Equal(m.ResponsibleUnits, w.resp)) {
			t.Errorf("%s%s units = %q / %q, want %q / %q", w.domain, w.label, m.LeadUnits, m.ResponsibleUnits, w.lead, w.resp)
		}
		if m.UnitsInherited != w.inherited {
			t.Errorf("%s%s inherited = %v, want %v", w.domain, w.label, m.UnitsInherited, w.inherited)
		}
		due := m.Due
		if m.Ongoing {
			due = "ongoing"
		}
		if due != w.due || m.DueText != w.dueText {
			t.Errorf("%s%s due = %q (%q), want %q (%q)", w.domain, w.label, due, m.DueText, w.due, w.dueText)
		}
	}
	for _, w := range warnings {
		if !slices.Contains(p.Warnings, w) {
			t.Errorf("warnings = %q, want %q", p.Warnings, w)
		}
	}
	if len(p.Warnings) != len(warnings) {
		t.Errorf("warnings = %q, want exactly %q", p.Warnings, warnings)
	}
}

func TestParseGenreShapes(t *testing.T) {
	tests := []struct {
		name     string
		fixture  string
		domains  []string
		measures []shapeMeasure
		warnings []string
	}{
		{
			// 分工方案: measures directly under 一、二、, numbered across the
			// parts, units and deadlines on lines of their own; 4. is
			// skipped, 6. has no unit, 四、保障措施 is not a domain.
			name:    "unit lines under parts",
			fixture: "unit-lines.txt",
			domains: []string{"一、提升政务服务效能", "二、优化市场准入环境", "三、加强要素保障"},
			measures: []shapeMeasure{
				{"一、", "1.", []string{"区政务服务中心"}, []string{"区发改局", "各街道"}, false, "2023-06-30", "2023年6月底前"},
				{"一、", "2.", []string{"区政务服务中心"}, []string{"区直各有关单位"}, false, "2023-12-31", "2023年底前"},
				{"二、", "3.", []string{"区市场监管局"}, []string{"立山经济开发区", "各街道"}, false, "ongoing", "长期坚持"},
				{"二、", "5.", []string{"区发改局"}, []string{"区财政局", "区市场监管局"}, false, "ongoing", "每季度"},
				{"三、", "6.", []string{}, []string{}, false, "", ""},
				{"三、", "7.", []string{"区金融服务中心"}, []string{}, false, "2023-12-31", "2023年12月"},
			},
			warnings: []string{
				"四、 保障措施 has numbered items but no unit bracket while other domains have one; it was not taken as a domain",
				"numbering skips from 3. to 5. in domain 二、 优化市场准入环境",
				"measure 6. in domain 三、 加强要素保障 has no unit bracket",
			},
		},
		{
			// (一) restarts per part and is told apart by the part; the
			// part's 牵头单位 line is inherited; the lead note's bracket
			// keeps its units; a bare list, joint leads, 「A牵头」 in a
			// list and 各有关单位.
			name:    "lead notes and (一) per part",
			fixture: "lead-notes.txt",
			domains: []string{"二(一)夯实数字基础设施", "(二)提升数据共享能力", "三(一)完善制度规范"},
			measures: []shapeMeasure{
				{"二(一)", "1.", []string{"市政务服务数据管理局"}, []string{"市财政局"}, false, "", ""},
				{"二(一)", "2.", []string{"市政务服务数据管理局"}, []string{"市工业和信息化局", "各区政府"}, false, "", ""},
				{"(二)", "1.", []string{"市发展改革委", "市政务服务数据管理局"}, []string{}, false, "", ""},
				{"(二)", "2.", []string{"市政务服务数据管理局"}, []string{"市科技局", "各有关单位"}, false, "", ""},
				{"三(一)", "1.", []string{}, []string{}, false, "2024-12-31", "2024年底前"},
				{"三(一)", "2.", []string{"市委网信办"}, []string{"市公安局"}, false, "", ""},
			},
			warnings: []string{"measure 1. in domain 三(一) 完善制度规范 has no unit bracket"},
		},
		{
			// Part 一、 has (一) blocks, parts 二、三、 hold measures directly.
			name:    "mixed parts",
			fixture: "mixed-parts.txt",
			domains: []string{"(一)完善居家养老", "(二)发展社区养老", "二、提升医养结合水平", "三、强化人才支撑"},
			measures: []shapeMeasure{
				{"(一)", "1.", []string{"市民政局"}, []string{}, false, "2024-12-31", "2024年底前"},
				{"(二)", "3.", []string{"市民政局"}, []string{}, false, "", ""},
				{"二、", "4.", []string{"市卫生健康委"}, []string{"市民政局"}, false, "", ""},
				{"三、", "6.", []string{"市人力资源社会保障局"}, []string{"市民政局"}, false, "", ""},
			},
			warnings: []string{},
		},
		{
			name:    "one level only",
			fixture: "one-level.txt",
			domains: []string{"某县乡村振兴三年行动计划(2023-2025年)"},
			measures: []shapeMeasure{
				{"", "1.", []string{"县农业农村局"}, []string{"县财政局"}, false, "", ""},
				{"", "3.", []string{"县农业农村局"}, []string{"县卫生健康局"}, false, "", ""},
			},
			warnings: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(readFixture(t, tt.fixture))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkShape(t, p, tt.domains, tt.measures, tt.warnings)
		})
	}
}

func TestStrayNumberIsWarned(t *testing.T) {
	p, err := Parse("某市工作方案\n一、重点任务\n1.甲。(市甲局负责)\n2.乙。(市乙局负责)\n12.丙。\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a line starting with 12. was kept in the text of measure 2. in domain 一、 重点任务"}
	if !slices.Equal(p.Warnings, want) {
		t.Errorf("warnings = %q, want %q", p.Warnings, want)
	}
}

func TestNumberingSlips(t *testing.T) {
	text := "某市工作方案\n一、重点任务\n1.甲。(市甲局负责)\n2.乙。(市乙局负责)\n2.丙。(市丙局负责)\n4.丁。(市丁局负责)\n3.戊。(市戊局负责)\n"
	p, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.Domains[0].Measures); n != 5 {
		t.Fatalf("got %d measures, want 5: a slip must not merge measures", n)
	}
	want := []string{
		"numbering repeats 2. in domain 一、 重点任务",
		"numbering skips from 2. to 4. in domain 一、 重点任务",
		"numbering puts 3. after 4. in domain 一、 重点任务: out of order",
	}
	if !slices.Equal(p.Warnings, want) {
		t.Errorf("warnings = %q, want %q", p.Warnings, want)
	}
}

// A task list as .xlsx: a title row, a header found by its names below
// it, a 领域 column merged down, multi-line unit cells, a 完成时限 column
// and a row without task text.
func TestReadTaskListXlsx(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sh := "Sheet1"
	rows := [][]any{
		{"某区2024年民生实事任务清单"},
		{"序号", "类别", "工作任务", "牵头单位", "配合单位", "完成时限", "备注"},
		{1, "教育", "新建幼儿园3所，新增学位900个", "区教育局", "区发改局\n区财政局", "2024年9月底前", ""},
		{2, "", "改造中小学校舍10所", "区教育局", "各街道", "2024年底", ""},
		{3, "卫生", "建成社区卫生服务中心2个", "区卫健局", "", "长期坚持", ""},
		{4, "", "", "区卫健局", "", "", "待定"},
		{5, "", "65岁以上老年人健康管理率达到70%", "区卫健局、区民政局", "", "", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][2]string{{"A1", "G1"}, {"B3", "B4"}, {"B5", "B7"}} {
		if err := f.MergeCell(sh, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	src, err := Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(src.Text)
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, src.Text)
	}
	p.Warnings = append(src.Warnings, p.Warnings...)
	checkShape(t, p, []string{"一、教育", "二、卫生"}, []shapeMeasure{
		{"一、", "1.", []string{"区教育局"}, []string{"区发改局", "区财政局"}, false, "2024-09-30", "2024年9月底前"},
		{"一、", "2.", []string{"区教育局"}, []string{"各街道"}, false, "2024-12-31", "2024年底"},
		{"二、", "3.", []string{"区卫健局"}, []string{}, false, "ongoing", "长期坚持"},
		{"二、", "5.", []string{"区卫健局", "区民政局"}, []string{}, false, "", ""},
	}, []string{"row 6 of sheet Sheet1 has no task text; it was left out", "numbering skips from 3. to 5. in domain 二、 卫生"})
	if p.Title != "某区2024年民生实事任务清单" {
		t.Errorf("title = %q", p.Title)
	}
	if got := measureAt(t, p, "二、", "5."); len(got.Targets) != 1 || got.Targets[0].Value != 70 {
		t.Errorf("targets of a row = %+v", got.Targets)
	}
}

// A task list as .csv (and as tab-separated text pasted from Excel), with
// quoted multi-line cells and no grouping column: one domain.
func TestReadTaskListCSV(t *testing.T) {
	csvText := "序号,重点任务,牵头单位,责任单位,时间节点\n1,\"完善城市更新机制\n制定实施细则\",市住建局,\"市自然资源局\n各区政府\",2025年6月\n2,推进老旧小区改造,市住建局,各区政府,持续推进\n"
	for _, tt := range []struct{ name, text string }{
		{"csv", csvText},
		{"tab-separated", strings.NewReplacer(",", "\t").Replace(csvText)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Read([]byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			if src.Format != FormatCSV {
				t.Fatalf("format = %q", src.Format)
			}
			p, err := Parse(src.Text)
			if err != nil {
				t.Fatalf("Parse: %v\n%s", err, src.Text)
			}
			if len(p.Domains) != 1 || len(p.Domains[0].Measures) != 2 {
				t.Fatalf("got %+v", p.Domains)
			}
			m := p.Domains[0].Measures[0]
			if m.Text != "完善城市更新机制 制定实施细则" || !slices.Equal(m.ResponsibleUnits, []string{"市自然资源局", "各区政府"}) || m.Due != "2025-06-30" {
				t.Errorf("row 1 = %q %q %q", m.Text, m.ResponsibleUnits, m.Due)
			}
			if m := p.Domains[0].Measures[1]; !m.Ongoing || m.DueText != "持续推进" {
				t.Errorf("row 2 due = %q %v", m.DueText, m.Ongoing)
			}
		})
	}
}

// A .docx whose measures are Word list items restarting per part, with a
// 任务分解表 attached: the table carries the measures, merged cells
// (vMerge, gridSpan) are filled in.
func TestReadDocxShapes(t *testing.T) {
	t.Run("list numbering restarting per part", func(t *testing.T) {
		b := docxtest.Build(docxtest.Doc{
			Header: "页眉文字",
			Lists: []docxtest.List{
				{Levels: [][2]string{{"chineseCounting", "%1、"}, {"decimal", "%2."}}},
			},
			Blocks: []any{
				docxtest.Para{Text: "某市节能降碳工作方案"},
				docxtest.Para{Text: "推进工业节能", NumID: 1, Level: 0},
				docxtest.Para{Text: "实施重点行业节能改造。(市工信局负责)", NumID: 1, Level: 1},
				docxtest.Para{Text: "推广高效电机。(市工信局、市市场监管局负责)", NumID: 1, Level: 1},
				docxtest.Para{Text: "推进建筑节能", NumID: 1, Level: 0},
				docxtest.Para{Text: "新建建筑全面执行绿色建筑标准。(市住建局负责)", NumID: 1, Level: 1},
			},
		})
		src, err := Read(b)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(src.Text, "页眉") {
			t.Error("the page header was read")
		}
		p, err := Parse(src.Text)
		if err != nil {
			t.Fatalf("Parse: %v\n%s", err, src.Text)
		}
		checkShape(t, p, []string{"一、推进工业节能", "二、推进建筑节能"}, []shapeMeasure{
			{"一、", "2.", []string{"市工信局"}, []string{"市市场监管局"}, false, "", ""},
			{"二、", "1.", []string{"市住建局"}, []string{}, false, "", ""},
		}, []string{})
	})
	t.Run("task table", func(t *testing.T) {
		C := func(s string) docxtest.Cell { return docxtest.Cell{Text: s} }
		b := docxtest.Build(docxtest.Doc{Blocks: []any{
			docxtest.Para{Text: "某县关于印发2024年重点工作任务分解方案的通知"},
			docxtest.Para{Text: "一、总体要求"},
			docxtest.Para{Text: "各乡镇、各部门要高度重视。"},
			[][]docxtest.Cell{
				{{Text: "2024年重点工作任务分解表", Span: 5}},
				{C("序号"), C("领域"), C("重点任务"), C("责任单位"), C("完成时限")},
				{C("1"), {Text: "产业发展", Merge: "restart"}, C("引进亿元以上项目5个"), C("县商务局(牵头)、县发改局"), C("2024年底前")},
				{C("2"), {Merge: "continue"}, C("新增规上工业企业10家"), C("县工信局"), C("每季度")},
				{C("3"), C("社会事业"), C("新建乡镇养老服务中心2个"), C("县民政局"), C("")},
			},
		}})
		src, err := Read(b)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(src.Text)
		if err != nil {
			t.Fatalf("Parse: %v\n%s", err, src.Text)
		}
		p.Warnings = append(src.Warnings, p.Warnings...)
		checkShape(t, p, []string{"一、产业发展", "二、社会事业"}, []shapeMeasure{
			{"一、", "1.", []string{"县商务局"}, []string{"县发改局"}, false, "2024-12-31", "2024年底前"},
			{"一、", "2.", []string{}, []string{"县工信局"}, false, "ongoing", "每季度"},
			{"二、", "3.", []string{}, []string{"县民政局"}, false, "", ""},
		}, []string{"the measures were read from the document's task table; the body text was not searched for measures"})
	})
}
