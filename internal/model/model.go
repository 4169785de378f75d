// Package model holds the GORM structs that mirror the migrated schema and
// the sentinel errors every layer uses. It has no behaviour of its own.
package model

import (
	"errors"
	"time"
)

// Sentinel errors. Stores translate driver errors into these so handlers can
// map them to HTTP answers without knowing the database.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("conflict: the record was changed by someone else")
	ErrForbidden = errors.New("forbidden")
	ErrInvalid   = errors.New("invalid input")
)

// Roles.
const (
	RoleAdmin    = "admin"
	RoleReviewer = "reviewer"
	RoleUnit     = "unit"
	RoleViewer   = "viewer"
)

// Roles lists every role in display order.
var Roles = []string{RoleAdmin, RoleReviewer, RoleUnit, RoleViewer}

// Unit kinds.
const (
	UnitDepartment = "department"
	UnitDistrict   = "district"
	UnitCompany    = "company"
	UnitOther      = "other"
)

// UnitKinds lists every unit kind in display order.
var UnitKinds = []string{UnitDepartment, UnitDistrict, UnitCompany, UnitOther}

// Assignment roles.
const (
	AssignLead        = "lead"
	AssignResponsible = "responsible"
)

// Report states.
const (
	ReportDraft     = "draft"
	ReportSubmitted = "submitted"
	ReportReturned  = "returned"
	ReportApproved  = "approved"
)

// Progress states reported by units.
const (
	ProgressNotStarted = "not_started" // 未启动
	ProgressOnTrack    = "on_track"    // 正常推进
	ProgressBehind     = "behind"      // 滞后
	ProgressDone       = "done"        // 已完成
)

// ProgressStates lists the progress states in display order.
var ProgressStates = []string{ProgressNotStarted, ProgressOnTrack, ProgressBehind, ProgressDone}

type Unit struct {
	ID        int64 `gorm:"primaryKey"`
	Name      string
	Kind      string
	Confirmed bool
	SortOrder int
	CreatedAt time.Time
	UpdatedAt time.Time
}

type UnitAlias struct {
	ID        int64 `gorm:"primaryKey"`
	UnitID    int64
	Alias     string
	CreatedAt time.Time
}

