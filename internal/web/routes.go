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

	// Plans (立项/分解): plan → domain → measure pages for every role, and
	// the admin's corrections of the breakdown.
	e.GET("/plans", h.Plans)
	e.GET("/plans/:id", h.Plan)
	e.GET("/measures/:id", h.Measure)
	e.GET("/admin/plans/:id/edit", h.EditPlanForm)
	e.POST("/admin/plans/:id/edit", h.UpdatePlan)
	e.POST("/admin/plans/:id/measures", h.AddMeasure)
	e.GET("/admin/measures/:id/edit", h.EditMeasureForm)
	e.POST("/admin/measures/:id/edit", h.UpdateMeasure)
	e.POST("/admin/measures/:id/delete", h.DeleteMeasure)
	e.GET("/admin/plans/import", h.ImportPlanForm)
	e.POST("/admin/plans/import", h.PreviewPlanImport)
	e.POST("/admin/plans/import/confirm", h.ConfirmPlanImport)
}
