// Package synth generates a synthetic, province-sized dataset (thousands of
// units, hundreds of plans, about a million reports with their target
// values, attachment records and reviews) for benchmarks and load tests of
// the dashboards. Plans go through store.CreatePlan like an import would;
// the report history is written with multi-row INSERTs in one transaction
// per plan, so a full province takes minutes, not hours.
package synth

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"duban/internal/clock"
	"duban/internal/format"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/store/db"
	"duban/internal/workflow"
)

// Options size the dataset.
type Options struct {
	Units           int       // units to create
	Plans           int       // plans
	Measures        int       // measures per plan
	UnitsPerMeasure int       // assignments per measure (one lead)
	Periods         int       // quarterly periods per plan; the last is the current one at Now
	Now             time.Time // the date the data is seen at (the portal's clock)
	Seed            uint64    // random seed (same seed, same data)
	Tag             string    // distinguishes the names of several generated sets in one database
	Log             io.Writer // progress lines; nil for none
	// RebuildReadModel, when set, rebuilds the read model (per-assignment
	// state and rollups) once the rows are written: Generate writes the
	// history with bulk INSERTs, not through the workflow that maintains
	// the read model on its own writes.
	RebuildReadModel func(ctx context.Context, st *store.Store) error
	// BenchPasswordHash, when set, opens accounts for the load tool with
	// this password hash: the generated reviewer, the users of the first
	// three units and a leader (see BenchAccounts). Otherwise every
	// generated account stays disabled.
	BenchPasswordHash string
}

// BenchAccounts are the usernames the load tool logs in with on a
// generated dataset (Options.BenchPasswordHash), by role; the unit writers
// are the first three units' users.
func BenchAccounts(tag string) (reviewer, leader string, units []string) {
	t := strings.ToLower(tag)
	for i := 1; i <= 3; i++ {
		units = append(units, fmt.Sprintf("synth%s-u%05d", t, i))
	}
	return "synth-reviewer" + t, "synth-leader" + t, units
}

// Result counts what was written.
type Result struct {
	Units, Plans, Measures, Assignments, Reports, Versions, TargetValues, Attachments, Reviews, Prompts, Notifications int
	Took                                                                                                               time.Duration
}

func (r Result) String() string {
	return fmt.Sprintf("%d units, %d plans, %d measures, %d assignments, %d reports, %d report versions, %d target values, %d attachments, %d reviews, %d prompts, %d notifications in %s",
		r.Units, r.Plans, r.Measures, r.Assignments, r.Reports, r.Versions, r.TargetValues, r.Attachments, r.Reviews, r.Prompts, r.Notifications,
		r.Took.Round(time.Millisecond))
}

func (o *Options) check() error {
	switch {
	case o.Units < 1 || o.Plans < 1 || o.Measures < 1 || o.Periods < 1:
		return errors.New("synth: --units, --plans, --measures and --periods must be at least 1")
	case o.UnitsPerMeasure < 1 || o.UnitsPerMeasure > o.Units:
		return fmt.Errorf("synth: --units-per-measure must be between 1 and --units (%d)", o.Units)
	case o.Now.IsZero():
		return errors.New("synth: no reference date")
	}
	return nil
}

