package auth

import "duban/internal/model"

// Rule says who may call a route. Deny by default: a route that has no rule
// in Routes is refused for everyone (and TestRouteMatrix fails).
type Rule struct {
	Public bool     // anyone, logged in or not
	Roles  []string // logged-in users with one of these roles
}

// Allows reports whether a user with role may call the route; role "" is
// an anonymous visitor.
func (r Rule) Allows(role string) bool {
	if r.Public {
		return true
	}
	for _, x := range r.Roles {
		if x == role {
			return true
		}
	}
	return false
}

var (
	public     = Rule{Public: true}
	anyUser    = Rule{Roles: model.Roles}
	adminOnly  = Rule{Roles: []string{model.RoleAdmin}}
	reviewer   = Rule{Roles: []string{model.RoleReviewer}}
	unitOnly   = Rule{Roles: []string{model.RoleUnit}}
	readers    = Rule{Roles: []string{model.RoleAdmin, model.RoleReviewer, model.RoleViewer}}
	workers    = Rule{Roles: []string{model.RoleReviewer, model.RoleUnit}}
	planReader = Rule{Roles: model.Roles}
	// instructors write 领导批示: leaders and the supervision office.
	instructors = Rule{Roles: []string{model.RoleReviewer, model.RoleViewer}}
)

// WhileMustChangePassword are the routes open to a user whose password an
// administrator set, until they have chosen their own: every other page
// sends them to /password.
var WhileMustChangePassword = map[string]bool{
	"GET /password":    true,
	"POST /password":   true,
	"POST /logout":     true,
	"POST /lang":       true,
	"GET /static/*":    true,
	"GET /healthz":     true,
	"GET /favicon.ico": true,
}

