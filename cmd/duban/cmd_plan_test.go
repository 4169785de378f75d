package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const seedPath = "../../internal/demo/jiangmen-2014-2015-plan.txt"

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb strings.Builder
	err := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), err
}

func TestPlanParseJSON(t *testing.T) {
	out, err := runCmd(t, "plan", "parse", seedPath, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Title   string `json:"title"`
		Issuer  string `json:"issuer"`
		Date    string `json:"date"`
		Domains []struct {
			Label            string   `json:"label"`
			Title            string   `json:"title"`
			Goal             string   `json:"goal"`
			LeadUnits        []string `json:"lead_units"`
			ResponsibleUnits []string `json:"responsible_units"`
			Measures         []struct {
				Label, Title, Text string
				LeadUnits          []string `json:"lead_units"`
				ResponsibleUnits   []string `json:"responsible_units"`
				Targets            []struct {
					Text, Indicator, Op, Unit string
					Value                     float64
					Year                      int
				} `json:"targets"`
			} `json:"measures"`
		} `json:"domains"`
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("output is not the documented JSON: %v", err)
	}
	want := []int{8, 5, 6, 4, 8, 6, 5, 7, 8, 2}
	if len(p.Domains) != len(want) {
		t.Fatalf("domains = %d", len(p.Domains))
	}
	for i, d := range p.Domains {
		if len(d.Measures) != want[i] {
			t.Errorf("%s%s: %d measures, want %d", d.Label, d.Title, len(d.Measures), want[i])
		}
	}
	if p.Date != "2014-06-17" || p.Issuer != "江门市人民政府" || len(p.Warnings) == 0 {
		t.Fatalf("header %q %q, warnings %v", p.Date, p.Issuer, p.Warnings)
	}
	if m := p.Domains[0].Measures[1]; len(m.Targets) != 1 || m.Targets[0].Op != ">=" || m.Targets[0].Value != 93 || m.Targets[0].Unit != "%" {
		t.Fatalf("(一)2 targets = %+v", m.Targets)
	}
	// Effective units are inherited from the domain bracket.
	if m := p.Domains[0].Measures[0]; strings.Join(m.LeadUnits, ",") != "市教育局" {
		t.Fatalf("(一)1 lead = %v", m.LeadUnits)
	}
}

func TestPlanImportCLI(t *testing.T) {
	dir := t.TempDir()
	out, err := runCmd(t, "plan", "import", seedPath, "--data-dir", dir)
	if err != nil || !strings.Contains(out, "Imported") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, err = runCmd(t, "plan", "import", seedPath, "--data-dir", dir)
	if err != nil || !strings.Contains(out, "nothing changed") {
		t.Fatalf("second import: %v\n%s", err, out)
	}
	// A revised document is shown, not applied, until --apply.
	b, _ := os.ReadFile(seedPath)
	revised := filepath.Join(dir, "revised.txt")
	os.WriteFile(revised, []byte(strings.Replace(string(b), "学前三年毛入园率达到93%", "学前三年毛入园率达到95%", 1)), 0o600)
	out, err = runCmd(t, "plan", "import", revised, "--data-dir", dir)
	if err != nil || !strings.Contains(out, "~ (一)2.") || !strings.Contains(out, "--apply") {
		t.Fatalf("revised import: %v\n%s", err, out)
	}
	out, err = runCmd(t, "plan", "import", revised, "--apply", "--data-dir", dir)
	if err != nil || !strings.Contains(out, "Applied") {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	// Bad input is refused with a reason.
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, []byte("  \n"), 0o600)
	if _, err := runCmd(t, "plan", "parse", empty); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("empty file: %v", err)
	}
	bin := filepath.Join(dir, "x.png")
	os.WriteFile(bin, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o600)
	if _, err := runCmd(t, "plan", "parse", bin); err == nil || !strings.Contains(err.Error(), "binary") {
		t.Fatalf("binary file: %v", err)
	}
}
