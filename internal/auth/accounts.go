package auth

import "regexp"

// usernameRE: login names are short ASCII words (pinyin or e-mail-like), so
// they can be typed on any keyboard and do not collide by Unicode tricks.
// Display names carry the Chinese name.
var usernameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$`)

// ValidUsername reports whether s may be a login name.
func ValidUsername(s string) bool { return usernameRE.MatchString(s) }
