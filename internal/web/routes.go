package web

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"duban/internal/api"
	"duban/internal/auth"
	"duban/internal/model"
	"duban/internal/reqctx"
)

// Route is one row of the route table: the route, its handler, who may
// call it (auth.Rule, checked by the guard) and, for the pages in the main
// navigation, its entry there. The router, the guard and the navigation all
// read this one table, so a route cannot exist without its rule.
type Route struct {
	Method  string // GET routes also answer HEAD
	Path    string // echo's pattern, e.g. /assignments/:id
	Handler echo.HandlerFunc
	Rule    auth.Rule
	// DuringPasswordChange keeps the route open to a user whose password
	// an administrator set; every other page sends them to /password until
	// they have chosen their own.
	DuringPasswordChange bool
	Nav                  *NavEntry // nil: not in the main navigation
}

// NavEntry places a page in the main navigation, shown to the roles its
// rule allows.
type NavEntry struct {
	Order int    // position, ascending
	Key   string // catalog key of the label
	// Badge, when set, is the number shown beside the label.
	Badge func(*reqctx.Info) int
}

type routeOption func(*Route)

func get(path string, fn echo.HandlerFunc, rule auth.Rule, opts ...routeOption) Route {
	return newRoute(http.MethodGet, path, fn, rule, opts)
}

func post(path string, fn echo.HandlerFunc, rule auth.Rule, opts ...routeOption) Route {
	return newRoute(http.MethodPost, path, fn, rule, opts)
}

func newRoute(method, path string, fn echo.HandlerFunc, rule auth.Rule, opts []routeOption) Route {
	r := Route{Method: method, Path: path, Handler: fn, Rule: rule}
	for _, o := range opts {
		o(&r)
	}
	return r
}

// apiOp is an operation of the JSON API under api.Prefix: api.Mount
// registers its handler, the table gives its rule.
func apiOp(method, path string, rule auth.Rule) Route {
	return Route{Method: method, Path: api.Prefix + path, Rule: rule}
}

func duringPasswordChange(r *Route) { r.DuringPasswordChange = true }

func nav(order int, key string, badge func(*reqctx.Info) int) routeOption {
	return func(r *Route) { r.Nav = &NavEntry{Order: order, Key: key, Badge: badge} }
}

func todoBadge(i *reqctx.Info) int   { return i.Todo }
func unreadBadge(i *reqctx.Info) int { return i.Unread }

