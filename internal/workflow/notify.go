package workflow

import (
	"context"
	"encoding/json"
	"strings"

	"duban/internal/format"
	"duban/internal/model"
)

// Notification kinds (the inbox shows catalog key inbox.kind.<kind>).
const (
	NoteReviewWaiting = "review_waiting"
	NoteReturned      = "report_returned"
	NoteApproved      = "report_approved"
	NotePrompt        = "prompt"
	NoteClosed        = "measure_closed"
	NoteReopened      = "measure_reopened"
)

// Note is what a notification says (notifications.message as JSON); the
// inbox renders it in the reader's language.
type Note struct {
	Measure string `json:"measure,omitempty"` // citation and title
	Unit    string `json:"unit,omitempty"`
	Period  string `json:"period,omitempty"` // stored label, e.g. 2015Q1
	Text    string `json:"text,omitempty"`   // a reason, a prompt's message, a closing note
}

// ParseNote reads a notification's message; text that is not a Note is
// shown as it is.
func ParseNote(s string) Note {
	var n Note
	if strings.HasPrefix(s, "{") && json.Unmarshal([]byte(s), &n) == nil {
		return n
	}
	return Note{Text: s}
}

func (s *Service) notify(ctx context.Context, users []int64, kind, objType string, objID int64,
	m *model.Measure, unitID int64, period, text string) error {
	if len(users) == 0 {
		return nil
	}
	d, err := s.st.DomainByID(ctx, m.DomainID)
	if err != nil {
		return err
	}
	n := Note{Measure: format.MeasureName(d.Label, m.Label, m.Title), Period: period, Text: text}
	if unitID != 0 {
		u, err := s.st.UnitByID(ctx, unitID)
		if err != nil {
			return err
		}
		n.Unit = u.Name
	}
	return s.st.Notify(ctx, users, model.Notification{Kind: kind, ObjectType: objType, ObjectID: objID, Message: n.message()})
}

// message is the note as stored in notifications.message.
func (n Note) message() string {
	b, _ := json.Marshal(n)
	return string(b)
}
