package i18n

import (
	"context"
	"testing"
)

func TestCatalogLoadsAndTranslates(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Keys()) < 20 {
		t.Fatalf("catalog has only %d keys", len(c.Keys()))
	}
	tests := []struct{ locale, want string }{
		{ZH, "督办"},
		{EN, "Duban"},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			if got := T(WithLocale(context.Background(), tt.locale), "app.name"); got != tt.want {
				t.Errorf("app.name in %s = %q, want %q", tt.locale, got, tt.want)
			}
		})
	}
	if got := c.Text(ZH, "no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key = %q", got)
	}
	if Normalize("en-US") != EN || Normalize("zh-CN") != ZH || Normalize("") != ZH {
		t.Error("Normalize maps locales wrongly")
	}
}
