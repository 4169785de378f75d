package i18n

import (
	"context"
	"duban/internal/format"
	"strconv"
	"strings"
	"time"

	"duban/internal/clock"
	"duban/internal/rules"
)

// Reason renders one structured light reason in the reader's language,
// e.g. 「2014年第4季度报告逾期 88 天未报送」.
func Reason(ctx context.Context, r rules.Reason) string {
	key := "light.reason." + r.Kind
	per := PeriodLabel(ctx, r.Period)
	switch r.Kind {
	case rules.KindOverdue, rules.KindReturnedStale, rules.KindCatchUp:
		return T(ctx, key, per, r.Days)
	case rules.KindReturned:
		if r.Days <= 0 {
			return T(ctx, key+"_today", per)
		}
		return T(ctx, key, per, r.Days)
	case rules.KindDueSoon:
		if r.Days == 0 {
			return T(ctx, key+"_today", per)
		}
		return T(ctx, key, per, MonthDay(ctx, r.Date), r.Days)
	case rules.KindMeasureOverdue, rules.KindInstruction:
		return T(ctx, key, MonthDay(ctx, r.Date), r.Days)
	case rules.KindClosed:
		if r.Date.IsZero() {
			return T(ctx, key+"_plain")
		}
		return T(ctx, key, clock.DayText(r.Date))
	case rules.KindBehindState:
		return T(ctx, key, per)
	case rules.KindBehindSchedule:
		return T(ctx, key, per, r.Percent, r.Behind)
	case rules.KindTargetOffPath:
		return T(ctx, key, r.Indicator, format.Num(r.Actual)+r.Unit, format.Op(r.Op)+format.Num(r.Value)+r.Unit)
	}
	return T(ctx, key)
}

// Reasons joins a light's reasons with the catalog's list separator.
func Reasons(ctx context.Context, rs []rules.Reason) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = Reason(ctx, r)
	}
	return strings.Join(parts, T(ctx, "dash.list_sep"))
}

// MonthDay is a date as 「4月5日」 or "5 Apr".
func MonthDay(ctx context.Context, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(clock.Zone)
	if Locale(ctx) == EN {
		return t.Format("2 Jan")
	}
	return strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
}
