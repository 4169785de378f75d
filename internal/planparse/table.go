package planparse

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A task list (任务清单 / 任务分解表 / 分工表) is a table with one task per row
// and columns named 序号, 重点任务, 牵头单位, 责任单位, 完成时限 and, often, a
// grouping column (领域, 类别). renderTaskTable turns it into the outline
// text the parser reads — a part per group, a numbered measure per row, its
// units and deadline on lines of their own — so a table and a 公文 go
// through one parser and every measure keeps its own cell as source text.

// column roles of a task list.
type colRole int

const (
	colNone colRole = iota
	colNumber
	colGroup
	colTask
	colLead
	colResp
	colDue
)

// headerNames maps header words to roles, checked in order.
var headerNames = []struct {
	words []string
	role  colRole
}{
	{[]string{"序号", "编号"}, colNumber},
	{[]string{"领域", "类别", "板块", "分类", "方面", "专项"}, colGroup},
	{[]string{"牵头"}, colLead},
	{[]string{"责任单位", "责任部门", "配合", "协办", "参与", "协助", "责任主体", "实施单位"}, colResp},
	{[]string{"完成时限", "时间节点", "完成时间", "时限", "完成期限", "时间要求", "进度安排", "时间安排"}, colDue},
	{[]string{"任务", "措施", "工作内容", "工作事项", "重点工作", "具体工作"}, colTask},
}

// table is a grid of cell texts, merged cells already filled in.
type table struct {
	name string // sheet name or "table 2", for warnings
	rows [][]string
}

type taskHeader struct {
	row      int
	cols     []colRole
	respName []string // the header text of each responsible column
}

// findTaskHeader returns the header row of a task list among the first rows
// of t, or ok false.
func findTaskHeader(t table) (h taskHeader, ok bool) {
	for r := 0; r < len(t.rows) && r < 12; r++ {
		cols := make([]colRole, len(t.rows[r]))
		names := make([]string, len(t.rows[r]))
		has := map[colRole]bool{}
		for c, cell := range t.rows[r] {
			name := strings.Join(strings.Fields(cell), "")
			name = strings.NewReplacer("(", "", ")", "", "（", "", "）", "").Replace(name)
			if name == "" || runeLen(name) > 14 {
				continue
			}
			for _, hn := range headerNames {
				if containsAny(name, hn.words) {
					cols[c], names[c] = hn.role, name
					has[hn.role] = true
					break
				}
			}
		}
		if has[colTask] && (has[colLead] || has[colResp]) {
			return taskHeader{row: r, cols: cols, respName: names}, true
		}
	}
	return taskHeader{}, false
}

var (
	reLeadingLabel = regexp.MustCompile(`^\s*(?:\d{1,3}\s*[.、．]|[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*、)\s*`)
	reGroupLabel   = regexp.MustCompile(`^\s*(?:[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*、)\s*\S`)
	reCNNumeral    = regexp.MustCompile(`^[一二三四五六七八九十]{1,3}$`)
)

