// Package print holds the print views (A4, no navigation) of the overview
// and of a measure.
package print

import (
	"context"

	"duban/internal/reqctx"
)

func stateClass(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func printedBy(ctx context.Context) string {
	u := reqctx.User(ctx)
	if u == nil {
		return ""
	}
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}
