package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"duban/internal/evidence"
	"duban/internal/model"
	"duban/internal/store/db"
)

// The audit log is a keyed hash chain with a signed head kept outside the
// database:
//
//   - every entry is written with mac = HMAC(key, its fields);
//   - the sealer links committed entries in the order it finds them:
//     seq = 1, 2, 3, …, prev_hash = the previous entry's hash and
//     hash = HMAC(key, seq, prev_hash, mac); the first keyed entry links to
//     the last entry of the older unkeyed chain;
//   - after each sealing pass the head (entries, last ID, last hash, and the
//     size of the unkeyed segment), signed with the key, replaces
//     DATA_DIR/audit.head.
//
// Editing an entry breaks its mac, removing one breaks the links, removing
// the newest ones or all of them falls short of the head, and a chain
// recomputed without the key fails the HMACs. Only sealing serialises — and
// on PostgreSQL only with itself (a try-lock: a busy sealer is skipped, not
// waited for) — so writers on several instances never wait for each other.

const (
	// AuditKeyFile and AuditHeadFile are the chain's files in the data dir.
	AuditKeyFile  = "audit.key"
	AuditHeadFile = "audit.head"

	sealBatch        = 500
	sealAdvisoryLock = 7423001
)

type auditChain struct {
	key      []byte
	headPath string // empty: no head (a store without a data dir)
	mu       sync.Mutex
	pending  atomic.Bool // an entry was written since the last pass
	headLost atomic.Bool // reported once
}

// newEphemeralChain keys a store that was given no data dir (tests, tools):
// its entries verify within the process only.
func newEphemeralChain() *auditChain {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return &auditChain{key: k}
}

func (c *auditChain) entryMac(ev *model.AuditEvent) string {
	h := hmac.New(sha256.New, c.key)
	writeField(h, "entry")
	auditFields(h, ev)
	return hex.EncodeToString(h.Sum(nil))
}

func (c *auditChain) sealHash(seq int64, prev, mac string) string {
	h := hmac.New(sha256.New, c.key)
	writeField(h, "seal")
	writeField(h, strconv.FormatInt(seq, 10))
	writeField(h, prev)
	writeField(h, mac)
	return hex.EncodeToString(h.Sum(nil))
}

// AuditHead is the signed summary of the chain kept outside the database.
type AuditHead struct {
	Entries        int64     `json:"entries"` // keyed entries sealed (= the last seq)
	LastID         int64     `json:"last_id"`
	LastHash       string    `json:"last_hash"`
	Legacy         int64     `json:"legacy_entries"` // entries of the unkeyed chain before it
	LegacyLastID   int64     `json:"legacy_last_id"`
	LegacyLastHash string    `json:"legacy_last_hash"`
	WrittenAt      time.Time `json:"written_at"`
	Mac            string    `json:"mac"`
}

func (c *auditChain) headMac(h *AuditHead) string {
	m := hmac.New(sha256.New, c.key)
	for _, f := range []string{
		"head", strconv.FormatInt(h.Entries, 10), strconv.FormatInt(h.LastID, 10), h.LastHash,
		strconv.FormatInt(h.Legacy, 10), strconv.FormatInt(h.LegacyLastID, 10), h.LegacyLastHash,
		h.WrittenAt.UTC().Format(time.RFC3339Nano),
	} {
		writeField(m, f)
	}
	return hex.EncodeToString(m.Sum(nil))
}

var errNoHead = errors.New("audit head missing")

// readHead returns the head file, checking its signature.
func (c *auditChain) readHead() (*AuditHead, error) {
	b, err := os.ReadFile(c.headPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNoHead
	}
	if err != nil {
		return nil, fmt.Errorf("read audit head: %w", err)
	}
	var h AuditHead
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("audit head %s is not valid: %w", c.headPath, err)
	}
	if !hmac.Equal([]byte(h.Mac), []byte(c.headMac(&h))) {
		return nil, fmt.Errorf("audit head %s: signature does not match the audit key", c.headPath)
	}
	return &h, nil
}

func (c *auditChain) writeHead(h *AuditHead) error {
	h.Mac = c.headMac(h)
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(c.headPath, append(b, '\n'), 0o600)
}

// WriteFileAtomic replaces path with data: a temporary file in the same
// folder, fsynced, renamed over path, and the folder fsynced, so a crash
// leaves either the old file or the new one.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	return evidence.SyncDir(dir)
}

