package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

// The closed loop of a piece of feedback: submitted by someone without an
// account, followed through the tracking link, answered in public, resolved
// only after that, surveyed, and reopened by an unhappy rating.
func TestFeedbackClosedLoop(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Mobile app", "")
		portal := sqm.WithActor(context.Background(), sqm.PortalActor)
		public := context.Background() // the tracking link's holder: no account

		rc, err := e.db.SubmitFeedback(portal, sqm.NewFeedback{ServiceID: svc.ID, Kind: sqm.KindBug, Title: "Login fails",
			Description: "Since the update <script>alert(1)</script>", ContactEmail: " user@example.com "})
		if err != nil {
			t.Fatal(err)
		}
		tk := e.get(t, rc.TicketID)
		if tk.Type != sqm.TypeFeedback || tk.Kind != sqm.KindBug || tk.Priority != sqm.P3 || tk.RequesterEmail != "user@example.com" ||
			tk.Events[0].By != sqm.ByRequester || tk.SLA.FirstResponse.DueAt == nil {
			t.Fatalf("the feedback ticket: %+v", tk)
		}

		// An internal note is not shown through the tracking link; a public
		// reply is, with the agent's name.
		e.event(t, tk.ID, comment(false))
		tr, err := e.db.Track(public, rc.Token)
		if err != nil || tr.Title != "Login fails" || tr.Service != "Mobile app" || tr.Kind != sqm.KindBug || len(tr.Replies) != 0 || tr.Survey != nil {
			t.Fatalf("tracking before a reply: %+v %v", tr, err)
		}

		// Resolving without a public reply is refused and changes nothing.
		n := count(t, e, "ticket_events")
		_, err = e.db.AddEvent(e.ctx, tk.ID, status(sqm.StatusResolved))
		wantCode(t, err, sqm.ECONFLICT, "")
		if !strings.Contains(err.Error(), "public reply") || count(t, e, "ticket_events") != n {
			t.Fatalf("resolve without a reply: %v", err)
		}
		_, err = e.db.AddEvent(e.ctx, tk.ID, status(sqm.StatusClosed))
		wantCode(t, err, sqm.ECONFLICT, "")

		e.event(t, tk.ID, comment(true))
		if err := e.db.ReplyByTracking(public, rc.Token, "Still broken on Android 14."); err != nil {
			t.Fatal(err)
		}
		if err := e.db.ReplyByTracking(public, rc.Token, " "); err == nil {
			t.Fatal("an empty reply was taken")
		}
		tr, _ = e.db.Track(public, rc.Token)
		if len(tr.Replies) != 2 || tr.Replies[0].By != sqm.ByStaff || tr.Replies[0].Author != "" ||
			tr.Replies[1].By != sqm.ByRequester || tr.Replies[1].Body != "Still broken on Android 14." {
			t.Fatalf("replies: %+v", tr.Replies)
		}

		// Resolving sends a survey, on the ticket and the tracking page.
		e.clock.Add(time.Hour)
		e.event(t, tk.ID, status(sqm.StatusResolved))
		tk = e.get(t, tk.ID)
		if tk.Survey == nil || tk.Survey.Token == "" || tk.Survey.Rating != nil || !tk.Survey.ExpiresAt.Equal(e.clock.Now().Add(14*24*time.Hour)) {
			t.Fatalf("the survey: %+v", tk.Survey)
		}
		if tr, _ := e.db.Track(public, rc.Token); tr.Survey == nil || tr.Survey.Token != tk.Survey.Token || tr.Status != sqm.StatusResolved {
			t.Fatalf("the tracking page's survey: %+v", tr.Survey)
		}

		// Bad answers and bad tokens change nothing.
		_, err = e.db.AnswerSurvey(public, tk.Survey.Token, sqm.SurveyAnswer{Rating: 6})
		wantCode(t, err, sqm.EINVALID, "rating")
		_, err = e.db.AnswerSurvey(public, tk.Survey.Token+"x", sqm.SurveyAnswer{Rating: 5})
		wantCode(t, err, sqm.ENOTFOUND, "")
		_, err = e.db.AnswerSurvey(public, "1.AAAA", sqm.SurveyAnswer{Rating: 5})
		wantCode(t, err, sqm.ENOTFOUND, "")

		// A rating of 2 reopens the ticket with its resolution clock running
		// again, notes why, and a second answer is refused.
		e.clock.Add(time.Hour)
		s, err := e.db.AnswerSurvey(public, tk.Survey.Token, sqm.SurveyAnswer{Rating: 2, Comment: "Not fixed"})
		if err != nil || *s.Rating != 2 {
			t.Fatalf("answer: %+v %v", s, err)
		}
		_, err = e.db.AnswerSurvey(public, tk.Survey.Token, sqm.SurveyAnswer{Rating: 5})
		wantCode(t, err, sqm.ECONFLICT, "")
		tk = e.get(t, tk.ID)
		notes := events(tk, sqm.EventComment)
		if tk.Status != sqm.StatusInProgress || tk.SLA.Resolution.State != sqm.ClockRunning || *tk.Survey.Rating != 2 ||
			!strings.Contains(notes[len(notes)-1].Body, "rated the resolution 2 of 5: Not fixed") {
			t.Fatalf("after an unhappy rating: %s %+v %+v", tk.Status, tk.SLA.Resolution, notes[len(notes)-1])
		}

		// The scorecard counts the answer in the period it was given.
		sc, err := e.db.Scorecard(e.ctx, sqm.ScorecardQuery{From: start, To: start.Add(24 * time.Hour), Summary: true})
		if err != nil || sc.Satisfaction.Responses != 1 || sc.Satisfaction.Satisfied != 0 || *sc.Satisfaction.CSAT != 0 ||
			sc.Satisfaction.SLAMet.Responses != 1 {
			t.Fatalf("satisfaction: %+v %v", sc.Satisfaction, err)
		}

		// Renewing the tracking link revokes the old one.
		fresh, err := e.db.RenewTracking(e.ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.db.Track(public, rc.Token)
		wantCode(t, err, sqm.ENOTFOUND, "")
		if _, err := e.db.Track(public, fresh); err != nil {
			t.Fatal(err)
		}
		_, err = e.db.Track(public, "1.1")
		wantCode(t, err, sqm.ENOTFOUND, "")
	})
}

