// Package clock is the one source of "now" for the portal, so tests and the
// demo can run at a date inside a plan (--now 2015-04-03).
package clock

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Zone is the portal's civil time zone: deadlines are local dates in China.
// A fixed zone avoids depending on tzdata in small runtime images.
var Zone = time.FixedZone("CST", 8*60*60)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// System is the real clock.
type System struct{}

func (System) Now() time.Time { return time.Now() }

// Offset runs from a chosen start instant at the real pace, so that an
// overridden date still lets sessions expire and timestamps order.
type Offset struct {
	delta time.Duration
}

// NewOffset makes a clock that reads start at the moment of the call.
func NewOffset(start time.Time) *Offset {
	return &Offset{delta: time.Until(start)}
}

func (o *Offset) Now() time.Time { return time.Now().Add(o.delta) }

// Fake is a settable clock for tests.
type Fake struct {
	mu sync.Mutex
	t  time.Time
}

func NewFake(t time.Time) *Fake { return &Fake{t: t} }

func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

// Advance moves the fake clock forward.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

// Set moves the fake clock to t.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	f.t = t
	f.mu.Unlock()
}

// ParseNow reads a --now value: a date (2015-04-03, taken as 09:00 local so
// the demo opens on a working morning) or an RFC 3339 instant.
func ParseNow(s string) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02", s, Zone); err == nil {
		return t.Add(9 * time.Hour), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--now %q: want a date like 2015-04-03 or an RFC 3339 time", s)
}

// Date returns midnight of t's local calendar day in Zone.
func Date(t time.Time) time.Time {
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Zone)
}

// DaysBetween counts whole calendar days from a to b (negative if b is before a).
func DaysBetween(a, b time.Time) int {
	return int(Date(b).Sub(Date(a)).Hours() / 24)
}

// DayText formats t as its local calendar day, e.g. 2015-04-05 ("" for the
// zero time).
func DayText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Zone).Format(time.DateOnly)
}

// MinuteText formats t as local time to the minute ("" for the zero time).
func MinuteText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Zone).Format("2006-01-02 15:04")
}

// Every is the one loop behind the portal's periodic jobs: it calls fn
// every interval (and once at the start when atOnce) until ctx ends. An
// error of fn is logged under name unless ctx has ended meanwhile.
func Every(ctx context.Context, interval time.Duration, atOnce bool, name string, log *slog.Logger, fn func(context.Context) error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for run := atOnce; ; run = true {
		if run {
			if err := fn(ctx); err != nil && ctx.Err() == nil {
				log.Error(name, "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ParseDay reads a date typed as YYYY-MM-DD as a local midnight.
func ParseDay(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), Zone)
	return t, err == nil
}
