package store

import (
	"context"
	"database/sql"

	"duban/internal/model"
)

// The rollups of the read model (migration 00045): per plan × unit a
// tally of its assignments (rollup_groups), per measure its light and
// completion (rollup_measures), and their sums per plan (rollup_plans) and
// per unit (rollup_units). internal/readmodel computes them; the store
// only keeps them. A tally is JSON the store does not read.

// RollupKey names what a trigger listed in rollup_dirty: a group (plan ×
// unit, MeasureID 0), a measure (UnitID 0), or both.
type RollupKey struct {
	PlanID, UnitID, MeasureID int64
}

// TakeRollupDirty empties the rollup queue and returns what it held (the
// caller recomputes it in the same transaction).
func (s *Store) TakeRollupDirty(ctx context.Context) ([]RollupKey, error) {
	var out []RollupKey
	err := s.w(ctx).Raw("DELETE FROM rollup_dirty RETURNING plan_id, unit_id, measure_id").Scan(&out).Error
	return out, translate(err, "take dirty rollups")
}

// ExpiredRollupGroups lists the groups whose tally the clock has changed
// (valid_till at or before now, Unix seconds).
func (s *Store) ExpiredRollupGroups(ctx context.Context, now int64) ([]RollupKey, error) {
	var out []RollupKey
	err := s.w(ctx).Raw("SELECT plan_id, unit_id, 0 AS measure_id FROM rollup_groups WHERE valid_till <= ?", now).Scan(&out).Error
	return out, translate(err, "list expired rollups")
}

// RollupStatus reports whether rollups wait to be recomputed: listed by
// a trigger (dirty), or changed by the clock at now (expired; Unix
// seconds).
func (s *Store) RollupStatus(ctx context.Context, now int64) (dirty, expired bool, err error) {
	var d, e int64
	err = s.r(ctx).Raw("SELECT CASE WHEN EXISTS (SELECT 1 FROM rollup_dirty) THEN 1 ELSE 0 END, "+
		"CASE WHEN EXISTS (SELECT 1 FROM rollup_groups WHERE valid_till <= ?) THEN 1 ELSE 0 END", now).Row().Scan(&d, &e)
	return d == 1, e == 1, translate(err, "rollup status")
}

// GroupStates returns the state rows of one unit's assignments in one
// plan (indexed by unit and plan).
func (s *Store) GroupStates(ctx context.Context, planID, unitID int64) ([]model.AssignmentState, error) {
	var out []model.AssignmentState
	err := s.w(ctx).Raw("SELECT * FROM assignment_states WHERE unit_id = ? AND plan_id = ? ORDER BY measure_id, role, assignment_id",
		unitID, planID).Scan(&out).Error
	return out, translate(err, "load a group's states")
}

// MeasureLight is what the rollups read of one assignment of a measure.
type MeasureLight struct {
	AssignmentID  int64
	Role          string
	Light         int
	LatestPercent int
}

// RollupMeasure is a measure's row in the rollups.
type RollupMeasure struct {
	MeasureID, PlanID int64
	Light, Percent    int
}

// MeasureForRollup returns a measure's plan, whether it is closed and its
// assignments' lights (one query); ok is false when the measure is gone.
func (s *Store) MeasureForRollup(ctx context.Context, measureID int64) (planID int64, closed, ok bool, lights []MeasureLight, err error) {
	var rows []struct {
		PlanID        int64
		Closed        int
		AssignmentID  sql.NullInt64
		Role          sql.NullString
		Light         sql.NullInt64
		LatestPercent sql.NullInt64
	}
	err = s.w(ctx).Raw("SELECT m.plan_id, CASE WHEN m.closed_at IS NULL THEN 0 ELSE 1 END AS closed, "+
		"st.assignment_id, st.role, st.light, st.latest_percent "+
		"FROM measures m LEFT JOIN assignment_states st ON st.measure_id = m.id WHERE m.id = ? ORDER BY st.assignment_id", measureID).
		Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return 0, false, false, nil, translate(err, "load a measure for the rollups")
	}
	for _, r := range rows {
		if r.AssignmentID.Valid {
			lights = append(lights, MeasureLight{AssignmentID: r.AssignmentID.Int64, Role: r.Role.String, Light: int(r.Light.Int64),
				LatestPercent: int(r.LatestPercent.Int64)})
		}
	}
	return rows[0].PlanID, rows[0].Closed == 1, true, lights, nil
}

// StoredRollups are rows read before an update: tallies by key ("" for
// none) and measure rows.
type StoredRollups struct {
	Groups   map[[2]int64]string // plan, unit
	Tills    map[[2]int64]int64  // the groups' valid_till (0: none)
	Plans    map[int64]string
	Units    map[int64]string
	Measures map[int64]RollupMeasure
}

// groupBranches bounds the plans whose groups one query reads.
const groupBranches = 100

// rollupRow is one row of ReadRollups' union.
type rollupRow struct {
	Kind       string
	A, B       int64
	Tally      string
	Light, Pct int
	Till       sql.NullInt64
}

