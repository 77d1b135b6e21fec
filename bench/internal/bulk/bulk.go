// Package bulk builds a large sqm database quickly, with bulk SQL rather
// than the API: the schema and a small organisation through the store, then
// N generated tickets with realistic clock projections (COPY on PostgreSQL,
// 500-row INSERTs in one transaction on SQLite), some of their timelines,
// and ANALYZE.
//
// It is bench/scorecard's builder moved to a package of its own so that
// several benchmarks can share it; the tickets are generated from the same
// seed in the same order, so a database built here holds the same tickets
// as one built by bench/scorecard. What is new is the choice of which
// tickets get events (Options.Events) and Timeline, which writes a
// ticket's whole timeline in agreement with its saved projection.
package bulk

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/bench/internal/benchkit"
	"github.com/sqmhq/sqm/internal/sqlstore"
)

// Org is what the generated tickets refer to.
type Org struct {
	Services []int64   // ids
	Weights  []float64 // share of the tickets of each service
	TeamOf   []int64   // team id of each service
	Targets  map[sqm.Priority]sqm.Target
	AdminID  int64 // the admin user, the actor of generated staff events
}

// EventsFunc returns the events to write for a generated ticket (a row in
// TicketColumns order, before any driver conversion), in EventColumns order.
type EventsFunc func(t []any, open bool) [][]any

// OpenedOnly writes the opened event of the open tickets, or of every
// ticket when all is true: bench/scorecard's choice.
func OpenedOnly(all bool) EventsFunc {
	return func(t []any, open bool) [][]any {
		if open || all {
			return [][]any{OpenedEvent(t)}
		}
		return nil
	}
}

// Options says what to build.
type Options struct {
	Tickets int
	Seed    int64
	Now     time.Time
	// Events picks the events of each ticket; nil is OpenedOnly(false).
	// It is called with the Org, which exists only once the schema is made.
	Events func(*Org) EventsFunc
}

// Built is what Build made.
type Built struct {
	Org                   *Org
	Tickets, Events       int
	Insert, Analyse, Took time.Duration
}

// Build migrates the empty database d, makes the organisation and fills it
// with generated tickets, then analyses it.
func Build(ctx context.Context, d *benchkit.Database, o Options) (*Built, error) {
	start := time.Now()
	g, err := SetUp(ctx, d.DSN)
	if err != nil {
		return nil, err
	}
	raw, err := d.Raw("?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=foreign_keys(0)&_pragma=cache_size(-200000)")
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	events := OpenedOnly(false)
	if o.Events != nil {
		events = o.Events(g)
	}
	gen := NewGenerator(o.Seed, g, o.Now, o.Tickets)
	b := &Built{Org: g}
	if d.Dialect == "postgres" {
		b.Tickets, b.Events, err = FillPostgres(ctx, raw, gen, events)
	} else {
		b.Tickets, b.Events, err = FillSQLite(ctx, raw, gen, events)
	}
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	if err := sqlstore.RebuildRollup(ctx, raw); err != nil {
		return nil, err
	}
	b.Insert = time.Since(start)
	analyse := time.Now()
	if err := Analyse(ctx, raw, d.Dialect); err != nil {
		return nil, err
	}
	b.Analyse, b.Took = time.Since(analyse), time.Since(start)
	return b, nil
}

// Analyse gathers the planner's statistics (and, on PostgreSQL, sets the
// visibility map and hint bits a live database has, since the server here
// runs without autovacuum); on SQLite it also checkpoints the WAL.
func Analyse(ctx context.Context, raw *sql.DB, dialect string) error {
	var err error
	if dialect == "postgres" {
		if _, err = raw.ExecContext(ctx, "VACUUM (ANALYZE) tickets"); err == nil {
			_, err = raw.ExecContext(ctx, "VACUUM (ANALYZE) ticket_events")
		}
		if err == nil {
			_, err = raw.ExecContext(ctx, "VACUUM (ANALYZE) ticket_rollup")
		}
	} else {
		_, err = raw.ExecContext(ctx, "ANALYZE")
	}
	if err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	if dialect == "sqlite" {
		raw.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)") //nolint:errcheck
	}
	return nil
}

