package app_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestGormOnlyInStore keeps GORM behind the store: no non-test Go file of
// the module outside internal/store imports gorm.io/...;
// the others reach the database through store methods, and the
// transaction travels in the context (store.WithTx).
func TestGormOnlyInStore(t *testing.T) {
	root := filepath.Join("..", "..")
	store := filepath.Join(root, "internal", "store") + string(filepath.Separator)
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasPrefix(path, store) {
			return nil
		}
		files++
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			if p == "gorm.io" || strings.HasPrefix(p, "gorm.io/") {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s imports %s: only internal/store may use GORM", filepath.ToSlash(rel), p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("parsed only %d files", files)
	}
}
