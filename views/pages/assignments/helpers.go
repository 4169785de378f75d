package assignments

import (
	"fmt"
	"time"
)

func measureURL(id int64) string { return fmt.Sprintf("/measures/%d", id) }

// dueOf is the assignment's deadline: an approved extension's date, else
// the measure's.
func dueOf(p Page) time.Time {
	if p.Row.DueOn != nil {
		return *p.Row.DueOn
	}
	return p.Measure.DueOn
}
