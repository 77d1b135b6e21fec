package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

// csatFixture is a store with two services (one of a team), two agents and
// survey answers given at chosen instants.
type csatFixture struct {
	*env
	a, b     sqm.Service
	team     sqm.Team
	li, wang context.Context // the agents
	nobody   context.Context // an agent's token without a user: no agent recorded
	n        int
}

func newCSATFixture(t *testing.T, dsn string) *csatFixture {
	t.Helper()
	e := newEnv(t, dsn)
	f := &csatFixture{env: e}
	var err error
	if f.team, err = e.db.CreateTeam(e.ctx, sqm.Team{Name: "平台组"}); err != nil {
		t.Fatal(err)
	}
	if f.a, err = e.db.CreateService(e.ctx, sqm.Service{Name: "支付", TeamID: f.team.ID}); err != nil {
		t.Fatal(err)
	}
	f.b = e.service(t, "Mobile app", "")
	agent := func(name string) context.Context {
		u, err := e.db.CreateUser(e.ctx, sqm.User{Name: name, Role: sqm.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		return sqm.WithActor(context.Background(), sqm.Actor{UserID: u.ID, Name: u.Name, Role: sqm.RoleAgent})
	}
	f.li, f.wang, f.nobody = agent("li"), agent("wang"), e.as(sqm.RoleAgent)
	return f
}

// answer opens an incident on svc a minute before at, has agent resolve
// it, and answers its survey at at; it returns the ticket.
func (f *csatFixture) answer(t *testing.T, svc sqm.Service, agent context.Context, rating int, comment string, at time.Time) sqm.Ticket {
	t.Helper()
	f.n++
	f.clock.now = at.Add(-time.Minute)
	tk, err := f.db.CreateTicket(f.ctx, sqm.NewTicket{ServiceID: svc.ID, Type: sqm.TypeIncident, Priority: sqm.P3,
		Title: fmt.Sprintf("工单 %d", f.n), RequesterEmail: fmt.Sprintf("user%d@example.com", f.n)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.AddEvent(agent, tk.ID, status(sqm.StatusResolved)); err != nil {
		t.Fatal(err)
	}
	tk = f.get(t, tk.ID)
	f.clock.now = at
	if _, err := f.db.AnswerSurvey(context.Background(), tk.Survey.Token, sqm.SurveyAnswer{Rating: rating, Comment: comment}); err != nil {
		t.Fatal(err)
	}
	return tk
}

// rows describes a breakdown as "name responses/satisfied" in its order.
func rows(rs []sqm.CSATRow) string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s %d/%d", r.Name, r.Responses, r.Satisfied))
	}
	return strings.Join(out, ", ")
}

func TestSatisfactionReport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newCSATFixture(t, dsn)
		from, to := start.Add(time.Hour), start.Add(25*time.Hour)
		f.answer(t, f.a, f.li, 1, "before the period", from.Add(-time.Millisecond))
		t1 := f.answer(t, f.a, f.li, 5, "很好，速度快", from) // the start is in
		f.answer(t, f.a, f.li, 4, "", from.Add(time.Hour))
		t3 := f.answer(t, f.a, f.wang, 2, "还是不行", from.Add(2*time.Hour))
		t4 := f.answer(t, f.b, f.nobody, 3, "<script>alert(1)</script>", from.Add(3*time.Hour))
		f.answer(t, f.b, f.wang, 1, "", from.Add(4*time.Hour))
		f.answer(t, f.a, f.li, 5, "at the end: out", to)

		rep, err := f.db.SatisfactionReport(f.as(sqm.RoleViewer), sqm.ScorecardQuery{From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			got  []sqm.CSATRow
			want string
		}{
			{"services", rep.Services, "支付 3/2, Mobile app 2/0"},
			{"teams", rep.Teams, "平台组 3/2, — 2/0"},
			{"agents", rep.Agents, "li 2/2, wang 2/0, — 1/0"},
		} {
			if got := rows(c.got); got != c.want {
				t.Errorf("%s: %s; want %s", c.name, got, c.want)
			}
		}
		if s := rep.Services[0]; s.ID != f.a.ID || s.CSAT == nil || *s.CSAT != 2.0/3 {
			t.Errorf("the first service: %+v", s)
		}
		if r := rep.Teams[1]; r.ID != "" || *r.CSAT != 0 {
			t.Errorf("no team: %+v", r)
		}
		if r := rep.Agents[2]; r.ID != "" || r.Name != sqm.NoName {
			t.Errorf("no agent: %+v", r)
		}
		var comments []string
		for _, c := range rep.Comments {
			comments = append(comments, fmt.Sprintf("%d %s %s %s %s", c.Rating, c.Comment, c.TicketID, c.TicketTitle, c.Service))
		}
		want := []string{
			"3 <script>alert(1)</script> " + t4.ID + " " + t4.Title + " Mobile app",
			"2 还是不行 " + t3.ID + " " + t3.Title + " 支付",
			"5 很好，速度快 " + t1.ID + " " + t1.Title + " 支付",
		}
		if !slices.Equal(comments, want) {
			t.Errorf("comments:\n%s\nwant\n%s", strings.Join(comments, "\n"), strings.Join(want, "\n"))
		}
		if len(rep.Comments) > 0 && !rep.Comments[2].AnsweredAt.Equal(from) {
			t.Errorf("answered at %s, want %s", rep.Comments[2].AnsweredAt, from)
		}

		// The filters: a service, a team, a type.
		for _, c := range []struct {
			name                    string
			q                       sqm.ScorecardQuery
			services, teams, agents string
			comments                int
		}{
			{"a service", sqm.ScorecardQuery{ServiceID: f.b.ID}, "Mobile app 2/0", "— 2/0", "wang 1/0, — 1/0", 1},
			{"a team", sqm.ScorecardQuery{TeamID: f.team.ID}, "支付 3/2", "平台组 3/2", "li 2/2, wang 1/0", 2},
			{"another type", sqm.ScorecardQuery{Type: sqm.TypeRequest}, "", "", "", 0},
			{"a period of only its first instant", sqm.ScorecardQuery{To: from.Add(time.Millisecond)}, "支付 1/1", "平台组 1/1", "li 1/1", 1},
		} {
			q := c.q
			q.From, q.To = from, orTime(q.To, to)
			rep, err := f.db.SatisfactionReport(f.ctx, q)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if rows(rep.Services) != c.services || rows(rep.Teams) != c.teams || rows(rep.Agents) != c.agents || len(rep.Comments) != c.comments {
				t.Errorf("%s: services %q, teams %q, agents %q, %d comments; want %q, %q, %q, %d", c.name,
					rows(rep.Services), rows(rep.Teams), rows(rep.Agents), len(rep.Comments), c.services, c.teams, c.agents, c.comments)
			}
			if rep.Services == nil || rep.Teams == nil || rep.Agents == nil || rep.Comments == nil {
				t.Errorf("%s: a nil list, written as null: %+v", c.name, rep)
			}
		}

		// The scorecard's figures and the breakdown agree.
		sc, err := f.db.Scorecard(f.ctx, sqm.ScorecardQuery{From: from, To: to, Summary: true})
		if err != nil || sc.Satisfaction.Responses != 5 || sc.Satisfaction.Satisfied != 2 {
			t.Errorf("the scorecard: %+v %v", sc.Satisfaction, err)
		}
	})
}

