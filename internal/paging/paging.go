// Package paging cuts a long list (督办, 台账) into pages of PageSize rows,
// for the services that load the shown page's details and the views that
// link the pages.
package paging

import "strconv"

// PageSize is the number of rows a long list shows per page.
const PageSize = 50

// Of clamps a requested page number (from the URL, any text) to the pages
// that total rows fill and returns it, the page count and the rows
// [from, to) it shows.
func Of(requested string, total int) (no, pages, from, to int) {
	pages = max(1, (total+PageSize-1)/PageSize)
	no = 1
	if n, err := strconv.Atoi(requested); err == nil && n > 1 {
		no = min(n, pages)
	}
	from = (no - 1) * PageSize
	return no, pages, min(from, total), min(total, from+PageSize)
}

// Runs splits items into runs of consecutive items with the same key,
// keeping their order: the domain groups of a list in plan order.
func Runs[T any, K comparable](items []T, key func(T) K) [][]T {
	var out [][]T
	for i, it := range items {
		if i == 0 || key(items[i-1]) != key(it) {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], it)
	}
	return out
}
