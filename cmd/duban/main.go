// Command duban is the supervision portal: `duban serve` runs it, the other
// subcommands manage the database, accounts and plans.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"duban/internal/app"
	"duban/internal/config"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "duban:", err)
		}
		os.Exit(1)
	}
}

const usage = `duban — 督办 policy implementation supervision portal

usage:
  duban serve   [flags]                 run the portal (--demo for the Jiangmen demo)
  duban migrate [flags]                 apply database migrations and exit
  duban user add --username U --role admin|reviewer|unit|viewer [--unit NAME] --password-stdin
  duban user passwd U --password-stdin
  duban user disable U
  duban token create --user NAME --name NAME [--read-only] [--expires 90d]
                                        print a new API access token (shown once)
  duban plan parse FILE [--json]        show how a plan document is broken down
  duban plan import FILE [--reporting quarterly|monthly] [--apply]
  duban audit verify                    check the audit log's keyed chain and its signed head
  duban readmodel rebuild [--check]     recompute the read model from the raw tables (--check: compare only)
  duban backup DEST                     write a consistent backup (database, evidence, keys) while the portal runs
  duban backup --verify DEST            check a backup without restoring it
  duban restore SRC [--force]           restore a backup into an empty data dir (and database)
  duban synth [--units 2000 --plans 400 --measures 60 --units-per-measure 6 --periods 8]
                                        generate a synthetic province-sized dataset into --db
  duban synth bench [--n 10] [--plan ID] time the dashboards against --db
  duban bench --start | --url http://127.0.0.1:PORT --data-dir DIR  [-c 32 -d 5s]
                                        req/s, p50, p99 of the main pages and writes against a hello handler
  duban bench ... --soak 10m --users 200  simulated users; 5xx, p50/p99 per page, the server's RSS over time
  duban crashtest [--trials 100]        SIGKILL this binary under concurrent writers and check every acknowledged write
  duban version

Every command that touches the database takes --db and --data-dir
(or DUBAN_DB / DUBAN_DATA_DIR). Run "duban serve -h" for all flags.
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, stderr)
	case "user":
		return cmdUser(ctx, rest, stdin, stdout, stderr)
	case "token":
		return cmdToken(ctx, rest, stdout, stderr)
	case "plan":
		return cmdPlan(ctx, rest, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, rest, stdout, stderr)
	case "readmodel":
		return cmdReadModel(ctx, rest, stdout, stderr)
	case "synth":
		return cmdSynth(ctx, rest, stdout, stderr)
	case "backup":
		return cmdBackup(ctx, rest, stdout, stderr)
	case "restore":
		return cmdRestore(ctx, rest, stdout, stderr)
	case "crashtest":
		return cmdCrashtest(ctx, rest, stdout, stderr)
	case "bench":
		return cmdBench(ctx, rest, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "duban", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// parseFlags parses the common flags of a subcommand.
func parseFlags(name string, args []string, stderr io.Writer, extra func(*flag.FlagSet)) (*config.Config, []string, error) {
	fs, cfg, finish := config.FlagSet(name)
	fs.SetOutput(stderr)
	if extra != nil {
		extra(fs)
	}
	pos, err := config.Parse(fs, args)
	if err != nil {
		return nil, nil, err
	}
	return cfg, pos, finish()
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, _, err := parseFlags("serve", args, stderr, nil)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	a, err := app.New(ctx, cfg, app.Options{Log: log})
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(stdout, "Duban %s is serving at http://%s/  (database: %s)\n", version, cfg.Addr, redact(cfg.DB))
	if cfg.Demo {
		fmt.Fprintf(stdout, "Demo data (演示数据), clock set to %s.\n", a.Clock.Now().Format("2006-01-02"))
		fmt.Fprintf(stdout, "Demo accounts, all with the password  %s\n", a.DemoPassword)
		for _, acc := range demoAccountLines() {
			fmt.Fprintln(stdout, "  "+acc)
		}
	}
	if err := a.Server.Run(ctx, cfg.Addr); err != nil {
		return err
	}
	log.Info("stopped cleanly")
	return nil
}

func cmdMigrate(ctx context.Context, args []string, stderr io.Writer) error {
	cfg, _, err := parseFlags("migrate", args, stderr, nil)
	if err != nil {
		return err
	}
	slog.SetDefault(newLogger(cfg, stderr))
	d, err := app.Open(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	return d.Close()
}
