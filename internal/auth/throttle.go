package auth

import "time"

// Login throttling (OWASP ASVS 2.2.1). An account or a client address with
// LoginMaxFailures failed logins within LoginWindow is refused (429 with
// Retry-After) without its password being checked, until the oldest failure
// leaves the window: the limit lifts by itself, there is no permanent
// lockout an attacker could impose. The client address is the one echo's IP
// extractor resolves, which believes X-Forwarded-For only from
// --trusted-proxies. Attempts are kept in login_attempts
// (store.BeginLoginAttempt).
const (
	LoginMaxFailures = 5
	LoginWindow      = 15 * time.Minute
)
