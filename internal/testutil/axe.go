package testutil

import (
	"context"
	_ "embed"
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
)

// axeScript is axe-core, vendored from npm (testdata/axe-core/README.md).
// Only tests link this package, so the portal never serves it.
//
//go:embed testdata/axe-core/axe.min.js
var axeScript string

// AxeViolation is one rule that axe-core found broken on a page, with the
// elements that break it.
type AxeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
		Fail   string `json:"failureSummary"`
	} `json:"nodes"`
}

// String names the rule, its impact and the first few elements.
func (v AxeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s, %d nodes): %s", v.ID, v.Impact, len(v.Nodes), v.Help)
	for i, n := range v.Nodes {
		if i == 3 {
			b.WriteString("\n    …")
			break
		}
		fmt.Fprintf(&b, "\n    %v %s", n.Target, n.HTML)
		if n.Fail != "" {
			fmt.Fprintf(&b, "\n      %s", strings.ReplaceAll(n.Fail, "\n", " "))
		}
	}
	return b.String()
}

// Axe injects axe-core into the page open in the tab (once per page: the
// script is re-sent only after a navigation) and returns the violations of
// the WCAG 2.x A/AA rules and axe's best practices. DevTools evaluation is
// not subject to the page's Content-Security-Policy, so the portal's CSP
// stays as strict as it is for users.
func Axe(ctx context.Context) ([]AxeViolation, error) {
	ctx, cancel := context.WithTimeout(ctx, 4*BrowserTimeout)
	defer cancel()
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err != nil {
		return nil, err
	}
	if !loaded {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axeScript)); err != nil {
			return nil, fmt.Errorf("inject axe-core: %w", err)
		}
	}
	// Rows past the 20th of a table come from the same template as the
	// first 20; skipping them keeps a 500-row list from taking minutes.
	return chromedp.Run(ctx, chromedp.Evaluate[[]AxeViolation](`(() => {
  document.querySelectorAll("tbody > tr:nth-child(n+21)").forEach(tr => tr.setAttribute("data-axe-skip", ""));
  return axe.run({exclude: [["[data-axe-skip]"]]}, {resultTypes: ["violations"]}).then(r => r.violations);
})()`, chromedp.EvalAwaitPromise))
}