func orTime(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t
}

func TestSatisfactionReportRefuses(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		from, to := start, start.Add(time.Hour)
		for _, c := range []struct {
			name        string
			ctx         context.Context
			q           sqm.ScorecardQuery
			code, field string
		}{
			{"without an actor", context.Background(), sqm.ScorecardQuery{From: from, To: to}, sqm.EUNAUTHORIZED, ""},
			{"without a start", e.ctx, sqm.ScorecardQuery{To: to}, sqm.EINVALID, "from"},
			{"an empty period", e.ctx, sqm.ScorecardQuery{From: from, To: from}, sqm.EINVALID, "to"},
			{"a malformed service", e.ctx, sqm.ScorecardQuery{From: from, To: to, ServiceID: "x"}, sqm.EINVALID, "service_id"},
			{"a malformed team", e.ctx, sqm.ScorecardQuery{From: from, To: to, TeamID: "x"}, sqm.EINVALID, "team_id"},
			{"an unknown type", e.ctx, sqm.ScorecardQuery{From: from, To: to, Type: "bug"}, sqm.EINVALID, "type"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := e.db.SatisfactionReport(c.ctx, c.q)
				wantCode(t, err, c.code, c.field)
				called := false
				err = e.db.ExportSurveys(c.ctx, c.q, func(sqm.SurveyRecord) error { called = true; return nil })
				wantCode(t, err, c.code, c.field)
				if c.field != "type" {
					err = e.db.ExportFeedback(c.ctx, c.q, func(sqm.FeedbackRecord) error { called = true; return nil })
					wantCode(t, err, c.code, c.field)
				}
				if called {
					t.Fatal("a refused export called back")
				}
			})
		}
	})
}

