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
