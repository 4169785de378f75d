// Package bulletin is the 督查通报: the supervision office drafts a
// numbered bulletin on a plan's reporting period from the facts
// (internal/figures), edits its text sections (表扬 / 通报批评 / 下步要求)
// and publishes it. Publishing freezes the figures as JSON, numbers the
// bulletin within its year of issue, announces it in every user's inbox
// and writes its audit entry, all in one transaction; a published bulletin
// never changes (the service refuses, and a database trigger stops any
// other writer).
package bulletin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"duban/internal/clock"
	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/validate"
	"duban/internal/workflow"
)

// Refusals; both are model.ErrConflict, answered 409 with the form kept.
var (
	ErrStale     = fmt.Errorf("the bulletin was changed by someone else: %w", model.ErrConflict)
	ErrPublished = fmt.Errorf("the bulletin is published and cannot change: %w", model.ErrConflict)
)

// NotePublished is the inbox kind of a published bulletin.
const NotePublished = "bulletin_published"

// Limits of the text.
const (
	MaxTitleRunes   = 200
	MaxSectionRunes = 5000
)

// Service drafts, edits and publishes bulletins.
type Service struct {
	st     *store.Store
	extras ExtrasFunc
}

// New makes a Service; extras loads the extensions and instructions
// sections (StoreExtras when nil).
func New(st *store.Store, extras ExtrasFunc) *Service {
	if extras == nil {
		extras = StoreExtras(st)
	}
	return &Service{st: st, extras: extras}
}

func (s *Service) now() time.Time { return s.st.Clock().Now() }

// office reports whether the actor is the supervision office, which alone
// drafts, edits, publishes and sees drafts.
func office(a store.Actor) bool { return a.Role == model.RoleReviewer }

// Number renders a bulletin's number: 督查通报〔2015〕第3期.
func Number(ctx context.Context, b *model.Bulletin) string {
	if b.State != model.BulletinPublished {
		return i18n.T(ctx, "bul.number.draft")
	}
	return i18n.T(ctx, "bul.number", b.Year, b.Seq)
}

// Choice is a plan's period the office may draft a bulletin on.
type Choice struct {
	PlanID, PeriodID int64
	Plan             string
	Period           string // stored label
	Default          bool   // the latest period that has ended
}