// Generate writes the dataset into st's database.
func Generate(ctx context.Context, st *store.Store, o Options) (Result, error) {
	var res Result
	if err := o.check(); err != nil {
		return res, err
	}
	start := time.Now()
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	g := &gen{st: st, o: o, rng: rng, dialect: st.DB().Dialect}
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", args...)
		}
	}
	if err := g.makeUnits(ctx); err != nil {
		return res, err
	}
	res.Units = len(g.units)
	if err := g.makeReviewer(ctx); err != nil {
		return res, err
	}
	sqlDB, err := st.DB().Writer()
	if err != nil {
		return res, err
	}
	if g.nextReport, err = maxID(ctx, sqlDB, "reports"); err != nil {
		return res, err
	}
	if g.nextAttachment, err = maxID(ctx, sqlDB, "attachments"); err != nil {
		return res, err
	}
	for i := 0; i < o.Plans; i++ {
		n, err := g.plan(ctx, sqlDB, i)
		if err != nil {
			return res, fmt.Errorf("synth plan %d: %w", i+1, err)
		}
		res.Plans++
		res.Measures += n.Measures
		res.Assignments += n.Assignments
		res.Reports += n.Reports
		res.Versions += n.Versions
		res.TargetValues += n.TargetValues
		res.Attachments += n.Attachments
		res.Reviews += n.Reviews
		res.Prompts += n.Prompts
		res.Notifications += n.Notifications
		if (i+1)%max(1, o.Plans/20) == 0 || i+1 == o.Plans {
			logf("  plan %d/%d: %d reports so far (%s)", i+1, o.Plans, res.Reports, time.Since(start).Round(time.Second))
		}
	}
	if g.dialect == db.Postgres {
		// Explicit IDs do not move the sequences.
		for _, t := range []string{"reports", "report_versions", "target_values", "attachments", "reviews", "prompts", "notifications"} {
			q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s','id'), COALESCE((SELECT MAX(id) FROM %s), 1))", t, t)
			if _, err := sqlDB.ExecContext(ctx, q); err != nil {
				return res, fmt.Errorf("synth: reset sequence of %s: %w", t, err)
			}
		}
	}
	if err := g.activity(ctx); err != nil {
		return res, err
	}
	if o.BenchPasswordHash != "" {
		if err := g.benchAccounts(ctx); err != nil {
			return res, err
		}
	}
	// The read model is rebuilt here, from the raw rows just written.
	if o.RebuildReadModel != nil {
		logf("  rebuilding the read model (%s)", time.Since(start).Round(time.Second))
		if err := o.RebuildReadModel(ctx, st); err != nil {
			return res, fmt.Errorf("synth: rebuild the read model: %w", err)
		}
	}
	res.Took = time.Since(start)
	return res, nil
}

type gen struct {
	st         *store.Store
	o          Options
	rng        *rand.Rand
	dialect    string
	units      []int64
	leads      []int64 // departments, the usual lead units
	reviewer   int64
	userOf     map[int64]int64 // unit → its (disabled) user, who receives the unit's notifications
	unitName   map[int64]string
	nextReport int64
	// Attachments get explicit IDs so the versions' snapshots can list them.
	nextAttachment int64
}

func maxID(ctx context.Context, d *sql.DB, table string) (int64, error) {
	var n sql.NullInt64
	err := d.QueryRowContext(ctx, "SELECT MAX(id) FROM "+table).Scan(&n)
	return n.Int64, err
}

func (g *gen) makeUnits(ctx context.Context) error {
	now := g.st.Clock().Now().UTC()
	rows := make([]model.Unit, 0, g.o.Units)
	for i := 0; i < g.o.Units; i++ {
		kind := model.UnitDepartment
		switch {
		case i%10 == 7:
			kind = model.UnitDistrict
		case i%10 == 9:
			kind = model.UnitCompany
		}
		rows = append(rows, model.Unit{Name: fmt.Sprintf("合成%s单位%05d", g.o.Tag, i+1), Kind: kind, Confirmed: true,
			SortOrder: 1000 + i, CreatedAt: now, UpdatedAt: now})
	}
	err := g.st.CreateUnits(ctx, rows)
	if err != nil {
		return fmt.Errorf("synth units: %w", err)
	}
	for _, u := range rows {
		g.units = append(g.units, u.ID)
		if u.Kind == model.UnitDepartment {
			g.leads = append(g.leads, u.ID)
		}
	}
	// One (disabled) user per unit: the inbox notifications of the
	// workflow go to users, so a realistic dataset needs them.
	users := make([]model.User, 0, len(rows))
	for i, u := range rows {
		unitID := u.ID
		users = append(users, model.User{Username: fmt.Sprintf("synth%s-u%05d", strings.ToLower(g.o.Tag), i+1), DisplayName: u.Name,
			PasswordHash: "!synthetic", Role: model.RoleUnit, UnitID: &unitID, Disabled: true, PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now})
	}
	if err := g.st.CreateUsers(ctx, users); err != nil {
		return fmt.Errorf("synth unit users: %w", err)
	}
	g.userOf = make(map[int64]int64, len(users))
	g.unitName = make(map[int64]string, len(rows))
	for _, u := range users {
		g.userOf[*u.UnitID] = u.ID
	}
	for _, u := range rows {
		g.unitName[u.ID] = u.Name
	}
	if len(g.leads) == 0 {
		g.leads = g.units
	}
	return nil
}

