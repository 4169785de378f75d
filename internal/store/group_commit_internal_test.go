package store

// SharedCommits is how many transactions were committed in a batch of
// several (0 without group commit).
func (s *Store) SharedCommits() int64 {
	if s.group == nil {
		return 0
	}
	return s.group.shared.Load()
}
