package planparse

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// largeInputs are large, hostile uploads; scale multiplies their size.
func largeInputs(scale int) map[string]string {
	cn := []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
	var many strings.Builder // 99 sections × 10 domains × 10 measures at scale 10
	for s := 1; s <= 10*scale-1; s++ {
		fmt.Fprintf(&many, "%s、任务%d。", cnNumber(s), s)
		for d := 0; d < 10; d++ {
			fmt.Fprintf(&many, "(%s)领域。", cn[d])
			for m := 1; m <= 10; m++ {
				fmt.Fprintf(&many, "%d.措施覆盖率达到9%d%%,新增就业%d万人。", m, m%10, m)
			}
			many.WriteString("〔牵头单位:市甲局;责任单位:各区、县级市,市乙局〕")
		}
	}
	return map[string]string{
		"many labels":            many.String(),
		"one huge measure":       "(一)领域。1." + strings.Repeat("覆盖率达到90%、95%和100%,", 3000*scale) + "〔牵头单位:甲〕",
		"unbalanced brackets":    "(一)领域。1.措施。" + strings.Repeat("(〔牵头单位:(", 5000*scale),
		"numbers without breaks": "(一)领域。1.措施" + strings.Repeat("1%2万人3.5倍", 4000*scale),
		"noise words":            "(一)领域。1." + strings.Repeat("分别", 5000*scale) + "达到5%。",
	}
}

// TestParseLargeInputs checks what the parser makes of large, hostile
// uploads, and that its time grows linearly: each input is parsed at two
// sizes, and the larger (3×) may take at most 6× the smaller (a quadratic
// step would take 9×). The fastest of three runs is compared, so that a
// busy machine slows both sides alike. BenchmarkParseLarge measures speed.
func TestParseLargeInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs are slow in -short mode")
	}
	small, large := largeInputs(1), largeInputs(3)
	fastest := func(text string, runs int) time.Duration {
		best := time.Duration(1<<63 - 1)
		for range runs {
			start := time.Now()
			Parse(text)
			best = min(best, time.Since(start))
		}
		return best
	}
	for name, text := range large {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			p, err := Parse(text)
			tLarge := time.Since(start)
			switch name {
			case "many labels":
				if err != nil {
					t.Fatal(err)
				}
				measures, targets := 0, 0
				for _, d := range p.Domains {
					measures += len(d.Measures)
					for _, m := range d.Measures {
						targets += len(m.Targets)
						if len(m.LeadUnits) != 1 || m.LeadUnits[0] != "市甲局" {
							t.Fatalf("%s%s lead = %q", d.Label, m.Label, m.LeadUnits)
						}
					}
				}
				if len(p.Domains) != 29*10 || measures != 29*100 || targets != 2*measures {
					t.Errorf("%d domains, %d measures, %d targets; want 290, 2900, 5800", len(p.Domains), measures, targets)
				}
			case "one huge measure":
				if err != nil || len(p.Domains) != 1 || len(p.Domains[0].Measures) != 1 {
					t.Fatalf("want one measure, got %v", err)
				}
				if n := len(p.Domains[0].Measures[0].Targets); n < 3*3000*3 {
					t.Errorf("%d targets, want at least %d", n, 3*3000*3)
				}
			default:
				if err != nil {
					t.Logf("%v", err) // refusing is fine; not hanging or panicking is the point
				}
			}
			tSmall, tLarge := fastest(small[name], 3), min(tLarge, fastest(text, 2))
			ratio := float64(tLarge) / float64(max(tSmall, 10*time.Millisecond)) // below 10 ms, noise rules
			t.Logf("%d runes in %v, 3× as many in %v (%.1f×)", len([]rune(small[name])), tSmall, tLarge, ratio)
			if ratio > 6 {
				t.Errorf("3× the input took %.1f× the time: super-linear", ratio)
			}
		})
	}
}

// BenchmarkParseLarge reports the parser's speed on the large inputs at the
// size the old timed test used.
func BenchmarkParseLarge(b *testing.B) {
	for name, text := range largeInputs(10) {
		b.Run(strings.ReplaceAll(name, " ", "-"), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				Parse(text)
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
