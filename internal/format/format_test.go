package format

import (
	"testing"
	"time"

	"duban/internal/clock"
)

func TestNumbers(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Num(93), "93"},
		{Num(88.5), "88.5"},
		{Num(1.25), "1.25"},
		{Num(-3), "-3"},
		{NumPtr(nil), ""},
		{NumPtr(new(float64)), "0"},
		{Pct(66.6), "67%"},
		{Pct(62.5), "63%"},
		{Pct(0), "0%"},
		{Pct(100), "100%"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestTargets(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Op(">="), "≥"},
		{Op("<="), "≤"},
		{Op("~"), "≈"},
		{Op("="), "="},
		{Goal(">=", 93, "%"), "≥ 93%"},
		{Goal("<=", 1.5, ""), "≤ 1.5"},
		{Target("学前三年毛入园率", ">=", 93, "%"), "学前三年毛入园率 ≥ 93%"},
		{Target("城镇新增就业残疾人", ">=", 600, "名"), "城镇新增就业残疾人 ≥ 600名"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestDates(t *testing.T) {
	at := time.Date(2015, 4, 2, 17, 30, 0, 0, time.UTC) // 01:30 the next day in the portal's zone
	if got := Date(at); got != at.In(clock.Zone).Format(time.DateOnly) {
		t.Errorf("Date = %q", got)
	}
	if got := DateTime(at); got != at.In(clock.Zone).Format("2006-01-02 15:04") {
		t.Errorf("DateTime = %q", got)
	}
	if Date(time.Time{}) != "" || DateTime(time.Time{}) != "" || DateTimePtr(nil) != "" || DateTimePtr(&at) != DateTime(at) {
		t.Error("zero and nil times are not empty")
	}
}

func TestCitation(t *testing.T) {
	for _, tc := range []struct{ domain, measure, want string }{
		{"(一)", "3.", "(一)3"},
		{"(一)", "3", "(一)3"},
		{"（二）", "12．", "（二）12"},
		{"二(一)", "1、", "二(一)1"},
		{"", "3.", "3"},
		{" (三) ", " 4. ", "(三)4"},
		{"(十)", "12、", "(十)12"},
		{"(二)", "(三)", "(二)(三)"},
		{"(一)", "1．", "(一)1"},
	} {
		if got := Citation(tc.domain, tc.measure); got != tc.want {
			t.Errorf("Citation(%q, %q) = %q, want %q", tc.domain, tc.measure, got, tc.want)
		}
	}
	if got := MeasureName("(一)", "3.", "推进义务教育均衡发展"); got != "(一)3 推进义务教育均衡发展" {
		t.Errorf("MeasureName = %q", got)
	}
	if got := MeasureName("", "", "无编号措施"); got != "无编号措施" {
		t.Errorf("MeasureName without labels = %q", got)
	}
}
