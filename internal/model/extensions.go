package model

import "time"

// Extension states (延期申请).
const (
	ExtensionPending  = "pending"
	ExtensionApproved = "approved"
	ExtensionRejected = "rejected"
)

// Extension is a unit's request for a later deadline of one assignment, or
// (WholeMeasure) the lead unit's for every assignment of the measure, and
// the supervision office's decision on it.
type Extension struct {
	ID             int64 `gorm:"primaryKey"`
	AssignmentID   int64
	MeasureID      int64
	WholeMeasure   bool
	RequestedBy    int64
	Reason         string
	OriginalOn     time.Time // the deadline in force when asked
	ProposedOn     time.Time
	State          string
	DecidedBy      *int64
	DecidedAt      *time.Time
	DecidedOn      *time.Time // the date granted
	DecisionReason string
	CreatedAt      time.Time
}

// Instruction is a leader's or the office's instruction (领导批示) on a
// measure or one of its reports, answered once by the lead unit (落实情况).
type Instruction struct {
	ID        int64 `gorm:"primaryKey"`
	MeasureID int64
	ReportID  *int64
	AuthorID  int64
	Body      string
	DueOn     *time.Time // reply due; nil: no date set
	CreatedAt time.Time
	Reply     string
	RepliedAt *time.Time
	RepliedBy *int64
}

// InstructionUnit is a co-unit an instruction names besides the lead unit.
type InstructionUnit struct {
	InstructionID int64 `gorm:"primaryKey;autoIncrement:false"`
	UnitID        int64 `gorm:"primaryKey;autoIncrement:false"`
}

// CaseFile is an evidence file of an extension request or of an
// instruction's reply, kept in the same storage as report evidence.
type CaseFile struct {
	ID            int64 `gorm:"primaryKey"`
	ExtensionID   *int64
	InstructionID *int64
	Name          string
	ContentType   string
	Size          int64
	SHA256        string `gorm:"column:sha256"`
	StorageKey    string
	UploadedBy    *int64
	CreatedAt     time.Time
}

// MeasureClosure is one 办结 (Action "close") or reopening of a measure.
type MeasureClosure struct {
	ID        int64 `gorm:"primaryKey"`
	MeasureID int64
	Action    string
	At        time.Time
	ActorID   *int64
	Note      string
}
