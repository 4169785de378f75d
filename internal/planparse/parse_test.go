package planparse

import (
	"errors"
	"os"
	"slices"
	"strconv"
	"testing"
)

// wantMeasure describes a measure in a fixture; nil units are not checked.
type wantMeasure struct {
	label      string
	title      string
	lead, resp []string
	targets    int
}

type wantDomain struct {
	label, title string
	lead, resp   []string
	measures     []wantMeasure
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	text, _, err := Decode(b)
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return text
}

func checkPlan(t *testing.T, text string, p *Plan, want []wantDomain) {
	t.Helper()
	if len(p.Domains) != len(want) {
		var got []string
		for _, d := range p.Domains {
			got = append(got, d.Label+d.Title)
		}
		t.Fatalf("got domains %q, want %d", got, len(want))
	}
	norm := []rune(Normalize(text))
	for i, wd := range want {
		d := p.Domains[i]
		if d.Label != wd.label || d.Title != wd.title {
			t.Errorf("domain %d = %q %q, want %q %q", i, d.Label, d.Title, wd.label, wd.title)
		}
		if !slices.Equal(d.LeadUnits, wd.lead) || !slices.Equal(d.ResponsibleUnits, wd.resp) {
			t.Errorf("domain %s units = %q / %q, want %q / %q", d.Label, d.LeadUnits, d.ResponsibleUnits, wd.lead, wd.resp)
		}
		if len(d.Measures) != len(wd.measures) {
			t.Errorf("domain %s has %d measures, want %d", d.Label, len(d.Measures), len(wd.measures))
			continue
		}
		for j, wm := range wd.measures {
			m := d.Measures[j]
			if m.Label != wm.label || m.Title != wm.title {
				t.Errorf("measure %s/%d = %q %q, want %q %q", d.Label, j, m.Label, m.Title, wm.label, wm.title)
			}
			if wm.lead != nil && (!slices.Equal(m.LeadUnits, wm.lead) || !slices.Equal(m.ResponsibleUnits, wm.resp)) {
				t.Errorf("measure %s%s units = %q / %q, want %q / %q", d.Label, m.Label, m.LeadUnits, m.ResponsibleUnits, wm.lead, wm.resp)
			}
			if len(m.Targets) != wm.targets {
				t.Errorf("measure %s%s has targets %+v, want %d", d.Label, m.Label, m.Targets, wm.targets)
			}
			if got := string(norm[m.Start:m.End]); got != m.Text {
				t.Errorf("measure %s%s offsets give %q, want %q", d.Label, m.Label, got, m.Text)
			}
		}
	}
}