// OpenAuditChain keys the audit log with DATA_DIR/audit.key. On first start
// it creates the key (0600) and a head recording the unkeyed entries
// written before it. A database that already holds keyed entries without
// the key is refused: a new key would make the whole log unverifiable.
func (s *Store) OpenAuditChain(ctx context.Context, dataDir string) error {
	keyPath := filepath.Join(dataDir, AuditKeyFile)
	c := &auditChain{headPath: filepath.Join(dataDir, AuditHeadFile)}
	b, err := os.ReadFile(keyPath)
	switch {
	case err == nil:
		k, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) < 32 {
			return fmt.Errorf("%s must hold a hex key of at least 32 bytes", keyPath)
		}
		c.key = k
		s.chain = c
		return nil
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("read audit key: %w", err)
	}
	var keyed []int64
	if err := s.r(ctx).Model(&model.AuditEvent{}).Where("mac <> ''").Limit(1).Pluck("id", &keyed).Error; err != nil {
		return fmt.Errorf("audit key: %w", err)
	}
	if len(keyed) > 0 {
		return fmt.Errorf("%s is missing but the audit log has keyed entries: restore it from the backup taken with the database", keyPath)
	}
	c.key = make([]byte, 32)
	if _, err := rand.Read(c.key); err != nil {
		return err
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return err
	}
	head := &AuditHead{WrittenAt: time.Now().UTC()}
	var legacy []model.AuditEvent
	q := s.r(ctx).Where("seq IS NULL AND hash <> ''")
	if err := q.Model(&model.AuditEvent{}).Count(&head.Legacy).Error; err != nil {
		return fmt.Errorf("count audit entries: %w", err)
	}
	if err := s.r(ctx).Where("seq IS NULL AND hash <> ''").Order("id DESC").Limit(1).Find(&legacy).Error; err != nil {
		return fmt.Errorf("read audit log: %w", err)
	}
	if len(legacy) == 1 {
		head.LegacyLastID, head.LegacyLastHash = legacy[0].ID, legacy[0].Hash
	}
	if err := c.writeHead(head); err != nil {
		return fmt.Errorf("write audit head: %w", err)
	}
	if err := WriteFileAtomic(keyPath, []byte(hex.EncodeToString(c.key)+"\n"), 0o600); err != nil {
		return fmt.Errorf("write audit key: %w", err)
	}
	s.chain = c
	return nil
}

// SealAudit links every committed pending entry into the chain and, when it
// sealed any, rewrites the head. An entry whose mac does not match (written
// with another key, or forged) is left pending; AuditCheck reports it.
func (s *Store) SealAudit(ctx context.Context) (int, error) {
	c := s.chain
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending.Store(false)
	total := 0
	var after int64
	var tip model.AuditEvent
	for {
		n, last, err := s.sealBatch(ctx, after, &tip)
		if err != nil {
			return total, err
		}
		total += n
		if last == 0 {
			break
		}
		after = last
	}
	if total == 0 || c.headPath == "" {
		return total, nil
	}
	head, err := c.readHead()
	if err != nil {
		if c.headLost.CompareAndSwap(false, true) {
			return total, fmt.Errorf("audit head not updated: %w", err)
		}
		return total, nil
	}
	if tip.Seq == nil || *tip.Seq <= head.Entries {
		return total, nil // another instance wrote a newer head meanwhile
	}
	head.Entries, head.LastID, head.LastHash = *tip.Seq, tip.ID, tip.Hash
	head.WrittenAt = time.Now().UTC()
	if err := c.writeHead(head); err != nil {
		return total, fmt.Errorf("write audit head: %w", err)
	}
	return total, nil
}

