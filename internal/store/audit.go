package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"duban/internal/db"
	"duban/internal/model"
)

// Actor is who does something, for the audit log.
type Actor struct {
	UserID     int64
	Username   string
	Role       string
	UnitID     int64
	ClientAddr string
}

// ActorOf describes a logged-in user acting from addr.
func ActorOf(u *model.User, addr string) Actor {
	if u == nil {
		return Actor{ClientAddr: addr}
	}
	return Actor{UserID: u.ID, Username: u.Username, Role: u.Role, UnitID: u.UnitIDOr0(), ClientAddr: addr}
}

// AuditEntry is one thing to record. Old and New are marshalled to JSON
// unless they are already strings.
type AuditEntry struct {
	Action     string // e.g. login.ok, report.submit
	ObjectType string
	ObjectID   int64
	Old, New   any
}

// Audit appends an entry inside tx, so a rolled-back change leaves no entry.
// Each entry's hash covers the previous entry's hash and its own fields.
func (s *Store) Audit(ctx context.Context, tx *gorm.DB, a Actor, e AuditEntry) error {
	if tx == nil {
		return s.Tx(ctx, func(tx *gorm.DB) error { return s.Audit(ctx, tx, a, e) })
	}
	if s.db.Dialect == db.Postgres {
		// Serialise appenders so the chain has no forks.
		if err := tx.Exec("SELECT pg_advisory_xact_lock(7423001)").Error; err != nil {
			return fmt.Errorf("audit lock: %w", err)
		}
	}
	var prev model.AuditEvent
	err := tx.Order("id DESC").Limit(1).Find(&prev).Error
	if err != nil {
		return fmt.Errorf("audit: read last entry: %w", err)
	}
	ev := model.AuditEvent{
		At:         s.clock.Now().UTC().Truncate(time.Microsecond),
		ActorName:  truncateRunes(a.Username, 150), // failed logins record what was typed
		Role:       a.Role,
		ClientAddr: truncateRunes(a.ClientAddr, 64),
		Action:     e.Action,
		ObjectType: e.ObjectType,
		ObjectID:   e.ObjectID,
		OldValue:   jsonText(e.Old),
		NewValue:   jsonText(e.New),
		PrevHash:   prev.Hash,
	}
	if a.UserID != 0 {
		id := a.UserID
		ev.ActorID = &id
	}
	if a.UnitID != 0 {
		id := a.UnitID
		ev.UnitID = &id
	}
	ev.Hash = AuditHash(&ev)
	return translate(tx.Create(&ev).Error, "append audit entry")
}

func jsonText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

// AuditHash is the chain hash of an entry: SHA-256 over the previous hash and
// every field but the ID.
func AuditHash(ev *model.AuditEvent) string {
	h := sha256.New()
	ptr := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	for _, f := range []string{
		ev.PrevHash, ev.At.UTC().Format(time.RFC3339Nano), ptr(ev.ActorID), ev.ActorName, ev.Role, ptr(ev.UnitID),
		ev.ClientAddr, ev.Action, ev.ObjectType, strconv.FormatInt(ev.ObjectID, 10), ev.OldValue, ev.NewValue,
	} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// VerifyAudit walks the chain in batches and returns the ID of the first
// entry whose hash or link is wrong, or 0 when the chain is intact.
func (s *Store) VerifyAudit(ctx context.Context) (brokenID int64, checked int64, err error) {
	prevHash := ""
	var last int64
	for {
		var batch []model.AuditEvent
		if err := s.r(ctx).Where("id > ?", last).Order("id").Limit(1000).Find(&batch).Error; err != nil {
			return 0, checked, fmt.Errorf("read audit log: %w", err)
		}
		if len(batch) == 0 {
			return 0, checked, nil
		}
		for i := range batch {
			ev := &batch[i]
			checked++
			if ev.PrevHash != prevHash || AuditHash(ev) != ev.Hash {
				return ev.ID, checked, nil
			}
			prevHash = ev.Hash
			last = ev.ID
		}
	}
}

// AuditFilter selects audit entries; zero fields do not filter. Entries come
// newest first, Limit at a time; Before (an entry ID) pages backwards.
type AuditFilter struct {
	Actor      string // actor's username, exact
	Action     string // exact, e.g. user.disable
	ObjectType string
	ObjectID   int64
	From, To   time.Time // From ≤ at < To
	Before     int64
	Limit      int
}

// MaxAuditPage is the largest page ListAudit returns.
const MaxAuditPage = 200

// ListAudit returns the entries matching f, newest first, and whether there
// are more after them.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]model.AuditEvent, bool, error) {
	q := s.r(ctx).Model(&model.AuditEvent{})
	if f.Actor != "" {
		q = q.Where("actor_name = ?", f.Actor)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.ObjectType != "" {
		q = q.Where("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != 0 {
		q = q.Where("object_id = ?", f.ObjectID)
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC())
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	limit := f.Limit
	if limit <= 0 || limit > MaxAuditPage {
		limit = MaxAuditPage
	}
	var out []model.AuditEvent
	if err := q.Order("id DESC").Limit(limit + 1).Find(&out).Error; err != nil {
		return nil, false, translate(err, "list audit log")
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}