func TestParseVariants(t *testing.T) {
	none := []string{}
	tests := []struct {
		name     string
		fixture  string
		header   [4]string // title, issuer, date, horizon
		domains  []wantDomain
		warnings []string
	}{
		{
			// A bracket after each measure; 配合单位/协办单位/责任部门; full-width
			// punctuation and CRLF; a measure without a bracket; a signature.
			name:    "unit bracket after each measure",
			fixture: "measure-brackets.txt",
			header:  [4]string{"某某市现代农业发展行动计划(2016-2018年)", "某某市人民政府办公室", "2016-03-01", "2018"},
			domains: []wantDomain{
				{"(一)", "农业科技创新", none, none, []wantMeasure{
					{"1.", "推进农业科技推广", []string{"市农业局"}, []string{"市科协", "各有关区、县级市"}, 1},
					{"2.", "加强农业人才培养", []string{"市农业局"}, []string{"市人力资源社会保障局", "市教育局"}, 1},
				}},
				{"(二)", "农田水利建设", none, none, []wantMeasure{
					{"3.", "建设高标准农田", []string{"市水务局"}, []string{"市财政局", "市国土资源局"}, 1},
					{"4.", "推进节水灌溉", none, none, 0},
					{"5.", "完善基层水利服务体系", []string{"市水务局"}, []string{"市编办", "各市(区)政府"}, 0},
				}},
			},
			warnings: []string{"measure 4. in domain (二) 农田水利建设 has no unit bracket"},
		},
		{
			// 1、…6、 across domains; 牵头部门 with ","; 配合单位 with ";";
			// an unlabelled (A、B负责) bracket; a closing section with
			// numbered items but no bracket is not a domain.
			name:    "measures numbered continuously",
			fixture: "continuous.txt",
			header:  [4]string{"某县全民健身实施计划(2016-2020年)", "", "", "2020"},
			domains: []wantDomain{
				{"(一)", "健身设施建设", []string{"县文体局"}, []string{"各乡镇人民政府"}, []wantMeasure{
					{"1、", "新建社区健身广场10个", nil, nil, 1},
					{"2、", "行政村体育设施覆盖率达到100%", nil, nil, 1},
				}},
				{"(二)", "群众体育活动", []string{"县文体局"}, []string{"县教育局", "县总工会"}, []wantMeasure{
					{"3、", "每年举办县级综合性运动会1次", nil, nil, 1},
					{"4、", "经常参加体育锻炼人数比例达到40%", nil, nil, 1},
					{"5、", "国民体质合格率达到92%以上", []string{"县文体局"}, []string{"县教育局", "县总工会"}, 1},
				}},
				{"(三)", "体育组织建设", []string{"县文体局"}, []string{"县民政局"}, []wantMeasure{
					{"6、", "每个乡镇建立体育总会", []string{"县文体局"}, []string{"县民政局"}, 0},
				}},
			},
			warnings: []string{"(一) 加强组织领导 has numbered items but no unit bracket while other domains have one; it was not taken as a domain"},
		},
		{
			// 一、二、 are the domains and (一)(二) the measures; the
			// principles under 一、指导思想 are not a domain.
			name:    "measures numbered (一)(二)",
			fixture: "paren-measures.txt",
			header:  [4]string{"某某区2017年民生实事实施方案", "某某区人民政府", "2017-02-10", "2017"},
			domains: []wantDomain{
				{"二、", "教育提升工程", none, none, []wantMeasure{
					{"(一)", "新建幼儿园3所,新增学位900个", []string{"区教育局"}, []string{"区发展改革局", "区财政局"}, 2},
					{"(二)", "完成10所中小学校舍改造", []string{"区教育局"}, []string{"区住房城乡建设局", "各街道"}, 1},
				}},
				{"三、", "医疗卫生工程", none, none, []wantMeasure{
					{"(一)", "建成社区卫生服务中心2个", []string{"区卫生计生局"}, none, 1},
					{"(二)", "65岁以上老年人健康管理率达到70%", []string{"区卫生计生局"}, none, 1},
				}},
			},
			warnings: []string{"四、 保障措施 has numbered items but no unit bracket while other domains have one; it was not taken as a domain"},
		},
		{
			// 11.121人才梯队项目 is measure 11; 2.5万名 after a sentence end is
			// a decimal; the domain bracket follows the domain title.
			name:    "measure title starting with digits",
			fixture: "digit-title.txt",
			header:  [4]string{"", "", "", "2020"},
			domains: []wantDomain{
				{"(一)", "人才发展", []string{"市委组织部"}, []string{"市人力资源社会保障局", "市科技局"}, []wantMeasure{
					{"1.", "实施第1项人才工程", nil, nil, 0}, {"2.", "实施第2项人才工程", nil, nil, 0},
					{"3.", "实施第3项人才工程", nil, nil, 0}, {"4.", "实施第4项人才工程", nil, nil, 0},
					{"5.", "实施第5项人才工程", nil, nil, 0}, {"6.", "实施第6项人才工程", nil, nil, 0},
					{"7.", "实施第7项人才工程", nil, nil, 0}, {"8.", "实施第8项人才工程", nil, nil, 0},
					{"9.", "实施第9项人才工程", nil, nil, 0},
					{"10.", "实施第10项人才工程", nil, nil, 1},
					{"11.", "121人才梯队项目", []string{"市委组织部"}, []string{"市人力资源社会保障局", "市科技局"}, 1},
					{"12.", "人才公寓建设", nil, nil, 1},
				}},
				{"(二)", "人才服务", []string{"市人力资源社会保障局"}, none, []wantMeasure{
					{"1.", "建立人才服务中心", nil, nil, 0},
					{"2.", "人才服务满意度达到90%以上", []string{"市人力资源社会保障局"}, none, 1},
				}},
			},
			warnings: []string{},
		},
		{
			name:    "truncated document",
			fixture: "truncated.txt",
			header:  [4]string{"某市基本公共服务均等化实施方案(2014-2015年)", "", "", "2015"},
			domains: []wantDomain{
				{"(一)", "公共教育", []string{"市教育局"}, []string{"各市(区)政府"}, []wantMeasure{
					{"1.", "普及学前教育", nil, nil, 1},
					{"2.", "推进义务教育均衡发展", []string{"市教育局"}, []string{"各市(区)政府"}, 0},
				}},
				{"(二)", "生态环保", none, none, []wantMeasure{
					{"1.", "改善环境质量", none, none, 1},
					{"2.", "提高污水处理水平", none, none, 1},
				}},
			},
			warnings: []string{"document appears truncated: domain (二) 生态环保 has no unit bracket and ends mid-sentence"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := readFixture(t, tt.fixture)
			p, err := Parse(text)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := [4]string{p.Title, p.Issuer, p.Date, horizonString(p.Horizon)}
			if got != tt.header {
				t.Errorf("header = %q, want %q", got, tt.header)
			}
			checkPlan(t, text, p, tt.domains)
			if !slices.Equal(p.Warnings, tt.warnings) {
				t.Errorf("warnings = %q, want %q", p.Warnings, tt.warnings)
			}
		})
	}
}