// makeReviewer creates the (disabled) author of the generated reviews.
func (g *gen) makeReviewer(ctx context.Context) error {
	name := "synth-reviewer" + strings.ToLower(g.o.Tag)
	if u, err := g.st.UserByUsername(ctx, name); err == nil {
		g.reviewer = u.ID
		return nil
	}
	u := &model.User{Username: name, DisplayName: "合成数据审核人", PasswordHash: "!synthetic", Role: model.RoleReviewer, Disabled: true}
	if err := g.st.CreateUser(ctx, u); err != nil {
		return fmt.Errorf("synth reviewer: %w", err)
	}
	g.reviewer = u.ID
	return nil
}

// quarterStart is the first day of t's quarter.
func quarterStart(t time.Time) time.Time {
	t = clock.Date(t)
	return time.Date(t.Year(), time.Month((int(t.Month())-1)/3*3+1), 1, 0, 0, 0, 0, clock.Zone)
}

type planCounts struct {
	Measures, Assignments, Reports, Versions, TargetValues, Attachments, Reviews, Prompts, Notifications int
}

var indicators = []struct {
	name, unit, op string
	base, target   float64
}{
	{"覆盖率", "%", ">=", 80, 95}, {"达标率", "%", ">=", 70, 90}, {"新增人数", "名", ">=", 0, 600},
	{"发生率", "%", "<=", 3, 1.2}, {"完成投资", "亿元", ">=", 0, 12}, {"满意度", "%", ">=", 75, 90},
}

