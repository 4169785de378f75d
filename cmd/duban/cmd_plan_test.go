package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"duban/internal/planparse"
	"duban/internal/planparse/docxtest"
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
	if err != nil || !strings.Contains(out, "~ (一)2 基本建立") || !strings.Contains(out, "--apply") {
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
	if _, err := runCmd(t, "plan", "parse", bin); err == nil || !strings.Contains(err.Error(), "image") {
		t.Fatalf("image file: %v", err)
	}
	doc := filepath.Join(dir, "plan.doc")
	os.WriteFile(doc, append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 512)...), 0o600)
	if _, err := runCmd(t, "plan", "parse", doc); err == nil || !strings.Contains(err.Error(), "save it as .docx") {
		t.Fatalf(".doc file: %v", err)
	}
}

// TestPlanParseDocx: the CLI reads a .docx (told by its content, whatever
// its name) into the same JSON shape, with deadlines and inherited units.
func TestPlanParseDocx(t *testing.T) {
	b := docxtest.Build(docxtest.Doc{
		Lists: []docxtest.List{{Levels: [][2]string{{"chineseCounting", "%1、"}, {"decimal", "%2."}}}},
		Blocks: []any{
			docxtest.Para{Text: "某区重点任务分工方案(2023年)"},
			docxtest.Para{Text: "提升政务服务", NumID: 1},
			docxtest.Para{Text: "牵头单位:区政务服务中心"},
			docxtest.Para{Text: "推进一网通办,2023年6月底前完成。", NumID: 1, Level: 1},
			docxtest.Para{Text: "深化一件事一次办改革。", NumID: 1, Level: 1},
			docxtest.Para{Text: "责任单位:区发改局,各街道"},
		},
	})
	file := filepath.Join(t.TempDir(), "plan.bin")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, "plan", "parse", file, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var p planparse.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(p.Domains) != 1 || len(p.Domains[0].Measures) != 2 {
		t.Fatalf("plan = %s", out)
	}
	m1, m2 := p.Domains[0].Measures[0], p.Domains[0].Measures[1]
	if m1.Label != "1." || m1.Due != "2023-06-30" || m1.DueText != "2023年6月底前" || !m1.UnitsInherited || m1.LeadUnits[0] != "区政务服务中心" {
		t.Errorf("measure 1 = %+v", m1)
	}
	if m2.UnitsInherited || len(m2.ResponsibleUnits) != 2 || len(m2.LeadUnits) != 1 || m2.LeadUnits[0] != "区政务服务中心" {
		t.Errorf("measure 2 = %+v", m2)
	}
	for _, key := range []string{`"due": "2023-06-30"`, `"due_text": "2023年6月底前"`, `"units_inherited": true`} {
		if !strings.Contains(out, key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}