// ReadRollups reads the stored rows of groups (plan, unit), plans, units
// and measures: one query unless the groups span more than groupBranches
// plans.
func (s *Store) ReadRollups(ctx context.Context, groups [][2]int64, plans, units, measures []int64) (StoredRollups, error) {
	out := StoredRollups{Groups: map[[2]int64]string{}, Tills: map[[2]int64]int64{}, Plans: map[int64]string{}, Units: map[int64]string{}, Measures: map[int64]RollupMeasure{}}
	var rows []rollupRow
	q := "SELECT 'p' AS kind, plan_id AS a, 0 AS b, tally, 0 AS light, 0 AS pct, CAST(NULL AS BIGINT) AS till FROM rollup_plans WHERE plan_id IN ? " +
		"UNION ALL SELECT 'u', unit_id, 0, tally, 0, 0, NULL FROM rollup_units WHERE unit_id IN ? " +
		"UNION ALL SELECT 'm', measure_id, plan_id, '', light, percent, NULL FROM rollup_measures WHERE measure_id IN ?"
	args := []any{plans, units, measures}
	// The groups as one branch per plan (plan_id = ? AND unit_id IN ?): each
	// is a search of the primary key whatever the number of groups, where a
	// chain of ORs let SQLite's planner prefer a scan of a small table. At
	// most groupBranches plans a query keeps SQLite's compound-select limit.
	byPlan := map[int64][]int64{}
	var order []int64
	for _, g := range groups {
		if byPlan[g[0]] == nil {
			order = append(order, g[0])
		}
		byPlan[g[0]] = append(byPlan[g[0]], g[1])
	}
	for len(q) > 0 || len(order) > 0 {
		n := min(len(order), groupBranches)
		for i, planID := range order[:n] {
			if i > 0 || q != "" {
				q += " UNION ALL "
			}
			q += "SELECT 'g' AS kind, plan_id AS a, unit_id AS b, tally, 0 AS light, 0 AS pct, valid_till AS till FROM rollup_groups WHERE plan_id = ? AND unit_id IN ?"
			args = append(args, planID, byPlan[planID])
		}
		order = order[n:]
		var part []rollupRow
		if err := s.w(ctx).Raw(q, args...).Scan(&part).Error; err != nil {
			return out, translate(err, "load rollups")
		}
		rows = append(rows, part...)
		q, args = "", nil
	}
	for _, r := range rows {
		switch r.Kind {
		case "p":
			out.Plans[r.A] = r.Tally
		case "u":
			out.Units[r.A] = r.Tally
		case "m":
			out.Measures[r.A] = RollupMeasure{MeasureID: r.A, PlanID: r.B, Light: r.Light, Percent: r.Pct}
		case "g":
			out.Groups[[2]int64{r.A, r.B}] = r.Tally
			out.Tills[[2]int64{r.A, r.B}] = r.Till.Int64
		}
	}
	return out, nil
}

// PutRollupMeasure stores a measure's row.
func (s *Store) PutRollupMeasure(ctx context.Context, m RollupMeasure) error {
	err := s.w(ctx).Exec("INSERT INTO rollup_measures (measure_id, plan_id, light, percent) VALUES (?, ?, ?, ?) "+
		"ON CONFLICT (measure_id) DO UPDATE SET plan_id = excluded.plan_id, light = excluded.light, percent = excluded.percent",
		m.MeasureID, m.PlanID, m.Light, m.Percent).Error
	return translate(err, "save a measure's rollup")
}

// DeleteRollupMeasure removes a measure's row.
func (s *Store) DeleteRollupMeasure(ctx context.Context, measureID int64) error {
	return translate(s.w(ctx).Exec("DELETE FROM rollup_measures WHERE measure_id = ?", measureID).Error, "delete a measure's rollup")
}

// Rollup tables keyed by one or two IDs, holding a tally.
const (
	RollupGroups = "rollup_groups"
	RollupPlans  = "rollup_plans"
	RollupUnits  = "rollup_units"
)

// keyCols are the key columns of each tally table (fixed strings).
var keyCols = map[string]string{RollupGroups: "plan_id = ? AND unit_id = ?", RollupPlans: "plan_id = ?", RollupUnits: "unit_id = ?"}

// Tally returns the tally stored in table under key ("" for none).
func (s *Store) Tally(ctx context.Context, table string, key ...int64) (string, error) {
	var out []string
	args := make([]any, len(key))
	for i, k := range key {
		args[i] = k
	}
	err := s.w(ctx).Raw("SELECT tally FROM "+table+" WHERE "+keyCols[table], args...).Scan(&out).Error
	if err != nil || len(out) == 0 {
		return "", translate(err, "load a rollup")
	}
	return out[0], nil
}