// SetUp migrates the new database and makes the organisation the tickets
// belong to, through the store: two teams, a tiered policy on the 24x7
// calendar (P1 15m/4h, P2 30m/8h, P3 2h/24h, P4 4h/40h) and three services.
func SetUp(ctx context.Context, dsn string) (*Org, error) {
	db, err := sqlstore.Open(ctx, dsn, nil)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	if _, err := db.Bootstrap(ctx); err != nil {
		return nil, err
	}
	ctx = sqm.WithActor(ctx, sqm.SystemActor)
	var defaultPolicy sqm.SLAPolicy
	ps, err := db.ListPolicies(ctx, "", 10)
	if err != nil {
		return nil, err
	}
	for _, p := range ps.Items {
		if p.Default {
			defaultPolicy = p
		}
	}
	targets := map[sqm.Priority]sqm.Target{
		sqm.P1: {FirstResponse: 15 * time.Minute, Resolution: 4 * time.Hour},
		sqm.P2: {FirstResponse: 30 * time.Minute, Resolution: 8 * time.Hour},
		sqm.P3: {FirstResponse: 2 * time.Hour, Resolution: 24 * time.Hour},
		sqm.P4: {FirstResponse: 4 * time.Hour, Resolution: 40 * time.Hour},
	}
	pol, err := db.CreatePolicy(ctx, sqm.SLAPolicy{Name: "Tiered 24x7", CalendarID: defaultPolicy.CalendarID, Targets: targets,
		PauseStatuses: []sqm.Status{sqm.StatusWaitingOnCustomer}, WarnAtPercent: 80})
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	g := &Org{Targets: targets, Weights: []float64{0.45, 0.35, 0.20}}
	var teams []sqm.Team
	for _, name := range []string{"Payments", "Platform"} {
		t, err := db.CreateTeam(ctx, sqm.Team{Name: name})
		if err != nil {
			return nil, fmt.Errorf("team: %w", err)
		}
		teams = append(teams, t)
	}
	for i, name := range []string{"Payments API", "Checkout web", "Data platform"} {
		team := teams[i/2] // two services on the first team, one on the second
		s, err := db.CreateService(ctx, sqm.Service{Name: name, TeamID: team.ID, SLAPolicyID: pol.ID})
		if err != nil {
			return nil, fmt.Errorf("service: %w", err)
		}
		var sid, tid int64
		fmt.Sscan(s.ID, &sid)
		fmt.Sscan(team.ID, &tid)
		g.Services, g.TeamOf = append(g.Services, sid), append(g.TeamOf, tid)
	}
	users, err := db.ListUsers(ctx, "", 10)
	if err != nil {
		return nil, err
	}
	for _, u := range users.Items {
		if u.Name == sqlstore.AdminName {
			fmt.Sscan(u.ID, &g.AdminID)
		}
	}
	return g, nil
}

// TicketColumns are the columns the generator fills, in its order.
var TicketColumns = []string{"id", "service_id", "team_id", "type", "priority", "status", "title", "description",
	"opened_at", "updated_at", "imported",
	"fr_target", "fr_elapsed", "fr_due_at", "fr_met_at", "fr_warn_at", "fr_paused", "fr_warned", "fr_breach_noted",
	"res_target", "res_elapsed", "res_due_at", "res_met_at", "res_warn_at", "res_paused", "res_warned", "res_breach_noted",
	"next_at"}

// The indexes of some of TicketColumns.
const (
	colID, colPriority, colStatus, colOpened, colUpdated = 0, 4, 5, 8, 9
	colFR, colRes                                        = 11, 19 // fr_target, res_target; the clock's columns follow in order
)

// EventColumns are the columns of an event row.
var EventColumns = []string{"ticket_id", "at", "type", "by_kind", "public", "body", "status", "priority", "clock", "recorded_at", "actor_id"}

