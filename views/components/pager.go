package components

import (
	"net/url"
	"strconv"
)

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
