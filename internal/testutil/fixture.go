package testutil

import (
	"context"
	"testing"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/store"
)

// Fixture is a small plan with known content, for tests that should not
// depend on the importer: two domains, three measures, four targets.
//
//	(一) 公共教育  lead 市教育局, responsible 市残联 + 台山市人民政府
//	    1. 学前教育   target 学前三年毛入园率 >= 93 %
//	    2. 义务教育   targets 小学适龄儿童入学率 = 100 %, 初中生年辍学率 <= 1.2 %
//	(二) 就业保障  lead 市残联, responsible 台山市人民政府
//	    1. 残疾人就业 target 城镇新增就业残疾人 >= 600 名 (due 2015-06-30)
type Fixture struct {
	Plan     model.Plan
	Domains  []model.Domain
	Measures []model.Measure // in plan order
	Units    map[string]int64
}

// SeedFixture stores the fixture plan (2014-06-17 … 2015-12-31, quarterly).
func SeedFixture(t testing.TB, st *store.Store) *Fixture {
	t.Helper()
	ctx := context.Background()
	f := &Fixture{Units: map[string]int64{}}
	day := func(s string) time.Time {
		d, _ := time.ParseInLocation(time.DateOnly, s, clock.Zone)
		return d
	}
	err := st.WithTx(ctx, func(ctx context.Context) error {
		for _, n := range []string{"市教育局", "市残联", "台山市人民政府"} {
			u, err := st.EnsureUnit(ctx, n, model.UnitDepartment, true)
			if err != nil {
				return err
			}
			f.Units[n] = u.ID
		}
		lead := func(n string) store.NewAssignment {
			return store.NewAssignment{UnitID: f.Units[n], Role: model.AssignLead}
		}
		resp := func(n string) store.NewAssignment {
			return store.NewAssignment{UnitID: f.Units[n], Role: model.AssignResponsible}
		}
		np := &store.NewPlan{
			Plan: model.Plan{Title: "测试方案(2014-2015年)", Issuer: "测试市人民政府", IssuedOn: "2014-06-17",
				StartOn: day("2014-06-17"), EndOn: day("2015-12-31")},
			Domains: []store.NewDomain{
				{Domain: model.Domain{Label: "(一)", Title: "公共教育"}, Measures: []store.NewMeasure{
					{Measure: model.Measure{Label: "1.", Title: "学前教育", SourceText: "1.学前教育。学前三年毛入园率达到93%。"},
						Targets:     []model.Target{{Text: "学前三年毛入园率达到93%", Indicator: "学前三年毛入园率", Op: ">=", Value: 93, Unit: "%", Year: 2015}},
						Assignments: []store.NewAssignment{lead("市教育局"), resp("市残联"), resp("台山市人民政府")}},
					{Measure: model.Measure{Label: "2.", Title: "义务教育", SourceText: "2.义务教育。小学适龄儿童入学率达到100%,初中生年辍学率在1.2%以下。"},
						Targets: []model.Target{
							{Text: "小学适龄儿童入学率达到100%", Indicator: "小学适龄儿童入学率", Op: "=", Value: 100, Unit: "%", Year: 2015},
							{Text: "初中生年辍学率在1.2%以下", Indicator: "初中生年辍学率", Op: "<=", Value: 1.2, Unit: "%", Year: 2015}},
						Assignments: []store.NewAssignment{lead("市教育局"), resp("市残联"), resp("台山市人民政府")}},
				}},
				{Domain: model.Domain{Label: "(二)", Title: "就业保障"}, Measures: []store.NewMeasure{
					{Measure: model.Measure{Label: "1.", Title: "残疾人就业", SourceText: "1.残疾人就业。城镇新增就业残疾人600名。", DueOn: day("2015-06-30")},
						Targets:     []model.Target{{Text: "城镇新增就业残疾人600名", Indicator: "城镇新增就业残疾人", Op: ">=", Value: 600, Unit: "名", Year: 2015}},
						Assignments: []store.NewAssignment{lead("市残联"), resp("台山市人民政府")}},
				}},
			},
		}
		if err := st.CreatePlan(ctx, np); err != nil {
			return err
		}
		f.Plan = np.Plan
		for _, d := range np.Domains {
			f.Domains = append(f.Domains, d.Domain)
			for _, m := range d.Measures {
				f.Measures = append(f.Measures, m.Measure)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seed fixture: %v", err)
	}
	return f
}

// SystemActor is the actor tests use for direct store calls.
var SystemActor = store.Actor{Username: "test"}
