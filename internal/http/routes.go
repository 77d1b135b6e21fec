package http

import (
	"net/http"
	"strings"

	"github.com/sqmhq/sqm"
)

// routes lists every route of the server.
func (s *Server) routes(mux *http.ServeMux) {
	a := s.authenticated
	mux.HandleFunc("GET /healthz", s.health)
	mux.HandleFunc("GET /readyz", s.ready)
	mux.Handle("GET /metrics", s.metrics.Handler())
	mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)

	mux.HandleFunc("GET /api/v1/calendars", a(s.listCalendars))
	mux.HandleFunc("POST /api/v1/calendars", a(s.createCalendar))
	mux.HandleFunc("GET /api/v1/calendars/{id}", a(s.showCalendar))
	mux.HandleFunc("PUT /api/v1/calendars/{id}", a(s.updateCalendar))
	mux.HandleFunc("GET /api/v1/holiday-sets", a(s.listHolidaySets))

	mux.HandleFunc("GET /api/v1/sla-policies", a(s.listPolicies))
	mux.HandleFunc("POST /api/v1/sla-policies", a(s.createPolicy))
	mux.HandleFunc("GET /api/v1/sla-policies/{id}", a(s.showPolicy))
	mux.HandleFunc("PUT /api/v1/sla-policies/{id}", a(s.updatePolicy))

	mux.HandleFunc("GET /api/v1/services", a(s.listServices))
	mux.HandleFunc("POST /api/v1/services", a(s.createService))
	mux.HandleFunc("GET /api/v1/services/{id}", a(s.showService))
	mux.HandleFunc("PUT /api/v1/services/{id}", a(s.updateService))

	mux.HandleFunc("GET /api/v1/teams", a(s.listTeams))
	mux.HandleFunc("POST /api/v1/teams", a(s.createTeam))
	mux.HandleFunc("GET /api/v1/teams/{id}", a(s.showTeam))

	mux.HandleFunc("GET /api/v1/users", a(s.listUsers))
	mux.HandleFunc("POST /api/v1/users", a(s.createUser))
	mux.HandleFunc("GET /api/v1/users/{id}", a(s.showUser))
	mux.HandleFunc("PUT /api/v1/users/{id}", a(s.updateUser))

	mux.HandleFunc("GET /api/v1/tokens", a(s.listTokens))
	mux.HandleFunc("POST /api/v1/tokens", a(s.createToken))
	mux.HandleFunc("DELETE /api/v1/tokens/{id}", a(s.revokeToken))

	mux.HandleFunc("GET /api/v1/tickets", a(s.listTickets))
	mux.HandleFunc("POST /api/v1/tickets", a(s.createTicket))
	mux.HandleFunc("GET /api/v1/tickets/{id}", a(s.showTicket))
	mux.HandleFunc("POST /api/v1/tickets/{id}/events", a(s.createEvent))
	mux.HandleFunc("POST /api/v1/import/tickets", a(s.importTickets))
	mux.HandleFunc("POST /api/v1/tickets/{id}/tracking", a(s.renewTracking))
	mux.HandleFunc("POST /api/v1/feedback", a(s.submitFeedback))
	mux.HandleFunc("GET /api/v1/feedback/groups", a(s.feedbackGroups))
	mux.HandleFunc("GET /api/v1/feedback/stats", a(s.feedbackStats))
	mux.HandleFunc("POST /api/v1/surveys/{token}", s.answerSurvey)

	mux.HandleFunc("GET /api/v1/monitors", a(s.listMonitors))
	mux.HandleFunc("POST /api/v1/monitors", a(s.createMonitor))
	mux.HandleFunc("GET /api/v1/monitors/{id}", a(s.showMonitor))
	mux.HandleFunc("PUT /api/v1/monitors/{id}", a(s.updateMonitor))
	mux.HandleFunc("DELETE /api/v1/monitors/{id}", a(s.deleteMonitor))
	mux.HandleFunc("GET /api/v1/monitors/{id}/availability", a(s.monitorAvailability))
	mux.HandleFunc("POST /api/v1/heartbeats/{token}", s.heartbeat)
	mux.HandleFunc("GET /api/v1/heartbeats/{token}", s.heartbeat)

	mux.HandleFunc("GET /api/v1/status-pages", a(s.listStatusPages))
	mux.HandleFunc("POST /api/v1/status-pages", a(s.createStatusPage))
	mux.HandleFunc("GET /api/v1/status-pages/{id}", a(s.showStatusPage))
	mux.HandleFunc("PUT /api/v1/status-pages/{id}", a(s.updateStatusPage))
	mux.HandleFunc("DELETE /api/v1/status-pages/{id}", a(s.deleteStatusPage))
	mux.HandleFunc("GET /api/v1/status/{slug}", s.publicStatus)

	mux.HandleFunc("GET /api/v1/alerts", a(s.listAlerts))
	mux.HandleFunc("GET /api/v1/escalation-policies", a(s.listEscalationPolicies))
	mux.HandleFunc("POST /api/v1/escalation-policies", a(s.createEscalationPolicy))
	mux.HandleFunc("DELETE /api/v1/escalation-policies/{id}", a(s.deleteEscalationPolicy))
	mux.HandleFunc("GET /api/v1/schedules", a(s.listSchedules))
	mux.HandleFunc("POST /api/v1/schedules", a(s.createSchedule))
	mux.HandleFunc("DELETE /api/v1/schedules/{id}", a(s.deleteSchedule))
	mux.HandleFunc("GET /api/v1/schedules/{id}/oncall", a(s.onCall))
	mux.HandleFunc("GET /api/v1/maintenance-windows", a(s.listMaintenance))
	mux.HandleFunc("POST /api/v1/maintenance-windows", a(s.createMaintenance))
	mux.HandleFunc("DELETE /api/v1/maintenance-windows/{id}", a(s.deleteMaintenance))
	mux.HandleFunc("GET /api/v1/silences", a(s.listSilences))
	mux.HandleFunc("POST /api/v1/silences", a(s.createSilence))
	mux.HandleFunc("DELETE /api/v1/silences/{id}", a(s.expireSilence))
	mux.HandleFunc("POST /api/v1/integrations/alertmanager", a(s.alertmanagerWebhook))
	mux.HandleFunc("POST /api/v1/integrations/webhook", a(s.genericWebhook))

	mux.HandleFunc("GET /api/v1/channels", a(s.listChannels))
	mux.HandleFunc("POST /api/v1/channels", a(s.createChannel))
	mux.HandleFunc("GET /api/v1/channels/{id}", a(s.showChannel))
	mux.HandleFunc("PUT /api/v1/channels/{id}", a(s.updateChannel))
	mux.HandleFunc("GET /api/v1/notification-rules", a(s.listRules))
	mux.HandleFunc("POST /api/v1/notification-rules", a(s.createRule))
	mux.HandleFunc("DELETE /api/v1/notification-rules/{id}", a(s.deleteRule))
	mux.HandleFunc("GET /api/v1/deliveries", a(s.listDeliveries))

	mux.HandleFunc("GET /api/v1/scorecard", a(s.showScorecard))
	mux.HandleFunc("GET /api/v1/satisfaction", a(s.showSatisfaction))
	mux.HandleFunc("GET /api/v1/goals", a(s.listGoals))
	mux.HandleFunc("PUT /api/v1/goals/{key}", a(s.updateGoal))
	mux.HandleFunc("GET /api/v1/audit", a(s.listAudit))

	mux.HandleFunc("/api/", s.noRoute(mux))

	// The web console.
	c := s.console
	mux.HandleFunc("GET /static/", s.serveStatic)
	mux.HandleFunc("GET /login", s.showLogin)
	mux.HandleFunc("GET /ack/{token}", s.showAck)
	mux.HandleFunc("POST /ack/{token}", s.postAck)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", c(sqm.RoleViewer, s.logout))
	mux.HandleFunc("GET /{$}", c(sqm.RoleViewer, s.showDashboard))
	mux.HandleFunc("GET /tickets", c(sqm.RoleViewer, s.listTicketsPage))
	mux.HandleFunc("GET /tickets/new", c(sqm.RoleAgent, s.newTicketPage))
	mux.HandleFunc("POST /tickets", c(sqm.RoleAgent, s.createTicketPage))
	mux.HandleFunc("GET /tickets/{id}", c(sqm.RoleViewer, s.showTicketPage))
	mux.HandleFunc("POST /tickets/{id}/events", c(sqm.RoleAgent, s.postTicketEvent))
	mux.HandleFunc("POST /tickets/{id}/tracking", c(sqm.RoleAgent, s.renewTrackingPage))
	mux.HandleFunc("GET /tickets/{id}/attachments/{aid}", c(sqm.RoleViewer, s.ticketAttachment))
	mux.HandleFunc("GET /scorecard", c(sqm.RoleViewer, s.showScorecardPage))
	mux.HandleFunc("GET /scorecard.csv", c(sqm.RoleViewer, s.exportScorecard))
	mux.HandleFunc("GET /feedback.csv", c(sqm.RoleViewer, s.exportFeedback))
	mux.HandleFunc("GET /surveys.csv", c(sqm.RoleViewer, s.exportSurveys))
	mux.HandleFunc("GET /account", c(sqm.RoleViewer, s.showAccount))
	mux.HandleFunc("POST /account", c(sqm.RoleViewer, s.saveAccount))
	s.monitorRoutes(mux)
	s.statusRoutes(mux)
	s.portalRoutes(mux)
	s.feedbackRoutes(mux)
	s.adminRoutes(mux)
}

// noRoute answers an API request that no route takes: 405 with the
// allowed methods when the path exists, 404 otherwise, as problem documents.
func (s *Server) noRoute(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/api/" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.JSON(w, http.StatusMethodNotAllowed, problem{Type: "https://sqm.dev/problems/method_not_allowed",
				Title: "Method Not Allowed", Status: http.StatusMethodNotAllowed,
				Detail: r.URL.Path + " takes " + strings.Join(allow, ", ") + ", not " + r.Method + "."})
			return
		}
		s.JSON(w, http.StatusNotFound, problem{Type: "https://sqm.dev/problems/not_found", Title: "Not Found",
			Status: http.StatusNotFound, Detail: "No such endpoint: " + r.Method + " " + r.URL.Path + ". See /api/v1/openapi.json."})
	}
}
