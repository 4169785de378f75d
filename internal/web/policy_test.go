package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"duban/internal/auth"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/testutil"
	"duban/internal/web"
)

// routeParam matches a route's placeholders (:id, :aid, …).
var routeParam = regexp.MustCompile(`:[A-Za-z_]+`)

// samplePath turns a route pattern into a request path. GETs name an
// existing object (ID 1: the first user, unit and group of the demo data);
// POSTs name one that does not exist, so that an allowed call answers 404
// or 422 without changing anything. Either way the point is the policy
// decision, which comes before the handler.
func samplePath(method, pattern string) string {
	id := "1"
	if method != http.MethodGet {
		id = "999999"
	}
	p := routeParam.ReplaceAllString(pattern, id)
	return strings.Replace(p, "*", "css/app.css", 1)
}

// TestRouteMatrix asks every route of the real router as every role and
// checks the answer against the route table's rules: anonymous visitors are sent to the
// login page, logged-in users without the role get 403, everyone else gets
// past the guard. A route without a rule fails the test. Object-level
// refusals answer 404 (see auth.Scope), so a 403 here always means the
// route policy said no.
func TestRouteMatrix(t *testing.T) {
	routeMatrix(t, testutil.Start(t))
}

// TestRouteMatrixPostgres runs the matrix against PostgreSQL, which also
// runs every page's queries there.
func TestRouteMatrixPostgres(t *testing.T) {
	routeMatrix(t, testutil.Start(t, testutil.WithDB(testutil.PostgresURL(t))))
}

func routeMatrix(t *testing.T, p *testutil.Portal) {
	var routes []*echo.Route
	for _, r := range p.App.Server.E.Routes() {
		if r.Method == echo.RouteNotFound || r.Method == http.MethodHead {
			continue // HEAD twins of GET pages follow the GET rule
		}
		routes = append(routes, r)
	}
	slices.SortFunc(routes, func(a, b *echo.Route) int { return strings.Compare(a.Path+a.Method, b.Path+b.Method) })
	seen := map[string]bool{}
	for _, r := range routes {
		seen[r.Method+" "+r.Path] = true
		if _, ok := p.App.Server.RouteFor(r.Method, r.Path); !ok {
			t.Errorf("route %s %s is not in the route table (it is refused to everyone)", r.Method, r.Path)
		}
	}
	for _, r := range p.App.Server.Routes() {
		if !seen[r.Method+" "+r.Path] {
			t.Errorf("the route table's row %s %s is not a route", r.Method, r.Path)
		}
	}
	if t.Failed() {
		return
	}

	accounts := map[string]string{model.RoleAdmin: "admin", model.RoleReviewer: "duchashi", model.RoleUnit: "jiaoyuju", model.RoleViewer: "lingdao"}
	clients := map[string]*testutil.Client{}
	client := func(role string) *testutil.Client {
		if clients[role] == nil {
			if role == "" {
				clients[role] = p.Client()
			} else {
				clients[role] = p.Login(accounts[role])
			}
		}
		return clients[role]
	}
	tokens := map[string]string{}
	for role, user := range accounts {
		tokens[role] = roleToken(t, p, user)
	}
	denied := 0
	for _, r := range routes {
		row, _ := p.App.Server.RouteFor(r.Method, r.Path)
		rule := row.Rule
		path := samplePath(r.Method, r.Path)
		for _, role := range append([]string{""}, model.Roles...) {
			name := role
			if name == "" {
				name = "anonymous"
			}
			t.Run(r.Method+" "+r.Path+" as "+name, func(t *testing.T) {
				if strings.HasPrefix(r.Path, "/api/") {
					if !apiMatrixCall(t, p, r.Method, path, tokens[role], rule, role) {
						denied++
					}
					return
				}
				c := client(role)
				var res *testutil.Response
				switch r.Method {
				case http.MethodGet:
					res = c.Get(path)
				case http.MethodPost:
					res = c.PostForm(path, url.Values{})
				default:
					t.Fatalf("the matrix does not know how to call %s", r.Method)
				}
				if r.Method == http.MethodPost && r.Path == "/logout" {
					clients[role] = nil // that client is logged out now
				}
				loc := res.Header.Get("Location")
				toLogin := res.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/login")
				allowed := rule.Allows(role)
				switch {
				case res.StatusCode >= 500:
					t.Fatalf("%s %s: %d", r.Method, path, res.StatusCode)
				case role == "" && !allowed:
					if !toLogin || (r.Method == http.MethodGet && !strings.HasPrefix(loc, "/login?next=")) {
						t.Fatalf("anonymous %s %s = %d → %q, want 303 to the login page", r.Method, path, res.StatusCode, loc)
					}
				case role == "" && allowed:
					if toLogin || res.StatusCode == http.StatusForbidden {
						t.Fatalf("anonymous %s %s = %d → %q, want it public", r.Method, path, res.StatusCode, loc)
					}
				case !allowed:
					if res.StatusCode != http.StatusForbidden {
						t.Fatalf("%s %s %s = %d, want 403", name, r.Method, path, res.StatusCode)
					}
					denied++
				default:
					if res.StatusCode == http.StatusForbidden || (toLogin && r.Path != "/logout") {
						t.Fatalf("%s %s %s = %d → %q, want it allowed", name, r.Method, path, res.StatusCode, loc)
					}
				}
			})
		}
	}
	if denied == 0 {
		t.Fatal("the matrix refused nothing")
	}
	// Every refusal of a logged-in user is in the audit log.
	if n := countAudit(t, p, "access.denied"); n != denied {
		t.Errorf("%d access.denied audit entries for %d refusals", n, denied)
	}
}

