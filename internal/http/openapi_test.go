package http

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/sqlstore"
	"github.com/sqmhq/sqm/oncall"
	"github.com/sqmhq/sqm/uptime"
)

// loadOpenAPI parses and validates the embedded document, as published.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openAPIDoc)
	if err != nil {
		t.Fatalf("openapi.json does not parse: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi.json declares OpenAPI %s; want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(loader.Context, openapi3.EnableSchemaFormatValidation()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	return doc
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := loadOpenAPI(t)
	if doc.Components == nil || doc.Components.SecuritySchemes["bearerAuth"] == nil {
		t.Fatal("openapi.json has no bearerAuth security scheme")
	}
	if len(doc.Security) == 0 {
		t.Error("openapi.json requires no security by default")
	}
}

// registeredRoutes reads routes.go and returns its "METHOD /path" patterns
// of the API and the operations endpoints, leaving out the /api/ catch-all,
// which has no method, and the web console's pages, each with whether its
// handler is wrapped in a(...), the authentication middleware.
func registeredRoutes(t *testing.T) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "routes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || (sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle") {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			t.Errorf("a route pattern is not a string literal: %v", call.Args[0])
			return true
		}
		pattern, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(pattern, " ") {
			if pattern != "/api/" {
				t.Errorf("route %q has no method; only the /api/ catch-all may", pattern)
			}
			return true
		}
		path := pattern[strings.Index(pattern, " ")+1:]
		if !strings.HasPrefix(path, "/api/") && path != "/healthz" && path != "/readyz" && path != "/metrics" {
			return true // a console page, not part of the API
		}
		authenticated := false
		if wrapped, ok := call.Args[len(call.Args)-1].(*ast.CallExpr); ok {
			fn, _ := ast.Unparen(wrapped.Fun).(*ast.Ident)
			authenticated = fn != nil && fn.Name == "a"
		}
		routes[pattern] = authenticated
		return true
	})
	if len(routes) < 10 {
		t.Fatalf("found only %d routes in routes.go; is the parser looking at the right calls?", len(routes))
	}
	return routes
}

// documentedRoutes returns the document's operations as "METHOD /path".
func documentedRoutes(doc *openapi3.T) []string {
	var routes []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			routes = append(routes, strings.ToUpper(method)+" "+path)
		}
	}
	return routes
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	registered, documented := registeredRoutes(t), documentedRoutes(doc)
	for r := range registered {
		if !slices.Contains(documented, r) {
			t.Errorf("route %q of routes.go is missing from openapi.json", r)
		}
	}
	for _, r := range documented {
		if _, ok := registered[r]; !ok {
			t.Errorf("openapi.json documents %q, which routes.go does not register", r)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			r := strings.ToUpper(method) + " " + path
			public := op.Security != nil && len(*op.Security) == 0
			if authenticated, ok := registered[r]; ok && public == authenticated {
				t.Errorf("%s: the document says public = %v, but routes.go authenticates = %v", r, public, authenticated)
			}
		}
	}
}

