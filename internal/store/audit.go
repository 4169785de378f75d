package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"strconv"
	"time"

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

// Audit appends an entry in the context's transaction (its own one when
// the context carries none), so a rolled-back change leaves no entry.
// The entry carries mac = HMAC(audit key, its fields); it is linked into the
// chain by the sealer once committed (see audit_chain.go), so writers never
// wait for each other's transactions here.
func (s *Store) Audit(ctx context.Context, a Actor, e AuditEntry) error {
	if !s.InTransaction(ctx) {
		return s.WithTx(ctx, func(ctx context.Context) error { return s.Audit(ctx, a, e) })
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
	}
	if a.UserID != 0 {
		id := a.UserID
		ev.ActorID = &id
	}
	if a.UnitID != 0 {
		id := a.UnitID
		ev.UnitID = &id
	}
	ev.Mac = s.chain.entryMac(&ev)
	if err := s.w(ctx).Create(&ev).Error; err != nil {
		return translate(err, "append audit entry")
	}
	s.chain.pending.Store(true)
	return nil
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

// auditFields writes an entry's fields, each length-prefixed, to h.
func auditFields(h hash.Hash, ev *model.AuditEvent) {
	ptr := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	for _, f := range []string{
		ev.At.UTC().Format(time.RFC3339Nano), ptr(ev.ActorID), ev.ActorName, ev.Role, ptr(ev.UnitID),
		ev.ClientAddr, ev.Action, ev.ObjectType, strconv.FormatInt(ev.ObjectID, 10), ev.OldValue, ev.NewValue,
	} {
		writeField(h, f)
	}
}

func writeField(h hash.Hash, f string) {
	h.Write([]byte(strconv.Itoa(len(f))))
	h.Write([]byte{':'})
	h.Write([]byte(f))
}

// LegacyAuditHash is the unkeyed chain hash of an entry written before the
// keyed chain: SHA-256 over the previous hash and every field but the ID.
func LegacyAuditHash(ev *model.AuditEvent) string {
	h := sha256.New()
	writeField(h, ev.PrevHash)
	auditFields(h, ev)
	return hex.EncodeToString(h.Sum(nil))
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
