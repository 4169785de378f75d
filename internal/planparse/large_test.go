package planparse

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestParseLargeInputs guards against super-linear behaviour on large,
// hostile uploads. The bound is generous: a quadratic blow-up on these
// inputs takes minutes, not seconds.
func TestParseLargeInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs are slow in -short mode")
	}
	cn := []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
	var many strings.Builder // 99 sections × 10 domains × 10 measures
	for s := 1; s <= 99; s++ {
		fmt.Fprintf(&many, "%s、任务%d。", cnNumber(s), s)
		for d := 0; d < 10; d++ {
			fmt.Fprintf(&many, "(%s)领域。", cn[d])
			for m := 1; m <= 10; m++ {
				fmt.Fprintf(&many, "%d.措施覆盖率达到9%d%%,新增就业%d万人。", m, m%10, m)
			}
			many.WriteString("〔牵头单位:市甲局;责任单位:各区、县级市,市乙局〕")
		}
	}
	inputs := map[string]string{
		"many labels":            many.String(),
		"one huge measure":       "(一)领域。1." + strings.Repeat("覆盖率达到90%、95%和100%,", 30000) + "〔牵头单位:甲〕",
		"unbalanced brackets":    "(一)领域。1.措施。" + strings.Repeat("(〔牵头单位:(", 50000),
		"numbers without breaks": "(一)领域。1.措施" + strings.Repeat("1%2万人3.5倍", 40000),
		"noise words":            "(一)领域。1." + strings.Repeat("分别", 50000) + "达到5%。",
	}
	for name, text := range inputs {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse(text)
			took := time.Since(start)
			t.Logf("%d runes parsed in %v (err %v)", len([]rune(text)), took, err)
			if took > 10*time.Second {
				t.Errorf("Parse took %v", took)
			}
		})
	}
}

func cnNumber(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + digits[n%10]
	default:
		return digits[n/10] + "十" + digits[n%10]
	}
}
