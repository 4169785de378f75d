package store

import (
	"context"
	"database/sql"
	"sync"

	"duban/internal/model"
	"duban/internal/store/db"
)

// Visit is what every page request needs to know before its handler
// runs: the session row, its user, the user's unit name, the unread count
// (up to a limit) and, for a kept page, the read model's status. It is
// read in one statement so that the per-request middleware costs one
// query, not five (issue #11: a kept page's cost is this floor).
type Visit struct {
	Session  *model.Session // nil: no such session
	User     *model.User    // nil: no user on the session, or the user is gone
	UnitName string
	Unread   int
	// Status is set when asked for (withStatus).
	Status *ReadModelStatus
}

const visitQuery = "SELECT s.user_id, s.data, s.created_at, s.last_seen_at, s.expires_at, " +
	"u.id, u.username, u.display_name, u.password_hash, u.role, u.unit_id, u.disabled, u.demo, " +
	"u.must_change_password, u.password_changed_at, u.last_login_at, u.created_at, u.updated_at, " +
	"un.name, " +
	"(SELECT COUNT(*) FROM (SELECT 1 FROM notifications n WHERE n.user_id = s.user_id AND n.read_at IS NULL LIMIT $1) unread)"

// The read model's status, as StateStatus reads it.
const visitStatus = ", (SELECT SUM(generation) FROM readmodel_generation), " +
	"CASE WHEN EXISTS (SELECT 1 FROM readmodel_dirty) THEN 1 ELSE 0 END, " +
	"(SELECT MIN(next_change_at) FROM assignment_states), " +
	"(SELECT MAX(id) FROM audit_events)"

const visitFrom = " FROM sessions s LEFT JOIN users u ON u.id = s.user_id LEFT JOIN units un ON un.id = u.unit_id " +
	"WHERE s.id_hash = $2"

// VisitSQL is VisitByHash's statement (arguments: the unread limit, the
// session's ID hash), for the query-plan test, which does not see it
// pass through GORM.
func VisitSQL(withStatus bool) string {
	if withStatus {
		return visitQuery + visitStatus + visitFrom
	}
	return visitQuery + visitFrom
}

// VisitByHash reads the session keyed by idHash with its user, unit name
// and unread count (counted up to unreadLimit), and with the read model's
// status when withStatus. An unknown session answers a Visit with a nil
// Session and no error. It reads outside any transaction, through a
// statement kept prepared on the reader pool: building it through GORM
// (which scans the text for its placeholders) was a fifth of its cost.
// The placeholders are numbered ($1, $2), which SQLite and PostgreSQL
// both read.
func (s *Store) VisitByHash(ctx context.Context, idHash string, unreadLimit int, withStatus bool) (Visit, error) {
	var (
		v                                   Visit
		sess                                model.Session
		uid, unitID                         sql.NullInt64
		user                                model.User
		username, display, hash, role, unit sql.NullString
		disabled, demo, mustChange          sql.NullBool
		changed, lastLogin, created, upd    sql.NullTime
		unread                              int64
		gen, next, mark                     sql.NullInt64
		dirty                               int64
	)
	dest := []any{&sess.UserID, &sess.Data, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt,
		&uid, &username, &display, &hash, &role, &unitID, &disabled, &demo,
		&mustChange, &changed, &lastLogin, &created, &upd, &unit, &unread}
	if withStatus {
		dest = append(dest, &gen, &dirty, &next, &mark)
	}
	stmt, err := s.reads.prepare(ctx, s.db, VisitSQL(withStatus))
	if err != nil {
		return v, translate(err, "session")
	}
	err = stmt.QueryRowContext(ctx, unreadLimit, idHash).Scan(dest...)
	if err == sql.ErrNoRows {
		return v, nil
	}
	if err != nil {
		return v, translate(err, "session")
	}
	sess.IDHash = idHash
	v.Session = &sess
	if uid.Valid {
		user = model.User{ID: uid.Int64, Username: username.String, DisplayName: display.String,
			PasswordHash: hash.String, Role: role.String, Disabled: disabled.Bool, Demo: demo.Bool,
			MustChangePassword: mustChange.Bool, PasswordChangedAt: changed.Time,
			CreatedAt: created.Time, UpdatedAt: upd.Time}
		if unitID.Valid {
			user.UnitID = &unitID.Int64
		}
		if lastLogin.Valid {
			user.LastLoginAt = &lastLogin.Time
		}
		v.User = &user
		v.UnitName = unit.String
	}
	v.Unread = int(unread)
	if withStatus {
		v.Status = &ReadModelStatus{Generation: gen.Int64, Dirty: dirty == 1, NextChange: next.Int64, AuditMark: mark.Int64}
	}
	return v, nil
}

// preparedReads keeps the statements of the per-request reads prepared on
// the reader pool (database/sql prepares each on a connection once).
type preparedReads struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func (p *preparedReads) prepare(ctx context.Context, d *db.DB, q string) (*sql.Stmt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if st := p.m[q]; st != nil {
		return st, nil
	}
	r, err := d.Reader()
	if err != nil {
		return nil, err
	}
	st, err := r.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	p.m[q] = st
	return st, nil
}
