package web

// routes is the one route table. Every route also needs a rule in
// auth.Routes; without one the guard refuses it.
func (s *Server) routes() {
	e, h := s.E, s.h

	e.GET("/healthz", h.Health)
	e.GET("/static/*", s.staticHandler())
	e.GET("/favicon.ico", func(c echoContext) error { return c.Redirect(301, "/static/img/favicon.svg") })
	e.POST("/lang", h.SetLang)

	e.GET("/login", h.LoginForm)
	e.POST("/login", h.Login)
	e.POST("/logout", h.Logout)
	e.GET("/password", h.PasswordForm)
	e.POST("/password", h.ChangePassword)

	e.GET("/", h.Home)

	// Dashboards, 台账, exports and print views (issue #6). The overview is
	// GET / above; unit users are scoped to their unit in the handlers.
	e.GET("/ledger", h.Ledger)
	e.GET("/ledger.xlsx", h.LedgerXLSX)
	e.GET("/measures/:id/history.xlsx", h.MeasureHistoryXLSX)
	e.GET("/indicators", h.Indicators)
	e.GET("/scorecard", h.Scorecard)
	e.GET("/print/overview", h.PrintOverview)
	e.GET("/print/measures/:id", h.PrintMeasure)
	e.GET("/admin/lights", h.LightRulesForm)
	e.POST("/admin/lights", h.SaveLightRules)
}