// routeTable is the one route table.
func (s *Server) routeTable() []Route {
	h := s.h
	return []Route{
		get("/healthz", h.Health, auth.Public, duringPasswordChange),
		get("/static/*", s.staticHandler(), auth.Public, duringPasswordChange),
		get("/favicon.ico", func(c echoContext) error { return c.Redirect(301, "/static/img/favicon.svg") }, auth.Public, duringPasswordChange),
		post("/lang", h.SetLang, auth.Public, duringPasswordChange),

		get("/login", h.LoginForm, auth.Public),
		post("/login", h.Login, auth.Public),
		post("/logout", h.Logout, auth.AnyUser, duringPasswordChange),
		get("/password", h.PasswordForm, auth.AnyUser, duringPasswordChange),
		post("/password", h.ChangePassword, auth.AnyUser, duringPasswordChange),

		get("/profile", h.Profile, auth.AnyUser),
		post("/profile", h.UpdateProfile, auth.AnyUser),
		// Personal access tokens of the JSON API (issue #16): a user's own on
		// /profile (another's token is not found), every token for admins.
		post("/profile/tokens", h.CreateToken, auth.AnyUser),
		post("/profile/tokens/:id/revoke", h.RevokeToken, auth.AnyUser),
		get("/admin/tokens", h.AdminTokens, auth.AdminOnly),
		post("/admin/tokens/:id/revoke", h.AdminRevokeToken, auth.AdminOnly),

		get("/", h.Home, auth.AnyUser, nav(10, "nav.home", nil)),

		// Plans (立项/分解): plan → domain → measure pages for every role, and
		// the admin's corrections of the breakdown.
		get("/plans", h.Plans, auth.AnyUser, nav(30, "nav.plans", nil)),
		get("/plans/:id", h.Plan, auth.AnyUser),
		get("/measures/:id", h.Measure, auth.AnyUser),
		get("/admin/plans/:id/edit", h.EditPlanForm, auth.AdminOnly),
		post("/admin/plans/:id/edit", h.UpdatePlan, auth.AdminOnly),
		post("/admin/plans/:id/measures", h.AddMeasure, auth.AdminOnly),
		get("/admin/measures/:id/edit", h.EditMeasureForm, auth.AdminOnly),
		post("/admin/measures/:id/edit", h.UpdateMeasure, auth.AdminOnly),
		post("/admin/measures/:id/delete", h.DeleteMeasure, auth.AdminOnly),
		get("/admin/plans/import", h.ImportPlanForm, auth.AdminOnly),
		post("/admin/plans/import", h.PreviewPlanImport, auth.AdminOnly),
		post("/admin/plans/import/confirm", h.ConfirmPlanImport, auth.AdminOnly),

		// Administration (系统管理). The plan importer adds /admin/plans.
		get("/admin", h.AdminIndex, auth.AdminOnly, nav(100, "nav.admin", nil)),
		get("/admin/units", h.AdminUnits, auth.AdminOnly),
		get("/admin/units/new", h.AdminUnitNew, auth.AdminOnly),
		post("/admin/units", h.AdminUnitCreate, auth.AdminOnly),
		get("/admin/units/:id", h.AdminUnit, auth.AdminOnly),
		post("/admin/units/:id", h.AdminUnitUpdate, auth.AdminOnly),
		post("/admin/units/:id/confirm", h.AdminUnitConfirm, auth.AdminOnly),
		post("/admin/units/:id/merge", h.AdminUnitMerge, auth.AdminOnly),
		post("/admin/units/:id/aliases", h.AdminUnitAliasAdd, auth.AdminOnly),
		post("/admin/units/:id/aliases/:aid/delete", h.AdminUnitAliasDelete, auth.AdminOnly),
		get("/admin/groups", h.AdminGroups, auth.AdminOnly),
		get("/admin/groups/new", h.AdminGroupNew, auth.AdminOnly),
		post("/admin/groups", h.AdminGroupCreate, auth.AdminOnly),
		get("/admin/groups/:id", h.AdminGroup, auth.AdminOnly),
		post("/admin/groups/:id", h.AdminGroupUpdate, auth.AdminOnly),
		post("/admin/groups/:id/delete", h.AdminGroupDelete, auth.AdminOnly),
		get("/admin/users", h.AdminUsers, auth.AdminOnly),
		get("/admin/users/new", h.AdminUserNew, auth.AdminOnly),
		post("/admin/users", h.AdminUserCreate, auth.AdminOnly),
		get("/admin/users/:id", h.AdminUser, auth.AdminOnly),
		post("/admin/users/:id", h.AdminUserUpdate, auth.AdminOnly),
		post("/admin/users/:id/disable", h.AdminUserDisable, auth.AdminOnly),
		post("/admin/users/:id/enable", h.AdminUserEnable, auth.AdminOnly),
		post("/admin/users/:id/password", h.AdminUserPassword, auth.AdminOnly),
		post("/admin/users/:id/sessions/end", h.AdminUserEndSessions, auth.AdminOnly),
		get("/admin/audit", h.AdminAudit, auth.AdminOnly),
		// Dashboards, 台账, exports and print views (issue #6). The overview is
		// GET / above; unit users are scoped to their unit in the handlers.
		get("/ledger", h.Ledger, auth.AnyUser, nav(50, "dash.nav.ledger", nil)),
		get("/ledger.xlsx", h.LedgerXLSX, auth.AnyUser),
		get("/measures/:id/history.xlsx", h.MeasureHistoryXLSX, auth.AnyUser),
		get("/indicators", h.Indicators, auth.Readers, nav(60, "dash.nav.indicators", nil)),
		get("/scorecard", h.Scorecard, auth.Readers, nav(70, "dash.nav.scorecard", nil)),
		get("/print/overview", h.PrintOverview, auth.Readers),
		get("/print/measures/:id", h.PrintMeasure, auth.AnyUser),
		get("/admin/lights", h.LightRulesForm, auth.AdminOnly),
		post("/admin/lights", h.SaveLightRules, auth.AdminOnly),
		// Workflow (issue #5): 签收 → 反馈 → 审核 → 催办 → 办结, evidence and
		// the inbox. Object-level access is checked in the handlers.
		get("/todo", h.Todo, auth.Workers, nav(20, "nav.todo", todoBadge)),
		post("/assignments/sign", h.SignAll, auth.UnitOnly),
		get("/assignments/:id", h.Assignment, auth.AnyUser),
		post("/assignments/:id/sign", h.Sign, auth.UnitOnly),
		get("/assignments/:id/periods/:period", h.ReportForm, auth.AnyUser),
		post("/assignments/:id/periods/:period", h.SaveReport, auth.UnitOnly),
		get("/reports/:id", h.Report, auth.AnyUser),
		get("/reports/:id/versions/:no", h.ReportVersion, auth.AnyUser),
		post("/reports/:id/review", h.Review, auth.Workers),
		get("/attachments/:id", h.Download, auth.AnyUser),
		get("/supervision", h.Supervision, auth.Readers, nav(40, "nav.supervision", nil)),
		post("/prompts", h.SendPrompt, auth.Reviewer),
		post("/measures/:id/close", h.CloseMeasure, auth.Reviewer),
		post("/measures/:id/reopen", h.ReopenMeasure, auth.Reviewer),
		// 督查通报 (issue #13): everyone reads the published bulletins; the
		// office drafts, edits and publishes them.
		get("/bulletins", h.BulletinList, auth.AnyUser, nav(80, "nav.bulletins", nil)),
		post("/bulletins", h.DraftBulletin, auth.Reviewer),
		get("/bulletins/:id", h.Bulletin, auth.AnyUser),
		get("/bulletins/:id/print", h.PrintBulletin, auth.AnyUser),
		get("/bulletins/:id/docx", h.BulletinDocx, auth.AnyUser),
		get("/bulletins/:id/edit", h.EditBulletinForm, auth.Reviewer),
		post("/bulletins/:id", h.UpdateBulletin, auth.Reviewer),
		post("/bulletins/:id/publish", h.PublishBulletin, auth.Reviewer),
		post("/bulletins/:id/delete", h.DeleteBulletin, auth.Reviewer),
		get("/inbox", h.Inbox, auth.AnyUser, nav(90, "nav.inbox", unreadBadge)),
		post("/inbox/read-all", h.MarkAllRead, auth.AnyUser),
		post("/inbox/:id/read", h.MarkRead, auth.AnyUser),
		// 延期申请 and 领导批示 (issue #13): forms on the measure page; who may
		// act on which object is checked by internal/workflow.
		post("/assignments/:id/extensions", h.RequestExtension, auth.UnitOnly),
		post("/extensions/:id/decide", h.DecideExtension, auth.Reviewer),
		post("/measures/:id/instructions", h.WriteInstruction, auth.Instructors),
		post("/instructions/:id/answer", h.AnswerInstruction, auth.UnitOnly),
		get("/case-files/:id", h.DownloadCaseFile, auth.AnyUser),

		// The JSON API (issue #16): api.Mount registers these operations
		// (no handler here) and its guard checks these rules against the
		// token's user; object-level scoping is the services' as on the
		// pages. Read-only tokens are refused every write.
		apiOp(http.MethodGet, "/openapi.json", auth.Public),
		apiOp(http.MethodGet, "/plans", auth.AnyUser),
		apiOp(http.MethodGet, "/plans/:id", auth.AnyUser),
		apiOp(http.MethodGet, "/plans/:id/measures", auth.AnyUser),
		apiOp(http.MethodGet, "/measures/:id", auth.AnyUser),
		apiOp(http.MethodGet, "/assignments", auth.AnyUser),
		apiOp(http.MethodGet, "/assignments/:id", auth.AnyUser),
		apiOp(http.MethodGet, "/assignments/:id/prompts", auth.AnyUser),
		apiOp(http.MethodGet, "/reports/:id", auth.AnyUser),
		apiOp(http.MethodGet, "/reports/:id/versions/:no", auth.AnyUser),
		apiOp(http.MethodGet, "/attachments/:id", auth.AnyUser),
		apiOp(http.MethodGet, "/ledger", auth.AnyUser),
		apiOp(http.MethodGet, "/indicators", auth.Readers),
		apiOp(http.MethodGet, "/scorecard", auth.Readers),
		apiOp(http.MethodPost, "/assignments/:id/sign", auth.UnitOnly),
		apiOp(http.MethodPut, "/assignments/:id/periods/:period/report", auth.UnitOnly),
		apiOp(http.MethodPost, "/assignments/:id/periods/:period/report/submit", auth.UnitOnly),
		apiOp(http.MethodPost, "/reports/:id/review", auth.Workers),
		apiOp(http.MethodPost, "/assignments/:id/prompts", auth.Reviewer),
		apiOp(http.MethodPost, "/measures/:id/close", auth.Reviewer),
		apiOp(http.MethodPost, "/measures/:id/reopen", auth.Reviewer),
		// 延期申请 and 领导批示 (issue #13) through the API.
		apiOp(http.MethodGet, "/measures/:id/record", auth.AnyUser),
		apiOp(http.MethodGet, "/case-files/:id", auth.AnyUser),
		apiOp(http.MethodPost, "/assignments/:id/extensions", auth.UnitOnly),
		apiOp(http.MethodPost, "/extensions/:id/decide", auth.Reviewer),
		apiOp(http.MethodPost, "/instructions/:id/answer", auth.UnitOnly),
	}
}

