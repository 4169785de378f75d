package demo

import (
	_ "embed"
)

// JiangmenPlan is 《江门市全面深化基本公共服务均等化综合改革试点方案(2014-2015年)》,
// issued by 江门市人民政府 on 2014-06-17: a public government document,
// shipped as the demo plan. Its text stops in the middle of domain (十).
//
//go:embed jiangmen-2014-2015-plan.txt
var JiangmenPlan []byte
