package app_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeListsEveryPackage keeps the README's Architecture section in
// step with the code: every package under internal/ and views/ (test-only
// ones too) has its
// line there, and every line names a package that exists.
func TestReadmeListsEveryPackage(t *testing.T) {
	root := filepath.Join("..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, arch, ok := strings.Cut(string(readme), "## Architecture")
	if !ok {
		t.Fatal("README.md has no Architecture section")
	}
	arch, _, _ = strings.Cut(arch, "\n## ")
	listed := map[string]bool{}
	for _, line := range strings.Split(arch, "\n") {
		if f := strings.Fields(line); len(f) > 0 && (strings.HasPrefix(f[0], "internal/") || strings.HasPrefix(f[0], "views/")) {
			listed[strings.TrimSuffix(f[0], "/")] = true
		}
	}
	packages := map[string]bool{}
	for _, top := range []string{"internal", "views"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") {
				return nil
			}
			rel, err := filepath.Rel(root, filepath.Dir(path))
			packages[filepath.ToSlash(rel)] = true
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(packages) < 30 {
		t.Fatalf("found only %d packages", len(packages))
	}
	for p := range packages {
		if !listed[p] {
			t.Errorf("package %s is missing from the README's Architecture section", p)
		}
	}
	for p := range listed {
		if !packages[p] {
			t.Errorf("the README's Architecture section lists %s, which is not a package", p)
		}
	}
}
