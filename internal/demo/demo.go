// Package demo fills an empty database with a realistic demo organisation:
// two teams, three services on two SLA policies, a few users and a few
// hundred tickets of the last 60 days with full timelines, so that every
// scorecard figure and queue has data.
package demo

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/calendar"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// service is a demo service with what its tickets' timelines are planned on.
type service struct {
	sqm.Service
	zh     string // Chinese name, for titles
	weight int    // share of the tickets
	policy sqm.SLAPolicy
	cal    *calendar.Calendar
	agents []string // who signs the staff's public comments
}

// Seed fills db with the demo organisation unless it already has tickets.
// The tickets are brought in through an import (the only way backdated
// events enter sqm), planned from db.Now() with a fixed random seed. When a
// concurrent replica has imported them first, Seed returns nil.
func Seed(ctx context.Context, db *sqlstore.DB, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	page, err := db.ListTickets(ctx, sqm.TicketFilter{Limit: 1})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if len(page.Items) > 0 {
		log.Info("demo_skipped", "reason", "the database already has tickets")
		return nil
	}
	services, err := setup(ctx, db)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	tickets := generate(services, db.Now())
	for i := 0; i < len(tickets); i += sqm.MaxImportTickets {
		batch := tickets[i:min(i+sqm.MaxImportTickets, len(tickets))]
		if _, err := db.ImportTickets(ctx, batch); err != nil {
			if sqm.ErrorCode(err) == sqm.ECONFLICT {
				log.Info("demo_skipped", "reason", "another replica imported the demo tickets")
				return nil
			}
			return fmt.Errorf("demo: import tickets: %w", err)
		}
	}
	log.Info("demo_seeded", "tickets", len(tickets), "services", len(services))
	return nil
}

