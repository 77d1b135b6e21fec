package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
	"github.com/sqmhq/sqm/textgroup"
)

// New feedback that resembles open feedback of its service is marked and
// noted; the analysis groups similar feedback, largest first, with its
// growth; the volumes count by kind, service and status.
func TestFeedbackGroups(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		app, web := e.service(t, "App", ""), e.service(t, "Web", "")
		portal := sqm.WithActor(context.Background(), sqm.PortalActor)
		submit := func(svc sqm.Service, kind sqm.FeedbackKind, words string) string {
			t.Helper()
			rc, err := e.db.SubmitFeedback(portal, sqm.NewFeedback{ServiceID: svc.ID, Kind: kind, Title: words, Description: words})
			if err != nil {
				t.Fatal(err)
			}
			todo, err := e.db.UnsegmentedFeedback(e.ctx, 10)
			if err != nil || len(todo) != 1 || todo[0].TicketID != rc.TicketID || strings.Count(todo[0].Text, words) != 3 {
				t.Fatalf("unsegmented: %+v %v", todo, err)
			}
			if err := e.db.SaveFeedbackTerms(e.ctx, rc.TicketID, textgroup.Terms(strings.Fields(words))); err != nil {
				t.Fatal(err)
			}
			if err := e.db.SaveFeedbackTerms(e.ctx, rc.TicketID, []string{"again"}); err != nil { // a second replica: no-op
				t.Fatal(err)
			}
			return rc.TicketID
		}
		note := func(id string) string {
			for _, ev := range events(e.get(t, id), sqm.EventComment) {
				if strings.Contains(ev.Body, "Resembles open feedback") {
					return ev.Body
				}
			}
			return ""
		}
		first := submit(app, sqm.KindBug, "登录 闪退 安卓")
		e.clock.Add(8 * 24 * time.Hour)
		second := submit(app, sqm.KindBug, "每次 登录 闪退")
		third := submit(app, sqm.KindComplaint, "登录 闪退 无法 使用")
		other := submit(app, sqm.KindSuggestion, "夜间 模式")
		elsewhere := submit(web, sqm.KindBug, "登录 闪退") // another service: not compared
		if note(first) != "" || !strings.Contains(note(second), "#"+first+" (2 open like it") ||
			!strings.Contains(note(third), "#"+first+" (3 open like it") || note(other) != "" || note(elsewhere) != "" {
			t.Fatalf("notes: %q / %q / %q / %q / %q", note(first), note(second), note(third), note(other), note(elsewhere))
		}
		if strings.Count(strings.Join(func() (out []string) {
			for _, ev := range events(e.get(t, second), sqm.EventComment) {
				out = append(out, ev.Body)
			}
			return
		}(), "\n"), "Resembles") != 1 {
			t.Fatal("a second save noted twice")
		}

		from, to := start, e.clock.Now().Add(time.Hour)
		groups, err := e.db.FeedbackGroups(e.as(sqm.RoleViewer), from, to, "")
		if err != nil {
			t.Fatal(err)
		}
		// The analysis compares across services: the Web one joins the group.
		if len(groups) != 2 || groups[0].Size != 4 || groups[0].Leader != first || groups[0].Recent != 3 || groups[0].Previous != 1 ||
			groups[0].Tickets[0].ID != elsewhere || groups[0].Open != 4 || !strings.Contains(strings.Join(groups[0].Label, " "), "闪退") {
			t.Fatalf("groups: %+v", groups)
		}
		if g, _ := e.db.FeedbackGroups(e.ctx, from, to, web.ID); len(g) != 1 || g[0].Size != 1 {
			t.Fatalf("groups of one service: %+v", g)
		}
		_, err = e.db.FeedbackGroups(e.ctx, to, from, "")
		wantCode(t, err, sqm.EINVALID, "to")

		if st, err := e.db.FeedbackStats(e.ctx, from, to, web.ID); err != nil || st.Total != 1 || st.Weeks[1].Count != 1 {
			t.Fatalf("stats of one service: %+v %v", st, err)
		}
		st, err := e.db.FeedbackStats(e.ctx, from, to, "")
		if err != nil || st.Total != 5 || st.ByKind["bug"] != 3 || st.ByService["App"] != 4 || st.ByStatus["new"] != 5 {
			t.Fatalf("stats: %+v %v", st, err)
		}
		// By week from the period's start: the first on day 0, the rest on day 8.
		if len(st.Weeks) != 2 || st.Weeks[0].Count != 1 || st.Weeks[1].Count != 4 || !st.Weeks[1].Start.Equal(from.Add(7*24*time.Hour)) {
			t.Fatalf("weeks: %+v", st.Weeks)
		}
	})
}
