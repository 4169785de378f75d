package workflow

import (
	"duban/internal/model"
	"duban/internal/store"
)

// Object-level access. The route table's rules (internal/web/routes.go) decide who may call
// a route; these decide which objects a caller may see. A unit user asking
// for another unit's object gets model.ErrNotFound, so IDs reveal nothing.

// CanSeeAssignment: admins, reviewers and viewers see every assignment; a
// unit sees its own and, as lead unit, its co-units' on the measures it
// leads.
func CanSeeAssignment(a store.Actor, assignedUnit, leadUnit int64) bool {
	return KindOf(a, ObjInput, assignedUnit, leadUnit) != Stranger
}

// CanSeeReport: the owner sees its report in any state; everyone else who
// may see the assignment sees it once a version has been submitted
// (drafts are the unit's own business).
func CanSeeReport(a store.Actor, assignedUnit, leadUnit int64, r *model.Report) bool {
	switch KindOf(a, ObjInput, assignedUnit, leadUnit) {
	case Owner:
		return true
	case Stranger:
		return false
	}
	return r.VersionNo > 0
}

// CanDownload: the owner may fetch any of its files; others only files a
// submitted version lists.
func CanDownload(a store.Actor, assignedUnit, leadUnit int64, r *model.Report, att *model.Attachment, versions []Snapshot) bool {
	if KindOf(a, ObjInput, assignedUnit, leadUnit) == Owner {
		return true
	}
	if !CanSeeReport(a, assignedUnit, leadUnit, r) {
		return false
	}
	for i := range versions {
		if versions[i].HasFile(att.ID) {
			return true
		}
	}
	return false
}

// IsOwner reports whether a works for the assigned unit.
func IsOwner(a store.Actor, assignedUnit int64) bool {
	return a.Role == model.RoleUnit && a.UnitID != 0 && a.UnitID == assignedUnit
}
