package store

import (
	"context"

	"duban/internal/model"
)

// unitBadgeQuery is CountUnitTodo's four counts and UnitOwedCount's sum in
// one statement with fixed text (so SQLite's readers reuse its prepared
// statement): every page a unit user opens shows this badge, and building
// the counts as five gorm statements cost more than running them. The
// instructions are read from the open ones (CROSS JOIN keeps SQLite from
// walking every measure instead, as it did with no instruction in the
// statistics).
const unitBadgeQuery = "SELECT " +
	"(SELECT COUNT(*) FROM assignments WHERE unit_id = ? AND signed_at IS NULL) + " +
	"(SELECT COUNT(*) FROM prompts WHERE unit_id = ? AND resolved_at IS NULL) + " +
	"(SELECT COUNT(*) FROM reports r JOIN assignments a ON a.id = r.assignment_id " +
	"WHERE r.state = ? AND a.role = ? AND a.measure_id IN (SELECT measure_id FROM assignments WHERE unit_id = ? AND role = ?)) + " +
	"(SELECT COUNT(*) FROM instructions i CROSS JOIN measures m " +
	"WHERE m.id = i.measure_id AND i.replied_at IS NULL AND m.closed_at IS NULL AND (" +
	"EXISTS (SELECT 1 FROM assignments a WHERE a.measure_id = i.measure_id AND a.unit_id = ? AND a.role = ?) OR " +
	"EXISTS (SELECT 1 FROM instruction_units iu WHERE iu.instruction_id = i.id AND iu.unit_id = ?))) + " +
	"COALESCE((SELECT SUM(due_count + returned_count) FROM assignment_states WHERE unit_id = ?), 0)"

// UnitBadge is the unit's to-do count for the navigation badge: the
// assignments to sign for, open prompts, co-unit inputs waiting for it as
// a lead, leaders' instructions to answer (CountUnitTodo) and the reports
// it owes by the read model (UnitOwedCount; the caller syncs the read
// model first), in one query.
func (s *Store) UnitBadge(ctx context.Context, unitID int64) (int, error) {
	var n int64
	err := s.r(ctx).Raw(unitBadgeQuery, unitID, unitID, model.ReportSubmitted, model.AssignResponsible,
		unitID, model.AssignLead, unitID, model.AssignLead, unitID, unitID).Row().Scan(&n)
	return int(n), translate(err, "count a unit's to-do items")
}
