package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"duban/internal/crashtest"
)

// cmdCrashtest kills this binary, serving a copy of the demo, at random
// moments under concurrent writers, and checks every acknowledged write.
func cmdCrashtest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("crashtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := crashtest.Options{Log: stdout}
	fs.IntVar(&o.Trials, "trials", 100, "number of kill-and-restart trials")
	fs.IntVar(&o.Writers, "writers", 6, "concurrent writers (three units)")
	fs.IntVar(&o.Port, "port", 8090, "127.0.0.1 port of the portal under test")
	fs.DurationVar(&o.MinKill, "min-kill", 300*time.Millisecond, "earliest kill after the writers start")
	fs.DurationVar(&o.MaxKill, "max-kill", 2500*time.Millisecond, "latest kill after the writers start")
	fs.IntVar(&o.FileKB, "file-kb", 50, "size of each evidence file")
	fs.StringVar(&o.Dir, "dir", "", "work folder (default: a temporary folder, removed afterwards)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	o.Binary = bin
	if o.Dir == "" {
		d, err := os.MkdirTemp("", "duban-crashtest-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		o.Dir = d
	} else if o.Dir, err = filepath.Abs(o.Dir); err != nil {
		return err
	}
	res, err := crashtest.Run(ctx, o)
	if res != nil {
		fmt.Fprintf(stdout, "\n%d trials in %s: %d saves with evidence and %d submits acknowledged, %d lost; after the kills %d upload temporaries and %d unreferenced files (removed by the sweep once a day old)\n",
			res.Trials, res.Elapsed.Round(time.Second), res.Saves, res.Submits, len(res.Lost), res.Temps, res.Unreferenced)
		for _, l := range res.Lost {
			fmt.Fprintln(stdout, "LOST:", l)
		}
	}
	if err != nil {
		return err
	}
	if len(res.Lost) > 0 {
		return errors.New("acknowledged writes were lost")
	}
	return nil
}
