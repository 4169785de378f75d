package assignments

import "fmt"

func measureURL(id int64) string { return fmt.Sprintf("/measures/%d", id) }