// Generator makes the tickets, opened uniformly over the 24 months before
// now in the order of their ids, as a live installation writes them: ~90%
// with both clocks met on time, ~7% stopped late, ~3% still open.
type Generator struct {
	rnd        *rand.Rand
	g          *Org
	now, start int64 // ms
	step       float64
	n, i       int
}

// NewGenerator starts the n tickets of seed.
func NewGenerator(seed int64, g *Org, now time.Time, n int) *Generator {
	start := now.AddDate(-2, 0, 0)
	return &Generator{rnd: rand.New(rand.NewPCG(uint64(seed), 0x5a5a)), g: g, now: now.UnixMilli(), start: start.UnixMilli(),
		step: float64(now.Sub(start).Milliseconds()) / float64(n), n: n}
}

// Done reports whether every ticket was made.
func (gen *Generator) Done() bool { return gen.i >= gen.n }

var (
	types      = sqm.TicketTypes
	typeWeight = []float64{0.45, 0.35, 0.08, 0.07, 0.05}
	prios      = sqm.Priorities
	prioWeight = []float64{0.05, 0.20, 0.50, 0.25}
	subjects   = []string{"Checkout fails with HTTP 500", "Cannot log in after password reset", "Report export times out",
		"Invoice PDF shows the wrong VAT rate", "Webhook deliveries delayed", "Request: new API key for partner",
		"Slow search on the orders page", "Mobile app crashes on start", "Data sync stuck since last night", "Feature request: CSV import"}
	bodies = []string{
		"Customers report that paying with a saved card returns HTTP 500 on /pay. About 3% of attempts fail; retries sometimes succeed.",
		"Since this morning's deploy several users cannot sign in after resetting their password. The reset mail arrives, the link works, " +
			"but the new password is refused with 'invalid credentials'. Affected accounts so far: 14, all created before 2024.",
		"Please create an API key with read-only scope for our logistics partner; contact details are in the attached form.",
		"The nightly export of the orders report has timed out three nights in a row. The job log shows the query running for more than " +
			"30 minutes and being cancelled by the statement timeout. The report is needed by finance every morning at 08:00.",
		"Search on the orders page takes 8-12 s for queries with a customer name. It used to take under a second.",
	}
)

func pick[T any](r *rand.Rand, items []T, weights []float64) int {
	u := r.Float64()
	for i, w := range weights {
		if u < w {
			return i
		}
		u -= w
	}
	return len(items) - 1
}

