package store

import (
	"context"
	"fmt"
	"time"

	"duban/internal/model"
)

// AttachmentByID loads an evidence file's record.
func (s *Store) AttachmentByID(ctx context.Context, id int64) (*model.Attachment, error) {
	var a model.Attachment
	err := s.r(ctx).First(&a, id).Error
	return &a, translate(err, fmt.Sprintf("attachment %d", id))
}

// AttachmentsOf lists the files of reports, removed ones included, in
// upload order.
func (s *Store) AttachmentsOf(ctx context.Context, reportIDs []int64) ([]model.Attachment, error) {
	var out []model.Attachment
	err := eachChunk(reportIDs, func(part []int64) error {
		var as []model.Attachment
		if err := s.r(ctx).Where("report_id IN ?", part).Order("id").Find(&as).Error; err != nil {
			return translate(err, "list attachments")
		}
		out = append(out, as...)
		return nil
	})
	return out, err
}

// CurrentAttachments lists the files a report carries now (not removed).
func (s *Store) CurrentAttachments(ctx context.Context, reportID int64) ([]model.Attachment, error) {
	var as []model.Attachment
	err := s.r(ctx).Where("report_id = ? AND removed_at IS NULL", reportID).Order("id").Find(&as).Error
	return as, translate(err, "list attachments")
}

// AddAttachment records a stored file.
func (s *Store) AddAttachment(ctx context.Context, a *model.Attachment) error {
	a.CreatedAt = s.clock.Now().UTC()
	return translate(s.w(ctx).Create(a).Error, "store attachment")
}

// DeleteAttachment deletes a file record that no submitted version lists.
func (s *Store) DeleteAttachment(ctx context.Context, id int64) error {
	return translate(s.w(ctx).Delete(&model.Attachment{}, id).Error, "delete attachment")
}

// MarkAttachmentRemoved takes a file off its report but keeps it for the
// versions that list it.
func (s *Store) MarkAttachmentRemoved(ctx context.Context, id, by int64, at time.Time) error {
	var byp *int64
	if by != 0 {
		byp = &by
	}
	err := s.w(ctx).Model(&model.Attachment{}).Where("id = ? AND removed_at IS NULL", id).
		Updates(map[string]any{"removed_at": at.UTC(), "removed_by": byp}).Error
	return translate(err, "remove attachment")
}

// ReferencedKeys returns which of the storage keys an attachment or case file row names
// (the storage sweep keeps those files).
func (s *Store) ReferencedKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	for len(keys) > 0 {
		part := keys[:min(len(keys), 500)]
		keys = keys[len(part):]
		// Reports' evidence, and that of extension requests and replies.
		for _, m := range []any{&model.Attachment{}, &model.CaseFile{}} {
			var found []string
			if err := s.r(ctx).Model(m).Where("storage_key IN ?", part).Distinct().Pluck("storage_key", &found).Error; err != nil {
				return nil, translate(err, "referenced attachment files")
			}
			for _, k := range found {
				out[k] = true
			}
		}
	}
	return out, nil
}
