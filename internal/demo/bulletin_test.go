package demo_test

import (
	"context"
	"testing"

	"duban/internal/demo"
	"duban/internal/evidence"
	"duban/internal/model"
	"duban/internal/testutil"
)

// TestSeedBulletin: after the history, the demo has one published
// 督查通报 on 2014年第4季度, numbered first of 2015 and dated a few days
// after that period's reports were due, with its figures frozen and its
// announcement read like the rest of the old news; seeding again adds
// nothing.
func TestSeedBulletin(t *testing.T) {
	p := testutil.Start(t, testutil.DemoWithoutPlan())
	st := p.App.Store
	testutil.SeedFixture(t, st)
	ctx := context.Background()
	now := p.Clock.Now()
	if err := demo.SeedHistory(ctx, st, evidence.NewLocal(p.Config.AttachmentsDir()), now); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := demo.SeedBulletin(ctx, st, now); err != nil {
			t.Fatal(err)
		}
	}
	var bs []model.Bulletin
	if err := st.Raw(ctx, &bs, "SELECT * FROM bulletins"); err != nil {
		t.Fatal(err)
	}
	if len(bs) != 1 {
		t.Fatalf("%d bulletins, want 1", len(bs))
	}
	b := bs[0]
	if b.State != model.BulletinPublished || b.PeriodLabel != "2014Q4" || b.Year != 2015 || b.Seq != 1 || b.Figures == "" {
		t.Fatalf("demo bulletin: %s %s %d/%d figures=%d bytes", b.State, b.PeriodLabel, b.Year, b.Seq, len(b.Figures))
	}
	if b.PublishedAt == nil || b.PublishedAt.Format("2006-01-02") != "2015-01-09" {
		t.Fatalf("published at %v", b.PublishedAt)
	}
	var unread, all int64
	if err := st.Raw(ctx, &all, "SELECT count(*) FROM notifications WHERE kind = ?", "bulletin_published"); err != nil {
		t.Fatal(err)
	}
	if err := st.Raw(ctx, &unread, "SELECT count(*) FROM notifications WHERE kind = ? AND read_at IS NULL", "bulletin_published"); err != nil {
		t.Fatal(err)
	}
	if all == 0 || unread != 0 {
		t.Fatalf("announcements: %d, %d unread (old news is read)", all, unread)
	}
}