// Next returns the next ticket's values in TicketColumns order, and
// whether it is still open.
func (gen *Generator) Next() ([]any, bool) {
	r, g := gen.rnd, gen.g
	gen.i++
	id := int64(gen.i)
	opened := gen.start + int64((float64(gen.i-1)+r.Float64())*gen.step)
	si := pick(r, g.Services, g.Weights)
	typ := types[pick(r, types, typeWeight)]
	pr := prios[pick(r, prios, prioWeight)]
	tg := g.Targets[pr]
	frT, resT := tg.FirstResponse.Milliseconds(), tg.Resolution.Milliseconds()
	u := r.Float64()
	between := func(lo, hi float64, of int64) int64 { return int64((lo + (hi-lo)*r.Float64()) * float64(of)) }

	// The 24x7 calendar: business time is wall time, so due = opened + target.
	type clock struct {
		elapsed            int64
		due, met, warn     sql.NullInt64
		paused, warned, bn bool
	}
	mk := func(target, elapsed int64, met bool) clock {
		c := clock{elapsed: elapsed, due: sql.NullInt64{Int64: opened + target, Valid: true},
			warn: sql.NullInt64{Int64: opened + target*8/10, Valid: true}}
		if met {
			c.met = sql.NullInt64{Int64: opened + elapsed, Valid: true}
		}
		reached := opened + elapsed
		if !met {
			reached = gen.now
		}
		c.warned = reached >= c.warn.Int64
		c.bn = reached > c.due.Int64
		if !met && c.bn {
			// saved when the sweep noted the breach, just past the due instant
			c.elapsed = target + between(0, 1, 60_000)
		}
		return c
	}
	var fr, res clock
	var status sqm.Status
	open := false
	switch {
	case u < 0.90: // both clocks met on time
		fr = mk(frT, between(0.02, 0.95, frT), true)
		res = mk(resT, max(fr.elapsed, between(0.10, 0.95, resT)), true)
	case u < 0.97: // resolved late; the first response late for half of them
		if r.IntN(2) == 0 {
			fr = mk(frT, between(1.05, 3, frT), true)
		} else {
			fr = mk(frT, between(0.02, 0.95, frT), true)
		}
		res = mk(resT, max(fr.elapsed, between(1.05, 3, resT)), true)
	default: // still open
		open = true
		if r.Float64() < 0.7 {
			fr = mk(frT, between(0.02, 0.95, frT), true)
		} else {
			fr = mk(frT, min(gen.now-opened, frT), false)
		}
		res = mk(resT, min(gen.now-opened, resT), false)
	}
	updated := opened + max(fr.elapsed, res.elapsed)
	if open {
		status = []sqm.Status{sqm.StatusNew, sqm.StatusInProgress, sqm.StatusInProgress, sqm.StatusWaitingOnCustomer}[r.IntN(4)]
		res.paused = status == sqm.StatusWaitingOnCustomer
		if status == sqm.StatusNew && fr.met.Valid {
			status = sqm.StatusInProgress
		}
	} else {
		status = sqm.StatusClosed
		if r.Float64() < 0.2 {
			status = sqm.StatusResolved
		} else {
			updated += between(1, 72, 3_600_000)
		}
	}
	updated = min(updated, gen.now)
	// The instant the sweep next owes an event, as nextAt in the store.
	var next sql.NullInt64
	consider := func(v int64) {
		if !next.Valid || v < next.Int64 {
			next = sql.NullInt64{Int64: v, Valid: true}
		}
	}
	for _, c := range []clock{fr, res} {
		if !c.warned && !c.met.Valid {
			consider(c.warn.Int64)
		}
		if !c.bn && !c.met.Valid {
			consider(c.due.Int64 + 1)
		}
	}
	title := fmt.Sprintf("%s (#%d)", subjects[r.IntN(len(subjects))], id)
	return []any{id, g.Services[si], g.TeamOf[si], string(typ), string(pr), string(status), title, bodies[r.IntN(len(bodies))],
		opened, updated, false,
		frT, fr.elapsed, fr.due, fr.met, fr.warn, fr.paused, fr.warned, fr.bn,
		resT, res.elapsed, res.due, res.met, res.warn, res.paused, res.warned, res.bn,
		next}, open
}

// OpenedEvent is a ticket's opened event in EventColumns order.
func OpenedEvent(t []any) []any {
	return []any{t[colID], t[colOpened], string(sqm.EventOpened), sqm.ByStaff, false, "", "", t[colPriority], "", t[colOpened], nil}
}

var (
	requesterNotes = []string{
		"It happened again a few minutes ago; screenshot and request id attached.",
		"Any news? Our finance team is waiting for this.",
		"Here is the information you asked for: account 4711, order 2026-118832, browser Firefox 145 on Windows 11.",
	}
	replies = []string{
		"Thanks for the report. We can reproduce it and are looking into it; next update within the hour.",
		"We have found the cause: a configuration change in yesterday's release. A fix is being prepared.",
		"Could you send us the request id shown on the error page, and the time it happened? That lets us find it in the logs.",
	}
	notes = []string{
		"Same stack trace as last week's incident; the connection pool of the payments service runs dry under load.",
		"Escalated to the platform on-call. Rolling back the release would also revert the VAT change, so we patch forward.",
	}
	fixes = []string{
		"The fix is deployed and we have verified it on your account. Please reopen this ticket if you still see the problem.",
		"Done: the key is created and was sent to the partner's technical contact by encrypted mail.",
	}
)

