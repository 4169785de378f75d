package inbox

import (
	"strconv"
	"strings"

	"duban/internal/model"
	"duban/views/paths"
)

// Link is where a notification leads ("" for nowhere).
func Link(n model.Notification) string { return link(n) }

func link(n model.Notification) string {
	switch n.ObjectType {
	case "report":
		return paths.Report(n.ObjectID)
	case "assignment":
		return paths.Assignment(n.ObjectID)
	case "measure": // 延期申请 and 领导批示: their section of the measure page
		switch {
		case strings.HasPrefix(n.Kind, "extension"):
			return paths.MeasureAt(n.ObjectID, "extensions")
		case strings.HasPrefix(n.Kind, "instruction"):
			return paths.MeasureAt(n.ObjectID, "instructions")
		}
		return paths.Measure(n.ObjectID)
	case "bulletin":
		return paths.Bulletin(n.ObjectID)
	}
	return ""
}

func pageURL(p Page, n int) string {
	u := "/inbox?page=" + strconv.Itoa(n)
	if p.UnreadOnly {
		u += "&unread=1"
	}
	return u
}
