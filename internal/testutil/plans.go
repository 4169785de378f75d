package testutil

import "duban/internal/planparse/docxtest"

// SmallPlan is a plan document in the genre: two domains, three measures,
// three targets, the district group, a known unit (市教育局), an alias the
// portal does not know yet (市人社局) and a unit it has never heard of.
const SmallPlan = `测试市人民政府关于印发测试市公共服务试点方案(2014-2015年)的通知
发布时间:2014年06月17日
测试市公共服务试点方案(2014-2015年)
一、指导思想。坚持以人民为中心。
二、目标任务
(一)公共教育。到2015年,教育差距明显缩小。1.基本建立普惠性学前教育体系。到2015年,学前三年毛入园率达到93%。2.推进九年义务教育均衡发展。初中生年辍学率在1.2%以下。〔牵头单位:市教育局;责任单位:各市(区)政府、市残联〕
(二)就业保障。到2015年,就业更加充分。1.扩大就业。城镇登记失业率控制在3.2%以内。〔牵头单位:市人社局;责任单位:市新单位〕
`

// DividedPlanDocx is a 分工方案 as Word writes it: parts 一、二、 and
// measures 1. 2. numbered by Word lists, units and deadlines on lines of
// their own, a part whose 牵头单位 line its measures inherit, a skipped
// number and an ongoing task.
func DividedPlanDocx() []byte {
	P := func(s string) docxtest.Para { return docxtest.Para{Text: s} }
	L := func(lvl int, s string) docxtest.Para { return docxtest.Para{Text: s, NumID: 1, Level: lvl} }
	return docxtest.Build(docxtest.Doc{
		Header: "测试区人民政府办公室文件",
		Lists:  []docxtest.List{{Levels: [][2]string{{"chineseCounting", "%1、"}, {"decimal", "%2."}}}},
		Blocks: []any{
			P("测试区优化营商环境重点任务分工方案(2023年)"),
			L(0, "提升政务服务效能"),
			L(1, "推进“一网通办”,2023年6月底前实现政务服务事项网上可办率达到95%以上。"),
			P("牵头单位:市教育局"),
			P("责任单位:各市(区)政府"),
			L(1, "深化“一件事一次办”改革。"),
			P("牵头单位:市教育局"),
			P("完成时限:长期坚持"),
			L(0, "优化市场准入环境"),
			P("牵头单位:测试区市场监管局"),
			L(1, "持续推进商事制度改革。"),
			P("4.规范涉企收费。"),
			P("牵头单位:测试区发改局"),
		},
	})
}
