package config

import (
	"strings"
	"testing"
	"time"
)

// TestMalformedEnvironmentIsAnError: a DUBAN_* value that does not parse
// stops the start instead of quietly becoming the default.
func TestMalformedEnvironmentIsAnError(t *testing.T) {
	tests := []struct {
		env, value string
		wantErr    bool
		check      func(*Config) bool
	}{
		{"DUBAN_SECURE", "yes", false, func(c *Config) bool { return c.Secure }},
		{"DUBAN_SECURE", "ON", false, func(c *Config) bool { return c.Secure }},
		{"DUBAN_SECURE", "0", false, func(c *Config) bool { return !c.Secure }},
		{"DUBAN_SECURE", "yse", true, nil},
		{"DUBAN_DEMO", "maybe", true, nil},
		{"DUBAN_MAX_UPLOAD_MB", "20MB", true, nil},
		{"DUBAN_MAX_UPLOAD_MB", "50", false, func(c *Config) bool { return c.MaxUploadMB == 50 }},
		{"DUBAN_API_RATE", "0", true, nil},
		{"DUBAN_API_RATE", "200", false, func(c *Config) bool { return c.APIRate == 200 }},
		{"DUBAN_SESSION_IDLE", "30", true, nil},
		{"DUBAN_SESSION_IDLE", "10m", false, func(c *Config) bool { return c.SessionIdle == 10*time.Minute }},
		{"DUBAN_SESSION_MAX", "-1h", true, nil},
		{"DUBAN_LOG_FORMAT", "xml", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.env+"="+tt.value, func(t *testing.T) {
			t.Setenv(tt.env, tt.value)
			fs, c, finish := FlagSet("test")
			if err := fs.Parse(nil); err != nil {
				t.Fatal(err)
			}
			err := finish()
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), tt.env) && !strings.Contains(err.Error(), "--") {
					t.Fatalf("finish() = %v, want an error naming %s", err, tt.env)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Fatalf("%s=%s was not applied: %+v", tt.env, tt.value, c)
			}
		})
	}
}
