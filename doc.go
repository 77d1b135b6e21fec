// Package sqm holds the domain of the Service Quality Manager: the types a
// service organisation works with (calendars, SLA policies, services, teams,
// users, tickets and their timelines, scorecards), their validation rules and
// the application error type. It performs no I/O; the pure arithmetic lives in
// the calendar, sla and kpi packages, persistence in internal/sqlstore and the
// interfaces in internal/http and cmd/sqm.
package sqm
