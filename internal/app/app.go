// Package app wires the portal together from a Config: database,
// migrations, stores, sessions, handlers and the echo server. The command
// and the integration tests both start the portal through it.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"duban/internal/auth"
	"duban/internal/bulletin"
	"duban/internal/clock"
	"duban/internal/config"
	"duban/internal/demo"
	"duban/internal/evidence"
	"duban/internal/export"
	"duban/internal/readmodel"
	"duban/internal/store"
	"duban/internal/store/db"
	"duban/internal/web"
	"duban/internal/web/handlers"
	"duban/internal/workflow"
)

// App is a ready portal.
type App struct {
	Config       *config.Config
	DB           *db.DB
	Store        *store.Store
	Clock        clock.Clock
	Hasher       *auth.Hasher
	Sessions     *auth.SessionStore
	Server       *web.Server
	DemoPassword string
	Log          *slog.Logger

	stopBackground context.CancelFunc
	background     sync.WaitGroup
}

// Options override parts of the wiring, for tests.
type Options struct {
	Clock clock.Clock
	Log   *slog.Logger
}

// Clock builds the clock the config asks for.
func Clock(cfg *config.Config) (clock.Clock, error) {
	switch {
	case cfg.Now != "":
		t, err := clock.ParseNow(cfg.Now)
		if err != nil {
			return nil, err
		}
		return clock.NewOffset(t), nil
	case cfg.Demo:
		t, _ := clock.ParseNow(demo.Date)
		return clock.NewOffset(t), nil
	}
	return clock.System{}, nil
}