func horizonString(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// TestParseShapes covers smaller shapes of the genre inline.
func TestParseShapes(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []wantDomain
	}{
		{
			name: "full-width punctuation and 责任单位 only",
			text: "（一）公共教育。\n１．普及学前教育。\n２．发展特殊教育。\n【责任单位：各区人民政府、市教育局】",
			want: []wantDomain{{"(一)", "公共教育", []string{}, []string{"各区人民政府", "市教育局"}, []wantMeasure{
				{"1.", "普及学前教育", []string{}, []string{"各区人民政府", "市教育局"}, 0},
				{"2.", "发展特殊教育", []string{}, []string{"各区人民政府", "市教育局"}, 0},
			}}},
		},
		{
			name: "heading without punctuation before the first domain",
			text: "二、主要任务(一)发展现代农业。1.推进农业科技。2.发展家庭农场。〔牵头单位:市农业局;责任单位:各市(区)政府〕",
			want: []wantDomain{{"(一)", "发展现代农业", []string{"市农业局"}, []string{"各市(区)政府"}, []wantMeasure{
				{"1.", "推进农业科技", nil, nil, 0}, {"2.", "发展家庭农场", nil, nil, 0},
			}}},
		},
		{
			name: "decimals, ranges of levels and document numbers are not labels",
			text: "根据《某某通知》(粤府办〔2012〕30号)制定本方案。(一)卫生。1.建设医院。二、三级医院全部达标。1.5万人受益。2.培训医生。〔牵头单位:市卫生局,责任单位:各县(市、区)人民政府〕",
			want: []wantDomain{{"(一)", "卫生", []string{"市卫生局"}, []string{"各县(市、区)人民政府"}, []wantMeasure{
				{"1.", "建设医院", nil, nil, 1}, {"2.", "培训医生", nil, nil, 0},
			}}},
		},
		{
			name: "lead and responsible units labelled with 牵头 and 配合",
			text: "(一)交通。1.修路。2.建站。(市交通局牵头,市财政局、各镇配合)",
			want: []wantDomain{{"(一)", "交通", []string{"市交通局"}, []string{"市财政局", "各镇"}, []wantMeasure{
				{"1.", "修路", nil, nil, 0}, {"2.", "建站", []string{"市交通局"}, []string{"市财政局", "各镇"}, 0},
			}}},
		},
		{
			name: "sections with 1. measures and no (一) level",
			text: "一、教育\n1.建设学校。〔牵头单位:区教育局〕\n2.培训教师。〔牵头单位:区教育局;责任单位:各街道〕\n二、卫生\n1.建设医院。〔牵头单位:区卫生局〕",
			want: []wantDomain{
				{"一、", "教育", []string{}, []string{}, []wantMeasure{
					{"1.", "建设学校", []string{"区教育局"}, []string{}, 0},
					{"2.", "培训教师", []string{"区教育局"}, []string{"各街道"}, 0},
				}},
				{"二、", "卫生", []string{}, []string{}, []wantMeasure{
					{"1.", "建设医院", []string{"区卫生局"}, []string{}, 0},
				}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(tt.text)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkPlan(t, tt.text, p, tt.want)
		})
	}
}

func TestParseRefusesNonPlans(t *testing.T) {
	tests := []struct {
		name, text string
	}{
		{"news paragraph", readFixture(t, "news.txt")},
		{"empty", ""},
		{"principles only", "二、基本原则\n(一)坚持公平优先。(二)坚持统筹兼顾。"},
		{"a list without domains", "1.第一条。2.第二条。3.第三条。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(tt.text)
			if !errors.Is(err, ErrNoStructure) || p != nil {
				t.Errorf("Parse = %v, %v; want nil, ErrNoStructure", p, err)
			}
			if MessageKey(err) != "planparse.err.no_structure" {
				t.Errorf("MessageKey = %q", MessageKey(err))
			}
		})
	}
}

func TestHeader(t *testing.T) {
	tests := []struct {
		name, text          string
		title, issuer, date string
		horizon             int
	}{
		{
			name:  "notice line, release date, 《》",
			text:  "江门市人民政府关于印发江门市某某方案(2014-2015年)的通知\n发布时间:2014年06月17日\n各有关单位:现将《江门市某某方案(2014-2015年)》印发给你们。江门市人民政府2014年6月17日",
			title: "江门市某某方案(2014-2015年)", issuer: "江门市人民政府", date: "2014-06-17", horizon: 2015,
		},
		{
			name:  "《》 name and a signature at the end",
			text:  "各区人民政府:\n现将《某某市养老服务体系建设规划》印发给你们。\n……到2018年,养老床位达到每千名老人40张;到2020年,……\n某某市民政局办公室\n2016年12月5日",
			title: "某某市养老服务体系建设规划", issuer: "某某市民政局办公室", date: "2016-12-05", horizon: 2020,
		},
		{
			name:  "first line is the plan name",
			text:  "某县农村人居环境整治三年行动方案\n成文日期:2018-3-9\n一、总体要求",
			title: "某县农村人居环境整治三年行动方案", issuer: "", date: "2018-03-09", horizon: 0,
		},
		{
			name:  "an impossible date is dropped",
			text:  "某某方案\n发布时间:2014年13月40日",
			title: "某某方案", date: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := parseHeader([]rune(Normalize(tt.text)))
			if h.title != tt.title || h.issuer != tt.issuer || h.date != tt.date || h.horizon != tt.horizon {
				t.Errorf("header = %q %q %q %d, want %q %q %q %d", h.title, h.issuer, h.date, h.horizon, tt.title, tt.issuer, tt.date, tt.horizon)
			}
		})
	}
}