// PutGroupTally stores a group's tally and the instant the clock changes
// it (0: only a write does).
func (s *Store) PutGroupTally(ctx context.Context, planID, unitID int64, tally string, validTill int64) error {
	var till any
	if validTill != 0 {
		till = validTill
	}
	err := s.w(ctx).Exec("INSERT INTO rollup_groups (plan_id, unit_id, tally, valid_till) VALUES (?, ?, ?, ?) "+
		"ON CONFLICT (plan_id, unit_id) DO UPDATE SET tally = excluded.tally, valid_till = excluded.valid_till",
		planID, unitID, tally, till).Error
	return translate(err, "save a group's rollup")
}

// GroupTally is a group's row for InsertRollups.
type GroupTally struct {
	PlanID, UnitID int64
	Tally          string
	ValidTill      int64 // 0: none
}

// InsertRollups writes the rows of a rebuild into empty tables, many per
// statement.
func (s *Store) InsertRollups(ctx context.Context, groups []GroupTally, measures []RollupMeasure) error {
	const per = 200
	for len(groups) > 0 {
		n := min(per, len(groups))
		q := "INSERT INTO rollup_groups (plan_id, unit_id, tally, valid_till) VALUES "
		args := make([]any, 0, 4*n)
		for i, g := range groups[:n] {
			if i > 0 {
				q += ", "
			}
			q += "(?, ?, ?, ?)"
			var till any
			if g.ValidTill != 0 {
				till = g.ValidTill
			}
			args = append(args, g.PlanID, g.UnitID, g.Tally, till)
		}
		if err := s.w(ctx).Exec(q, args...).Error; err != nil {
			return translate(err, "insert group rollups")
		}
		groups = groups[n:]
	}
	for len(measures) > 0 {
		n := min(per, len(measures))
		q := "INSERT INTO rollup_measures (measure_id, plan_id, light, percent) VALUES "
		args := make([]any, 0, 4*n)
		for i, m := range measures[:n] {
			if i > 0 {
				q += ", "
			}
			q += "(?, ?, ?, ?)"
			args = append(args, m.MeasureID, m.PlanID, m.Light, m.Percent)
		}
		if err := s.w(ctx).Exec(q, args...).Error; err != nil {
			return translate(err, "insert measure rollups")
		}
		measures = measures[n:]
	}
	return nil
}

// PutTally stores the tally of a plan or a unit (table RollupPlans or
// RollupUnits).
func (s *Store) PutTally(ctx context.Context, table string, id int64, tally string) error {
	col := "plan_id"
	if table == RollupUnits {
		col = "unit_id"
	}
	err := s.w(ctx).Exec("INSERT INTO "+table+" ("+col+", tally) VALUES (?, ?) "+
		"ON CONFLICT ("+col+") DO UPDATE SET tally = excluded.tally", id, tally).Error
	return translate(err, "save a rollup")
}

// DeleteTally removes a row of a tally table.
func (s *Store) DeleteTally(ctx context.Context, table string, key ...int64) error {
	args := make([]any, len(key))
	for i, k := range key {
		args[i] = k
	}
	return translate(s.w(ctx).Exec("DELETE FROM "+table+" WHERE "+keyCols[table], args...).Error, "delete a rollup")
}

// ClearRollups empties every rollup table (before a rebuild).
func (s *Store) ClearRollups(ctx context.Context) error {
	for _, t := range []string{"rollup_dirty", "rollup_groups", "rollup_measures", "rollup_plans", "rollup_units"} {
		if err := s.w(ctx).Exec("DELETE FROM " + t).Error; err != nil {
			return translate(err, "clear "+t)
		}
	}
	return nil
}

// TallyRow is a stored tally with its key (UnitID 0 in plan rows, PlanID
// 0 in unit rows).
type TallyRow struct {
	PlanID, UnitID int64
	Tally          string
	ValidTill      sql.NullInt64
}

// Tallies returns every row of a tally table.
func (s *Store) Tallies(ctx context.Context, table string) ([]TallyRow, error) {
	cols := map[string]string{RollupGroups: "plan_id, unit_id, tally, valid_till", RollupPlans: "plan_id, 0 AS unit_id, tally",
		RollupUnits: "0 AS plan_id, unit_id, tally"}[table]
	var out []TallyRow
	err := s.r(ctx).Raw("SELECT " + cols + " FROM " + table).Scan(&out).Error
	return out, translate(err, "load "+table)
}

// RollupMeasures returns every measure row.
func (s *Store) RollupMeasures(ctx context.Context) ([]RollupMeasure, error) {
	var out []RollupMeasure
	err := s.r(ctx).Raw("SELECT measure_id, plan_id, light, percent FROM rollup_measures").Scan(&out).Error
	return out, translate(err, "load measure rollups")
}

// CountTargets counts every target (the indicators of all plans).
func (s *Store) CountTargets(ctx context.Context) (int, error) {
	var n int64
	err := s.r(ctx).Raw("SELECT COUNT(*) FROM targets").Row().Scan(&n)
	return int(n), translate(err, "count targets")
}