// Routes is the one policy table: "METHOD /path" (echo's route pattern) →
// rule. Object-level checks (which unit's report) are made by the services
// with the Can* functions; this table only decides who may call a route.
var Routes = map[string]Rule{
	"GET /healthz":     public,
	"GET /static/*":    public,
	"GET /login":       public,
	"POST /login":      public,
	"POST /lang":       public,
	"POST /logout":     anyUser,
	"GET /":            anyUser,
	"GET /password":    anyUser,
	"POST /password":   anyUser,
	"GET /favicon.ico": public,

	// Plans (立项/分解): every role reads plans and measures; only admins
	// change the breakdown or import a plan.
	"GET /plans":                       planReader,
	"GET /plans/:id":                   planReader,
	"GET /measures/:id":                planReader,
	"GET /admin/plans/:id/edit":        adminOnly,
	"POST /admin/plans/:id/edit":       adminOnly,
	"POST /admin/plans/:id/measures":   adminOnly,
	"GET /admin/measures/:id/edit":     adminOnly,
	"POST /admin/measures/:id/edit":    adminOnly,
	"POST /admin/measures/:id/delete":  adminOnly,
	"GET /admin/plans/import":          adminOnly,
	"POST /admin/plans/import":         adminOnly,
	"POST /admin/plans/import/confirm": adminOnly,

	"GET /profile":  anyUser,
	"POST /profile": anyUser,
	// Personal access tokens of the JSON API (issue #16): a user's own on
	// /profile (another's token is not found), every token for admins.
	"POST /profile/tokens":            anyUser,
	"POST /profile/tokens/:id/revoke": anyUser,
	"GET /admin/tokens":               adminOnly,
	"POST /admin/tokens/:id/revoke":   adminOnly,

	// Administration (系统管理): admins only.
	"GET /admin":                                adminOnly,
	"GET /admin/units":                          adminOnly,
	"GET /admin/units/new":                      adminOnly,
	"POST /admin/units":                         adminOnly,
	"GET /admin/units/:id":                      adminOnly,
	"POST /admin/units/:id":                     adminOnly,
	"POST /admin/units/:id/confirm":             adminOnly,
	"POST /admin/units/:id/merge":               adminOnly,
	"POST /admin/units/:id/aliases":             adminOnly,
	"POST /admin/units/:id/aliases/:aid/delete": adminOnly,
	"GET /admin/groups":                         adminOnly,
	"GET /admin/groups/new":                     adminOnly,
	"POST /admin/groups":                        adminOnly,
	"GET /admin/groups/:id":                     adminOnly,
	"POST /admin/groups/:id":                    adminOnly,
	"POST /admin/groups/:id/delete":             adminOnly,
	"GET /admin/users":                          adminOnly,
	"GET /admin/users/new":                      adminOnly,
	"POST /admin/users":                         adminOnly,
	"GET /admin/users/:id":                      adminOnly,
	"POST /admin/users/:id":                     adminOnly,
	"POST /admin/users/:id/disable":             adminOnly,
	"POST /admin/users/:id/enable":              adminOnly,
	"POST /admin/users/:id/password":            adminOnly,
	"POST /admin/users/:id/sessions/end":        adminOnly,
	"GET /admin/audit":                          adminOnly,
	// Dashboards, 台账, exports and print views (issue #6). Every role may
	// open the 台账, its export, a measure's history export and print view:
	// unit users only get their own unit's rows (checked in the handlers).
	"GET /ledger":                    anyUser,
	"GET /ledger.xlsx":               anyUser,
	"GET /measures/:id/history.xlsx": anyUser,
	"GET /print/measures/:id":        anyUser,
	"GET /indicators":                readers,
	"GET /scorecard":                 readers,
	"GET /print/overview":            readers,
	"GET /admin/lights":              adminOnly,
	"POST /admin/lights":             adminOnly,
	// Workflow (issue #5). Which unit's objects a user may see is checked
	// by internal/workflow: another unit's object is "not found".
	"GET /todo":                             workers,
	"POST /assignments/sign":                unitOnly,
	"GET /assignments/:id":                  planReader,
	"POST /assignments/:id/sign":            unitOnly,
	"GET /assignments/:id/periods/:period":  planReader, // the form for the unit, others go to the report
	"POST /assignments/:id/periods/:period": unitOnly,
	"GET /reports/:id":                      planReader,
	"GET /reports/:id/versions/:no":         planReader,
	"POST /reports/:id/review":              workers, // lead units review co-unit inputs
	"GET /attachments/:id":                  planReader,
	"GET /supervision":                      readers,
	"POST /prompts":                         reviewer,
	"POST /measures/:id/close":              reviewer,
	"POST /measures/:id/reopen":             reviewer,
	// 督查通报 (issue #13): published bulletins for every role (a draft is
	// the office's: not found for others, checked by internal/bulletin).
	"GET /bulletins":              anyUser,
	"GET /bulletins/:id":          anyUser,
	"GET /bulletins/:id/print":    anyUser,
	"GET /bulletins/:id/docx":     anyUser,
	"POST /bulletins":             reviewer,
	"GET /bulletins/:id/edit":     reviewer,
	"POST /bulletins/:id":         reviewer,
	"POST /bulletins/:id/publish": reviewer,
	"POST /bulletins/:id/delete":  reviewer,
	"GET /inbox":                  anyUser,
	"POST /inbox/read-all":        anyUser,
	"POST /inbox/:id/read":        anyUser,
	// 延期申请 and 领导批示 (issue #13): units ask and answer, the office
	// decides, leaders and the office write instructions; which unit's
	// objects is checked by internal/workflow.
	"POST /assignments/:id/extensions": unitOnly,
	"POST /extensions/:id/decide":      reviewer,
	"POST /measures/:id/instructions":  instructors,
	"POST /instructions/:id/answer":    unitOnly,
	"GET /case-files/:id":              planReader,
	// The JSON API (issue #16): the same rules as the pages it mirrors,
	// checked against the token's user; object-level scoping is the
	// services' as on the pages. Read-only tokens are refused every write.
	"GET /api/v1/openapi.json":                                   public,
	"GET /api/v1/plans":                                          planReader,
	"GET /api/v1/plans/:id":                                      planReader,
	"GET /api/v1/plans/:id/measures":                             planReader,
	"GET /api/v1/measures/:id":                                   planReader,
	"GET /api/v1/assignments":                                    planReader,
	"GET /api/v1/assignments/:id":                                planReader,
	"GET /api/v1/assignments/:id/prompts":                        planReader,
	"GET /api/v1/reports/:id":                                    planReader,
	"GET /api/v1/reports/:id/versions/:no":                       planReader,
	"GET /api/v1/attachments/:id":                                planReader,
	"GET /api/v1/ledger":                                         anyUser,
	"GET /api/v1/indicators":                                     readers,
	"GET /api/v1/scorecard":                                      readers,
	"POST /api/v1/assignments/:id/sign":                          unitOnly,
	"PUT /api/v1/assignments/:id/periods/:period/report":         unitOnly,
	"POST /api/v1/assignments/:id/periods/:period/report/submit": unitOnly,
	"POST /api/v1/reports/:id/review":                            workers,
	"POST /api/v1/assignments/:id/prompts":                       reviewer,
	"POST /api/v1/measures/:id/close":                            reviewer,
	"POST /api/v1/measures/:id/reopen":                           reviewer,
	"GET /api/v1/measures/:id/record":                            planReader,
	"POST /api/v1/assignments/:id/extensions":                    unitOnly,
	"POST /api/v1/extensions/:id/decide":                         reviewer,
	"POST /api/v1/instructions/:id/answer":                       unitOnly,
}

// RuleFor returns the rule of a route and whether it has one.
func RuleFor(method, path string) (Rule, bool) {
	if method == "HEAD" {
		method = "GET" // HEAD is GET without the body
	}
	r, ok := Routes[method+" "+path]
	return r, ok
}

var _ = []Rule{adminOnly, reviewer, unitOnly, readers, workers, planReader, instructors}
