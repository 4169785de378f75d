package store

import "context"

// The methods of this file are for tests and their helpers: they write
// and read rows as given, past the rules, the audit log and the read
// model's hooks (the triggers still list what they touch).

// Insert inserts a model row, or a slice of them, as given, filling in
// the IDs.
func (s *Store) Insert(ctx context.Context, rows any) error {
	return translate(s.w(ctx).Create(rows).Error, "insert")
}

// Exec runs one SQL statement and returns the number of rows it changed.
func (s *Store) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	res := s.w(ctx).Exec(sql, args...)
	return res.RowsAffected, translate(res.Error, "exec")
}

// Raw runs a query and scans its rows into dest (a struct, a slice, or a
// number for a single value).
func (s *Store) Raw(ctx context.Context, dest any, sql string, args ...any) error {
	return translate(s.r(ctx).Raw(sql, args...).Scan(dest).Error, "query")
}