func TestFeedbackInputIsChecked(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Web", "")
		portal := sqm.WithActor(context.Background(), sqm.PortalActor)
		ok := sqm.NewFeedback{ServiceID: svc.ID, Kind: sqm.KindSuggestion, Title: "Dark mode", Description: "Please."}
		n := count(t, e, "tickets")
		for _, c := range []struct {
			edit  func(*sqm.NewFeedback)
			field string
		}{
			{func(f *sqm.NewFeedback) { f.Kind = "rant" }, "kind"},
			{func(f *sqm.NewFeedback) { f.Title = "" }, "title"},
			{func(f *sqm.NewFeedback) { f.Title = strings.Repeat("长", 201) }, "title"},
			{func(f *sqm.NewFeedback) { f.Description = " " }, "description"},
			{func(f *sqm.NewFeedback) { f.Description = strings.Repeat("x", sqm.MaxFeedbackText+1) }, "description"},
			{func(f *sqm.NewFeedback) { f.ContactEmail = "not an address" }, "contact_email"},
			{func(f *sqm.NewFeedback) { f.ContactEmail = "Li <li@example.com>" }, "contact_email"},
			{func(f *sqm.NewFeedback) { f.ServiceID = "999" }, "service_id"},
			{func(f *sqm.NewFeedback) { f.ServiceID = "" }, "service_id"},
		} {
			f := ok
			c.edit(&f)
			_, err := e.db.SubmitFeedback(portal, f)
			wantCode(t, err, sqm.EINVALID, c.field)
		}
		if count(t, e, "tickets") != n {
			t.Fatal("a refused submission opened a ticket")
		}
		_, err := e.db.SubmitFeedback(e.as(sqm.RoleViewer), ok)
		wantCode(t, err, sqm.EFORBIDDEN, "")
		// Without an address there is nobody to survey.
		rc, err := e.db.SubmitFeedback(portal, ok)
		if err != nil {
			t.Fatal(err)
		}
		e.event(t, rc.TicketID, comment(true))
		e.event(t, rc.TicketID, status(sqm.StatusResolved))
		if s := e.get(t, rc.TicketID).Survey; s != nil {
			t.Fatalf("a survey without an address: %+v", s)
		}
	})
}

