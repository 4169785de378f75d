// Package static embeds the portal's CSS, images and the few lines of own
// JavaScript, and gives them content-hashed URLs so they can be cached for a
// year and still change on every release.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"sync"
)

//go:embed css img js
var FS embed.FS

var (
	once   sync.Once
	hashes map[string]string
)

func manifest() map[string]string {
	once.Do(func() {
		hashes = map[string]string{}
		_ = fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := FS.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			hashes[p] = hex.EncodeToString(sum[:])[:12]
			return nil
		})
	})
	return hashes
}

// URL returns the cache-busting URL of an embedded file, e.g.
// URL("css/app.css") = "/static/css/app.css?v=1a2b3c4d5e6f".
func URL(name string) string {
	if h, ok := manifest()[name]; ok {
		return "/static/" + name + "?v=" + h
	}
	return "/static/" + name
}
