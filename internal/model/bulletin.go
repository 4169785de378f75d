package model

import "time"

// Bulletin states.
const (
	BulletinDraft     = "draft"
	BulletinPublished = "published"
)

// Bulletin is a 督查通报: the office's bulletin on one reporting period of
// a plan. Year and Seq number it once published (督查通报〔2015〕第3期);
// Figures is the JSON of the figures frozen at publication.
type Bulletin struct {
	ID           int64 `gorm:"primaryKey"`
	PlanID       int64
	PeriodID     int64
	PeriodLabel  string
	Title        string
	Praise       string // 表扬
	Criticism    string // 通报批评
	Requirements string // 下步要求
	Figures      string
	State        string
	Year         int
	Seq          int
	CreatedBy    *int64
	CreatedAt    time.Time
	UpdatedBy    *int64
	UpdatedAt    time.Time
	PublishedBy  *int64
	PublishedAt  *time.Time
	Version      int
}
