package auth

import "duban/internal/model"

// Rule says who may call a route. Deny by default: a route registered
// without a rule is refused for everyone. The route table
// (internal/web/routes.go) gives every route its rule.
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

// The rules the route table uses. Object-level checks (which unit's
// report) are made by the services; a rule only decides who may call a
// route.
var (
	Public    = Rule{Public: true}
	AnyUser   = Rule{Roles: model.Roles}
	AdminOnly = Rule{Roles: []string{model.RoleAdmin}}
	Reviewer  = Rule{Roles: []string{model.RoleReviewer}}
	UnitOnly  = Rule{Roles: []string{model.RoleUnit}}
	// Readers follow the whole plan: the office, leaders and admins.
	Readers = Rule{Roles: []string{model.RoleAdmin, model.RoleReviewer, model.RoleViewer}}
	// Workers have a to-do list: units and the supervision office.
	Workers = Rule{Roles: []string{model.RoleReviewer, model.RoleUnit}}
	// Instructors write 领导批示: leaders and the supervision office.
	Instructors = Rule{Roles: []string{model.RoleReviewer, model.RoleViewer}}
)
