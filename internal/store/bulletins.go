package store

import (
	"context"
	"fmt"
	"time"

	"duban/internal/model"
)

// BulletinRow is a bulletin in the list, with its plan's title.
type BulletinRow struct {
	model.Bulletin
	PlanTitle string
}

// Bulletins lists the published bulletins, newest first; with drafts the
// drafts come first, newest first.
func (s *Store) Bulletins(ctx context.Context, drafts bool) ([]BulletinRow, error) {
	q := s.r(ctx).Table("bulletins AS b").Select("b.*, p.title AS plan_title").Joins("JOIN plans p ON p.id = b.plan_id")
	if !drafts {
		q = q.Where("b.state = ?", model.BulletinPublished)
	}
	var rows []BulletinRow
	err := q.Order("CASE WHEN b.state = 'draft' THEN 0 ELSE 1 END, b.year DESC, b.seq DESC, b.id DESC").Find(&rows).Error
	return rows, translate(err, "list bulletins")
}

// BulletinByID loads one bulletin.
func (s *Store) BulletinByID(ctx context.Context, id int64) (*model.Bulletin, error) {
	var b model.Bulletin
	err := s.r(ctx).First(&b, id).Error
	return &b, translate(err, fmt.Sprintf("bulletin %d", id))
}

// DraftBulletin returns the draft on a plan's period, model.ErrNotFound
// when there is none.
func (s *Store) DraftBulletin(ctx context.Context, planID, periodID int64) (*model.Bulletin, error) {
	var b model.Bulletin
	err := s.r(ctx).Where("plan_id = ? AND period_id = ? AND state = ?", planID, periodID, model.BulletinDraft).
		Order("id").First(&b).Error
	return &b, translate(err, "draft bulletin")
}

// CreateBulletin stores a new draft.
func (s *Store) CreateBulletin(ctx context.Context, b *model.Bulletin) error {
	now := s.clock.Now().UTC()
	b.CreatedAt, b.UpdatedAt, b.State, b.Version = now, now, model.BulletinDraft, 1
	return translate(s.w(ctx).Create(b).Error, "create bulletin")
}

// BulletinText is what the office edits on a draft.
type BulletinText struct {
	Title, Praise, Criticism, Requirements string
}

// UpdateBulletinText saves a draft's text, only if it is still a draft
// at the version the editor read.
func (s *Store) UpdateBulletinText(ctx context.Context, id int64, version int, t BulletinText, by int64) error {
	res := s.w(ctx).Model(&model.Bulletin{}).Where("id = ? AND version = ? AND state = ?", id, version, model.BulletinDraft).
		Updates(map[string]any{"title": t.Title, "praise": t.Praise, "criticism": t.Criticism, "requirements": t.Requirements,
			"updated_by": bulletinUser(by), "updated_at": s.clock.Now().UTC(), "version": version + 1})
	if res.Error != nil {
		return translate(res.Error, "update bulletin")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("update bulletin %d: %w", id, model.ErrConflict)
	}
	return nil
}

// NextBulletinSeq is the next number of the year's bulletins.
func (s *Store) NextBulletinSeq(ctx context.Context, year int) (int, error) {
	var n int
	err := s.r(ctx).Model(&model.Bulletin{}).Where("state = ? AND year = ?", model.BulletinPublished, year).
		Select("COALESCE(MAX(seq), 0)").Scan(&n).Error
	return n + 1, translate(err, "next bulletin number")
}

// PublishBulletin freezes a draft at the version the publisher read: its
// text, figures and number never change again.
func (s *Store) PublishBulletin(ctx context.Context, id int64, version int, t BulletinText, figures string, year, seq int, by int64, at time.Time) error {
	res := s.w(ctx).Model(&model.Bulletin{}).Where("id = ? AND version = ? AND state = ?", id, version, model.BulletinDraft).
		Updates(map[string]any{"title": t.Title, "praise": t.Praise, "criticism": t.Criticism, "requirements": t.Requirements,
			"figures": figures, "state": model.BulletinPublished, "year": year, "seq": seq,
			"updated_by": bulletinUser(by), "updated_at": at.UTC(), "published_by": bulletinUser(by), "published_at": at.UTC(), "version": version + 1})
	if res.Error != nil {
		return translate(res.Error, "publish bulletin")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("publish bulletin %d: %w", id, model.ErrConflict)
	}
	return nil
}

// DeleteDraftBulletin removes a draft at the version the caller read.
func (s *Store) DeleteDraftBulletin(ctx context.Context, id int64, version int) error {
	res := s.w(ctx).Where("id = ? AND version = ? AND state = ?", id, version, model.BulletinDraft).Delete(&model.Bulletin{})
	if res.Error != nil {
		return translate(res.Error, "delete bulletin")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("delete bulletin %d: %w", id, model.ErrConflict)
	}
	return nil
}

// EnabledUserIDs lists every enabled account (a bulletin is announced to
// everyone).
func (s *Store) EnabledUserIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.r(ctx).Model(&model.User{}).Where("disabled = ?", false).Order("id").Pluck("id", &ids).Error
	return ids, translate(err, "list users")
}

func bulletinUser(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
