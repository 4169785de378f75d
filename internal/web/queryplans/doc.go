// Package queryplans holds the query-plan test of the portal's pages: it
// walks each role's pages, captures every SELECT they send and explains it
// on SQLite and PostgreSQL. It is a package of its own so that this long
// test runs beside the web package's tests instead of after them.
package queryplans
