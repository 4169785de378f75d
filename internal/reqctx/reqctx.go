// Package reqctx carries what every page needs to know about the request
// (who is logged in, the CSRF token, the CSP nonce, the flash message) from
// the middleware to the templ components, through typed getters.
package reqctx

import (
	"context"
	"time"

	"duban/internal/model"
)

// Flash is a one-time message shown after a redirect. Key is a catalog key.
type Flash struct {
	Kind string // ok, error, info
	Key  string
}

// Info is the per-request state the layout and components read.
type Info struct {
	User      *model.User
	UnitName  string
	CSRF      string
	Nonce     string
	Flash     *Flash
	Demo      bool
	Secure    bool // served over HTTPS (--secure): cookies are Secure
	Now       time.Time
	Path      string
	NeedSetup bool // no admin exists yet: the login page says how to make one
	Unread    int  // unread notifications, for the navigation
	Todo      int  // open to-do items (待办), for the navigation
	// Nav is the user's main navigation, derived from the route table.
	Nav []NavLink
	// counts, when set, fills the navigation's counts (Todo); it runs
	// once, when a page is rendered (Counted).
	counts func(*Info)
}

// CountLater has the navigation's counts filled by fill only if the
// request renders a page: a form post that answers with a redirect, the
// usual outcome, never pays for them.
func (i *Info) CountLater(fill func(*Info)) { i.counts = fill }

// Counted fills the counts deferred by CountLater, once; the render
// helper calls it before it renders a page.
func (i *Info) Counted() {
	if f := i.counts; f != nil {
		i.counts = nil
		f(i)
	}
}

// NavLink is one entry of the main navigation.
type NavLink struct {
	Href  string
	Key   string // catalog key of the label
	Badge func(*Info) int
}

// BadgeCount is the number shown beside the entry (0: none).
func (l NavLink) BadgeCount(i *Info) int {
	if l.Badge == nil {
		return 0
	}
	return l.Badge(i)
}

type key struct{}

// With stores info in ctx.
func With(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, key{}, info)
}

// Get returns the request's info; never nil.
func Get(ctx context.Context) *Info {
	if i, ok := ctx.Value(key{}).(*Info); ok && i != nil {
		return i
	}
	return &Info{}
}

// User returns the logged-in user or nil.
func User(ctx context.Context) *model.User { return Get(ctx).User }

// CSRF returns the token for hidden form fields.
func CSRF(ctx context.Context) string { return Get(ctx).CSRF }

// Nonce returns the CSP nonce for inline scripts and styles.
func Nonce(ctx context.Context) string { return Get(ctx).Nonce }