// sealBatch seals up to sealBatch pending entries with IDs above after; it
// returns how many it sealed and the last ID it looked at (0 when there was
// nothing to look at). tip receives the newest sealed entry.
func (s *Store) sealBatch(ctx context.Context, after int64, tip *model.AuditEvent) (int, int64, error) {
	sealed := 0
	var last int64
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		if s.db.Dialect == db.Postgres {
			var got bool
			if err := tx.Raw("SELECT pg_try_advisory_xact_lock(?)", sealAdvisoryLock).Scan(&got).Error; err != nil {
				return fmt.Errorf("audit seal lock: %w", err)
			}
			if !got {
				return nil // another instance is sealing; it will take ours too
			}
		}
		var pending []model.AuditEvent
		if err := tx.Where("hash = '' AND id > ?", after).Order("id").Limit(sealBatch).Find(&pending).Error; err != nil {
			return fmt.Errorf("read pending audit entries: %w", err)
		}
		if len(pending) == 0 {
			return nil
		}
		last = pending[len(pending)-1].ID
		var prev []model.AuditEvent
		if err := tx.Where("seq IS NOT NULL").Order("seq DESC").Limit(1).Find(&prev).Error; err != nil {
			return fmt.Errorf("read the chain's newest entry: %w", err)
		}
		var seq int64
		prevHash := ""
		if len(prev) == 1 {
			seq, prevHash = *prev[0].Seq, prev[0].Hash
		} else {
			if err := tx.Where("seq IS NULL AND hash <> ''").Order("id DESC").Limit(1).Find(&prev).Error; err != nil {
				return fmt.Errorf("read the unkeyed chain's newest entry: %w", err)
			}
			if len(prev) == 1 {
				prevHash = prev[0].Hash
			}
		}
		for i := range pending {
			ev := &pending[i]
			if !hmac.Equal([]byte(ev.Mac), []byte(s.chain.entryMac(ev))) {
				continue
			}
			seq++
			n := seq
			ev.Seq, ev.PrevHash = &n, prevHash
			ev.Hash = s.chain.sealHash(seq, prevHash, ev.Mac)
			res := tx.Model(&model.AuditEvent{}).Where("id = ? AND hash = ''", ev.ID).
				Updates(map[string]any{"seq": n, "prev_hash": ev.PrevHash, "hash": ev.Hash})
			if res.Error != nil {
				return fmt.Errorf("seal audit entry %d: %w", ev.ID, res.Error)
			}
			prevHash = ev.Hash
			sealed++
			*tip = *ev
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return sealed, last, nil
}

// RunAuditSealer seals new entries every interval while any were written
// (by this process, or by another one: those are looked for every 5 s),
// until ctx ends; then it seals once more. A pass is never cancelled
// half-way: a PostgreSQL transaction cut off by a cancelled context can
// linger and keep the sealing lock from the other instances.
func (s *Store) RunAuditSealer(ctx context.Context, every time.Duration, log *slog.Logger) {
	if bg, err := s.db.Background(); err == nil {
		s = &Store{db: bg, clock: s.clock, chain: s.chain}
	} else {
		log.Warn("audit sealer on the request handles", "err", err)
	}
	pass := context.WithoutCancel(ctx)
	t := time.NewTicker(every)
	defer t.Stop()
	lookEvery := max(1, int(5*time.Second/every))
	for i := 1; ; i++ {
		select {
		case <-ctx.Done():
			if _, err := s.SealAudit(pass); err != nil {
				log.Error("audit seal", "err", err)
			}
			return
		case <-t.C:
		}
		if !s.chain.pending.Load() && i%lookEvery != 0 {
			continue
		}
		if i%lookEvery == 0 {
			var ids []int64
			if err := s.r(pass).Model(&model.AuditEvent{}).Where("hash = ''").Limit(1).Pluck("id", &ids).Error; err != nil || len(ids) == 0 {
				continue
			}
		}
		if _, err := s.SealAudit(pass); err != nil {
			log.Error("audit seal", "err", err)
		}
	}
}

// AuditCheck is what VerifyAudit found.
type AuditCheck struct {
	Legacy  int64 // entries of the unkeyed chain, checked
	Entries int64 // keyed entries sealed, checked
	Pending int64 // entries not sealed yet, mac checked
	// BrokenID is the first entry that was edited, does not link, or is
	// missing (the newest entry the head names); -1 when the head itself is
	// missing or forged; 0 when the log is intact.
	BrokenID int64
	Problem  string
	SealErr  error // sealing before the check failed (the check still ran)
}

// Checked is the number of entries checked.
func (c AuditCheck) Checked() int64 { return c.Legacy + c.Entries + c.Pending }

func (c *AuditCheck) broken(id int64, format string, args ...any) {
	if c.BrokenID == 0 {
		c.BrokenID, c.Problem = id, fmt.Sprintf(format, args...)
	}
}

// VerifyAudit seals what is pending, then checks the whole log, and returns
// the first broken entry (see AuditCheck.BrokenID) and how many it checked.
func (s *Store) VerifyAudit(ctx context.Context) (brokenID int64, checked int64, err error) {
	c, err := s.CheckAudit(ctx)
	return c.BrokenID, c.Checked(), err
}

// CheckAudit seals what is pending (best effort: with the guards in place
// a tampered database may refuse it), then walks the unkeyed segment, the
// keyed chain and the entries still pending, and compares them with the
// signed head.
func (s *Store) CheckAudit(ctx context.Context) (AuditCheck, error) {
	var c AuditCheck
	if _, err := s.SealAudit(ctx); err != nil {
		c.SealErr = err
	}
	var head *AuditHead
	if s.chain.headPath != "" {
		h, err := s.chain.readHead()
		switch {
		case errors.Is(err, errNoHead):
			c.broken(-1, "the audit head %s is missing", s.chain.headPath)
		case err != nil:
			c.broken(-1, "%v", err)
		default:
			head = h
		}
	}

	// The unkeyed segment, in ID order.
	prevHash, lastLegacyID := "", int64(0)
	err := s.walkAudit(ctx, "seq IS NULL AND hash <> ''", "id", func(ev *model.AuditEvent) {
		c.Legacy++
		switch {
		case ev.Mac != "":
			c.broken(ev.ID, "entry %d was taken out of the keyed chain", ev.ID)
		case ev.PrevHash != prevHash || LegacyAuditHash(ev) != ev.Hash:
			c.broken(ev.ID, "entry %d was edited, or an entry before it removed", ev.ID)
		case head != nil && c.Legacy > head.Legacy:
			c.broken(ev.ID, "entry %d is not in the keyed chain (the head counts %d older entries): the chain was recomputed", ev.ID, head.Legacy)
		}
		prevHash, lastLegacyID = ev.Hash, ev.ID
	})
	if err != nil {
		return c, err
	}
	if head != nil && (c.Legacy < head.Legacy || (c.Legacy == head.Legacy && prevHash != head.LegacyLastHash)) {
		c.broken(head.LegacyLastID, "the entries before the keyed chain do not match the head (%d of %d, ending at entry %d)", c.Legacy, head.Legacy, lastLegacyID)
	}

	// The keyed chain, in seal order.
	err = s.walkAudit(ctx, "seq IS NOT NULL", "seq", func(ev *model.AuditEvent) {
		c.Entries++
		switch {
		case *ev.Seq != c.Entries:
			c.broken(ev.ID, "entry %d has position %d, expected %d: entries before it were removed", ev.ID, *ev.Seq, c.Entries)
		case ev.PrevHash != prevHash:
			c.broken(ev.ID, "entry %d does not link to the entry before it", ev.ID)
		case !hmac.Equal([]byte(ev.Mac), []byte(s.chain.entryMac(ev))):
			c.broken(ev.ID, "entry %d was edited (its mark does not match the audit key)", ev.ID)
		case !hmac.Equal([]byte(ev.Hash), []byte(s.chain.sealHash(*ev.Seq, ev.PrevHash, ev.Mac))):
			c.broken(ev.ID, "entry %d has a hash not made with the audit key: the chain was recomputed", ev.ID)
		case head != nil && *ev.Seq == head.Entries && ev.Hash != head.LastHash:
			c.broken(ev.ID, "entry %d is not the entry the head names", ev.ID)
		}
		prevHash = ev.Hash
	})
	if err != nil {
		return c, err
	}
	if head != nil && c.Entries < head.Entries {
		c.broken(head.LastID, "the newest %d entries are missing: the head counts %d, the log has %d (entry %d is gone)",
			head.Entries-c.Entries, head.Entries, c.Entries, head.LastID)
	}

	// Entries not sealed yet (another instance is sealing, or a bad mac).
	err = s.walkAudit(ctx, "hash = ''", "id", func(ev *model.AuditEvent) {
		c.Pending++
		if !hmac.Equal([]byte(ev.Mac), []byte(s.chain.entryMac(ev))) {
			c.broken(ev.ID, "entry %d was not written with the audit key", ev.ID)
		}
	})
	return c, err
}

// walkAudit calls fn for every entry matching where, ordered by col (id or
// seq), in batches.
func (s *Store) walkAudit(ctx context.Context, where, col string, fn func(*model.AuditEvent)) error {
	var last int64 = -1 << 62
	for {
		var batch []model.AuditEvent
		if err := s.r(ctx).Where(where).Where(col+" > ?", last).Order(col).Limit(1000).Find(&batch).Error; err != nil {
			return fmt.Errorf("read audit log: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		for i := range batch {
			fn(&batch[i])
		}
		if col == "seq" {
			last = *batch[len(batch)-1].Seq
		} else {
			last = batch[len(batch)-1].ID
		}
	}
}