// plan creates plan i with its breakdown and its report history.
func (g *gen) plan(ctx context.Context, d *sql.DB, i int) (planCounts, error) {
	var n planCounts
	o := g.o
	// The last period is the quarter that ended before Now (its reports are
	// due about now); the plan starts Periods-1 quarters earlier.
	lastStart := quarterStart(quarterStart(o.Now).AddDate(0, 0, -1))
	startOn := lastStart.AddDate(0, -3*(o.Periods-1), 0)
	endOn := lastStart.AddDate(0, 3, -1)
	np := &store.NewPlan{Plan: model.Plan{
		Title:  fmt.Sprintf("合成%s实施方案第%04d号(%d-%d年)", o.Tag, i+1, startOn.Year(), endOn.Year()+1),
		Issuer: "合成省人民政府", IssuedOn: startOn.Format(time.DateOnly), StartOn: startOn, EndOn: endOn,
	}}
	domains := 5 + i%6
	for d := 0; d < domains; d++ {
		np.Domains = append(np.Domains, store.NewDomain{Domain: model.Domain{
			Label: "(" + chineseNumber(d+1) + ")", Title: fmt.Sprintf("领域%d", d+1)}})
	}
	for m := 0; m < o.Measures; m++ {
		di := m * domains / o.Measures
		due := endOn.AddDate(0, 9, 0) // most run on after the reporting periods
		switch r := g.rng.IntN(10); {
		case r < 2:
			due = endOn.AddDate(0, -3, 0) // already due: closed or overdue
		case r < 3:
			due = endOn.AddDate(0, 3, 0)
		}
		nm := store.NewMeasure{Measure: model.Measure{Label: strconv.Itoa(m+1) + ".",
			Title:      fmt.Sprintf("合成任务%d-%d", i+1, m+1),
			SourceText: fmt.Sprintf("%d.合成任务%d-%d。推进第%d项重点工作,按期完成目标任务。", m+1, i+1, m+1, m+1), DueOn: due}}
		for t := 0; t < m%3; t++ {
			ind := indicators[(m+t)%len(indicators)]
			nm.Targets = append(nm.Targets, model.Target{Text: ind.name, Indicator: fmt.Sprintf("指标%d-%d%s", m+1, t+1, ind.name),
				Op: ind.op, Value: ind.target, Unit: ind.unit, Year: endOn.Year() + 1})
		}
		picked := map[int64]bool{}
		lead := g.leads[g.rng.IntN(len(g.leads))]
		picked[lead] = true
		nm.Assignments = append(nm.Assignments, store.NewAssignment{UnitID: lead, Role: model.AssignLead})
		for len(nm.Assignments) < o.UnitsPerMeasure {
			u := g.units[g.rng.IntN(len(g.units))]
			if !picked[u] {
				picked[u] = true
				nm.Assignments = append(nm.Assignments, store.NewAssignment{UnitID: u, Role: model.AssignResponsible})
			}
		}
		np.Domains[di].Measures = append(np.Domains[di].Measures, nm)
	}
	if err := g.st.WithTx(ctx, func(ctx context.Context) error { return g.st.CreatePlan(ctx, np) }); err != nil {
		return n, err
	}
	planID := np.Plan.ID
	asgs, err := g.st.AssignmentsOfPlan(ctx, planID)
	if err != nil {
		return n, err
	}
	pers, err := g.st.PeriodsOf(ctx, planID)
	if err != nil {
		return n, err
	}
	targets, err := g.st.TargetsOfPlan(ctx, planID)
	if err != nil {
		return n, err
	}
	measures, err := g.st.MeasuresOf(ctx, planID)
	if err != nil {
		return n, err
	}
	n.Measures, n.Assignments = len(measures), len(asgs)
	byMeasure := map[int64][]model.Target{}
	for _, t := range targets {
		byMeasure[t.MeasureID] = append(byMeasure[t.MeasureID], t)
	}
	due := map[int64]time.Time{}
	for _, m := range measures {
		due[m.ID] = m.DueOn
	}
	// A co-unit's input goes to, and is reviewed by, the measure's lead
	// unit; the lead's official report goes to the office.
	leadOf := map[int64]int64{}
	for _, a := range asgs {
		if a.Role == model.AssignLead {
			leadOf[a.MeasureID] = a.UnitID
		}
	}
	reviewerOf := func(a model.Assignment) int64 {
		if a.Role == model.AssignLead {
			return g.reviewer
		}
		if u, ok := g.userOf[leadOf[a.MeasureID]]; ok {
			return u
		}
		return g.reviewer
	}

	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return n, err
	}
	defer tx.Rollback()
	ins := func(table string, cols []string) *batch {
		return &batch{tx: tx, ctx: ctx, table: table, cols: cols, pg: g.dialect == db.Postgres}
	}
	reports := ins("reports", []string{"id", "assignment_id", "period_id", "state", "progress_state", "percent", "progress", "problems",
		"next_steps", "submitted_at", "submitted_by", "returned_at", "approved_at", "version_no", "lock_version", "created_at", "updated_at"})
	values := ins("target_values", []string{"report_id", "target_id", "value", "note"})
	atts := ins("attachments", []string{"id", "report_id", "name", "content_type", "size", "sha256", "storage_key", "uploaded_by", "created_at"})
	revs := ins("reviews", []string{"report_id", "version_no", "reviewer_id", "decision", "reason", "created_at"})
	vers := ins("report_versions", []string{"report_id", "version_no", "snapshot", "submitted_at", "submitted_by"})
	prompts := ins("prompts", []string{"unit_id", "assignment_id", "period_id", "sender_id", "message", "created_at", "resolved_at"})
	notes := ins("notifications", []string{"user_id", "kind", "object_type", "object_id", "message", "created_at", "read_at"})
	values.parent, atts.parent, revs.parent, vers.parent = reports, reports, reports, reports
	planDomains, err := g.st.DomainsOf(ctx, planID)
	if err != nil {
		return n, err
	}
	domainLabel := map[int64]string{}
	for _, d := range planDomains {
		domainLabel[d.ID] = d.Label
	}
	measureName := map[int64]string{}
	for _, m := range measures {
		measureName[m.ID] = format.MeasureName(domainLabel[m.DomainID], m.Label, m.Title)
	}
	// noteTo queues an inbox notification for a user, as the workflow does
	// on a submission, a review or a prompt; most are read within days.
	noteTo := func(user int64, kind, objType string, objID int64, measureID int64, unit, period, text string, at time.Time) error {
		b, _ := json.Marshal(workflow.Note{Measure: measureName[measureID], Unit: unit, Period: period, Text: text})
		var read any
		if r := at.AddDate(0, 0, 1+g.rng.IntN(5)); r.Before(o.Now) && g.rng.IntN(10) < 8 {
			read = r.UTC()
		}
		n.Notifications++
		return notes.add(user, kind, objType, objID, string(b), at.UTC(), read)
	}
	// note notifies a unit's user.
	note := func(unitID int64, kind, objType string, objID int64, measureID int64, period, text string, at time.Time) error {
		user, ok := g.userOf[unitID]
		if !ok {
			return nil
		}
		return noteTo(user, kind, objType, objID, measureID, "", period, text, at)
	}
	// prompt records a 催办 on an owed period (and its notification); a
	// second one follows for a quarter of them.
	prompt := func(a model.Assignment, p model.Period, resolved any) error {
		msg := "请于" + p.DueOn.AddDate(0, 0, 7).Format("1月2日") + "前报送" + p.Label + "工作进展。"
		for k := 0; k < 1+boolInt(g.rng.IntN(4) == 0); k++ {
			at := p.DueOn.AddDate(0, 0, 3+7*k).Add(10 * time.Hour)
			if !at.Before(o.Now) {
				break
			}
			if r, ok := resolved.(time.Time); ok && !at.Before(r) {
				break
			}
			if err := prompts.add(a.UnitID, a.ID, p.ID, g.reviewer, msg, at.UTC(), resolved); err != nil {
				return err
			}
			n.Prompts++
			if err := note(a.UnitID, workflow.NotePrompt, "assignment", a.ID, a.MeasureID, p.Label, msg, at); err != nil {
				return err
			}
		}
		return nil
	}

	today := clock.Date(o.Now)
	closedMeasures := map[int64]time.Time{}
	for _, m := range measures {
		if m.DueOn.Before(today) && g.rng.IntN(10) < 6 {
			closedMeasures[m.ID] = m.DueOn.AddDate(0, 0, -g.rng.IntN(20)).Add(15 * time.Hour)
		}
	}
	for _, a := range asgs {
		skill := g.rng.Float64() // how diligent this unit is on this measure
		for pi, p := range pers {
			if cl, ok := closedMeasures[a.MeasureID]; ok && !cl.After(p.EndsOn) {
				continue
			}
			state, progress, pct, submitted, returned, approved := g.report(p, pi, len(pers), skill, today)
			overdue := clock.Date(p.DueOn).Before(today)
			if state == "" || state == model.ReportDraft {
				// Owed and not handed in: the office chases a third of them.
				if overdue && g.rng.IntN(3) == 0 {
					if err := prompt(a, p, nil); err != nil {
						return n, err
					}
				}
				if state == "" {
					continue
				}
			} else if sub := submitted.(time.Time); sub.After(p.DueOn.AddDate(0, 0, 4)) && g.rng.IntN(2) == 0 {
				// Handed in late after a prompt, which the submission resolved.
				if err := prompt(a, p, sub); err != nil {
					return n, err
				}
			}
			g.nextReport++
			id := g.nextReport
			n.Reports++
			var subBy any
			version := 0
			if submitted != nil {
				version = 1
			}
			created := p.EndsOn.Add(10 * time.Hour).UTC()
			// Some approved reports went through a return and a revision
			// first: two versions, a return and an approval.
			revised := state == model.ReportApproved && g.rng.IntN(12) == 0
			if revised {
				version = 2
			}
			if err := reports.add(id, a.ID, p.ID, state, progress, pct, "合成进展:按计划推进。", "", "", submitted, subBy, returned, approved,
				version, 1, created, created); err != nil {
				return n, err
			}
			if state == model.ReportDraft {
				continue
			}
			snap := workflow.Snapshot{ProgressState: progress, Percent: pct, Progress: "合成进展:按计划推进。", Targets: []workflow.SnapTarget{}}
			for ti, t := range byMeasure[a.MeasureID] {
				ind := indicators[ti%len(indicators)]
				share := float64(pi+1) / float64(len(pers)+3)
				v := ind.base + (t.Value-ind.base)*share*(0.7+0.5*skill) + (g.rng.Float64()-0.5)*math.Abs(t.Value-ind.base)*0.05
				v = math.Round(v*100) / 100
				if err := values.add(id, t.ID, v, ""); err != nil {
					return n, err
				}
				n.TargetValues++
				snap.Targets = append(snap.Targets, workflow.SnapTarget{TargetID: t.ID, Indicator: t.Indicator, Text: t.Text, Op: t.Op,
					Value: t.Value, Unit: t.Unit, Actual: &v})
			}
			g.nextAttachment++
			file := workflow.SnapFile{ID: g.nextAttachment, Name: fmt.Sprintf("佐证材料-%d.pdf", id), ContentType: "application/pdf",
				Size: int64(20000 + g.rng.IntN(2000000)), SHA256: fmt.Sprintf("%064x", id)}
			if err := atts.add(file.ID, id, file.Name, file.ContentType, file.Size, file.SHA256,
				fmt.Sprintf("synth/%s/%d", strings.ToLower(o.Tag), id), nil, submitted); err != nil {
				return n, err
			}
			n.Attachments++
			snap.Files = []workflow.SnapFile{file}
			body, err := json.Marshal(snap)
			if err != nil {
				return n, err
			}
			sub := submitted.(time.Time)
			for v := 1; v <= version; v++ {
				at := sub
				if v < version {
					at = sub.AddDate(0, 0, -6)
				}
				if err := vers.add(id, v, string(body), at, nil); err != nil {
					return n, err
				}
				n.Versions++
				// Each submission waits for its reviewer.
				if err := noteTo(reviewerOf(a), workflow.NoteReviewWaiting, "report", id, a.MeasureID, g.unitName[a.UnitID], p.Label, "", at); err != nil {
					return n, err
				}
			}
			if revised {
				if err := revs.add(id, 1, reviewerOf(a), "return", "佐证材料不完整,请补充。", sub.AddDate(0, 0, -3)); err != nil {
					return n, err
				}
				n.Reviews++
				if err := note(a.UnitID, workflow.NoteReturned, "report", id, a.MeasureID, p.Label, "佐证材料不完整,请补充。", sub.AddDate(0, 0, -3)); err != nil {
					return n, err
				}
			}
			switch state {
			case model.ReportApproved:
				if err := revs.add(id, version, reviewerOf(a), "approve", "", approved); err != nil {
					return n, err
				}
				n.Reviews++
				if err := note(a.UnitID, workflow.NoteApproved, "report", id, a.MeasureID, p.Label, "", approved.(time.Time)); err != nil {
					return n, err
				}
			case model.ReportReturned:
				if err := revs.add(id, 1, reviewerOf(a), "return", "佐证材料不完整,请补充。", returned); err != nil {
					return n, err
				}
				n.Reviews++
				if err := note(a.UnitID, workflow.NoteReturned, "report", id, a.MeasureID, p.Label, "佐证材料不完整,请补充。", returned.(time.Time)); err != nil {
					return n, err
				}
			}
		}
	}
	for _, b := range []*batch{reports, values, atts, revs, vers, prompts, notes} {
		if err := b.flush(); err != nil {
			return n, err
		}
	}
	signed := startOn.AddDate(0, 0, 5).Add(10 * time.Hour).UTC()
	if _, err := tx.ExecContext(ctx, rebind(g.dialect == db.Postgres,
		"UPDATE assignments SET signed_at = ? WHERE measure_id IN (SELECT id FROM measures WHERE plan_id = ?)"), signed, planID); err != nil {
		return n, err
	}
	for mid, at := range closedMeasures {
		if _, err := tx.ExecContext(ctx, rebind(g.dialect == db.Postgres,
			"UPDATE measures SET closed_at = ?, closed_by = ?, closed_note = ? WHERE id = ?"), at.UTC(), g.reviewer, "已完成", mid); err != nil {
			return n, err
		}
	}
	return n, tx.Commit()
}

