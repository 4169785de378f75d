package web

// routes is the one route table. Every route also needs a rule in
// auth.Routes; without one the guard refuses it.
func (s *Server) routes() {
	e, h := s.E, s.h
	// Pages answer HEAD like GET (net/http leaves out the body).
	get := func(path string, fn echoHandler) {
		e.GET(path, fn)
		e.HEAD(path, fn)
	}

	get("/healthz", h.Health)
	get("/static/*", s.staticHandler())
	get("/favicon.ico", func(c echoContext) error { return c.Redirect(301, "/static/img/favicon.svg") })
	e.POST("/lang", h.SetLang)

	get("/login", h.LoginForm)
	e.POST("/login", h.Login)
	e.POST("/logout", h.Logout)
	get("/password", h.PasswordForm)
	e.POST("/password", h.ChangePassword)

	get("/profile", h.Profile)
	e.POST("/profile", h.UpdateProfile)
	e.POST("/profile/tokens", h.CreateToken)
	e.POST("/profile/tokens/:id/revoke", h.RevokeToken)
	get("/admin/tokens", h.AdminTokens)
	e.POST("/admin/tokens/:id/revoke", h.AdminRevokeToken)

	get("/", h.Home)

	// Plans (立项/分解): plan → domain → measure pages for every role, and
	// the admin's corrections of the breakdown.
	get("/plans", h.Plans)
	get("/plans/:id", h.Plan)
	get("/measures/:id", h.Measure)
	get("/admin/plans/:id/edit", h.EditPlanForm)
	e.POST("/admin/plans/:id/edit", h.UpdatePlan)
	e.POST("/admin/plans/:id/measures", h.AddMeasure)
	get("/admin/measures/:id/edit", h.EditMeasureForm)
	e.POST("/admin/measures/:id/edit", h.UpdateMeasure)
	e.POST("/admin/measures/:id/delete", h.DeleteMeasure)
	get("/admin/plans/import", h.ImportPlanForm)
	e.POST("/admin/plans/import", h.PreviewPlanImport)
	e.POST("/admin/plans/import/confirm", h.ConfirmPlanImport)

	// Administration (系统管理). The plan importer adds /admin/plans.
	get("/admin", h.AdminIndex)
	get("/admin/units", h.AdminUnits)
	get("/admin/units/new", h.AdminUnitNew)
	e.POST("/admin/units", h.AdminUnitCreate)
	get("/admin/units/:id", h.AdminUnit)
	e.POST("/admin/units/:id", h.AdminUnitUpdate)
	e.POST("/admin/units/:id/confirm", h.AdminUnitConfirm)
	e.POST("/admin/units/:id/merge", h.AdminUnitMerge)
	e.POST("/admin/units/:id/aliases", h.AdminUnitAliasAdd)
	e.POST("/admin/units/:id/aliases/:aid/delete", h.AdminUnitAliasDelete)
	get("/admin/groups", h.AdminGroups)
	get("/admin/groups/new", h.AdminGroupNew)
	e.POST("/admin/groups", h.AdminGroupCreate)
	get("/admin/groups/:id", h.AdminGroup)
	e.POST("/admin/groups/:id", h.AdminGroupUpdate)
	e.POST("/admin/groups/:id/delete", h.AdminGroupDelete)
	get("/admin/users", h.AdminUsers)
	get("/admin/users/new", h.AdminUserNew)
	e.POST("/admin/users", h.AdminUserCreate)
	get("/admin/users/:id", h.AdminUser)
	e.POST("/admin/users/:id", h.AdminUserUpdate)
	e.POST("/admin/users/:id/disable", h.AdminUserDisable)
	e.POST("/admin/users/:id/enable", h.AdminUserEnable)
	e.POST("/admin/users/:id/password", h.AdminUserPassword)
	e.POST("/admin/users/:id/sessions/end", h.AdminUserEndSessions)
	get("/admin/audit", h.AdminAudit)
	// Dashboards, 台账, exports and print views (issue #6). The overview is
	// GET / above; unit users are scoped to their unit in the handlers.
	get("/ledger", h.Ledger)
	get("/ledger.xlsx", h.LedgerXLSX)
	get("/measures/:id/history.xlsx", h.MeasureHistoryXLSX)
	get("/indicators", h.Indicators)
	get("/scorecard", h.Scorecard)
	get("/print/overview", h.PrintOverview)
	get("/print/measures/:id", h.PrintMeasure)
	get("/admin/lights", h.LightRulesForm)
	e.POST("/admin/lights", h.SaveLightRules)
	// Workflow (issue #5): 签收 → 反馈 → 审核 → 催办 → 办结, evidence and
	// the inbox. Object-level access is checked in the handlers.
	get("/todo", h.Todo)
	e.POST("/assignments/sign", h.SignAll)
	get("/assignments/:id", h.Assignment)
	e.POST("/assignments/:id/sign", h.Sign)
	get("/assignments/:id/periods/:period", h.ReportForm)
	e.POST("/assignments/:id/periods/:period", h.SaveReport)
	get("/reports/:id", h.Report)
	get("/reports/:id/versions/:no", h.ReportVersion)
	e.POST("/reports/:id/review", h.Review)
	get("/attachments/:id", h.Download)
	get("/supervision", h.Supervision)
	e.POST("/prompts", h.SendPrompt)
	e.POST("/measures/:id/close", h.CloseMeasure)
	e.POST("/measures/:id/reopen", h.ReopenMeasure)
	// 督查通报 (issue #13): everyone reads the published bulletins; the
	// office drafts, edits and publishes them.
	get("/bulletins", h.BulletinList)
	e.POST("/bulletins", h.DraftBulletin)
	get("/bulletins/:id", h.Bulletin)
	get("/bulletins/:id/print", h.PrintBulletin)
	get("/bulletins/:id/docx", h.BulletinDocx)
	get("/bulletins/:id/edit", h.EditBulletinForm)
	e.POST("/bulletins/:id", h.UpdateBulletin)
	e.POST("/bulletins/:id/publish", h.PublishBulletin)
	e.POST("/bulletins/:id/delete", h.DeleteBulletin)
	get("/inbox", h.Inbox)
	e.POST("/inbox/read-all", h.MarkAllRead)
	e.POST("/inbox/:id/read", h.MarkRead)
	// 延期申请 and 领导批示 (issue #13): forms on the measure page; who may
	// act on which object is checked by internal/workflow.
	e.POST("/assignments/:id/extensions", h.RequestExtension)
	e.POST("/extensions/:id/decide", h.DecideExtension)
	e.POST("/measures/:id/instructions", h.WriteInstruction)
	e.POST("/instructions/:id/answer", h.AnswerInstruction)
	get("/case-files/:id", h.DownloadCaseFile)
}