// routes registers the table with the router and indexes it for the guard
// and the navigation.
func (s *Server) routes() {
	s.table = map[string]Route{}
	s.nav = map[string][]reqctx.NavLink{}
	var navRoutes []Route
	s.rows = s.routeTable()
	for _, r := range s.rows {
		s.table[r.Method+" "+r.Path] = r
		if r.Handler == nil {
			continue // an API operation: api.Mount registers it
		}
		s.E.Add(r.Method, r.Path, r.Handler)
		if r.Method == http.MethodGet {
			s.E.Add(http.MethodHead, r.Path, r.Handler) // net/http leaves out the body
		}
		if r.Nav != nil {
			navRoutes = append(navRoutes, r)
		}
	}
	slices.SortStableFunc(navRoutes, func(a, b Route) int { return cmp.Compare(a.Nav.Order, b.Nav.Order) })
	for _, role := range model.Roles {
		for _, r := range navRoutes {
			if r.Rule.Allows(role) {
				s.nav[role] = append(s.nav[role], reqctx.NavLink{Href: r.Path, Key: r.Nav.Key, Badge: r.Nav.Badge})
			}
		}
	}
}

// RouteFor returns the table row of a route (HEAD is GET without the
// body) and whether there is one.
func (s *Server) RouteFor(method, path string) (Route, bool) {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	r, ok := s.table[method+" "+path]
	return r, ok
}
