package export

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestGateBoundsBuilds: of many exports at once, at most n build at a
// time, every one gets its turn, and one whose request ends while it waits
// gives up.
func TestGateBoundsBuilds(t *testing.T) {
	g := NewGate(2)
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			release, err := g.Enter(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(5 * time.Millisecond)
			inside.Add(-1)
			release()
			release() // a second release is harmless
		})
	}
	wg.Wait()
	if most.Load() != 2 {
		t.Errorf("at most %d builds at once, want 2", most.Load())
	}

	hold1, _ := g.Enter(context.Background())
	hold2, _ := g.Enter(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := g.Enter(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a full gate answered %v, want the request's end", err)
	}
	hold1()
	hold2()
	if r, err := (*Gate)(nil).Enter(context.Background()); err != nil || r == nil {
		t.Errorf("a nil gate: %v", err)
	}
}