// Open connects to the database and applies migrations.
func Open(ctx context.Context, cfg *config.Config, log *slog.Logger) (*db.DB, error) {
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	applied, err := d.Migrate(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	for _, f := range applied {
		log.Info("migration applied", "file", f)
	}
	return d, nil
}

// NewStore is the store over d with the audit log keyed by the data dir's
// audit key (created on first start). Every command that writes goes
// through it, so all entries carry the same key.
func NewStore(ctx context.Context, d *db.DB, cfg *config.Config, clk clock.Clock) (*store.Store, error) {
	st := store.New(d, clk)
	if err := st.OpenAuditChain(ctx, cfg.DataDir); err != nil {
		return nil, err
	}
	return st, nil
}

// OpenStore is what a command needs to read or write the portal: the
// migrated database, the configured clock and the keyed store. The returned
// close seals what the command appended to the audit log, then closes the
// database.
func OpenStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (*store.Store, func(), error) {
	d, err := Open(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	clk, err := Clock(cfg)
	if err == nil {
		var st *store.Store
		if st, err = NewStore(ctx, d, cfg, clk); err == nil {
			return st, func() {
				if _, err := st.SealAudit(context.WithoutCancel(ctx)); err != nil {
					log.Warn("sealing the audit log", "err", err)
				}
				d.Close()
			}, nil
		}
	}
	d.Close()
	return nil, nil, err
}

// New builds the whole portal.
func New(ctx context.Context, cfg *config.Config, opt Options) (*App, error) {
	log := opt.Log
	if log == nil {
		log = slog.Default()
	}
	clk := opt.Clock
	if clk == nil {
		var err error
		if clk, err = Clock(cfg); err != nil {
			return nil, err
		}
	}
	d, err := Open(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	st, err := NewStore(ctx, d, cfg, clk)
	if err != nil {
		d.Close()
		return nil, err
	}
	hasher := auth.NewHasher(max(2, runtime.NumCPU()))
	a := &App{Config: cfg, DB: d, Store: st, Clock: clk, Hasher: hasher, Log: log}
	keys, err := auth.LoadOrCreateKeys(cfg.SessionKeys, cfg.DataDir)
	if err != nil {
		d.Close()
		return nil, err
	}
	files := evidence.NewLocal(cfg.AttachmentsDir())
	h := &handlers.Handlers{
		Store:     st,
		Flow:      workflow.New(st, files),
		Bulletins: bulletin.New(st, nil),
		Files:     files,
		Hasher:    hasher,
		// Exports are CPU work: one per core at a time.
		Exports: export.NewGate(runtime.NumCPU()),
		Logins:  auth.NewLogins(st, clk, hasher),
		Tokens:  auth.NewTokens(st, clk),
		Clock:   clk,
		Config:  cfg,
		Log:     log,
		Sessions: auth.NewSessionStore(st, clk, auth.SessionConfig{
			Secure: cfg.Secure, Idle: cfg.SessionIdle, Absolute: cfg.SessionAbsolute, Keys: keys,
		}),
	}
	a.Sessions = h.Sessions
	if cfg.Demo {
		pw, err := demo.Seed(ctx, st, hasher, cfg.DataDir, !cfg.SkipDemoPlan)
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("demo: %w", err)
		}
		a.DemoPassword = pw
		if !cfg.SkipDemoPlan && !cfg.SkipDemoHistory {
			// A no-op once any report exists.
			if err := demo.SeedHistory(ctx, st, files, clk.Now()); err != nil {
				d.Close()
				return nil, fmt.Errorf("demo history: %w", err)
			}
			if err := demo.SeedBulletin(ctx, st, clk.Now()); err != nil {
				d.Close()
				return nil, fmt.Errorf("demo bulletin: %w", err)
			}
			if err := d.Analyze(ctx); err != nil {
				d.Close()
				return nil, fmt.Errorf("demo statistics: %w", err)
			}
		}
		for _, acc := range demo.Accounts {
			h.DemoAccounts = append(h.DemoAccounts, handlers.DemoAccount{Username: acc.Username, Role: acc.Role, Unit: acc.Unit})
		}
	}
	// The read model catches up before the first request: assignments other
	// writers listed (an import, synth, a migration) and lights the clock
	// changed while the portal was down.
	if err := readmodel.RefreshDue(ctx, st, clk.Now()); err != nil {
		d.Close()
		return nil, fmt.Errorf("read model: %w", err)
	}
	a.Server = web.New(h)
	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	a.stopBackground = stop
	a.background.Go(func() { st.RunAuditSealer(bg, 200*time.Millisecond, log) })
	a.background.Go(func() { sweepFiles(bg, files, st, log) })
	a.background.Go(func() { refreshStatistics(bg, d, time.Hour, log) })
	a.background.Go(func() { refreshReadModel(bg, st, clk, time.Minute, log) })
	return a, nil
}

// sweepFiles removes crash leftovers from the evidence folder at start and
// then daily: upload temporaries and files no row references, older than
// a day (younger ones may belong to a save still under way).
func sweepFiles(ctx context.Context, files *evidence.Local, st *store.Store, log *slog.Logger) {
	clock.Every(ctx, 24*time.Hour, true, "evidence sweep", log, func(ctx context.Context) error {
		sw, err := files.Sweep(ctx, 24*time.Hour, time.Now(), st.ReferencedKeys)
		if err == nil && sw.Temps+sw.Orphans+len(sw.Problems) > 0 {
			log.Info("evidence sweep", "temporaries", sw.Temps, "unreferenced", sw.Orphans, "bytes", sw.Bytes, "kept", sw.Kept, "problems", len(sw.Problems))
		}
		return err
	})
}

// refreshStatistics keeps the planner statistics fresh while the portal
// runs: plan imports and a day's reports change the tables enough to
// mislead the planner.
func refreshStatistics(ctx context.Context, d *db.DB, every time.Duration, log *slog.Logger) {
	clock.Every(ctx, every, false, "refresh planner statistics", log, d.Optimize)
}

// refreshReadModel refreshes the lights whose next change has come (and
// assignments other writers listed), so badges turn at midnight without
// waiting for a reader.
func refreshReadModel(ctx context.Context, st *store.Store, clk clock.Clock, every time.Duration, log *slog.Logger) {
	clock.Every(ctx, every, false, "refresh read model", log, func(ctx context.Context) error {
		return readmodel.RefreshDue(ctx, st, clk.Now())
	})
}

// Close stops the background work (sealing the audit entries still
// pending) and releases the database.
func (a *App) Close() error {
	if a.stopBackground != nil {
		a.stopBackground()
		a.background.Wait()
		a.stopBackground = nil
	}
	return a.DB.Close()
}
