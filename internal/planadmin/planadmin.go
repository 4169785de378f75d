// Package planadmin is the office's administration of what the plans are
// made of after the import: merging units (which assignment stays, which
// refusal applies) and editing a plan's breakdown. The rules live here;
// the store runs the queries in the transaction the context carries.
package planadmin

import "duban/internal/store"

// Service applies the rules of plan and unit administration.
type Service struct {
	st *store.Store
}

// New makes a Service over a store.
func New(st *store.Store) *Service { return &Service{st: st} }