// Incidents and requests with a requester are surveyed too, but one address
// at most once per the policy's period; other tickets are not.
func TestSurveyCapPerAddress(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Web", "")
		open := func(typ sqm.TicketType, email string) string {
			tk, err := e.db.CreateTicket(e.ctx, sqm.NewTicket{ServiceID: svc.ID, Type: typ, Priority: sqm.P3, Title: "x", RequesterEmail: email})
			if err != nil {
				t.Fatal(err)
			}
			e.event(t, tk.ID, status(sqm.StatusResolved))
			return tk.ID
		}
		if e.get(t, open(sqm.TypeIncident, "a@example.com")).Survey == nil {
			t.Fatal("an incident with a requester was not surveyed")
		}
		if e.get(t, open(sqm.TypeRequest, "a@example.com")).Survey != nil {
			t.Fatal("the same address was surveyed twice within 30 days")
		}
		if e.get(t, open(sqm.TypeChange, "b@example.com")).Survey != nil {
			t.Fatal("a change was surveyed")
		}
		// Closed straight away: surveyed as when resolved.
		closed, err := e.db.CreateTicket(e.ctx, sqm.NewTicket{ServiceID: svc.ID, Type: sqm.TypeIncident, Priority: sqm.P3, Title: "x", RequesterEmail: "c@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		e.event(t, closed.ID, status(sqm.StatusClosed))
		if e.get(t, closed.ID).Survey == nil {
			t.Fatal("a ticket closed without being resolved was not surveyed")
		}
		e.clock.Add(31 * 24 * time.Hour)
		if e.get(t, open(sqm.TypeRequest, "a@example.com")).Survey == nil {
			t.Fatal("not surveyed again after 30 days")
		}
		_, err = e.db.CreateTicket(e.ctx, sqm.NewTicket{ServiceID: svc.ID, Type: sqm.TypeRequest, Priority: sqm.P3, Title: "x", RequesterEmail: "nope"})
		wantCode(t, err, sqm.EINVALID, "requester_email")
	})
}

// A survey expires; the scorecard splits answers by SLA outcome.
func TestSurveyExpiryAndSLASplit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		svc := e.service(t, "Web", "")
		n := 0
		resolved := func(after time.Duration) sqm.Ticket {
			n++
			tk, err := e.db.CreateTicket(e.ctx, sqm.NewTicket{ServiceID: svc.ID, Type: sqm.TypeIncident, Priority: sqm.P1, Title: "x",
				RequesterEmail: fmt.Sprintf("user%d@example.com", n)})
			if err != nil {
				t.Fatal(err)
			}
			e.clock.Add(after)
			e.event(t, tk.ID, status(sqm.StatusResolved))
			return e.get(t, tk.ID)
		}
		onTime, late := resolved(time.Minute), resolved(10*time.Hour) // the default P1 targets are 1 h and 4 h
		if _, err := e.db.AnswerSurvey(context.Background(), onTime.Survey.Token, sqm.SurveyAnswer{Rating: 5}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.AnswerSurvey(context.Background(), late.Survey.Token, sqm.SurveyAnswer{Rating: 3}); err != nil {
			t.Fatal(err)
		}
		sc, err := e.db.Scorecard(e.ctx, sqm.ScorecardQuery{From: start, To: start.Add(48 * time.Hour)})
		s := sc.Satisfaction
		if err != nil || s.Responses != 2 || s.Satisfied != 1 || *s.CSAT != 0.5 || s.SLAMet.Satisfied != 1 || s.SLABreached.Responses != 1 ||
			s.SLABreached.Satisfied != 0 {
			t.Fatalf("satisfaction: %+v %v", s, err)
		}
		var csat *sqm.TargetFigure
		for i := range sc.Targets {
			if sc.Targets[i].Key == sqm.GoalSatisfaction {
				csat = &sc.Targets[i]
			}
		}
		if csat == nil || csat.Actual == nil || *csat.Actual != 0.5 || *csat.Met || csat.Sample != 2 {
			t.Fatalf("the CSAT target: %+v", csat)
		}
		third := resolved(time.Minute)
		e.clock.Add(15 * 24 * time.Hour)
		_, err = e.db.AnswerSurvey(context.Background(), third.Survey.Token, sqm.SurveyAnswer{Rating: 5})
		wantCode(t, err, sqm.ECONFLICT, "")
	})
}
