package periods

import (
	"testing"
	"time"

	"duban/internal/clock"
)

func d(s string) time.Time {
	t, _ := time.ParseInLocation(time.DateOnly, s, clock.Zone)
	return t
}

func TestGenerate(t *testing.T) {
	tests := []struct {
		name       string
		start, end string
		cycle      string
		due        int
		labels     []string
		firstStart string
		firstDue   string
		lastEnd    string
	}{
		{"jiangmen quarterly", "2014-06-17", "2015-12-31", Quarterly, 5,
			[]string{"2014Q3", "2014Q4", "2015Q1", "2015Q2", "2015Q3", "2015Q4"}, "2014-06-17", "2014-10-05", "2015-12-31"},
		{"monthly", "2015-01-01", "2015-03-31", Monthly, 10,
			[]string{"2015-01", "2015-02", "2015-03"}, "2015-01-01", "2015-02-10", "2015-03-31"},
		{"quarter start no stub", "2015-04-01", "2015-09-30", Quarterly, 5,
			[]string{"2015Q2", "2015Q3"}, "2015-04-01", "2015-07-05", "2015-09-30"},
		{"short plan keeps its only stub", "2015-12-20", "2015-12-31", Quarterly, 5,
			[]string{"2015Q4"}, "2015-12-20", "2016-01-05", "2015-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := Generate(d(tt.start), d(tt.end), tt.cycle, tt.due)
			if err != nil {
				t.Fatal(err)
			}
			var labels []string
			for i, p := range ps {
				labels = append(labels, p.Label)
				if p.Seq != i+1 {
					t.Errorf("seq %d at %d", p.Seq, i)
				}
				if i > 0 && !p.StartsOn.Equal(ps[i-1].EndsOn.AddDate(0, 0, 1)) {
					t.Errorf("gap before %s", p.Label)
				}
			}
			if len(labels) != len(tt.labels) {
				t.Fatalf("labels = %v, want %v", labels, tt.labels)
			}
			for i := range labels {
				if labels[i] != tt.labels[i] {
					t.Fatalf("labels = %v, want %v", labels, tt.labels)
				}
			}
			if !ps[0].StartsOn.Equal(d(tt.firstStart)) || !ps[0].DueOn.Equal(d(tt.firstDue)) || !ps[len(ps)-1].EndsOn.Equal(d(tt.lastEnd)) {
				t.Fatalf("first %s..due %s, last ends %s", ps[0].StartsOn, ps[0].DueOn, ps[len(ps)-1].EndsOn)
			}
		})
	}
	if _, err := Generate(d("2015-01-01"), d("2014-01-01"), Quarterly, 5); err == nil {
		t.Error("end before start accepted")
	}
	if _, err := Generate(d("2014-01-01"), d("2015-01-01"), "weekly", 5); err == nil {
		t.Error("unknown cycle accepted")
	}
}

func TestCurrent(t *testing.T) {
	ps, _ := Generate(d("2014-06-17"), d("2015-12-31"), Quarterly, 5)
	tests := []struct {
		now, want string
	}{
		{"2015-04-03", "2015Q1"}, // Q1 ended, due 04-05: that report is the one to do
		{"2015-04-06", "2015Q2"}, // past due: work moves on to the running quarter
		{"2014-07-15", "2014Q3"},
		{"2016-03-01", "2015Q4"},
	}
	for _, tt := range tests {
		i := Current(ps, d(tt.now).Add(9*time.Hour))
		if i < 0 || ps[i].Label != tt.want {
			t.Errorf("Current(%s) = %d, want %s", tt.now, i, tt.want)
		}
	}
	if Current(ps, d("2014-01-01")) != -1 {
		t.Error("before the plan there is no current period")
	}
}
