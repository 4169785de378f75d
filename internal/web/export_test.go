package web

// Routes returns the route table, for the route×role matrix test.
func (s *Server) Routes() []Route { return s.rows }
