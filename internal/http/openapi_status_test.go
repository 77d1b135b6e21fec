package http

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
)

// The public status's history and daily downtime are written as the
// document describes them, and the history is an array even when empty.
func TestOpenAPIStatusHistory(t *testing.T) {
	doc := loadOpenAPI(t)
	at := time.Date(2026, 10, 8, 9, 0, 0, 0, time.UTC)
	ratio := 0.75
	past := sqm.PastIncident{PublicIncident: sqm.PublicIncident{ID: "3", ServiceID: "2", Title: "t", Priority: sqm.P1,
		Status: sqm.StatusResolved, OpenedAt: at}, ResolvedAt: at.Add(90 * time.Minute), DurationSeconds: 5400}
	view := sqm.StatusView{Page: sqm.StatusPage{ID: "1", Slug: "acme", Title: "t", ServiceIDs: []string{"2"}, CreatedAt: at, UpdatedAt: at},
		Updated: at, Services: []sqm.ServiceStatus{{ID: "2", Name: "s", State: sqm.ServiceUp, Availability: &ratio,
			Days: slices.Repeat([]sqm.DayBar{{Date: "2026-10-08", Availability: &ratio, DownSeconds: 21600}}, sqm.StatusDays)}},
		Incidents: []sqm.PublicIncident{}, PastIncidents: sqm.PastIncidents{past}, Maintenance: []sqm.MaintenanceView{}}
	for _, c := range []struct {
		schema string
		v      any
	}{
		{"PastIncident", past},
		{"DayBar", sqm.DayBar{Date: "2026-10-08", Availability: &ratio, DownSeconds: 3600}},
		{"StatusView", view},
		{"StatusView", sqm.StatusView{Page: view.Page, Updated: at, Services: []sqm.ServiceStatus{}, Incidents: []sqm.PublicIncident{},
			Maintenance: []sqm.MaintenanceView{}}}, // no history: []
	} {
		b, err := json.Marshal(c.v)
		if err != nil {
			t.Fatal(err)
		}
		var value map[string]any
		if err := json.Unmarshal(b, &value); err != nil {
			t.Fatal(err)
		}
		declared := schemaFields(t, doc, c.schema)
		for key := range value {
			if !slices.Contains(declared, key) {
				t.Errorf("%s: the server writes %q, which the schema does not declare", c.schema, key)
			}
		}
		for _, key := range declared {
			if _, ok := value[key]; !ok {
				t.Errorf("%s: the schema declares %q, which the server does not write", c.schema, key)
			}
		}
		if err := doc.ValidateSchemaJSON(doc.Components.Schemas[c.schema].Value, value); err != nil {
			t.Errorf("%s: %s does not validate: %v", c.schema, b, err)
		}
	}
}
