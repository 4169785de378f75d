package workflow

import (
	"context"

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

// AssignmentRow loads an assignment with its plan and unit and its
// measure's lead unit (0 when none), for the object checks above.
func (s *Service) AssignmentRow(ctx context.Context, id int64) (*store.AssignmentRow, int64, error) {
	return s.st.AssignmentRowAndLead(ctx, id)
}

// Attachment loads an evidence file a may download: the owner any of its
// files, others only files a submitted version lists; anything else is
// not found.
func (s *Service) Attachment(ctx context.Context, a store.Actor, id int64) (*model.Attachment, error) {
	att, err := s.st.AttachmentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	rep, err := s.st.ReportByID(ctx, att.ReportID)
	if err != nil {
		return nil, err
	}
	row, leadUnit, err := s.AssignmentRow(ctx, rep.AssignmentID)
	if err != nil {
		return nil, err
	}
	var snaps []Snapshot
	if !IsOwner(a, row.UnitID) {
		vs, err := s.st.ReportVersions(ctx, rep.ID)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			sn, err := ParseSnapshot(v.Snapshot)
			if err != nil {
				return nil, err
			}
			snaps = append(snaps, sn)
		}
	}
	if !CanDownload(a, row.UnitID, leadUnit, rep, att, snaps) {
		return nil, model.Refused("attachment", id)
	}
	return att, nil
}
