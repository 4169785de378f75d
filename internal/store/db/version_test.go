package db

import "testing"

func TestVersionLess(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"3.51.2", "3.51.3", true},
		{"3.51.3", "3.51.3", false},
		{"3.54.1", "3.51.3", false},
		{"3.9.0", "3.51.3", true},
		{"4.0", "3.51.3", false},
	}
	for _, tt := range tests {
		t.Run(tt.a, func(t *testing.T) {
			if got := versionLess(tt.a, tt.b); got != tt.want {
				t.Errorf("versionLess(%s, %s) = %v", tt.a, tt.b, got)
			}
		})
	}
}
