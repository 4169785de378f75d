package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"duban/internal/model"
)

// AddInstruction records a leader's instruction and the co-units it
// names besides the lead unit.
func (s *Store) AddInstruction(ctx context.Context, in *model.Instruction, coUnits []int64) error {
	in.CreatedAt = s.clock.Now().UTC()
	if err := s.w(ctx).Create(in).Error; err != nil {
		return translate(err, "store instruction")
	}
	for _, u := range coUnits {
		if err := s.w(ctx).Create(&model.InstructionUnit{InstructionID: in.ID, UnitID: u}).Error; err != nil {
			return translate(err, "name co-unit of instruction")
		}
	}
	return nil
}

// InstructionByID loads an instruction.
func (s *Store) InstructionByID(ctx context.Context, id int64) (*model.Instruction, error) {
	var in model.Instruction
	err := s.r(ctx).First(&in, id).Error
	return &in, translate(err, fmt.Sprintf("instruction %d", id))
}

// ReplyInstruction records the lead unit's 落实情况, once;
// model.ErrConflict when it was answered meanwhile.
func (s *Store) ReplyInstruction(ctx context.Context, id, by int64, text string) error {
	res := s.w(ctx).Model(&model.Instruction{}).Where("id = ? AND replied_at IS NULL", id).
		Updates(map[string]any{"reply": text, "replied_at": s.clock.Now().UTC(), "replied_by": by})
	if res.Error != nil {
		return translate(res.Error, "reply to instruction")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("reply to instruction %d: %w", id, model.ErrConflict)
	}
	return nil
}

// InstructionsOfMeasure lists a measure's instructions, oldest first, with
// the co-units each names.
func (s *Store) InstructionsOfMeasure(ctx context.Context, measureID int64) ([]model.Instruction, map[int64][]int64, error) {
	var ins []model.Instruction
	if err := s.r(ctx).Where("measure_id = ?", measureID).Order("created_at, id").Find(&ins).Error; err != nil {
		return nil, nil, translate(err, "list instructions")
	}
	var ius []model.InstructionUnit
	err := s.r(ctx).Where("instruction_id IN (SELECT id FROM instructions WHERE measure_id = ?)", measureID).
		Order("instruction_id, unit_id").Find(&ius).Error
	named := map[int64][]int64{}
	for _, iu := range ius {
		named[iu.InstructionID] = append(named[iu.InstructionID], iu.UnitID)
	}
	return ins, named, translate(err, "list instruction units")
}

// InstructionRow is an instruction as a to-do list shows it.
type InstructionRow struct {
	model.Instruction
	DomainLabel  string
	MeasureLabel string // the measure's own number: format.Citation(DomainLabel, MeasureLabel) cites it
	MeasureTitle string
	Lead         bool // the unit leads the measure and answers
}

// OpenInstructionsOfUnit lists the unanswered instructions a unit is given:
// on measures it leads, and those naming it as a co-unit; oldest first.
func (s *Store) OpenInstructionsOfUnit(ctx context.Context, unitID int64) ([]InstructionRow, error) {
	var rows []InstructionRow
	err := s.openInstructions(ctx, unitID).
		Select("instructions.*, "+measureLabels+", measures.title AS measure_title, "+
			"CASE WHEN EXISTS (SELECT 1 FROM assignments a WHERE a.measure_id = instructions.measure_id AND a.unit_id = ? AND a.role = 'lead') THEN 1 ELSE 0 END AS lead", unitID).
		Joins("JOIN domains ON domains.id = measures.domain_id").
		Order("instructions.created_at, instructions.id").Scan(&rows).Error
	return rows, translate(err, "list open instructions")
}

func (s *Store) openInstructions(ctx context.Context, unitID int64) *gorm.DB {
	return s.r(ctx).Table("instructions").
		Joins("CROSS JOIN measures"). // from the open instructions, as in unitBadgeQuery
		Where("measures.id = instructions.measure_id AND instructions.replied_at IS NULL AND measures.closed_at IS NULL").
		Where("EXISTS (SELECT 1 FROM assignments a WHERE a.measure_id = instructions.measure_id AND a.unit_id = ? AND a.role = 'lead') OR "+
			"EXISTS (SELECT 1 FROM instruction_units iu WHERE iu.instruction_id = instructions.id AND iu.unit_id = ?)", unitID, unitID)
}

// InstructionFact is what the rules read of an instruction with a reply
// date: the lead assignment that has to answer it.
type InstructionFact struct {
	AssignmentID int64
	DueOn        time.Time
	RepliedAt    time.Time // zero while unanswered
}

// FactInstructions returns the instructions with a reply date of the
// scope's measures, each against the measure's lead assignment.
func (s *Store) FactInstructions(ctx context.Context, sc FactScope) ([]InstructionFact, error) {
	from, args := sc.assignmentSQL("instructions i JOIN assignments a ON a.measure_id = i.measure_id AND a.role = 'lead'", "a.id")
	q := "SELECT a.id, " + s.epoch("i.due_on") + ", " + s.epoch("i.replied_at") + from
	if strings.Contains(from, " WHERE ") {
		q += " AND i.due_on IS NOT NULL"
	} else {
		q += " WHERE i.due_on IS NOT NULL"
	}
	rows, err := s.r(ctx).Raw(q+" ORDER BY i.id", args...).Rows()
	if err != nil {
		return nil, translate(err, "load instructions")
	}
	defer rows.Close()
	var out []InstructionFact
	for rows.Next() {
		var f InstructionFact
		var due, replied sql.NullInt64
		if err := rows.Scan(&f.AssignmentID, &due, &replied); err != nil {
			return nil, fmt.Errorf("scan instruction: %w", err)
		}
		f.DueOn, f.RepliedAt = unix(due), unix(replied)
		out = append(out, f)
	}
	return out, translate(rows.Err(), "load instructions")
}

// UnansweredInstruction is a leader's instruction without a reply, with
// the names a bulletin cites it by.
type UnansweredInstruction struct {
	MeasureID    int64
	DomainLabel  string
	MeasureLabel string
	MeasureTitle string
	UnitName     string // the lead unit, which owes the answer
	AuthorName   string
	Body         string
	CreatedAt    time.Time
	DueOn        *time.Time
}

// UnansweredInstructions lists a plan's instructions given before until
// and not answered, on measures not closed, oldest first.
func (s *Store) UnansweredInstructions(ctx context.Context, planID int64, until time.Time) ([]UnansweredInstruction, error) {
	var out []UnansweredInstruction
	err := s.r(ctx).Table("instructions i").
		Select("i.measure_id, domains.label AS domain_label, measures.label AS measure_label, measures.title AS measure_title, "+
			"COALESCE(units.name, '') AS unit_name, COALESCE(NULLIF(users.display_name, ''), users.username) AS author_name, "+
			"i.body, i.created_at, i.due_on").
		Joins("JOIN measures ON measures.id = i.measure_id").
		Joins("JOIN domains ON domains.id = measures.domain_id").
		Joins("JOIN users ON users.id = i.author_id").
		Joins("LEFT JOIN assignments a ON a.measure_id = i.measure_id AND a.role = 'lead'").
		Joins("LEFT JOIN units ON units.id = a.unit_id").
		Where("measures.plan_id = ? AND i.replied_at IS NULL AND measures.closed_at IS NULL AND i.created_at < ?", planID, until).
		Order("i.created_at, i.id").Scan(&out).Error
	return out, translate(err, "list unanswered instructions")
}
