package clock_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"duban/internal/clock"
)

func TestEvery(t *testing.T) {
	for _, atOnce := range []bool{true, false} {
		var buf bytes.Buffer
		log := slog.New(slog.NewTextHandler(&buf, nil))
		ctx, cancel := context.WithCancel(context.Background())
		var calls atomic.Int32
		done := make(chan struct{})
		go func() {
			defer close(done)
			clock.Every(ctx, time.Hour, atOnce, "job", log, func(context.Context) error {
				calls.Add(1)
				return errors.New("boom")
			})
		}()
		time.Sleep(50 * time.Millisecond)
		cancel()
		<-done
		want := int32(0)
		if atOnce {
			want = 1
		}
		if got := calls.Load(); got != want {
			t.Fatalf("atOnce=%v: %d calls before the first tick, want %d", atOnce, got, want)
		}
		if logged := strings.Contains(buf.String(), "msg=job") && strings.Contains(buf.String(), "err=boom"); logged != atOnce {
			t.Fatalf("atOnce=%v: log %q", atOnce, buf.String())
		}
	}
	// The ticker drives later calls.
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	go clock.Every(ctx, time.Millisecond, false, "job", slog.Default(), func(context.Context) error {
		if calls.Add(1) == 3 {
			cancel()
		}
		return nil
	})
	<-ctx.Done()
	if calls.Load() < 3 {
		t.Fatalf("%d calls", calls.Load())
	}
}
