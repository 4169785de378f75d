// Package pagecheck_test drives Chromium over the pages people use: the
// layout at phone and laptop widths, and axe-core's accessibility rules.
// It is a package of its own so that its minutes of browser work have
// their own test timeout and run beside the other packages' tests.
package pagecheck_test

import (
	"os"
	"testing"
)

// screenshotDir is DUBAN_SCREENSHOTS when set, else a temporary directory.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("DUBAN_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