type UnitGroup struct {
	ID        int64 `gorm:"primaryKey"`
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

type UnitGroupMember struct {
	GroupID int64 `gorm:"primaryKey;autoIncrement:false"`
	UnitID  int64 `gorm:"primaryKey;autoIncrement:false"`
}

type User struct {
	ID           int64 `gorm:"primaryKey"`
	Username     string
	DisplayName  string
	PasswordHash string
	Role         string
	UnitID       *int64
	Disabled     bool
	Demo         bool
	// MustChangePassword: an administrator chose the current password; the
	// user has to choose their own before anything else.
	MustChangePassword bool
	PasswordChangedAt  time.Time
	LastLoginAt        *time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// UnitIDOr0 returns the user's unit or 0 for users without one.
func (u *User) UnitIDOr0() int64 {
	if u == nil || u.UnitID == nil {
		return 0
	}
	return *u.UnitID
}

type Session struct {
	IDHash     string `gorm:"primaryKey"`
	UserID     *int64
	Data       []byte
	ClientAddr string
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

type LoginAttempt struct {
	ID         int64 `gorm:"primaryKey"`
	Username   string
	ClientAddr string
	Success    bool
	At         time.Time
}

type Setting struct {
	Key       string `gorm:"primaryKey"`
	Value     string
	UpdatedAt time.Time
}

type Plan struct {
	ID           int64 `gorm:"primaryKey"`
	Title        string
	Issuer       string
	IssuedOn     string
	StartOn      time.Time
	EndOn        time.Time
	Reporting    string
	DueDays      int
	SourceText   string
	SourceSHA256 string `gorm:"column:source_sha256"`
	Warnings     string
	Demo         bool
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

type Domain struct {
	ID          int64 `gorm:"primaryKey"`
	PlanID      int64
	Position    int
	Label       string
	Title       string
	Goal        string
	SourceStart int
	SourceEnd   int
}

type Measure struct {
	ID          int64 `gorm:"primaryKey"`
	PlanID      int64
	DomainID    int64
	Position    int
	Label       string
	Title       string
	SourceText  string
	SourceStart int
	SourceEnd   int
	DueOn       time.Time
	DueNote     string // the plan's phrase for the deadline (2015年底前)
	Ongoing     bool   // work without an end (长期坚持): due on the plan's end
	ClosedAt    *time.Time
	ClosedBy    *int64
	ClosedNote  string
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

type Target struct {
	ID        int64 `gorm:"primaryKey"`
	MeasureID int64
	Position  int
	Text      string
	Indicator string
	Op        string
	Value     float64
	Unit      string
	Year      int
}

type Assignment struct {
	ID        int64 `gorm:"primaryKey"`
	MeasureID int64
	UnitID    int64
	Role      string
	SignedAt  *time.Time
	SignedBy  *int64
	CreatedAt time.Time
	// DueOn is a deadline moved by an approved extension (延期); nil while
	// the measure's own due date applies.
	DueOn *time.Time
}

type Period struct {
	ID       int64 `gorm:"primaryKey"`
	PlanID   int64
	Seq      int
	Label    string
	StartsOn time.Time
	EndsOn   time.Time
	DueOn    time.Time
}

type Report struct {
	ID            int64 `gorm:"primaryKey"`
	AssignmentID  int64
	PeriodID      int64
	State         string
	ProgressState string
	Percent       int
	Progress      string
	Problems      string
	NextSteps     string
	SubmittedAt   *time.Time
	SubmittedBy   *int64
	ReturnedAt    *time.Time
	ApprovedAt    *time.Time
	VersionNo     int
	LockVersion   int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

type ReportVersion struct {
	ID          int64 `gorm:"primaryKey"`
	ReportID    int64
	VersionNo   int
	Snapshot    string
	SubmittedAt time.Time
	SubmittedBy *int64
}

type TargetValue struct {
	ID       int64 `gorm:"primaryKey"`
	ReportID int64
	TargetID int64
	Value    *float64
	Note     string
}

type Attachment struct {
	ID          int64 `gorm:"primaryKey"`
	ReportID    int64
	Name        string
	ContentType string
	Size        int64
	SHA256      string `gorm:"column:sha256"`
	StorageKey  string
	UploadedBy  *int64
	CreatedAt   time.Time
	// RemovedAt marks a file taken off a revised report; the file stays
	// downloadable from the submitted versions that listed it.
	RemovedAt *time.Time
	RemovedBy *int64
}

type Review struct {
	ID         int64 `gorm:"primaryKey"`
	ReportID   int64
	VersionNo  int
	ReviewerID int64
	Decision   string
	Reason     string
	CreatedAt  time.Time
}

// Prompt is a 催办 notice from the supervision office to a unit.
type Prompt struct {
	ID           int64 `gorm:"primaryKey"`
	UnitID       int64
	AssignmentID *int64
	PeriodID     *int64
	SenderID     int64
	Message      string
	CreatedAt    time.Time
	ResolvedAt   *time.Time
}

type Notification struct {
	ID         int64 `gorm:"primaryKey"`
	UserID     int64
	Kind       string
	ObjectType string
	ObjectID   int64
	Message    string
	CreatedAt  time.Time
	ReadAt     *time.Time
}

type AuditEvent struct {
	ID         int64 `gorm:"primaryKey"`
	At         time.Time
	ActorID    *int64
	ActorName  string
	Role       string
	UnitID     *int64
	ClientAddr string
	Action     string
	ObjectType string
	ObjectID   int64
	OldValue   string
	NewValue   string
	// Mac is HMAC(audit key, the fields above), written with the entry;
	// empty on entries older than the keyed chain.
	Mac string
	// Seq, PrevHash and Hash are set when the entry is sealed into the
	// chain after its transaction commits (Hash is empty until then).
	Seq      *int64
	PrevHash string
	Hash     string
}

// AssignmentState is the read model's row of one assignment (issue #11):
// its compact facts as JSON (internal/readmodel owns the format), the
// light and counts the rules gave at the last refresh, and NextChangeAt,
// the instant (Unix seconds) after which the clock alone may change them.
type AssignmentState struct {
	AssignmentID    int64 `gorm:"primaryKey;autoIncrement:false"`
	PlanID          int64
	DomainID        int64
	MeasureID       int64
	UnitID          int64
	Role            string
	Facts           string
	Light           int
	DueCount        int // reports to write now (待办)
	ReturnedCount   int // returned reports to revise
	LateCount       int // periods past their deadline not handed in, or handed in late
	OpenPrompts     int
	LatestPercent   int
	AwaitingReview  int // reports submitted and not yet reviewed
	Closable        int // 1: the lead's latest handed-in report says 已完成 and the measure is open
	LastSubmittedAt *int64
	NextChangeAt    *int64
}

// ReadModelDirty lists assignments whose facts changed outside the
// workflow (filled by triggers, drained by the read model).
type ReadModelDirty struct {
	AssignmentID int64 `gorm:"primaryKey;autoIncrement:false"`
}

func (ReadModelDirty) TableName() string { return "readmodel_dirty" }

// ReadModelGeneration counts the transactions that changed the read model.
type ReadModelGeneration struct {
	ID         int64 `gorm:"primaryKey"`
	Generation int64
}

func (ReadModelGeneration) TableName() string { return "readmodel_generation" }

// APIToken is a personal access token for the JSON API. Only the SHA-256
// of the secret is stored; Prefix (the secret's first characters) lets
// its owner recognise it.
type APIToken struct {
	ID         int64 `gorm:"primaryKey"`
	UserID     int64
	Name       string
	Prefix     string
	SecretHash string
	ReadOnly   bool
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	CreatedAt  time.Time
	RevokedAt  *time.Time
	RevokedBy  *int64
}

// Active reports whether the token may be used at now.
func (t *APIToken) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}
