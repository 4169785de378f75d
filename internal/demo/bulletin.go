package demo

import (
	"context"
	"time"

	"duban/internal/bulletin"
	"duban/internal/clock"
	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/store"
)

// bulletinPeriod is the period of the demo's published 督查通报, issued a
// few days after that period's reports were due.
const (
	bulletinPeriod   = "2014Q4"
	bulletinDaysLate = 4
)

// SeedBulletin publishes the demo's 督查通报 on 2014年第4季度, drafted from
// the figures and with the suggested text, by the supervision office on
// the day it would have been issued. It does nothing when a bulletin
// exists, when there is no reviewer, or before that day.
func SeedBulletin(ctx context.Context, st *store.Store, now time.Time) error {
	if rows, err := st.Bulletins(ctx, true); err != nil || len(rows) > 0 {
		return err
	}
	rvs, err := st.UsersByRole(ctx, model.RoleReviewer)
	if err != nil || len(rvs) == 0 {
		return err
	}
	plans, err := st.ListPlans(ctx)
	if err != nil {
		return err
	}
	for _, p := range plans {
		ps, err := st.PeriodsOf(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, per := range ps {
			if per.Label != bulletinPeriod {
				continue
			}
			at := clock.Date(per.DueOn).AddDate(0, 0, bulletinDaysLate).Add(10 * time.Hour)
			if at.After(now) {
				return nil
			}
			past := st.WithClock(clock.NewFake(at))
			svc := bulletin.New(past, nil)
			a := store.ActorOf(&rvs[0], historyAddr)
			zh := i18n.WithLocale(ctx, i18n.ZH)
			id, err := svc.Draft(zh, a, p.ID, per.ID)
			if err != nil {
				return err
			}
			b, err := past.BulletinByID(ctx, id)
			if err != nil {
				return err
			}
			t := bulletin.Text{Title: b.Title, Praise: b.Praise, Criticism: b.Criticism, Requirements: b.Requirements}
			if err := svc.Publish(zh, a, id, b.Version, t); err != nil {
				return err
			}
			// Old news is read, as in the rest of the history.
			return st.WithTx(ctx, func(ctx context.Context) error {
				return st.MarkNotificationsReadBefore(ctx, now.AddDate(0, 0, -7))
			})
		}
	}
	return nil
}
