package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/testdb"
)

// BenchmarkFeedbackGroups100k reads and groups 100,000 pieces of stored
// feedback (segmented, as the background job leaves them), the product's
// target being under 2 s: go test ./internal/sqlstore -run X -bench FeedbackGroups.
func BenchmarkFeedbackGroups100k(b *testing.B) {
	for name, open := range map[string]func(testing.TB) string{"sqlite": testdb.SQLite, "postgres": testdb.Postgres} {
		b.Run(name, func(b *testing.B) {
			dsn := open(b)
			db := testdb.Open(b, dsn)
			raw := testdb.Raw(b, dsn)
			ctx := sqm.WithActor(context.Background(), sqm.SystemActor)
			svc, err := db.CreateService(ctx, sqm.Service{Name: "App"})
			if err != nil {
				b.Fatal(err)
			}
			const n, topics = 100_000, 2_000
			r := rand.New(rand.NewPCG(1, 2))
			common := strings.Fields("登录 支付 页面 应用 版本 更新 账号 订单 app login page update order account slow error crash 闪退 卡顿 失败 无法 打开")
			now := time.Now()
			tx, err := raw.BeginTx(context.Background(), nil)
			if err != nil {
				b.Fatal(err)
			}
			for i := range n {
				topic := r.IntN(topics)
				words := []string{fmt.Sprintf("主题%d", topic), fmt.Sprintf("topic%d", topic), fmt.Sprintf("问题%d", topic%97)}
				for range 4 + r.IntN(8) {
					words = append(words, common[r.IntN(len(common))])
				}
				at := now.Add(-time.Duration(r.IntN(30*24*3600)) * time.Second).UnixMilli()
				id := int64(i + 1)
				if _, err := tx.Exec(`INSERT INTO tickets (id, service_id, type, priority, status, title, description, opened_at, updated_at,
					fr_target, fr_elapsed, res_target, res_elapsed) VALUES ($1, $2, 'feedback', 'P3', 'new', $3, '', $4, $4, 0, 0, 0, 0)`,
					id, svc.ID, strings.Join(words[:3], " "), at); err != nil {
					b.Fatal(err)
				}
				if _, err := tx.Exec(`INSERT INTO feedback (ticket_id, kind, tracking, created_at, terms) VALUES ($1, 'bug', 1, $2, $3)`,
					id, at, strings.Join(words, " ")); err != nil {
					b.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			raw.Exec(`ANALYZE`) //nolint:errcheck
			from, to := now.Add(-31*24*time.Hour), now.Add(time.Hour)
			b.ResetTimer()
			for b.Loop() {
				groups, err := db.FeedbackGroups(ctx, from, to, "")
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(len(groups)), "groups")
			}
		})
	}
}
