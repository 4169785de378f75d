// Package i18n is the message catalog: every UI string has a key and a
// zh-CN and an en text. Catalog files live in locales/*.json, one per area of
// the portal, as {"key": {"zh": "…", "en": "…"}}.
package i18n

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

// Locales.
const (
	ZH = "zh-CN"
	EN = "en"
)

// Locales lists the supported locales, default first.
var Locales = []string{ZH, EN}

//go:embed locales/*.json
var files embed.FS

type entry struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// Catalog maps keys to texts.
type Catalog struct {
	m map[string]entry
}

// Load reads every catalog file; a key defined twice or missing a text is an
// error, so a broken catalog fails at start and in tests.
func Load() (*Catalog, error) {
	c := &Catalog{m: map[string]entry{}}
	names, err := fs.Glob(files, "locales/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var part map[string]entry
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", n, err)
		}
		for k, v := range part {
			if _, dup := c.m[k]; dup {
				return nil, fmt.Errorf("catalog %s: key %q defined twice", n, k)
			}
			if v.ZH == "" || v.EN == "" {
				return nil, fmt.Errorf("catalog %s: key %q lacks a zh or en text", n, k)
			}
			c.m[k] = v
		}
	}
	return c, nil
}

var (
	defaultOnce sync.Once
	defaultCat  *Catalog
)

// Default is the embedded catalog, loaded once. It panics on a broken
// catalog file, which TestCatalog catches before any release.
func Default() *Catalog {
	defaultOnce.Do(func() {
		c, err := Load()
		if err != nil {
			panic(err)
		}
		defaultCat = c
	})
	return defaultCat
}

// Has reports whether key is in the catalog.
func (c *Catalog) Has(key string) bool { _, ok := c.m[key]; return ok }

// Keys returns every key, sorted.
func (c *Catalog) Keys() []string {
	out := make([]string, 0, len(c.m))
	for k := range c.m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Text returns the text of key in locale, formatted with args
// (fmt verbs). An unknown key is shown as itself so it is noticed.
func (c *Catalog) Text(locale, key string, args ...any) string {
	e, ok := c.m[key]
	if !ok {
		return key
	}
	s := e.ZH
	if locale == EN {
		s = e.EN
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Normalize maps an Accept-Language-ish or cookie value to a locale.
func Normalize(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if strings.HasPrefix(s, "en") {
		return EN
	}
	return ZH
}

type ctxKey struct{}

// WithLocale stores the request's locale.
func WithLocale(ctx context.Context, locale string) context.Context {
	return context.WithValue(ctx, ctxKey{}, locale)
}

// Locale returns the request's locale (zh-CN by default).
func Locale(ctx context.Context) string {
	if l, ok := ctx.Value(ctxKey{}).(string); ok {
		return l
	}
	return ZH
}

// T translates key for the request in ctx.
func T(ctx context.Context, key string, args ...any) string {
	return Default().Text(Locale(ctx), key, args...)
}