// Timeline returns the whole timeline of a generated ticket, in agreement
// with its saved projection: the opening, requester comments, the first
// staff reply (which met the first response), internal notes, the sweep's
// sla_warning and sla_breached events where the projection has them noted,
// status changes, and the reply and status change that resolved it and the
// closing. actor is the user of the staff events. It draws from its own
// random source (seeded by the ticket's id), so the tickets stay those of
// the seed.
func Timeline(t []any, open bool, actor int64, now time.Time) [][]any {
	id := t[colID].(int64)
	r := rand.New(rand.NewPCG(uint64(id), 0x7e7e))
	opened := t[colOpened].(int64)
	prio := t[colPriority]
	nowMS := now.UnixMilli()
	type ev struct {
		at  int64
		row []any
	}
	var evs []ev
	add := func(at int64, typ sqm.EventType, by string, public bool, body string, status sqm.Status, clock sqm.ClockName) {
		at = min(max(at, opened), nowMS)
		var a any
		if by == sqm.ByStaff && typ != sqm.EventOpened {
			a = actor
		}
		p := ""
		if typ == sqm.EventOpened {
			p = prio.(string)
		}
		evs = append(evs, ev{at, []any{id, at, string(typ), by, public, body, string(status), p, string(clock), at, a}})
	}
	add(opened, sqm.EventOpened, sqm.ByStaff, false, "", "", "")
	type clock struct {
		name           sqm.ClockName
		due, met, warn sql.NullInt64
		warned, bn     bool
	}
	clk := func(c int, name sqm.ClockName) clock {
		return clock{name: name, due: t[c+2].(sql.NullInt64), met: t[c+3].(sql.NullInt64), warn: t[c+4].(sql.NullInt64),
			warned: t[c+6].(bool), bn: t[c+7].(bool)}
	}
	fr, res := clk(colFR, sqm.FirstResponse), clk(colRes, sqm.Resolution)
	for _, c := range []clock{fr, res} { // the sweep's events
		if c.warned && c.warn.Valid {
			add(c.warn.Int64+int64(r.IntN(1000)), sqm.EventSLAWarning, sqm.BySystem, false, "", "", c.name)
		}
		if c.bn && c.due.Valid {
			add(c.due.Int64+1+int64(r.IntN(1000)), sqm.EventSLABreached, sqm.BySystem, false, "", "", c.name)
		}
	}
	last := nowMS
	if res.met.Valid {
		last = res.met.Int64
	}
	if r.IntN(2) == 0 { // the requester adds something before any answer
		end := last
		if fr.met.Valid {
			end = fr.met.Int64
		}
		add(opened+(end-opened)/3, sqm.EventComment, sqm.ByRequester, true, requesterNotes[r.IntN(len(requesterNotes))], "", "")
	}
	status := sqm.Status(t[colStatus].(string))
	if fr.met.Valid {
		add(fr.met.Int64, sqm.EventStatus, sqm.ByStaff, false, "", sqm.StatusInProgress, "")
		add(fr.met.Int64, sqm.EventComment, sqm.ByStaff, true, replies[r.IntN(len(replies))], "", "")
		span := last - fr.met.Int64
		if r.IntN(2) == 0 {
			add(fr.met.Int64+span/4, sqm.EventComment, sqm.ByStaff, false, notes[r.IntN(len(notes))], "", "")
		}
		if r.IntN(3) == 0 {
			add(fr.met.Int64+span/2, sqm.EventComment, sqm.ByRequester, true, requesterNotes[r.IntN(len(requesterNotes))], "", "")
			add(fr.met.Int64+span*2/3, sqm.EventComment, sqm.ByStaff, true, replies[r.IntN(len(replies))], "", "")
		}
	} else if status == sqm.StatusInProgress {
		add(opened+int64(r.IntN(600_000)), sqm.EventStatus, sqm.ByStaff, false, "", sqm.StatusInProgress, "")
	}
	if open && status == sqm.StatusWaitingOnCustomer {
		at := opened + (nowMS-opened)*3/4
		if fr.met.Valid {
			at = fr.met.Int64 + (nowMS-fr.met.Int64)*3/4
		}
		if fr.met.Valid { // a public staff reply would meet the first response
			add(at, sqm.EventComment, sqm.ByStaff, true, replies[2], "", "")
		}
		add(at, sqm.EventStatus, sqm.ByStaff, false, "", sqm.StatusWaitingOnCustomer, "")
	}
	if res.met.Valid {
		add(res.met.Int64, sqm.EventComment, sqm.ByStaff, true, fixes[r.IntN(len(fixes))], "", "")
		add(res.met.Int64, sqm.EventStatus, sqm.ByStaff, false, "", sqm.StatusResolved, "")
		if status == sqm.StatusClosed {
			add(t[colUpdated].(int64), sqm.EventStatus, sqm.ByStaff, false, "", sqm.StatusClosed, "")
		}
	}
	slices.SortStableFunc(evs, func(a, b ev) int { return int(a.at - b.at) })
	out := make([][]any, len(evs))
	for i, e := range evs {
		out[i] = e.row
	}
	return out
}