// Choices lists, per plan (newest first), the periods that have started,
// newest first; the latest period that has ended is the default.
func (s *Service) Choices(ctx context.Context) ([]Choice, error) {
	plans, err := s.st.ListPlans(ctx)
	if err != nil {
		return nil, err
	}
	today := clock.Date(s.now())
	var out []Choice
	def := false
	for _, p := range plans {
		ps, err := s.st.PeriodsOf(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		for i := len(ps) - 1; i >= 0; i-- {
			per := ps[i]
			if clock.Date(per.StartsOn).After(today) {
				continue
			}
			c := Choice{PlanID: p.ID, PeriodID: per.ID, Plan: p.Title, Period: per.Label}
			if !def && clock.Date(per.EndsOn).Before(today) {
				c.Default, def = true, true
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// Row is a bulletin in the list.
type Row = store.BulletinRow

// List returns the published bulletins, newest first, and for the office
// its drafts before them.
func (s *Service) List(ctx context.Context, a store.Actor) ([]Row, error) {
	return s.st.Bulletins(ctx, office(a))
}

// Page is what the bulletin's page, its print view and its .docx show.
type Page struct {
	Bulletin model.Bulletin
	Plan     string
	Figures  *Figures
	// Live is true for a draft: the figures are computed at each view and
	// frozen when it is published.
	Live bool
	// CanEdit is true for the office on a draft.
	CanEdit bool
}

// Get returns a bulletin's page. A draft is the office's: for everyone
// else it does not exist.
func (s *Service) Get(ctx context.Context, a store.Actor, id int64) (*Page, error) {
	b, err := s.st.BulletinByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.State != model.BulletinPublished && !office(a) {
		return nil, fmt.Errorf("bulletin %d: %w", id, model.ErrNotFound)
	}
	plan, err := s.st.PlanByID(ctx, b.PlanID)
	if err != nil {
		return nil, err
	}
	p := &Page{Bulletin: *b, Plan: plan.Title}
	if b.State == model.BulletinPublished {
		p.Figures = &Figures{}
		if err := json.Unmarshal([]byte(b.Figures), p.Figures); err != nil {
			return nil, fmt.Errorf("bulletin %d figures: %w", id, err)
		}
		return p, nil
	}
	p.Live, p.CanEdit = true, true
	if p.Figures, err = s.compute(ctx, b.PlanID, b.PeriodID, s.now()); err != nil {
		return nil, fmt.Errorf("bulletin %d figures: %w", id, err)
	}
	return p, nil
}

// Draft starts a bulletin on a plan's period with suggested text written
// from the figures, in the drafter's language (ctx). When the period
// already has a draft, that draft is returned instead of a second one.
func (s *Service) Draft(ctx context.Context, a store.Actor, planID, periodID int64) (int64, error) {
	if !office(a) {
		return 0, model.ErrForbidden
	}
	now := s.now()
	f, err := s.compute(ctx, planID, periodID, now)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.st.WithTx(ctx, func(ctx context.Context) error {
		if d, err := s.st.DraftBulletin(ctx, planID, periodID); err == nil {
			id = d.ID
			return nil
		} else if !errors.Is(err, model.ErrNotFound) {
			return err
		}
		t := Suggest(ctx, f)
		b := &model.Bulletin{PlanID: planID, PeriodID: periodID, PeriodLabel: f.Period, Title: t.Title,
			Praise: t.Praise, Criticism: t.Criticism, Requirements: t.Requirements,
			CreatedBy: userRef(a.UserID), UpdatedBy: userRef(a.UserID)}
		if err := s.st.CreateBulletin(ctx, b); err != nil {
			return err
		}
		id = b.ID
		return s.st.Audit(ctx, a, store.AuditEntry{Action: "bulletin.draft", ObjectType: "bulletin", ObjectID: b.ID,
			New: map[string]any{"plan_id": planID, "period": f.Period, "title": b.Title}})
	})
	return id, err
}

// Text is what the office edits.
type Text = store.BulletinText

func clean(t Text) Text {
	tidy := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	return Text{Title: tidy(t.Title), Praise: tidy(t.Praise), Criticism: tidy(t.Criticism), Requirements: tidy(t.Requirements)}
}

// controlChars reports a control character other than a line break or tab.
func controlChars(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' })
}

func check(t Text) error {
	errs := validate.Errors{}
	switch {
	case t.Title == "":
		errs.Set("title", "bul.err.title_required")
	case utf8.RuneCountInString(t.Title) > MaxTitleRunes:
		errs.Set("title", "bul.err.too_long")
	case strings.ContainsAny(t.Title, "\n\t") || controlChars(t.Title):
		errs.Set("title", "form.invalid_chars")
	}
	for field, v := range map[string]string{"praise": t.Praise, "criticism": t.Criticism, "requirements": t.Requirements} {
		switch {
		case utf8.RuneCountInString(v) > MaxSectionRunes:
			errs.Set(field, "bul.err.too_long")
		case controlChars(v):
			errs.Set(field, "form.invalid_chars")
		}
	}
	if len(errs) > 0 {
		return errs.Err()
	}
	return nil
}

// draftFor loads a draft for the office at the version the editor read.
func (s *Service) draftFor(ctx context.Context, a store.Actor, id int64, version int) (*model.Bulletin, error) {
	if !office(a) {
		return nil, model.ErrForbidden
	}
	b, err := s.st.BulletinByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.State == model.BulletinPublished {
		return nil, ErrPublished
	}
	if b.Version != version {
		return nil, ErrStale
	}
	return b, nil
}

// Update saves a draft's text; version is the one the editor read.
func (s *Service) Update(ctx context.Context, a store.Actor, id int64, version int, t Text) error {
	t = clean(t)
	if err := check(t); err != nil {
		return err
	}
	return s.st.WithTx(ctx, func(ctx context.Context) error {
		b, err := s.draftFor(ctx, a, id, version)
		if err != nil {
			return err
		}
		if err := s.st.UpdateBulletinText(ctx, id, version, t, a.UserID); errors.Is(err, model.ErrConflict) {
			return ErrStale
		} else if err != nil {
			return err
		}
		return s.st.Audit(ctx, a, store.AuditEntry{Action: "bulletin.update", ObjectType: "bulletin", ObjectID: id,
			Old: textMap(Text{Title: b.Title, Praise: b.Praise, Criticism: b.Criticism, Requirements: b.Requirements}), New: textMap(t)})
	})
}

// Publish saves the text, freezes the figures as they are now, numbers the
// bulletin within the year of issue, announces it in every enabled user's
// inbox and audits it, in one transaction.
func (s *Service) Publish(ctx context.Context, a store.Actor, id int64, version int, t Text) error {
	t = clean(t)
	if err := check(t); err != nil {
		return err
	}
	if !office(a) {
		return model.ErrForbidden
	}
	cur, err := s.st.BulletinByID(ctx, id)
	if err != nil {
		return err
	}
	if cur.State == model.BulletinPublished {
		return ErrPublished
	}
	// The figures are read before the write transaction (the facts loader
	// reads on the reader pool); the version check below makes sure the
	// draft is still the one they were computed for.
	now := s.now()
	f, err := s.compute(ctx, cur.PlanID, cur.PeriodID, now)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("bulletin %d figures: %w", id, err)
	}
	return s.st.WithTx(ctx, func(ctx context.Context) error {
		b, err := s.draftFor(ctx, a, id, version)
		if err != nil {
			return err
		}
		year := clock.Date(now).Year()
		seq, err := s.st.NextBulletinSeq(ctx, year)
		if err != nil {
			return err
		}
		if err := s.st.PublishBulletin(ctx, id, version, t, string(raw), year, seq, a.UserID, now); errors.Is(err, model.ErrConflict) {
			return ErrStale
		} else if err != nil {
			return err
		}
		users, err := s.st.EnabledUserIDs(ctx)
		if err != nil {
			return err
		}
		note, _ := json.Marshal(workflow.Note{Period: b.PeriodLabel, Text: t.Title})
		if err := s.st.Notify(ctx, users, model.Notification{Kind: NotePublished, ObjectType: "bulletin", ObjectID: id,
			Message: string(note)}); err != nil {
			return err
		}
		nm := textMap(t)
		nm["state"], nm["year"], nm["seq"], nm["period"] = model.BulletinPublished, year, seq, b.PeriodLabel
		return s.st.Audit(ctx, a, store.AuditEntry{Action: "bulletin.publish", ObjectType: "bulletin", ObjectID: id,
			Old: map[string]any{"state": b.State}, New: nm})
	})
}

// Delete removes a draft; a published bulletin stays.
func (s *Service) Delete(ctx context.Context, a store.Actor, id int64, version int) error {
	return s.st.WithTx(ctx, func(ctx context.Context) error {
		b, err := s.draftFor(ctx, a, id, version)
		if err != nil {
			return err
		}
		if err := s.st.DeleteDraftBulletin(ctx, id, version); errors.Is(err, model.ErrConflict) {
			return ErrStale
		} else if err != nil {
			return err
		}
		return s.st.Audit(ctx, a, store.AuditEntry{Action: "bulletin.delete", ObjectType: "bulletin", ObjectID: id,
			Old: textMap(Text{Title: b.Title, Praise: b.Praise, Criticism: b.Criticism, Requirements: b.Requirements})})
	})
}

func textMap(t Text) map[string]any {
	return map[string]any{"title": t.Title, "praise": t.Praise, "criticism": t.Criticism, "requirements": t.Requirements}
}

func userRef(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
