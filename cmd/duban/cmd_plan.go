package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"duban/internal/app"
	"duban/internal/periods"
	"duban/internal/planimport"
	"duban/internal/planparse"
)

// maxPlanBytes bounds a plan document read by the CLI (the web upload has
// its own limit).
const maxPlanBytes = 20 << 20

func readPlanFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPlanBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxPlanBytes {
		return nil, fmt.Errorf("%s is larger than %d MB: a plan document (text, .docx, .xlsx) is far smaller", path, maxPlanBytes>>20)
	}
	return b, nil
}

func cmdPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: duban plan parse FILE [--json] | duban plan import FILE [--reporting quarterly|monthly] [--apply]")
	}
	switch args[0] {
	case "parse":
		return cmdPlanParse(args[1:], stdout, stderr)
	case "import":
		return cmdPlanImport(ctx, args[1:], stdout, stderr)
	}
	return fmt.Errorf("unknown plan command %q", args[0])
}

func cmdPlanParse(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("plan parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the structure as JSON")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("usage: duban plan parse FILE [--json]")
	}
	b, err := readPlanFile(pos[0])
	if err != nil {
		return err
	}
	src, err := planparse.Read(b)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	text, warnings := src.Text, src.Warnings
	p, err := planparse.Parse(text)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	p.Warnings = append(warnings, p.Warnings...)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(p)
	}
	printPlan(stdout, p)
	return nil
}

func printPlan(w io.Writer, p *planparse.Plan) {
	fmt.Fprintf(w, "%s\n%s  %s\n\n", p.Title, p.Issuer, p.Date)
	measures, targets := 0, 0
	for _, d := range p.Domains {
		fmt.Fprintf(w, "%s%s  牵头: %s  责任: %s\n", d.Label, d.Title, strings.Join(d.LeadUnits, "、"), strings.Join(d.ResponsibleUnits, "、"))
		for _, m := range d.Measures {
			measures++
			fmt.Fprintf(w, "  %s %s\n", m.Label, m.Title)
			if len(m.LeadUnits)+len(m.ResponsibleUnits) > 0 {
				inherited := ""
				if m.UnitsInherited {
					inherited = " (inherited)"
				}
				fmt.Fprintf(w, "      牵头 %s  责任 %s%s\n", strings.Join(m.LeadUnits, "、"), strings.Join(m.ResponsibleUnits, "、"), inherited)
			}
			if due := planparse.FormatDue(m); due != "" {
				fmt.Fprintf(w, "      完成时限 %s\n", due)
			}
			for _, t := range m.Targets {
				targets++
				fmt.Fprintf(w, "      指标 %s %s %g%s (%d)\n", t.Indicator, t.Op, t.Value, t.Unit, t.Year)
			}
		}
	}
	fmt.Fprintf(w, "\n%d domains, %d measures, %d targets\n", len(p.Domains), measures, targets)
	for _, x := range p.Warnings {
		fmt.Fprintf(w, "warning: %s\n", x)
	}
}

// parseArgs parses flags that may follow positional arguments.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func cmdPlanImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var reporting string
	var dueDays int
	var apply bool
	cfg, pos, err := parseFlags("plan import", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&reporting, "reporting", periods.Quarterly, "reporting cycle: quarterly or monthly")
		fs.IntVar(&dueDays, "due-days", 5, "days after a period ends that its report is due")
		fs.BoolVar(&apply, "apply", false, "apply the changes of a revised document to the stored plan")
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("usage: duban plan import FILE [--reporting quarterly|monthly] [--due-days N] [--apply]")
	}
	if reporting != periods.Quarterly && reporting != periods.Monthly {
		return fmt.Errorf("--reporting must be quarterly or monthly, not %q", reporting)
	}
	b, err := readPlanFile(pos[0])
	if err != nil {
		return err
	}
	text, warnings, err := planimport.Decode(b)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	st, closeStore, err := app.OpenStore(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer closeStore()
	svc := planimport.New(st)
	res, err := svc.Import(ctx, cliActor, text, warnings, planimport.Options{Reporting: reporting, DueDays: dueDays}, nil, apply)
	if errors.Is(err, planimport.ErrChangedNeedsApply) {
		pv, perr := svc.PreviewText(ctx, text, warnings)
		if perr != nil {
			return perr
		}
		printDiff(stdout, pv.Diff)
		fmt.Fprintln(stdout, "Nothing was changed. Run again with --apply to apply these changes.")
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case res.Unchanged:
		fmt.Fprintf(stdout, "%s (plan %d) was imported from this document before: nothing changed.\n", res.Plan.Title, res.Plan.ID)
	case res.Created:
		fmt.Fprintf(stdout, "Imported %s as plan %d with %d assignments.\n", res.Plan.Title, res.Plan.ID, res.Assignments)
	default:
		printDiff(stdout, res.Applied)
		fmt.Fprintf(stdout, "Applied the changes to plan %d.\n", res.Plan.ID)
	}
	for _, n := range res.NewUnits {
		fmt.Fprintf(stdout, "new unit (confirm or merge it in the portal): %s\n", n)
	}
	for _, w := range warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	return nil
}

func printDiff(w io.Writer, d *planimport.Diff) {
	if d.Empty() {
		fmt.Fprintln(w, "No changes.")
		return
	}
	for _, x := range d.DomainsAdded {
		fmt.Fprintf(w, "+ domain %s\n", x)
	}
	for _, m := range d.Added {
		fmt.Fprintf(w, "+ %s%s %s\n", m.Domain, m.Label, m.Title)
	}
	for _, m := range d.Changed {
		fmt.Fprintf(w, "~ %s%s %s (%s)\n", m.Domain, m.Label, m.Title, strings.Join(m.Fields, ", "))
	}
	for _, m := range d.Removed {
		note := ""
		if m.Kept {
			note = " (kept: it has reports)"
		}
		fmt.Fprintf(w, "- %s%s %s%s\n", m.Domain, m.Label, m.Title, note)
	}
}
