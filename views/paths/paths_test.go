package paths_test

import (
	"testing"

	"duban/views/paths"
)

// The paths must match the route table's patterns (the route×role matrix
// and the page tests follow these links through the real router).
func TestPaths(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{paths.Assignment(7), "/assignments/7"},
		{paths.ReportForm(7, 3), "/assignments/7/periods/3"},
		{paths.Report(9), "/reports/9"},
		{paths.ReportVersion(9, 2), "/reports/9/versions/2"},
		{paths.Attachment(4), "/attachments/4"},
		{paths.Measure(5), "/measures/5"},
		{paths.Bulletin(6), "/bulletins/6"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
