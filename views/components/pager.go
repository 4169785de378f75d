package components

import (
	"net/url"
	"strconv"
)

// PageSize is the number of rows a long list (督办, 台账) shows per page.
const PageSize = 50

// Pager is the page navigation of a long list. Every link is the list's
// own URL with its filters and another page number, so paging works
// without JavaScript and a page can be bookmarked.
type Pager struct {
	PageNo, Pages int
	Prev, Next    string     // "" on the first or last page
	Links         []PageLink // page numbers around the current one, gaps between
}

// PageLink is one entry of the page numbers; Gap stands for skipped pages.
type PageLink struct {
	No  int
	URL string
	Gap bool
}

// PageOf clamps a requested page number (from the URL, any text) to the
// pages that total rows fill and returns it, the page count and the rows
// [from, to) it shows.
func PageOf(requested string, total int) (no, pages, from, to int) {
	pages = max(1, (total+PageSize-1)/PageSize)
	no = 1
	if n, err := strconv.Atoi(requested); err == nil && n > 1 {
		no = min(n, pages)
	}
	from = (no - 1) * PageSize
	return no, pages, min(from, total), min(total, from+PageSize)
}

// NewPager builds the navigation of page no of pages for the list at
// path with the query q (its filters; any page parameter is replaced).
// It names the first and last page and two either side of the current.
func NewPager(path string, q url.Values, no, pages int) Pager {
	return NewPagerParam(path, q, "page", no, pages)
}

// NewPagerParam is NewPager for a list whose page number is the query
// parameter param (a page with two paged lists).
func NewPagerParam(path string, q url.Values, param string, no, pages int) Pager {
	p := Pager{PageNo: no, Pages: pages}
	link := func(n int) string {
		v := url.Values{}
		for k, x := range q {
			v[k] = x
		}
		v.Del(param)
		if n > 1 {
			v.Set(param, strconv.Itoa(n))
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	if no > 1 {
		p.Prev = link(no - 1)
	}
	if no < pages {
		p.Next = link(no + 1)
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < no-2 || n > no+2) {
			continue
		}
		if last != 0 && n > last+1 {
			p.Links = append(p.Links, PageLink{Gap: true})
		}
		p.Links = append(p.Links, PageLink{No: n, URL: link(n)})
		last = n
	}
	return p
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
