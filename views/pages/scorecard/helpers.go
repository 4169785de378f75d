// Package scorecard is the unit scorecard page (评价).
package scorecard

func ariaSort(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func arrow(s string) string {
	switch s {
	case "ascending":
		return " ▲"
	case "descending":
		return " ▼"
	}
	return ""
}
