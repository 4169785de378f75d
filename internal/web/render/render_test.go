package render

import "testing"

func TestSafeNext(t *testing.T) {
	tests := []struct {
		next, want string
	}{
		{"", "/"},
		{"/", "/"},
		{"/admin/users?role=unit", "/admin/users?role=unit"},
		{"/supervision?light=red#row-3", "/supervision?light=red#row-3"},
		{"/measures/7", "/measures/7"},
		{"/plans/1?q=%E6%95%99%E8%82%B2", "/plans/1?q=%E6%95%99%E8%82%B2"},
		{"//evil.example/x", "/"},
		{"/\\evil.example/x", "/"},
		{"/\t/evil.example/x", "/"}, // browsers drop the tab: //evil.example/x
		{"/\r/evil.example/x", "/"},
		{"/\n/evil.example/x", "/"},
		{"/x\\y", "/"},
		{"/\x00/evil.example", "/"},
		{"/\x7f/evil.example", "/"},
		{"/\u202e/evil.example", "/"}, // a format character
		{"https://evil.example/", "/"},
		{"http:/evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{" /x", "/"},
		{"evil.example", "/"},
		{"/%2F%2Fevil.example", "/"},
		{"/\xff", "/"},
	}
	for _, tt := range tests {
		if got := SafeNext(tt.next); got != tt.want {
			t.Errorf("SafeNext(%q) = %q, want %q", tt.next, got, tt.want)
		}
	}
}
