package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"gorm.io/gorm/clause"

	"duban/internal/model"
)

// The read model's tables (issue #11): assignment_states, one row per
// assignment kept by internal/readmodel; readmodel_dirty, the assignments
// whose facts changed (filled by triggers); readmodel_generation, bumped by
// every transaction that changes the states.

// SaveStates inserts or replaces state rows.
func (s *Store) SaveStates(ctx context.Context, rows []model.AssignmentState) error {
	if len(rows) == 0 {
		return nil
	}
	err := s.w(ctx).Clauses(clause.OnConflict{UpdateAll: true}).CreateInBatches(rows, 200).Error
	return translate(err, "save assignment states")
}

// DeleteStates removes the state rows of assignments.
func (s *Store) DeleteStates(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	err := s.w(ctx).Where("assignment_id IN ?", ids).Delete(&model.AssignmentState{}).Error
	return translate(err, "delete assignment states")
}

// DeleteAllStates empties the read model (before a rebuild).
func (s *Store) DeleteAllStates(ctx context.Context) error {
	if err := s.w(ctx).Exec("DELETE FROM assignment_states").Error; err != nil {
		return translate(err, "clear assignment states")
	}
	return translate(s.w(ctx).Exec("DELETE FROM readmodel_dirty").Error, "clear read model queue")
}

// TakeDirty removes up to limit assignments from the dirty list and
// returns them (the caller refreshes them in the same transaction).
func (s *Store) TakeDirty(ctx context.Context, limit int) ([]int64, error) {
	var ids []int64
	err := s.w(ctx).Raw("DELETE FROM readmodel_dirty WHERE assignment_id IN "+
		"(SELECT assignment_id FROM readmodel_dirty ORDER BY assignment_id LIMIT ?) RETURNING assignment_id", limit).
		Scan(&ids).Error
	return ids, translate(err, "take dirty assignments")
}

// DueStates lists up to limit assignments whose next change is at or
// before now (Unix seconds).
func (s *Store) DueStates(ctx context.Context, now int64, limit int) ([]int64, error) {
	var ids []int64
	err := s.w(ctx).Raw("SELECT assignment_id FROM assignment_states WHERE next_change_at <= ? ORDER BY next_change_at LIMIT ?",
		now, limit).Scan(&ids).Error
	return ids, translate(err, "list due assignment states")
}

// AllAssignmentIDs lists every assignment, for a rebuild.
func (s *Store) AllAssignmentIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.r(ctx).Raw("SELECT id FROM assignments ORDER BY id").Scan(&ids).Error
	return ids, translate(err, "list assignments")
}

// BumpGeneration marks the read model changed; run it last in the
// transaction, so the row lock is held only until commit. (Row 2 is the
// triggers' on names and titles.)
func (s *Store) BumpGeneration(ctx context.Context) error {
	err := s.w(ctx).Exec("UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 1").Error
	return translate(err, "bump read model generation")
}

// ReadModelStatus is what a reader checks before it trusts the states.
type ReadModelStatus struct {
	Generation int64
	Dirty      bool  // assignments wait to be refreshed
	NextChange int64 // earliest next_change_at, Unix seconds; 0 for none
	// AuditMark is the newest audit entry's ID: audited writes that the
	// generation does not follow (a draft's text, a user's name) move it,
	// so a cached page can key on both.
	AuditMark int64
}

// StateStatus answers ReadModelStatus in one indexed query.
func (s *Store) StateStatus(ctx context.Context) (ReadModelStatus, error) {
	var st ReadModelStatus
	var dirty int64
	var next, mark sql.NullInt64
	row := s.r(ctx).Raw("SELECT (SELECT SUM(generation) FROM readmodel_generation), " +
		"CASE WHEN EXISTS (SELECT 1 FROM readmodel_dirty) THEN 1 ELSE 0 END, " +
		"(SELECT MIN(next_change_at) FROM assignment_states), " +
		"(SELECT MAX(id) FROM audit_events)").Row()
	if err := row.Scan(&st.Generation, &dirty, &next, &mark); err != nil {
		return st, translate(err, "read model status")
	}
	st.Dirty, st.NextChange, st.AuditMark = dirty == 1, next.Int64, mark.Int64
	return st, nil
}

// EachState streams the state rows of a scope to fn in plan order (by
// measure, lead first). fn must not keep the pointer.
func (s *Store) EachState(ctx context.Context, sc FactScope, fn func(*model.AssignmentState) error) error {
	mconds, args := sc.measureConds()
	q := "SELECT st.assignment_id, st.plan_id, st.domain_id, st.measure_id, st.unit_id, st.role, st.facts, st.light, " +
		"st.due_count, st.returned_count, st.late_count, st.open_prompts, st.latest_percent, st.awaiting_review, st.closable, " +
		"st.last_submitted_at, st.next_change_at " +
		"FROM assignment_states st"
	if len(mconds) > 0 {
		q += " JOIN measures m ON m.id = st.measure_id"
	}
	conds := mconds
	if sc.UnitID != 0 {
		conds = append(conds, "st.unit_id = ?")
		args = append(args, sc.UnitID)
	}
	if len(sc.AssignmentIDs) > 0 {
		conds = append(conds, "st.assignment_id IN ?")
		args = append(args, sc.AssignmentIDs)
	}
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY st.measure_id, st.role, st.assignment_id"
	rows, err := s.r(ctx).Raw(q, args...).Rows()
	if err != nil {
		return translate(err, "load assignment states")
	}
	defer rows.Close()
	var (
		x                                         model.AssignmentState
		light, due, ret, late, op, pct, aw, close int64
		last, next                                sql.NullInt64
	)
	for rows.Next() {
		if err := rows.Scan(&x.AssignmentID, &x.PlanID, &x.DomainID, &x.MeasureID, &x.UnitID, &x.Role, &x.Facts, &light,
			&due, &ret, &late, &op, &pct, &aw, &close, &last, &next); err != nil {
			return fmt.Errorf("scan assignment state: %w", err)
		}
		x.Light, x.DueCount, x.ReturnedCount, x.LateCount, x.OpenPrompts, x.LatestPercent =
			int(light), int(due), int(ret), int(late), int(op), int(pct)
		x.AwaitingReview, x.Closable = int(aw), int(close)
		x.LastSubmittedAt, x.NextChangeAt = nil, nil
		if last.Valid {
			v := last.Int64
			x.LastSubmittedAt = &v
		}
		if next.Valid {
			v := next.Int64
			x.NextChangeAt = &v
		}
		if err := fn(&x); err != nil {
			return err
		}
	}
	return translate(rows.Err(), "load assignment states")
}

// OfficeCounts counts the supervision office's queue from the read model:
// lead reports waiting for review and measures it may close (indexed).
func (s *Store) OfficeCounts(ctx context.Context) (reviews, closable int, err error) {
	var r, c sql.NullInt64
	err = s.r(ctx).Raw("SELECT (SELECT SUM(awaiting_review) FROM assignment_states WHERE role = ? AND awaiting_review > 0), "+
		"(SELECT COUNT(*) FROM assignment_states WHERE closable = 1)", model.AssignLead).Row().Scan(&r, &c)
	return int(r.Int64), int(c.Int64), translate(err, "count the office's queue")
}