// TestRouteWithoutRuleIsRefused adds a route to one portal's router without
// a rule: the guard refuses it even to an admin.
func TestRouteWithoutRuleIsRefused(t *testing.T) {
	p := testutil.Start(t)
	p.App.Server.E.GET("/test/unruled", func(c echo.Context) error { return c.String(http.StatusOK, "secret") })
	res := p.Login("admin").Get("/test/unruled")
	if res.StatusCode != http.StatusForbidden || strings.Contains(res.Body, "secret") {
		t.Fatalf("a route without a rule answered %d", res.StatusCode)
	}
}

// TestNavigationFollowsRules renders each role's home page: its main
// navigation lists, in order, exactly the route table's nav entries whose
// rule lets that role in, so no one sees a link that answers 403.
func TestNavigationFollowsRules(t *testing.T) {
	p := testutil.Start(t)
	var rows []web.Route
	for _, r := range p.App.Server.Routes() {
		if r.Nav != nil {
			rows = append(rows, r)
		}
	}
	slices.SortStableFunc(rows, func(a, b web.Route) int { return a.Nav.Order - b.Nav.Order })
	accounts := map[string]string{model.RoleAdmin: "admin", model.RoleReviewer: "duchashi", model.RoleUnit: "jiaoyuju", model.RoleViewer: "lingdao"}
	for _, role := range model.Roles {
		t.Run(role, func(t *testing.T) {
			var want []string
			for _, r := range rows {
				if r.Rule.Allows(role) {
					if r.Method != http.MethodGet {
						t.Fatalf("nav entry %s %s is not a page", r.Method, r.Path)
					}
					want = append(want, r.Path)
				}
			}
			var got []string
			p.Login(accounts[role]).Get("/").Doc(t).Find(".main-nav a").Each(func(_ int, a *goquery.Selection) {
				got = append(got, a.AttrOr("href", ""))
			})
			if len(want) < 3 || !slices.Equal(got, want) {
				t.Fatalf("%s's navigation = %v, want %v", role, got, want)
			}
		})
	}
}

// roleToken makes an API token for a demo user.
func roleToken(t *testing.T, p *testutil.Portal, username string) string {
	t.Helper()
	u, err := p.App.Store.UserByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := auth.NewTokens(p.App.Store, p.Clock).Create(t.Context(), store.ActorOf(u, "test"), u.ID, auth.NewToken{Name: "matrix"})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// apiMatrixCall asks an API route with a role's token (none for the
// anonymous caller): without a token 401, without the role 403, else past
// the guard. It reports whether the route let the caller in.
func apiMatrixCall(t *testing.T, p *testutil.Portal, method, path, token string, rule auth.Rule, role string) bool {
	t.Helper()
	req, _ := http.NewRequest(method, path, strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	if token != "" && role != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res := p.Client().Do(req)
	allowed := rule.Allows(role)
	switch {
	case res.StatusCode >= 500:
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, res.Body)
	case role == "" && !allowed:
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("no token %s %s = %d, want 401", method, path, res.StatusCode)
		}
		return true // not audited: no user
	case !allowed:
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("%s %s %s = %d, want 403", role, method, path, res.StatusCode)
		}
		return false
	case res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden:
		t.Fatalf("%s %s %s = %d %s, want it allowed", role, method, path, res.StatusCode, res.Body)
	}
	return true
}
