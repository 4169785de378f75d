package handlers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"duban/internal/model"
)

// Handlers read each form field they accept by name; anything else a
// request carries (role=admin on a profile form, id or password_hash on an
// admin form) is never looked at.

// field returns the trimmed value of a form field.
func field(c echo.Context, name string) string { return strings.TrimSpace(c.FormValue(name)) }

// paramID parses a route's numeric ID; anything else is "not found".
func paramID(c echo.Context, name string) (int64, error) {
	n, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s %q: %w", name, c.Param(name), model.ErrNotFound)
	}
	return n, nil
}

// queryInt64 parses an optional numeric query parameter (0 when absent or
// malformed).
func queryInt64(c echo.Context, name string) int64 {
	n, err := strconv.ParseInt(c.QueryParam(name), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// oneOf returns s if it is in allowed, else "".
func oneOf(s string, allowed []string) string {
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	return ""
}