// report draws the state of one assignment × period.
func (g *gen) report(p model.Period, pi, periods int, skill float64, today time.Time) (state, progress string, pct int, submitted, returned, approved any) {
	dueOn := clock.Date(p.DueOn)
	past := dueOn.Before(today)
	r := g.rng.Float64()
	switch {
	case past && r < 0.01+0.02*(1-skill):
		return "", "", 0, nil, nil, nil // never reported
	case past && r < 0.04+0.04*(1-skill):
		state = model.ReportDraft
	case past && r < 0.07+0.04*(1-skill):
		state = model.ReportReturned
	case past && r < 0.11+0.03*(1-skill):
		state = model.ReportSubmitted
	case past:
		state = model.ReportApproved
	case r < 0.15:
		return "", "", 0, nil, nil, nil
	case r < 0.45:
		state = model.ReportDraft
	default:
		state = model.ReportSubmitted
	}
	pct = int(math.Min(100, float64(pi+1)/float64(periods+2)*100*(0.6+0.6*skill)))
	progress = model.ProgressOnTrack
	switch {
	case pct >= 100:
		progress = model.ProgressDone
	case skill < 0.15:
		progress = model.ProgressBehind
	case pct == 0:
		progress = model.ProgressNotStarted
	}
	if state == model.ReportDraft {
		return state, progress, pct, nil, nil, nil
	}
	// Most hand in a few days before the due date, some late.
	days := -g.rng.IntN(10)
	if g.rng.Float64() > 0.85+0.1*skill {
		days = 1 + g.rng.IntN(10)
	}
	sub := dueOn.AddDate(0, 0, days).Add(time.Duration(9+g.rng.IntN(8)) * time.Hour)
	if sub.After(clock.Date(today).Add(9 * time.Hour)) {
		sub = clock.Date(today).Add(8 * time.Hour)
	}
	submitted = sub.UTC()
	switch state {
	case model.ReportReturned:
		returned = sub.AddDate(0, 0, 3).UTC()
	case model.ReportApproved:
		approved = sub.AddDate(0, 0, 4).UTC()
	}
	return state, progress, pct, submitted, returned, approved
}

