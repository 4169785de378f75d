package api

import "github.com/danielgtaylor/huma/v2"

// OpenAPI is the generated document.
func (a *API) OpenAPI() *huma.OpenAPI { return a.huma.OpenAPI() }

// SetRate changes the per-token rate limit (requests per second and burst).
func (a *API) SetRate(perSecond float64, burst int) { a.limit = newLimiter(perSecond, burst) }
