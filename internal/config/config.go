// Package config turns flags and environment variables into one Config.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything a subcommand may need.
type Config struct {
	Addr            string
	DB              string // path of the SQLite file, or a postgres:// URL
	DataDir         string
	Now             string // clock override, e.g. 2015-04-03
	Demo            bool
	Secure          bool // served over HTTPS: Secure cookies, __Host- prefix, HSTS
	TrustedProxies  []*net.IPNet
	SessionIdle     time.Duration
	SessionAbsolute time.Duration
	MaxUploadMB     int64
	APIRate         int64  // JSON API requests per second per token
	SessionKeys     string // comma-separated hex keys, newest first; generated into the data dir when empty
	LogFormat       string // text or json
	// SkipDemoPlan seeds the demo accounts without the bundled plan; tests
	// that bring their own fixture use it (no flag).
	SkipDemoPlan bool
	// SkipDemoHistory seeds the demo plan without its reporting history
	// (tests that do not need it start faster; no flag).
	SkipDemoHistory bool
}

// AttachmentsDir is where evidence files live.
func (c *Config) AttachmentsDir() string { return filepath.Join(c.DataDir, "attachments") }

// FlagSet binds the common flags, each defaulting to its environment
// variable, and returns a finisher that validates the result.
func FlagSet(name string) (*flag.FlagSet, *Config, func() error) {
	c := &Config{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var proxies string
	// A malformed DUBAN_* value is an error at start, never a silent default
	// (DUBAN_SECURE=yse must not give insecure cookies).
	var envErrs []error
	envBool := func(k string, def bool) bool {
		v, err := envBool(k, def)
		envErrs = append(envErrs, err)
		return v
	}
	envInt := func(k string, def int64) int64 {
		v, err := envInt(k, def)
		envErrs = append(envErrs, err)
		return v
	}
	envDuration := func(k string, def time.Duration) time.Duration {
		v, err := envDuration(k, def)
		envErrs = append(envErrs, err)
		return v
	}
	fs.StringVar(&c.Addr, "addr", env("DUBAN_ADDR", "127.0.0.1:8080"), "listen address (DUBAN_ADDR)")
	fs.StringVar(&c.DB, "db", env("DUBAN_DB", ""), "SQLite file or postgres:// URL (DUBAN_DB; default DATA_DIR/duban.db)")
	fs.StringVar(&c.DataDir, "data-dir", env("DUBAN_DATA_DIR", "./data"), "data directory for attachments, keys and the default database (DUBAN_DATA_DIR)")
	fs.StringVar(&c.Now, "now", env("DUBAN_NOW", ""), "clock override, e.g. 2015-04-03 (DUBAN_NOW)")
	fs.BoolVar(&c.Demo, "demo", envBool("DUBAN_DEMO", false), "load the Jiangmen demo plan and demo accounts into an empty database (DUBAN_DEMO)")
	fs.BoolVar(&c.Secure, "secure", envBool("DUBAN_SECURE", false), "the portal is served over HTTPS (DUBAN_SECURE)")
	fs.StringVar(&proxies, "trusted-proxies", env("DUBAN_TRUSTED_PROXIES", ""), "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed (DUBAN_TRUSTED_PROXIES)")
	fs.DurationVar(&c.SessionIdle, "session-idle", envDuration("DUBAN_SESSION_IDLE", 30*time.Minute), "idle session timeout (DUBAN_SESSION_IDLE)")
	fs.DurationVar(&c.SessionAbsolute, "session-max", envDuration("DUBAN_SESSION_MAX", 12*time.Hour), "absolute session lifetime (DUBAN_SESSION_MAX)")
	fs.Int64Var(&c.MaxUploadMB, "max-upload-mb", envInt("DUBAN_MAX_UPLOAD_MB", 20), "largest evidence file in MB (DUBAN_MAX_UPLOAD_MB)")
	fs.Int64Var(&c.APIRate, "api-rate", envInt("DUBAN_API_RATE", 20), "JSON API requests per second per token, with a burst of five seconds' worth (DUBAN_API_RATE)")
	fs.StringVar(&c.SessionKeys, "session-keys", env("DUBAN_SESSION_KEYS", ""), "comma-separated hex session keys, newest first (DUBAN_SESSION_KEYS)")
	fs.StringVar(&c.LogFormat, "log-format", env("DUBAN_LOG_FORMAT", "text"), "log format: text or json (DUBAN_LOG_FORMAT)")
	finish := func() error {
		if err := errors.Join(envErrs...); err != nil {
			return err
		}
		if c.SessionIdle <= 0 || c.SessionAbsolute <= 0 {
			return fmt.Errorf("--session-idle and --session-max must be positive")
		}
		if c.LogFormat != "text" && c.LogFormat != "json" {
			return fmt.Errorf("--log-format must be text or json, not %q", c.LogFormat)
		}
		if c.DB == "" {
			c.DB = filepath.Join(c.DataDir, "duban.db")
		}
		if c.MaxUploadMB <= 0 {
			return fmt.Errorf("--max-upload-mb must be positive")
		}
		if c.APIRate <= 0 {
			return fmt.Errorf("--api-rate must be positive")
		}
		for _, p := range strings.Split(proxies, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			if !strings.Contains(p, "/") {
				if strings.Contains(p, ":") {
					p += "/128"
				} else {
					p += "/32"
				}
			}
			_, n, err := net.ParseCIDR(p)
			if err != nil {
				return fmt.Errorf("--trusted-proxies: %w", err)
			}
			c.TrustedProxies = append(c.TrustedProxies, n)
		}
		return nil
	}
	return fs, c, finish
}

// Parse parses args allowing flags after positional arguments
// (`duban plan parse FILE --json`), returning the positionals.
func Parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func env(k, def string) string {
	if v, ok := os.LookupEnv(k); ok {
		return v
	}
	return def
}

// envBool reads a boolean: 1/0, true/false, yes/no, on/off (any case).
func envBool(k string, def bool) (bool, error) {
	v, ok := os.LookupEnv(k)
	if !ok {
		return def, nil
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "t", "true", "yes", "y", "on":
		return true, nil
	case "0", "f", "false", "no", "n", "off":
		return false, nil
	}
	return def, fmt.Errorf("%s=%q: want true or false (1/0, yes/no, on/off)", k, v)
}

func envInt(k string, def int64) (int64, error) {
	v, ok := os.LookupEnv(k)
	if !ok {
		return def, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return def, fmt.Errorf("%s=%q: want a whole number", k, v)
	}
	return n, nil
}

func envDuration(k string, def time.Duration) (time.Duration, error) {
	v, ok := os.LookupEnv(k)
	if !ok {
		return def, nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		return def, fmt.Errorf("%s=%q: want a duration such as 30m or 12h", k, v)
	}
	return d, nil
}
