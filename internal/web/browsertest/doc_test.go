// Package browsertest_test drives Chromium through the portal's journeys:
// logging in, the dashboards, a report from signing to approval, plan
// import, extensions and instructions. It is a package of its own so that
// its minutes of browser work have their own test timeout and run beside
// internal/web's HTTP tests instead of after them.
package browsertest_test
