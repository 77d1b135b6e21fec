package http

import "net/http"

// adminRoutes lists the console's administration pages.
func (s *Server) adminRoutes(mux *http.ServeMux) {
}
