package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"duban/internal/app"
)

// cmdAudit checks the audit log: the keyed chain, the entries before it,
// and the signed head in the data dir.
func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: duban audit verify")
	}
	cfg, _, err := parseFlags("audit verify", args[1:], stderr, nil)
	if err != nil {
		return err
	}
	st, closeStore, err := app.OpenStore(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer closeStore()
	c, err := st.CheckAudit(ctx)
	if err != nil {
		return err
	}
	if c.BrokenID != 0 {
		return fmt.Errorf("audit log broken (checked %d entries): %s", c.Checked(), c.Problem)
	}
	fmt.Fprintf(stdout, "audit log intact: %d entries (%d keyed and signed, %d before the keyed chain, %d not sealed yet)\n",
		c.Checked(), c.Entries, c.Legacy, c.Pending)
	return nil
}