// The report lists the latest 50 commented answers, newest first.
func TestSatisfactionCommentsAreTheLatestFifty(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newCSATFixture(t, dsn)
		for i := range sqm.MaxSurveyComments + 3 {
			f.answer(t, f.a, f.li, 1+i%5, fmt.Sprint("comment ", i), start.Add(time.Duration(i)*time.Hour))
		}
		rep, err := f.db.SatisfactionReport(f.ctx, sqm.ScorecardQuery{From: start.Add(-time.Hour), To: start.Add(100 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Comments) != sqm.MaxSurveyComments || rep.Comments[0].Comment != "comment 52" ||
			rep.Comments[sqm.MaxSurveyComments-1].Comment != "comment 3" || rep.Services[0].Responses != sqm.MaxSurveyComments+3 {
			t.Fatalf("%d comments, from %q to %q", len(rep.Comments), rep.Comments[0].Comment, rep.Comments[len(rep.Comments)-1].Comment)
		}
		for i := 1; i < len(rep.Comments); i++ {
			if !rep.Comments[i].AnsweredAt.Before(rep.Comments[i-1].AnsweredAt) {
				t.Fatalf("comment %d is not older than the one before", i)
			}
		}
	})
}

// The exports stream what the CSV files hold: feedback opened in the
// period with its latest survey, answers given in it, oldest first; the
// first error of the callback stops them.
func TestSatisfactionExports(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newCSATFixture(t, dsn)
		portal := sqm.WithActor(context.Background(), sqm.PortalActor)
		submit := func(title, email string) string {
			rc, err := f.db.SubmitFeedback(portal, sqm.NewFeedback{ServiceID: f.a.ID, Kind: sqm.KindComplaint, Title: title,
				Description: "d", ContactEmail: email})
			if err != nil {
				t.Fatal(err)
			}
			return rc.TicketID
		}
		f.clock.now = start
		answered := submit("=1+1 付款失败", "li@example.com")
		open := submit("Dark mode", "")
		f.clock.now = start.Add(time.Hour)
		if _, err := f.db.AddEvent(f.li, answered, comment(true)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.AddEvent(f.li, answered, status(sqm.StatusResolved)); err != nil {
			t.Fatal(err)
		}
		f.clock.now = start.Add(2 * time.Hour)
		if _, err := f.db.AnswerSurvey(context.Background(), f.get(t, answered).Survey.Token, sqm.SurveyAnswer{Rating: 4, Comment: "谢谢"}); err != nil {
			t.Fatal(err)
		}
		incident := f.answer(t, f.b, f.wang, 2, "", start.Add(3*time.Hour)) // not feedback; answered in the period
		f.clock.now = start.Add(48 * time.Hour)
		submit("Later", "") // opened after the period

		q := sqm.ScorecardQuery{From: start, To: start.Add(24 * time.Hour)}
		var feedback []sqm.FeedbackRecord
		if err := f.db.ExportFeedback(f.as(sqm.RoleViewer), q, func(r sqm.FeedbackRecord) error { feedback = append(feedback, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(feedback) != 2 {
			t.Fatalf("%d feedback records: %+v", len(feedback), feedback)
		}
		r := feedback[0]
		if r.TicketID != answered || r.Kind != sqm.KindComplaint || r.Service != "支付" || r.Title != "=1+1 付款失败" || r.Status != sqm.StatusResolved ||
			r.Priority != sqm.P3 || r.RequesterEmail != "li@example.com" || !r.OpenedAt.Equal(start) || r.FirstResponse == nil ||
			!r.FirstResponse.Equal(start.Add(time.Hour)) || r.Resolution == nil || r.Rating == nil || *r.Rating != 4 || r.Comment != "谢谢" {
			t.Errorf("the answered feedback: %+v", r)
		}
		if r := feedback[1]; r.TicketID != open || r.Rating != nil || r.Comment != "" || r.FirstResponse != nil || r.Status != sqm.StatusNew {
			t.Errorf("the open feedback: %+v", r)
		}

		var surveys []sqm.SurveyRecord
		if err := f.db.ExportSurveys(f.ctx, q, func(r sqm.SurveyRecord) error { surveys = append(surveys, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(surveys) != 2 {
			t.Fatalf("%d survey records: %+v", len(surveys), surveys)
		}
		if s := surveys[0]; s.TicketID != answered || s.Type != sqm.TypeFeedback || s.Service != "支付" || s.Team != "平台组" || s.Agent != "li" ||
			s.SLABreached || !s.SentAt.Equal(start.Add(time.Hour)) || !s.AnsweredAt.Equal(start.Add(2*time.Hour)) || s.Rating != 4 || s.Comment != "谢谢" {
			t.Errorf("the feedback's survey: %+v", s)
		}
		if s := surveys[1]; s.TicketID != incident.ID || s.Type != sqm.TypeIncident || s.Team != "" || s.Agent != "wang" || s.Rating != 2 {
			t.Errorf("the incident's survey: %+v", s)
		}

		// The callback's error stops the export and comes back as it is.
		stop := errors.New("the client went away")
		calls := 0
		err := f.db.ExportSurveys(f.ctx, q, func(sqm.SurveyRecord) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Fatalf("after an error: %v, %d calls", err, calls)
		}
		err = f.db.ExportFeedback(f.ctx, q, func(sqm.FeedbackRecord) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 2 {
			t.Fatalf("after an error: %v, %d calls", err, calls)
		}
	})
}
