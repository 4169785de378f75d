package model

import "fmt"

// RefusedError is an object-level refusal: the user may not see object
// ObjectID of ObjectType. It is answered exactly like ErrNotFound (IDs must
// not reveal what exists) but, unlike a real miss, it is audited with the
// user, the type and the ID (aggregated, so a sweep cannot flood the log).
type RefusedError struct {
	ObjectType string
	ObjectID   int64
}

// Refused makes the error for object id of objectType.
func Refused(objectType string, id int64) error {
	return &RefusedError{ObjectType: objectType, ObjectID: id}
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s %d outside the user's units: %s", e.ObjectType, e.ObjectID, ErrNotFound)
}

// Unwrap makes errors.Is(err, ErrNotFound) hold.
func (e *RefusedError) Unwrap() error { return ErrNotFound }
