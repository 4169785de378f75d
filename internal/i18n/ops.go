package i18n

// TargetOps is the allow-list of target operators, in the order the edit
// forms offer them, with the catalog key of each in words (不低于, 超过, …).
var TargetOps = []struct{ Op, Key string }{
	{">=", "plans.op.ge"}, {">", "plans.op.gt"}, {"<=", "plans.op.le"},
	{"<", "plans.op.lt"}, {"=", "plans.op.eq"}, {"~", "plans.op.about"},
}

// OpKey is the catalog key of a target operator in words; an operator not
// in TargetOps has the key plans.op.unknown.
func OpKey(op string) string {
	for _, o := range TargetOps {
		if o.Op == op {
			return o.Key
		}
	}
	return "plans.op.unknown"
}

// ValidOp reports whether op is one of TargetOps.
func ValidOp(op string) bool { return OpKey(op) != "plans.op.unknown" }
