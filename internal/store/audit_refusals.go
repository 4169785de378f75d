package store

import (
	"context"
	"sync"
	"time"
)

// Refusals writes refused requests to the audit log without letting a
// client flood it (the log is append-only and cannot be pruned). Refusals
// are grouped by a key: the client address for anonymous clients, the user
// for logged-in ones, together with the action and the object type. The
// first refusal of a key in a window is written as it is; the others in
// the window are only counted, and once the window has ended one summary
// entry (action + ".repeated") records how many there were and the first
// object IDs or paths. A sweep through 25,000 IDs thus leaves two entries
// per window, naming who did it.
type Refusals struct {
	st     *Store
	window time.Duration
	mu     sync.Mutex
	open   map[refusalKey]*refusalWindow
}

// refusalKeysMax bounds the memory of open windows; past it, refusals of
// new keys share one overflow key per action.
const refusalKeysMax = 10000

// refusalSamples is how many object IDs or paths a summary names.
const refusalSamples = 20

type refusalKey struct {
	who, action, objectType string
}

type refusalWindow struct {
	start   time.Time
	actor   Actor
	count   int
	samples []any
}

// NewRefusals groups refusals in windows of the given length.
func NewRefusals(st *Store, window time.Duration) *Refusals {
	return &Refusals{st: st, window: window, open: map[refusalKey]*refusalWindow{}}
}

// Record audits one refusal, or counts it when its key already wrote one
// in the current window.
func (r *Refusals) Record(ctx context.Context, a Actor, e AuditEntry) error {
	now := r.st.clock.Now()
	who := "addr:" + a.ClientAddr
	if a.UserID != 0 {
		who = "user:" + a.Username
	}
	k := refusalKey{who, e.Action, e.ObjectType}
	var sample any = e.ObjectID
	if e.ObjectID == 0 {
		sample = e.New
	}
	r.mu.Lock()
	w := r.open[k]
	if w == nil && len(r.open) >= refusalKeysMax {
		k.who = "overflow"
		w = r.open[k]
	}
	if w != nil && now.Sub(w.start) < r.window {
		w.count++
		if len(w.samples) < refusalSamples {
			w.samples = append(w.samples, sample)
		}
		r.mu.Unlock()
		return nil
	}
	r.open[k] = &refusalWindow{start: now, actor: a}
	r.mu.Unlock()
	if w != nil && w.count > 0 {
		if err := r.writeSummary(ctx, k, w); err != nil {
			return err
		}
	}
	return r.st.Audit(ctx, a, e)
}

// Flush writes the summaries of the windows that have ended and forgets
// them; serve calls it every minute.
func (r *Refusals) Flush(ctx context.Context) error {
	now := r.st.clock.Now()
	ended := map[refusalKey]*refusalWindow{}
	r.mu.Lock()
	for k, w := range r.open {
		if now.Sub(w.start) >= r.window {
			ended[k] = w
			delete(r.open, k)
		}
	}
	r.mu.Unlock()
	for k, w := range ended {
		if w.count == 0 {
			continue
		}
		if err := r.writeSummary(ctx, k, w); err != nil {
			return err
		}
	}
	return nil
}

func (r *Refusals) writeSummary(ctx context.Context, k refusalKey, w *refusalWindow) error {
	return r.st.Audit(ctx, w.actor, AuditEntry{Action: k.action + ".repeated", ObjectType: k.objectType,
		New: map[string]any{"count": w.count, "since": w.start.UTC(), "window_seconds": int(r.window.Seconds()), "first": w.samples}})
}
