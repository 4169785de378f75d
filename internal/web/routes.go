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

	e.GET("/profile", h.Profile)
	e.POST("/profile", h.UpdateProfile)

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

	// Administration (系统管理). The plan importer adds /admin/plans.
	e.GET("/admin", h.AdminIndex)
	e.GET("/admin/units", h.AdminUnits)
	e.GET("/admin/units/new", h.AdminUnitNew)
	e.POST("/admin/units", h.AdminUnitCreate)
	e.GET("/admin/units/:id", h.AdminUnit)
	e.POST("/admin/units/:id", h.AdminUnitUpdate)
	e.POST("/admin/units/:id/confirm", h.AdminUnitConfirm)
	e.POST("/admin/units/:id/merge", h.AdminUnitMerge)
	e.POST("/admin/units/:id/aliases", h.AdminUnitAliasAdd)
	e.POST("/admin/units/:id/aliases/:aid/delete", h.AdminUnitAliasDelete)
	e.GET("/admin/groups", h.AdminGroups)
	e.GET("/admin/groups/new", h.AdminGroupNew)
	e.POST("/admin/groups", h.AdminGroupCreate)
	e.GET("/admin/groups/:id", h.AdminGroup)
	e.POST("/admin/groups/:id", h.AdminGroupUpdate)
	e.POST("/admin/groups/:id/delete", h.AdminGroupDelete)
	e.GET("/admin/users", h.AdminUsers)
	e.GET("/admin/users/new", h.AdminUserNew)
	e.POST("/admin/users", h.AdminUserCreate)
	e.GET("/admin/users/:id", h.AdminUser)
	e.POST("/admin/users/:id", h.AdminUserUpdate)
	e.POST("/admin/users/:id/disable", h.AdminUserDisable)
	e.POST("/admin/users/:id/enable", h.AdminUserEnable)
	e.POST("/admin/users/:id/password", h.AdminUserPassword)
	e.POST("/admin/users/:id/sessions/end", h.AdminUserEndSessions)
	e.GET("/admin/audit", h.AdminAudit)
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
	// Workflow (issue #5): 签收 → 反馈 → 审核 → 催办 → 办结, evidence and
	// the inbox. Object-level access is checked in the handlers.
	e.GET("/todo", h.Todo)
	e.POST("/assignments/sign", h.SignAll)
	e.GET("/assignments/:id", h.Assignment)
	e.POST("/assignments/:id/sign", h.Sign)
	e.GET("/assignments/:id/periods/:period", h.ReportForm)
	e.POST("/assignments/:id/periods/:period", h.SaveReport)
	e.GET("/reports/:id", h.Report)
	e.GET("/reports/:id/versions/:no", h.ReportVersion)
	e.POST("/reports/:id/review", h.Review)
	e.GET("/attachments/:id", h.Download)
	e.GET("/supervision", h.Supervision)
	e.POST("/prompts", h.SendPrompt)
	e.POST("/measures/:id/close", h.CloseMeasure)
	e.POST("/measures/:id/reopen", h.ReopenMeasure)
	e.GET("/inbox", h.Inbox)
	e.POST("/inbox/read-all", h.MarkAllRead)
	e.POST("/inbox/:id/read", h.MarkRead)
}