func TestOpenAPIServed(t *testing.T) {
	rec := httptest.NewRecorder()
	(&Server{}).openAPI(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, content type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !json.Valid(rec.Body.Bytes()) {
		t.Fatal("the served document is not JSON")
	}
}

// jsonFields returns the JSON names of a struct type's fields.
func jsonFields(typ reflect.Type) []string {
	var names []string
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if name != "-" && f.IsExported() {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// schemaFields returns the property names of a component schema, merged over
// the branches of a oneOf.
func schemaFields(t *testing.T, doc *openapi3.T, name string) []string {
	t.Helper()
	ref := doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		t.Fatalf("openapi.json has no schema %s", name)
	}
	var names []string
	add := func(s *openapi3.Schema) {
		for p := range s.Properties {
			if !slices.Contains(names, p) {
				names = append(names, p)
			}
		}
	}
	add(ref.Value)
	for _, b := range ref.Value.OneOf {
		add(b.Value)
	}
	slices.Sort(names)
	return names
}

// TestOpenAPIRequestBodies checks that each request schema names exactly the
// fields the handler decodes, so a renamed or added input cannot drift.
func TestOpenAPIRequestBodies(t *testing.T) {
	doc := loadOpenAPI(t)
	without := func(names []string, drop ...string) []string {
		return slices.DeleteFunc(slices.Clone(names), func(n string) bool { return slices.Contains(drop, n) })
	}
	for _, c := range []struct {
		schema string
		fields []string
	}{
		{"CalendarInput", without(jsonFields(reflect.TypeFor[sqm.Calendar]()), "id", "created_at", "updated_at")},
		{"SLAPolicyInput", jsonFields(reflect.TypeFor[policyInput]())},
		{"ServiceInput", jsonFields(reflect.TypeFor[serviceInput]())},
		{"MonitorInput", jsonFields(reflect.TypeFor[monitorInput]())},
		{"StatusPageInput", jsonFields(reflect.TypeFor[statusPageInput]())},
		{"WebhookAlert", jsonFields(reflect.TypeFor[webhookAlert]())},
		{"EscalationPolicyInput", jsonFields(reflect.TypeFor[escalationInput]())},
		{"ScheduleInput", jsonFields(reflect.TypeFor[scheduleInput]())},
		{"MaintenanceWindowInput", jsonFields(reflect.TypeFor[maintenanceInput]())},
		{"SilenceInput", jsonFields(reflect.TypeFor[silenceInput]())},
		{"ChannelInput", jsonFields(reflect.TypeFor[channelInput]())},
		{"NotificationRuleInput", jsonFields(reflect.TypeFor[ruleInput]())},
		{"UserInput", jsonFields(reflect.TypeFor[userInput]())},
		{"NewTicket", jsonFields(reflect.TypeFor[sqm.NewTicket]())},
		// The live API refuses at and by (422); only an import takes them.
		{"NewEvent", without(jsonFields(reflect.TypeFor[sqm.NewEvent]()), "at", "by")},
		{"ImportEventInput", jsonFields(reflect.TypeFor[sqm.NewEvent]())},
		{"ImportTicket", jsonFields(reflect.TypeFor[sqm.ImportTicket]())},
	} {
		if got := schemaFields(t, doc, c.schema); !slices.Equal(got, c.fields) {
			t.Errorf("schema %s has properties %v; the handler decodes %v", c.schema, got, c.fields)
		}
		if ap := doc.Components.Schemas[c.schema].Value.AdditionalProperties.Has; c.schema != "NewEvent" &&
			c.schema != "ImportEventInput" && (ap == nil || *ap) {
			t.Errorf("schema %s does not set additionalProperties: false", c.schema)
		}
	}
}

// TestOpenAPIResponseBodies marshals fully populated values of the types the
// handlers write and checks them against their schemas: every key written is
// a declared property and the value validates.
func TestOpenAPIResponseBodies(t *testing.T) {
	doc := loadOpenAPI(t)
	at := time.Date(2026, 10, 8, 9, 0, 0, 0, time.UTC)
	later := at.Add(4 * time.Minute)
	ratio, secs, yes := 0.95, int64(540), true
	clock := sqm.Clock{State: sqm.ClockBreached, Breached: true, Target: 15 * time.Minute, Elapsed: 20 * time.Minute,
		DueAt: &at, MetAt: &later, WarnAt: &at,
		Stretches: []sqm.Stretch{{From: at, To: &later, State: "running", Priority: sqm.P1, Target: 15 * time.Minute}}}
	event := sqm.Event{ID: "9", At: at, Type: sqm.EventSLABreached, By: sqm.BySystem, ActorID: "1", Actor: "admin",
		Public: true, Body: "b", Status: sqm.StatusResolved, Priority: sqm.P2, Clock: sqm.FirstResponse}
	rating := 4
	ticket := sqm.Ticket{ID: "1", Ref: "OLD-1", ServiceID: "2", TeamID: "3", Type: sqm.TypeIncident, Priority: sqm.P1,
		Status: sqm.StatusNew, Title: "t", Description: "d", OpenedAt: at, UpdatedAt: at, OpenedBy: "4", Imported: true,
		SLA: sqm.Clocks{FirstResponse: clock, Resolution: clock}, Events: []sqm.Event{event},
		RequesterEmail: "u@example.com", Kind: sqm.KindBug, Survey: &sqm.Survey{URL: "http://h/portal/s/1.x", Token: "1.x", Rating: &rating,
			Comment: "c", SentAt: at, ExpiresAt: later, AnsweredAt: &later},
		Attachments: []sqm.Attachment{{ID: "1", Name: "shot.png", ContentType: "image/png", Size: 100, By: sqm.ByRequester, CreatedAt: at}}}
	figures := sqm.ClockFigures{Tickets: 3, Met: 1, Breached: 1, Running: 1, Attainment: &ratio, P50: &secs, P90: &secs, Max: &secs, Stopped: 2,
		Distribution: []sqm.Bucket{{UpTo: &secs, Count: 2}, {Count: 0}}}
	policy := sqm.DefaultPolicy("1")
	policy.ID, policy.CreatedAt, policy.UpdatedAt = "5", at, at
	token := sqm.Token{ID: "1", UserID: "2", UserName: "u", Name: "api", Prefix: "sqm_abcdef", CreatedAt: at,
		LastUsedAt: &at, RevokedAt: &at, Secret: "sqm_secret"}

	monitor := toMonitorJSON(sqm.Monitor{ID: "1", ServiceID: "2", Name: "m", Type: sqm.MonitorHTTP, Target: "http://h/", Interval: time.Minute,
		Timeout: time.Second, DownAfter: 3, UpAfter: 1, Priority: sqm.P2, HTTP: &sqm.HTTPCheck{Method: "GET", ExpectStatus: []int{200}},
		State: uptime.Down, StateSince: &at, LastCheckAt: &later, LastError: "status 503", IncidentID: "3", CreatedAt: at, UpdatedAt: at,
		// Every type's settings at once, so that every key is written.
		TLS: &sqm.TLSCheck{WarnDays: 14}, Heartbeat: &sqm.Heartbeat{Grace: time.Minute, Token: "t", LastPing: &at},
		KPI: &sqm.KPICheck{Query: "up", Op: ">=", Threshold: 1}, DNS: &sqm.DNSCheck{RecordType: "A", Expect: "192.0.2.1"}})

	for name, v := range map[string]any{
		"Alert": sqm.Alert{ID: "1", Source: "alertmanager", Fingerprint: "f", GroupKey: "g", Service: "s", ServiceID: "2", Name: "n",
			Severity: "critical", Status: sqm.AlertResolved, Summary: "s", Labels: map[string]string{"a": "b"}, Annotations: map[string]string{},
			URL: "http://p", StartsAt: at, EndsAt: &later, Received: 2, TicketID: "3", FirstSeenAt: at, LastSeenAt: later, Suppressed: "maintenance"},
		"AlertIntake": sqm.AlertIntake{Received: 2, Fired: 1, Deduplicated: 1, IncidentsOpen: []string{"3"}, OpenedIncident: []string{"3"}},
		"Channel":     sqm.Channel{ID: "1", Name: "c", Type: sqm.ChannelWebhook, URL: "http://h/", HasSecret: true, Lang: "zh", CreatedAt: at, UpdatedAt: at},
		"NotificationRule": sqm.NotificationRule{ID: "1", ChannelID: "2", ServiceID: "3", Events: []string{sqm.NotifyAlertFiring},
			Priorities: []sqm.Priority{sqm.P1}, CreatedAt: at},
		"Delivery": sqm.Delivery{ID: "1", ChannelID: "2", Event: sqm.NotifySLABreached, TicketID: "3", Status: sqm.DeliveryFailed,
			Attempts: 10, LastError: "503", NextAt: &at, SentAt: &later, CreatedAt: at},
		"Monitor": monitor,
		"EscalationPolicy": toEscalationJSON(sqm.EscalationPolicy{ID: "1", Name: "p", ServiceIDs: []string{"2"},
			Levels: []sqm.EscalationLevel{{After: time.Minute, ChannelIDs: []string{"3"}, ScheduleIDs: []string{"4"}}}, CreatedAt: at, UpdatedAt: at}),
		"Schedule": sqm.Schedule{ID: "1", Name: "s", Timezone: "UTC", Start: "2026-11-02", Handoff: "09:00", Days: 7,
			Members:   []oncall.Member{{UserID: "2", ChannelID: "3"}},
			Overrides: []oncall.Override{{Member: oncall.Member{UserID: "2", ChannelID: "3"}, From: at, To: later}}, CreatedAt: at, UpdatedAt: at},
		"OnCall":            sqm.OnCall{ScheduleID: "1", At: at, UserID: "2", User: "li", ChannelID: "3", Until: &later},
		"MaintenanceWindow": sqm.MaintenanceWindow{ID: "1", ServiceID: "2", Title: "t", StartsAt: at, EndsAt: later, CreatedAt: at},
		"Silence": sqm.Silence{ID: "1", ServiceID: "2", Matchers: map[string]string{"alertname": "X"}, Comment: "c", StartsAt: at, EndsAt: later,
			CreatedBy: "admin", CreatedAt: at},
		"TLSCheck":     sqm.TLSCheck{WarnDays: 14, ServerName: "h", SkipVerify: true},
		"MonitorPage":  sqm.Page[monitorJSON]{Items: []monitorJSON{monitor}},
		"Availability": sqm.Availability{From: at, To: later, MonitoredSeconds: 240, DownSeconds: 60, FailureRate: &ratio, Availability: &ratio, Checks: 4, FailedChecks: 1},
		"Calendar": sqm.Calendar{ID: "1", Name: "c", Timezone: "UTC", Hours: map[string][]string{"mon": {"09:00-17:00"}},
			Holidays: []string{"2026-10-01"}, Workdays: []string{"2026-09-27"}, HolidaySet: "cn", CreatedAt: at, UpdatedAt: at},
		"HolidaySetList": sqm.Page[string]{Items: []string{"cn"}},
		"SLAPolicy":      toPolicyJSON(policy),
		"Service":        sqm.Service{ID: "1", Name: "s", Description: "d", TeamID: "2", SLAPolicyID: "3", CreatedAt: at, UpdatedAt: at},
		"Team":           sqm.Team{ID: "1", Name: "t", CreatedAt: at},
		"User":           sqm.User{ID: "1", Name: "u", Role: sqm.RoleAgent, TeamID: "2", Disabled: true, CreatedAt: at},
		"Token":          token,
		"TokenPage":      sqm.Page[sqm.Token]{Items: []sqm.Token{token}, NextCursor: "abc"},
		"Clock":          clock,
		"Stretch":        clock.Stretches[0],
		"Event":          event,
		"Ticket":         ticket,
		"TicketPage":     sqm.Page[sqm.Ticket]{Items: []sqm.Ticket{ticket}},
		"ImportResult":   map[string]any{"tickets": []sqlstore.Imported{{Ref: "OLD-1", ID: "1"}}},
		"Imported":       sqlstore.Imported{Ref: "OLD-1", ID: "1"},
		"ClockFigures":   figures,
		"TargetFigure":   sqm.TargetFigure{Key: sqm.GoalFirstResponse, Goal: 0.95, Comparison: "gte", Actual: &ratio, Met: &yes, Sample: 2},
		"Scorecard": sqm.Scorecard{From: at, To: later, ServiceID: "1", TeamID: "2", FirstResponse: figures, Resolution: sqm.ClockFigures{Distribution: []sqm.Bucket{}},
			Incidents:    sqm.IncidentFigures{Opened: 2, Acknowledged: 1, Resolved: 1, MTTASeconds: &secs, MTTRSeconds: &secs},
			Alerts:       sqm.AlertFigures{Alerts: 1, Notifications: 3, Noisiest: []sqm.NoisyAlert{{Name: "A", Service: "s", ServiceID: "1", Received: 3}}},
			Satisfaction: sqm.SatisfactionFigures{Responses: 2, Satisfied: 1, CSAT: &ratio, SLAMet: sqm.CSATCount{Responses: 1, Satisfied: 1, CSAT: &ratio}},
			Targets:      []sqm.TargetFigure{sqm.DefaultGoals()[0].Judge(&ratio, 2), sqm.DefaultGoals()[2].Judge(nil, 0)}},
		"SatisfactionReport": sqm.SatisfactionReport{From: at, To: later, ServiceID: "1", TeamID: "2",
			Services: []sqm.CSATRow{{ID: "1", Name: "s", CSATCount: sqm.CSATCount{Responses: 2, Satisfied: 1, CSAT: &ratio}}},
			Teams:    []sqm.CSATRow{{ID: "", Name: sqm.NoName, CSATCount: sqm.CSATCount{Responses: 2, Satisfied: 1, CSAT: &ratio}}},
			Agents:   []sqm.CSATRow{},
			Comments: []sqm.SurveyComment{{Rating: 2, Comment: "c", AnsweredAt: at, TicketID: "3", TicketTitle: "t", Service: "s"}}},
		"CSATRow":       sqm.CSATRow{ID: "1", Name: "s", CSATCount: sqm.CSATCount{Responses: 0}},
		"SurveyComment": sqm.SurveyComment{Rating: 5, Comment: "好", AnsweredAt: at, TicketID: "3", TicketTitle: "t", Service: "s"},
		"FeedbackGroup": sqm.FeedbackGroup{Leader: "1", Label: []string{"登录", "闪退"}, Size: 2, Open: 1, Recent: 1, Previous: 1,
			Tickets: []sqm.FeedbackBrief{{ID: "2", Title: "t", Kind: sqm.KindBug, Status: sqm.StatusNew, OpenedAt: at}}},
		"FeedbackGroupPage": sqm.Page[sqm.FeedbackGroup]{Items: []sqm.FeedbackGroup{}},
		"FeedbackStats": sqm.FeedbackStats{Total: 2, ByKind: map[string]int{"bug": 2}, ByService: map[string]int{"s": 2}, ByStatus: map[string]int{"new": 2},
			Weeks: []sqm.WeekCount{{Start: at, Count: 2}}},
		"FeedbackReceipt": sqm.FeedbackReceipt{TicketID: "1", TrackingURL: "http://h/portal/t/1.1.x", Token: "1.1.x"},
		"Survey":          *ticket.Survey,
		"Goal":            sqm.DefaultGoals()[0],
		"GoalList":        sqm.Page[sqm.Goal]{Items: sqm.DefaultGoals()},
		"AuditEntry":      sqm.AuditEntry{ID: "1", At: at, ActorID: "2", Actor: "admin", Action: "ticket.create", ObjectType: "ticket", ObjectID: "3", Detail: map[string]any{"k": 1}},
		"Problem":         problem{Type: "https://sqm.dev/problems/invalid", Title: "Unprocessable Entity", Status: 422, Detail: "d", Field: "name"},
		"StatusView": sqm.StatusView{Page: sqm.StatusPage{ID: "1", Slug: "acme", Title: "t", ServiceIDs: []string{"2"}, CreatedAt: at, UpdatedAt: at},
			Updated: later, Services: []sqm.ServiceStatus{{ID: "2", Name: "s", State: sqm.ServiceUp, Days: slices.Repeat([]sqm.DayBar{{Date: "2026-10-08"}}, sqm.StatusDays)}},
			Incidents:   []sqm.PublicIncident{{ID: "3", ServiceID: "2", Title: "t", Priority: sqm.P1, Status: sqm.StatusNew, OpenedAt: at}},
			Maintenance: []sqm.MaintenanceView{{ID: "4", ServiceID: "2", Title: "m", StartsAt: at, EndsAt: later}}},
		"StatusPage":     sqm.StatusPage{ID: "1", Slug: "acme", Title: "t", Description: "d", ServiceIDs: []string{"2"}, CreatedAt: at, UpdatedAt: at},
		"StatusPagePage": sqm.Page[sqm.StatusPage]{Items: []sqm.StatusPage{{ID: "1", Slug: "acme", Title: "t", ServiceIDs: []string{}, CreatedAt: at, UpdatedAt: at}}},
		"ServiceStatus": sqm.ServiceStatus{ID: "2", Name: "s", State: sqm.ServiceDown, Availability: &ratio,
			Days: slices.Repeat([]sqm.DayBar{{Date: "2026-10-08", Availability: &ratio}, {Date: "2026-10-09"}}, sqm.StatusDays/2)},
		"DayBar":          sqm.DayBar{Date: "2026-10-08", Availability: &ratio},
		"PublicIncident":  sqm.PublicIncident{ID: "3", ServiceID: "2", Title: "t", Priority: sqm.P1, Status: sqm.StatusInProgress, OpenedAt: at},
		"MaintenanceView": sqm.MaintenanceView{ID: "4", ServiceID: "", Title: "m", StartsAt: at, EndsAt: later},
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var value any
		if err := json.Unmarshal(b, &value); err != nil {
			t.Fatal(err)
		}
		if obj, ok := value.(map[string]any); ok {
			declared := schemaFields(t, doc, name)
			for key := range obj {
				if !slices.Contains(declared, key) {
					t.Errorf("%s: the server writes %q, which the schema does not declare", name, key)
				}
			}
			for _, key := range declared {
				if _, ok := obj[key]; !ok {
					t.Errorf("%s: the schema declares %q, which the server does not write", name, key)
				}
			}
		}
		if err := doc.ValidateSchemaJSON(doc.Components.Schemas[name].Value, value); err != nil {
			t.Errorf("%s: %s does not validate: %v", name, b, err)
		}
	}
}