// renderTaskTable renders the rows below the header as outline text. It
// returns the text and warnings naming rows it could not read.
func renderTaskTable(t table, h taskHeader) (string, []string) {
	var b strings.Builder
	var warnings []string
	cell := func(row []string, c int) string {
		if c < len(row) {
			return strings.TrimSpace(row[c])
		}
		return ""
	}
	joinCol := func(row []string, role colRole, sep string) string {
		var parts []string
		for c, r := range h.cols {
			if r == role {
				if v := oneLine(cell(row, c), sep); v != "" && !contains(parts, v) {
					parts = append(parts, v)
				}
			}
		}
		return strings.Join(parts, sep)
	}
	group, groups, n := "\x00", 0, 0
	for r := h.row + 1; r < len(t.rows); r++ {
		row := t.rows[r]
		if rowBlank(row) {
			continue
		}
		num := joinCol(row, colNumber, "")
		task := joinCol(row, colTask, " ")
		lead := joinCol(row, colLead, "、")
		g := joinCol(row, colGroup, " ")
		// A row that only names a group (一 | 产业发展 | | |) opens a part.
		if reCNNumeral.MatchString(num) || (lead == "" && joinCol(row, colResp, "、") == "" && task != "" && sameCells(row)) {
			if task == "" {
				task = g
			}
			if task != "" {
				g = task
				task = ""
			}
		}
		if g != "" && g != group {
			group = g
			groups++
			n = 0
			if reGroupLabel.MatchString(g) {
				fmt.Fprintf(&b, "\n%s\n", g) // the group's own label: (一)公共教育
			} else {
				fmt.Fprintf(&b, "\n%s、%s\n", cnNumeral(groups), strings.TrimSpace(reLeadingLabel.ReplaceAllString(g, "")))
			}
		}
		if task == "" {
			if num != "" && !reCNNumeral.MatchString(num) || lead != "" {
				warnings = append(warnings, fmt.Sprintf("row %d of %s has no task text; it was left out", r+1, t.name))
			}
			continue
		}
		n++
		label := n
		if v, err := strconv.ParseFloat(strings.TrimSuffix(num, "."), 64); err == nil && v >= 1 && v < 1000 && v == float64(int(v)) {
			label = int(v)
		}
		task = reLeadingLabel.ReplaceAllString(task, "")
		sep := "."
		if task != "" && isDigit(rune(task[0])) {
			sep = ". " // 5. 65岁以上…: not the decimal 5.65
		}
		fmt.Fprintf(&b, "%d%s%s\n", label, sep, task)
		if lead != "" {
			fmt.Fprintf(&b, "牵头单位:%s\n", lead)
		}
		for c, role := range h.cols {
			if role != colResp {
				continue
			}
			if v := oneLine(cell(row, c), "、"); v != "" {
				name := "责任单位"
				for _, x := range []string{"配合单位", "协办单位", "参与单位", "配合部门", "协办部门", "责任部门"} {
					if strings.Contains(h.respName[c], x) {
						name = x
					}
				}
				fmt.Fprintf(&b, "%s:%s\n", name, v)
			}
		}
		if due := joinCol(row, colDue, ";"); due != "" {
			fmt.Fprintf(&b, "完成时限:%s\n", due)
		}
	}
	return b.String(), warnings
}

// oneLine joins the lines of a multi-line cell: unit lists with sep, text
// with a space.
func oneLine(s, sep string) string {
	var parts []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	if sep == "、" {
		for i, p := range parts {
			parts[i] = strings.Trim(p, ",，;；、")
		}
	}
	return strings.Join(parts, sep)
}

func rowBlank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// sameCells reports whether every non-empty cell of row holds the same
// text: a title merged across the row.
func sameCells(row []string) bool {
	v := ""
	for _, c := range row {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if v != "" && c != v {
			return false
		}
		v = c
	}
	return v != ""
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// cnNumeral writes 1–99 as 一…九十九.
func cnNumeral(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + digits[n-10]
	case n < 100:
		return digits[n/10] + "十" + digits[n%10]
	}
	return strconv.Itoa(n)
}

// tableText renders a table that is not a task list as lines of cells.
func tableText(t table) string {
	var b strings.Builder
	for _, row := range t.rows {
		var cells []string
		for _, c := range row {
			if c = oneLine(c, " "); c != "" && (len(cells) == 0 || cells[len(cells)-1] != c) {
				cells = append(cells, c)
			}
		}
		if len(cells) > 0 {
			b.WriteString(strings.Join(cells, " "))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// titleAbove returns a title row above the header (任务分解表 merged across
// the columns), or "".
func titleAbove(t table, h taskHeader) string {
	for r := h.row - 1; r >= 0; r-- {
		if sameCells(t.rows[r]) {
			return oneLine(firstCell(t.rows[r]), "")
		}
	}
	return ""
}

func firstCell(row []string) string {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return c
		}
	}
	return ""
}
