package workflow

// SetAfterLoadSave makes f run between a report save's reads and its
// write transaction, until the returned func is called.
func SetAfterLoadSave(f func()) (restore func()) {
	afterLoadSave = f
	return func() { afterLoadSave = nil }
}