// setup creates (or, after an interrupted run, finds) the teams, the office
// calendar, the business-hours policy, the services and the users.
func setup(ctx context.Context, db *sqlstore.DB) ([]*service, error) {
	teams := map[string]sqm.Team{}
	for _, name := range []string{"Platform Operations", "Customer Care"} {
		t, err := ensure(func() (sqm.Team, error) { return db.CreateTeam(ctx, sqm.Team{Name: name}) },
			func(c string) (sqm.Page[sqm.Team], error) { return db.ListTeams(ctx, c, sqlstore.MaxLimit) },
			func(t sqm.Team) bool { return t.Name == name })
		if err != nil {
			return nil, fmt.Errorf("team %s: %w", name, err)
		}
		teams[name] = t
	}
	office := sqm.Calendar{Name: "Office hours (Beijing)", Timezone: "Asia/Shanghai", HolidaySet: "cn",
		Hours: map[string][]string{}}
	for _, d := range sqm.Weekdays[:5] {
		office.Hours[d] = []string{"09:00-12:00", "13:30-18:00"}
	}
	office, err := ensure(func() (sqm.Calendar, error) { return db.CreateCalendar(ctx, office) },
		func(c string) (sqm.Page[sqm.Calendar], error) { return db.ListCalendars(ctx, c, sqlstore.MaxLimit) },
		func(c sqm.Calendar) bool { return c.Name == office.Name })
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	business := sqm.SLAPolicy{Name: "Business hours", CalendarID: office.ID, WarnAtPercent: 80,
		PauseStatuses: []sqm.Status{sqm.StatusWaitingOnCustomer},
		Targets: map[sqm.Priority]sqm.Target{
			sqm.P1: {FirstResponse: 30 * time.Minute, Resolution: 4 * time.Hour},
			sqm.P2: {FirstResponse: time.Hour, Resolution: 8 * time.Hour},
			sqm.P3: {FirstResponse: 4 * time.Hour, Resolution: 24 * time.Hour},
			sqm.P4: {FirstResponse: 8 * time.Hour, Resolution: 40 * time.Hour},
		}}
	listPolicies := func(c string) (sqm.Page[sqm.SLAPolicy], error) { return db.ListPolicies(ctx, c, sqlstore.MaxLimit) }
	business, err = ensure(func() (sqm.SLAPolicy, error) { return db.CreatePolicy(ctx, business) }, listPolicies,
		func(p sqm.SLAPolicy) bool { return p.Name == business.Name })
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	def, err := find(listPolicies, func(p sqm.SLAPolicy) bool { return p.Default })
	if err != nil {
		return nil, fmt.Errorf("default policy: %w", err)
	}
	services := []*service{
		{Service: sqm.Service{Name: "Payments API", TeamID: teams["Platform Operations"].ID,
			Description: "Card, wallet and bank-transfer payments for every channel; on the default 24x7 policy."},
			zh: "支付接口", weight: 35, policy: def, agents: []string{"li.na", "zhang.wei"}},
		{Service: sqm.Service{Name: "Customer Portal", TeamID: teams["Customer Care"].ID, SLAPolicyID: business.ID,
			Description: "客户自助门户：订单、发票、退款与工单。"},
			zh: "客户门户", weight: 40, policy: business, agents: []string{"wang.fang", "chen.jie"}},
		{Service: sqm.Service{Name: "Mobile App", TeamID: teams["Platform Operations"].ID, SLAPolicyID: business.ID,
			Description: "The iOS and Android apps and their backend-for-frontend."},
			zh: "手机 App", weight: 25, policy: business, agents: []string{"li.na", "chen.jie"}},
	}
	cals := map[string]*calendar.Calendar{}
	for _, s := range services {
		want := s.Service
		s.Service, err = ensure(func() (sqm.Service, error) { return db.CreateService(ctx, want) },
			func(c string) (sqm.Page[sqm.Service], error) { return db.ListServices(ctx, c, sqlstore.MaxLimit) },
			func(x sqm.Service) bool { return x.Name == want.Name })
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", want.Name, err)
		}
		if s.cal = cals[s.policy.CalendarID]; s.cal == nil {
			c, err := db.GetCalendar(ctx, s.policy.CalendarID)
			if err != nil {
				return nil, err
			}
			if s.cal, err = calendar.New(c); err != nil {
				return nil, err
			}
			cals[s.policy.CalendarID] = s.cal
		}
	}
	users := []sqm.User{
		{Name: "zhang.wei", Role: sqm.RoleManager, TeamID: teams["Platform Operations"].ID},
		{Name: "li.na", Role: sqm.RoleAgent, TeamID: teams["Platform Operations"].ID},
		{Name: "wang.fang", Role: sqm.RoleAgent, TeamID: teams["Customer Care"].ID},
		{Name: "chen.jie", Role: sqm.RoleAgent, TeamID: teams["Customer Care"].ID},
		{Name: "emma.clarke", Role: sqm.RoleViewer, TeamID: teams["Customer Care"].ID},
	}
	for _, u := range users {
		if _, err := db.CreateUser(ctx, u); err != nil && sqm.ErrorCode(err) != sqm.ECONFLICT {
			return nil, fmt.Errorf("user %s: %w", u.Name, err)
		}
	}
	return services, nil
}

// ensure creates an object or, when one of that name exists already (an
// interrupted run, or another replica), finds it through list.
func ensure[T any](create func() (T, error), list func(cursor string) (sqm.Page[T], error), match func(T) bool) (T, error) {
	v, err := create()
	if sqm.ErrorCode(err) != sqm.ECONFLICT {
		return v, err
	}
	return find(list, match)
}

// find returns the first object of a collection that matches.
func find[T any](list func(cursor string) (sqm.Page[T], error), match func(T) bool) (T, error) {
	var zero T
	for cursor := ""; ; {
		page, err := list(cursor)
		if err != nil {
			return zero, err
		}
		for _, x := range page.Items {
			if match(x) {
				return x, nil
			}
		}
		if page.NextCursor == "" {
			return zero, sqm.Errorf(sqm.ENOTFOUND, "No such object.")
		}
		cursor = page.NextCursor
	}
}
