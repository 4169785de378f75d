package store

import "sync"

// Memo is a small per-process cache that read-side services keep on the
// store (copies of a store share it). Entries must be validated by their
// user, e.g. against the read model's generation; the memo only bounds its
// size.
type Memo struct {
	mu sync.Mutex
	m  map[any]any
}

// memoLimit bounds the entries; when full the memo starts over.
const memoLimit = 512

// Get returns the entry under k.
func (m *Memo) Get(k any) (any, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[k]
	return v, ok
}

// Put stores v under k.
func (m *Memo) Put(k, v any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil || len(m.m) >= memoLimit {
		m.m = map[any]any{}
	}
	m.m[k] = v
}

// Memo is the store's per-process cache.
func (s *Store) Memo() *Memo { return s.memo }
