package figures

import (
	"cmp"
	"slices"
)

// scoreSorts is the allow-list of scorecard sort keys; the sort happens in
// Go on the computed figures, never in SQL.
var scoreSorts = map[string]func(a, b Score) int{
	"unit":        func(a, b Score) int { return 0 }, // the scorecard's own unit order
	"on_time":     func(a, b Score) int { return cmp.Compare(a.OnTimeRate(), b.OnTimeRate()) },
	"return":      func(a, b Score) int { return cmp.Compare(a.ReturnRate(), b.ReturnRate()) },
	"outstanding": func(a, b Score) int { return cmp.Compare(a.Outstanding, b.Outstanding) },
	"closed":      func(a, b Score) int { return cmp.Compare(a.Closed, b.Closed) },
}

// ScoreSortKeys are the keys SortScores takes.
func ScoreSortKeys() []string {
	keys := make([]string, 0, len(scoreSorts))
	for k := range scoreSorts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// SortScores orders a scorecard by an allow-listed key, descending when
// desc; false (and nothing changed) for a key not on the list.
func SortScores(scores []Score, key string, desc bool) bool {
	less, ok := scoreSorts[key]
	if !ok {
		return false
	}
	slices.SortStableFunc(scores, func(a, b Score) int {
		if desc {
			return less(b, a)
		}
		return less(a, b)
	})
	if desc && key == "unit" {
		slices.Reverse(scores)
	}
	return true
}
