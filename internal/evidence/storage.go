// Package evidence keeps evidence files (佐证材料) behind a small interface.
// The local implementation writes under DATA_DIR/attachments with generated
// names; several app instances may share the folder (NFS or similar):
// names are random, files are written under a temporary name and renamed
// into place, and nothing is cached in memory.
package evidence

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// Errors of Create.
var (
	ErrTooLarge = errors.New("file exceeds the size limit")
	ErrEmpty    = errors.New("file is empty")
)

// HeadSize is how many leading bytes Create keeps for type sniffing.
const HeadSize = 4096

// Blob is a stored file.
type Blob struct {
	Key    string // opaque storage key, e.g. 3f/3fa2…
	Size   int64
	SHA256 string // hex
	Head   []byte // the first HeadSize bytes (fewer for small files)
}

// File is an open stored file: seekable for Range requests and readable at
// offsets for ZIP inspection.
type File interface {
	io.ReadSeekCloser
	io.ReaderAt
	Size() int64
}

// Storage keeps files by key.
type Storage interface {
	// Create streams r into a new file of at most limit bytes. Nothing is
	// kept when it fails (ErrTooLarge, ErrEmpty or a read error).
	Create(ctx context.Context, r io.Reader, limit int64) (*Blob, error)
	Open(ctx context.Context, key string) (File, error)
	// Remove deletes a file; removing a missing file is not an error.
	Remove(ctx context.Context, key string) error
}

// Local stores files in a folder.
type Local struct {
	root string
}

// NewLocal uses dir (created on first write).
func NewLocal(dir string) *Local { return &Local{root: dir} }

// Root is the folder.
func (l *Local) Root() string { return l.root }

// keyPattern is the only shape a key may have, so a tampered database row
// cannot point outside the folder.
var keyPattern = regexp.MustCompile(`^[0-9a-f]{2}/[0-9a-f]{32}$`)

func newKey() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	h := hex.EncodeToString(b[:])
	return h[:2] + "/" + h, nil
}

func (l *Local) path(key string) (string, error) {
	if !keyPattern.MatchString(key) {
		return "", fmt.Errorf("storage key %q: %w", key, os.ErrNotExist)
	}
	return filepath.Join(l.root, filepath.FromSlash(key)), nil
}

// Create writes r to a temporary file next to its final place, hashing it
// on the way, and renames it into place once complete and synced.
func (l *Local) Create(ctx context.Context, r io.Reader, limit int64) (*Blob, error) {
	key, err := newKey()
	if err != nil {
		return nil, err
	}
	final, _ := l.path(key)
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("storage: create folder: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return nil, fmt.Errorf("storage: create file: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	head := &headBuffer{max: HeadSize}
	n, err := io.Copy(io.MultiWriter(tmp, h, head), &ctxReader{ctx: ctx, r: io.LimitReader(r, limit+1)})
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, ErrTooLarge
	}
	if n == 0 {
		return nil, ErrEmpty
	}
	if err := tmp.Sync(); err != nil {
		return nil, fmt.Errorf("storage: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("storage: close: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("storage: rename: %w", err)
	}
	done = true
	// The rename is durable only once the folder is synced: without it a
	// crash can lose a file whose row was committed.
	if err := SyncDir(dir); err != nil {
		os.Remove(final)
		return nil, fmt.Errorf("storage: sync folder: %w", err)
	}
	return &Blob{Key: key, Size: n, SHA256: hex.EncodeToString(h.Sum(nil)), Head: head.b}, nil
}

// Open opens a stored file.
func (l *Local) Open(_ context.Context, key string) (File, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &localFile{File: f, size: st.Size()}, nil
}

// Remove deletes a stored file.
func (l *Local) Remove(_ context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

type localFile struct {
	*os.File
	size int64
}

func (f *localFile) Size() int64 { return f.size }

// headBuffer keeps the first max bytes written to it.
type headBuffer struct {
	b   []byte
	max int
}

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := h.max - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// ctxReader stops a long copy when the request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
