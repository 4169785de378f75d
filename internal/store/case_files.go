package store

import (
	"context"
	"fmt"

	"duban/internal/model"
)

// AddCaseFile records a stored evidence file of an extension request or
// an instruction's reply.
func (s *Store) AddCaseFile(ctx context.Context, f *model.CaseFile) error {
	f.CreatedAt = s.clock.Now().UTC()
	return translate(s.w(ctx).Create(f).Error, "store evidence file")
}

// CaseFileByID loads an evidence file's record.
func (s *Store) CaseFileByID(ctx context.Context, id int64) (*model.CaseFile, error) {
	var f model.CaseFile
	err := s.r(ctx).First(&f, id).Error
	return &f, translate(err, fmt.Sprintf("evidence file %d", id))
}

// CaseFilesOfMeasure lists the evidence files of a measure's extension
// requests and instruction replies, in upload order.
func (s *Store) CaseFilesOfMeasure(ctx context.Context, measureID int64) ([]model.CaseFile, error) {
	var fs []model.CaseFile
	err := s.r(ctx).Where("extension_id IN (SELECT id FROM extensions WHERE measure_id = ?) OR "+
		"instruction_id IN (SELECT id FROM instructions WHERE measure_id = ?)", measureID, measureID).
		Order("id").Find(&fs).Error
	return fs, translate(err, "list evidence files")
}
