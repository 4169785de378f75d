package i18n

import (
	"context"
	"regexp"
)

// The plan parser reports warnings as English sentences (they are part of
// the stable `duban plan parse --json` output); the portal shows them in the
// reader's language by matching their fixed shapes.
var planWarnings = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^document appears truncated: domain (.+) has no unit bracket and ends mid-sentence$`), "planwarn.truncated_domain_no_units"},
	{regexp.MustCompile(`^document appears truncated: domain (.+) ends mid-sentence$`), "planwarn.truncated_domain"},
	{regexp.MustCompile(`^document appears truncated: the text ends mid-sentence$`), "planwarn.truncated"},
	{regexp.MustCompile(`^measure (\S+) in domain (.+) has no unit bracket$`), "planwarn.measure_no_units"},
	{regexp.MustCompile(`^domain (.+) has no numbered measures$`), "planwarn.domain_no_measures"},
	{regexp.MustCompile(`^domain (.+) has no unit bracket$`), "planwarn.domain_no_units"},
	{regexp.MustCompile(`^(.+) has numbered items but no unit bracket while other domains have one; it was not taken as a domain$`), "planwarn.block_skipped"},
	{regexp.MustCompile(`^numbering starts at (\S+) in domain (.+): the numbers before it are missing$`), "planwarn.number_late_start"},
	{regexp.MustCompile(`^numbering skips from (\S*) to (\S+) in domain (.+)$`), "planwarn.number_skipped"},
	{regexp.MustCompile(`^numbering repeats (\S+) in domain (.+)$`), "planwarn.number_repeated"},
	{regexp.MustCompile(`^numbering puts (\S+) after (\S*) in domain (.+): out of order$`), "planwarn.number_order"},
	{regexp.MustCompile(`^domain numbering starts at (\S+): the numbers before it are missing$`), "planwarn.domain_number_late_start"},
	{regexp.MustCompile(`^domain numbering skips from (\S*) to (\S+)$`), "planwarn.domain_number_skipped"},
	{regexp.MustCompile(`^domain numbering repeats (\S+)$`), "planwarn.domain_number_repeated"},
	{regexp.MustCompile(`^domain numbering puts (\S+) after (\S*): out of order$`), "planwarn.domain_number_order"},
	{regexp.MustCompile(`^a line starting with (\S+) was kept in the text of measure (\S+) in domain (.+)$`), "planwarn.stray_label"},
	{regexp.MustCompile(`^(.+) looks like a closing section \(保障措施\); it was not taken as a domain$`), "planwarn.closing_skipped"},
	{regexp.MustCompile(`^row (\d+) of (?:sheet |table )?(.+) has no task text; it was left out$`), "planwarn.row_unreadable"},
	{regexp.MustCompile(`^the measures were read from the document's task table; the body text was not searched for measures$`), "planwarn.task_table"},
	{regexp.MustCompile(`^unit name (.+) \((?:measure |domain )?(.+)\) matches no unit, alias or group: map it to a unit or it is created as a new one$`), "planwarn.unit_unknown"},
	{regexp.MustCompile(`^the text was GB18030/GBK encoded and was converted to UTF-8$`), "planwarn.gbk"},
	{regexp.MustCompile(`^the file was UTF-16 text and was converted to UTF-8$`), "planwarn.utf16"},
	{regexp.MustCompile(`^the text ends in the middle of a (?:UTF-8|GB18030) character`), "planwarn.cut_character"},
}

// PlanWarning renders a plan parser warning in the request's language; a
// warning of an unknown shape is shown as written.
func PlanWarning(ctx context.Context, w string) string {
	for _, p := range planWarnings {
		if m := p.re.FindStringSubmatch(w); m != nil {
			args := make([]any, 0, len(m)-1)
			for _, a := range m[1:] {
				args = append(args, a)
			}
			return T(ctx, p.key, args...)
		}
	}
	return w
}
