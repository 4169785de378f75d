// Package pagecheck_test drives Chromium over the pages people use: the
// layout at phone and laptop widths, and axe-core's accessibility rules.
// It is a package of its own so that its minutes of browser work have
// their own test timeout and run beside the other packages' tests.
package pagecheck_test
