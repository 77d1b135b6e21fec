package sqm

import "time"

// ClockFigures are a scorecard's figures for one clock.
type ClockFigures struct {
	Tickets    int      `json:"tickets"`
	Met        int      `json:"met"`
	Breached   int      `json:"breached"`
	Running    int      `json:"running"`
	Attainment *float64 `json:"attainment"` // nil when no clock is met or breached
	P50        *int64   `json:"p50_seconds"`
	P90        *int64   `json:"p90_seconds"`
	Max        *int64   `json:"max_seconds"`
	Stopped    int      `json:"stopped"` // the sample behind the percentiles
	// Distribution counts the stopped clocks by elapsed business time;
	// empty in a summary.
	Distribution []Bucket `json:"distribution"`
}

// Bucket counts the clocks whose elapsed time is at most UpTo seconds and
// above the previous bucket's; the last bucket, UpTo nil, has the rest.
type Bucket struct {
	UpTo  *int64 `json:"up_to_seconds"`
	Count int    `json:"count"`
}

// DistributionBounds are the upper bounds of the distribution's buckets:
// 15 and 30 minutes, 1, 2, 4, 8 and 24 hours, 3 days; then the rest.
var DistributionBounds = []int64{15 * 60, 30 * 60, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 24 * 3600, 72 * 3600}

// Goal is a quantified target of the strategy, editable by an organisation.
type Goal struct {
	Key string `json:"key"`
	// Value is the goal; Comparison says whether the measured figure must be
	// at least ("gte") or below ("lt") it.
	Value      float64 `json:"goal"`
	Comparison string  `json:"comparison"`
	Unit       string  `json:"unit"`
}

// The goal keys.
const (
	GoalFirstResponse = "first_response_attainment"
	GoalResolution    = "resolution_attainment"
	GoalFailureRate   = "failure_rate"
	GoalSatisfaction  = "csat"
)

// DefaultGoals are the strategy's four quantified targets.
func DefaultGoals() []Goal {
	return []Goal{
		{Key: GoalFirstResponse, Value: 0.95, Comparison: "gte", Unit: "ratio"},
		{Key: GoalResolution, Value: 0.95, Comparison: "gte", Unit: "ratio"},
		{Key: GoalFailureRate, Value: 0.01, Comparison: "lt", Unit: "ratio"},
		{Key: GoalSatisfaction, Value: 0.90, Comparison: "gte", Unit: "ratio"},
	}
}

// TargetFigure is a goal against its measured figure; Actual and Met are nil
// when there is no data yet.
type TargetFigure struct {
	Key        string   `json:"key"`
	Goal       float64  `json:"goal"`
	Comparison string   `json:"comparison"`
	Actual     *float64 `json:"actual"`
	Met        *bool    `json:"met"`
	Sample     int      `json:"sample"`
}

// Judge compares a measured figure with the goal.
func (g Goal) Judge(actual *float64, sample int) TargetFigure {
	f := TargetFigure{Key: g.Key, Goal: g.Value, Comparison: g.Comparison, Actual: actual, Sample: sample}
	if actual != nil {
		met := *actual >= g.Value
		if g.Comparison == "lt" {
			met = *actual < g.Value
		}
		f.Met = &met
	}
	return f
}

// ScorecardQuery selects the tickets of a scorecard: those opened in the
// half-open period [From, To), optionally of one service, team or type.
type ScorecardQuery struct {
	From, To  time.Time
	ServiceID string
	TeamID    string
	Type      TicketType
	// Summary asks for every figure but the percentiles, read from a daily
	// rollup at a small fraction of the cost over long periods.
	Summary bool
}

// Scorecard is the measured figures of a period against the goals.
type Scorecard struct {
	From          time.Time    `json:"from"`
	To            time.Time    `json:"to"`
	ServiceID     string       `json:"service_id,omitempty"`
	TeamID        string       `json:"team_id,omitempty"`
	FirstResponse ClockFigures `json:"first_response"`
	Resolution    ClockFigures `json:"resolution"`
	// Availability is over the monitors of the selected services, as
	// DESIGN.md defines it (a ticket type does not narrow it).
	Availability Availability `json:"availability"`
	// Incidents are the period's incident tickets: how fast they were
	// acknowledged and resolved, in wall-clock time.
	Incidents IncidentFigures `json:"incidents"`
	// Alerts are the alerts first seen in the period, with the noisiest
	// of those seen in it.
	Alerts AlertFigures `json:"alerts"`
	// Satisfaction is from the survey answers given in the period, as
	// DESIGN.md defines CSAT.
	Satisfaction SatisfactionFigures `json:"satisfaction"`
	Targets      []TargetFigure      `json:"targets"`
}

// CSATCount is a count of survey answers and the satisfied ones (4 or 5
// of 5); CSAT is nil without answers.
type CSATCount struct {
	Responses int      `json:"responses"`
	Satisfied int      `json:"satisfied"`
	CSAT      *float64 `json:"csat"`
}

// SatisfactionFigures are the survey answers given in a period, and the
// same split by the SLA outcome of the tickets rated: every clock met on
// time, or some clock breached.
type SatisfactionFigures struct {
	Responses   int       `json:"responses"`
	Satisfied   int       `json:"satisfied"`
	CSAT        *float64  `json:"csat"`
	SLAMet      CSATCount `json:"sla_met"`
	SLABreached CSATCount `json:"sla_breached"`
}

// IncidentFigures are the mean times of the incidents opened in a period:
// MTTA from opening to the first acknowledgement (an ack, a public reply or
// a resolve: the first-response clock's met instant), MTTR from opening to
// resolution; nil when none was acknowledged or resolved.
type IncidentFigures struct {
	Opened       int    `json:"opened"`
	Acknowledged int    `json:"acknowledged"`
	Resolved     int    `json:"resolved"`
	MTTASeconds  *int64 `json:"mtta_seconds"`
	MTTRSeconds  *int64 `json:"mttr_seconds"`
}

// AlertFigures count alerts: those first seen in the period, their
// notifications, and the noisiest alerts seen in it.
type AlertFigures struct {
	Alerts        int          `json:"alerts"`
	Notifications int          `json:"notifications"`
	Noisiest      []NoisyAlert `json:"noisiest"`
}

// NoisyAlert is an alert by the notifications received of it.
type NoisyAlert struct {
	Name      string `json:"name"`
	Service   string `json:"service"`
	ServiceID string `json:"service_id"`
	Received  int    `json:"received"`
}