// benchAccounts enables the load tool's accounts with the bench password.
func (g *gen) benchAccounts(ctx context.Context) error {
	reviewer, leader, units := BenchAccounts(g.o.Tag)
	return g.st.WithTx(ctx, func(ctx context.Context) error {
		if err := g.st.EnableUsers(ctx, append([]string{reviewer}, units...), g.o.BenchPasswordHash); err != nil {
			return fmt.Errorf("synth: bench accounts: %w", err)
		}
		if _, err := g.st.UserByUsername(ctx, leader); err == nil {
			return nil
		}
		u := &model.User{Username: leader, DisplayName: "合成数据领导", PasswordHash: g.o.BenchPasswordHash, Role: model.RoleViewer}
		return g.st.CreateUser(ctx, u)
	})
}

// activity appends a few audit entries so "recent activity" has content.
func (g *gen) activity(ctx context.Context) error {
	a := store.Actor{UserID: g.reviewer, Username: "synth-reviewer", Role: model.RoleReviewer}
	return g.st.WithTx(ctx, func(ctx context.Context) error {
		for i := 0; i < 50; i++ {
			e := store.AuditEntry{Action: "report.submit", ObjectType: "report", ObjectID: g.nextReport - int64(i)}
			if i%5 == 0 {
				e = store.AuditEntry{Action: "review.approve", ObjectType: "review", ObjectID: int64(i)}
			}
			if err := g.st.Audit(ctx, a, e); err != nil {
				return err
			}
		}
		return nil
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

var digits = []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

func chineseNumber(n int) string {
	if n <= 10 {
		return digits[n]
	}
	if n < 20 {
		return "十" + digits[n-10]
	}
	return strconv.Itoa(n)
}
