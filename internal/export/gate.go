package export

import (
	"context"
	"sync"
)

// Gate lets a few workbooks be built at once and queues the rest. Building
// one is CPU work with a few MB of garbage; on a small server two at a time
// finish as many per second as thirty-two, and thirty-two at once only
// multiply the memory (the 台账 export's RSS went from 330 MB to under 100
// with thirty-two clients).
type Gate struct{ slots chan struct{} }

// NewGate admits n builds at once (at least one).
func NewGate(n int) *Gate { return &Gate{slots: make(chan struct{}, max(1, n))} }

// Enter waits for a slot, or until ctx ends. A nil Gate admits everyone.
// The caller calls release (once or more) when its workbook is written:
// the facts it was built from and the workbook are the memory the gate
// bounds, sending the file to a slow client is not.
func (g *Gate) Enter(ctx context.Context) (release func(), err error) {
	if g == nil {
		return func() {}, nil
	}
	select {
	case g.slots <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-g.slots }) }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