// FillSQLite inserts the tickets and their events in one transaction, 500
// rows a statement.
func FillSQLite(ctx context.Context, db *sql.DB, gen *Generator, eventsOf EventsFunc) (int, int, error) {
	const batch = 500
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback() //nolint:errcheck
	stmts := map[string]*sql.Stmt{}
	insert := func(table string, cols []string, rows [][]any) error {
		if len(rows) == 0 {
			return nil
		}
		key := fmt.Sprint(table, len(rows))
		st, ok := stmts[key]
		if !ok {
			one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
			q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " +
				strings.TrimSuffix(strings.Repeat(one+",", len(rows)), ",")
			if st, err = tx.PrepareContext(ctx, q); err != nil {
				return err
			}
			stmts[key] = st
		}
		args := make([]any, 0, len(rows)*len(cols))
		for _, r := range rows {
			args = append(args, r...)
		}
		_, err := st.ExecContext(ctx, args...)
		return err
	}
	var tickets, events [][]any
	nt, ne := 0, 0
	for !gen.Done() {
		t, open := gen.Next()
		tickets = append(tickets, t)
		events = append(events, eventsOf(t, open)...)
		if len(tickets) == batch || gen.Done() {
			if err := insert("tickets", TicketColumns, tickets); err != nil {
				return 0, 0, err
			}
			nt += len(tickets)
			tickets = tickets[:0]
		}
		for len(events) >= batch || (gen.Done() && len(events) > 0) {
			n := min(batch, len(events))
			if err := insert("ticket_events", EventColumns, events[:n]); err != nil {
				return 0, 0, err
			}
			ne += n
			events = events[n:]
		}
	}
	return nt, ne, tx.Commit()
}

// FillPostgres copies the tickets and then their events in with COPY and
// moves the identity sequences past the ids it wrote.
func FillPostgres(ctx context.Context, db *sql.DB, gen *Generator, eventsOf EventsFunc) (int, int, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close()
	var nt, ne int64
	err = conn.Raw(func(dc any) error {
		c := dc.(*stdlib.Conn).Conn()
		var events [][]any
		src := pgx.CopyFromFunc(func() ([]any, error) {
			if gen.Done() {
				return nil, nil
			}
			t, open := gen.Next()
			events = append(events, eventsOf(t, open)...)
			for i, v := range t {
				if n, ok := v.(sql.NullInt64); ok { // pgx encodes NullInt64 through driver.Valuer; pass plain values
					if n.Valid {
						t[i] = n.Int64
					} else {
						t[i] = nil
					}
				}
			}
			return t, nil
		})
		if nt, err = c.CopyFrom(ctx, pgx.Identifier{"tickets"}, TicketColumns, src); err != nil {
			return err
		}
		if ne, err = c.CopyFrom(ctx, pgx.Identifier{"ticket_events"}, EventColumns, pgx.CopyFromRows(events)); err != nil {
			return err
		}
		_, err = c.Exec(ctx, `SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets));
			SELECT setval(pg_get_serial_sequence('ticket_events', 'id'), (SELECT COALESCE(max(id), 1) FROM ticket_events))`)
		return err
	})
	return int(nt), int(ne), err
}
