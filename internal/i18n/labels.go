package i18n

import (
	"context"
	"fmt"
)

// PeriodLabel renders a stored period label (2014Q3 or 2014-07) in the
// request's language.
func PeriodLabel(ctx context.Context, label string) string {
	var y, n int
	if _, err := fmt.Sscanf(label, "%dQ%d", &y, &n); err == nil {
		return T(ctx, "period.quarter", y, n)
	}
	if _, err := fmt.Sscanf(label, "%d-%d", &y, &n); err == nil {
		return T(ctx, "period.month", y, n)
	}
	return label
}
