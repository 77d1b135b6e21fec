package textgroup_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/sqmhq/sqm/textgroup"
)

// doc makes a document from space-separated tokens (Chinese pre-segmented,
// as a segmenter would give it).
func doc(id int64, text string) textgroup.Doc {
	return textgroup.Doc{ID: id, Terms: textgroup.Terms(strings.Fields(text))}
}

func TestClusterGroupsWhatIsAlike(t *testing.T) {
	docs := []textgroup.Doc{
		doc(1, "登录 后 闪退 ， 安卓 14"),
		doc(2, "Dark mode please , the screen is too bright at night"),
		doc(3, "更新 后 登录 就 闪退"),
		doc(4, "Please add a dark mode for night reading"),
		doc(5, "支付 失败 ， 提示 银行卡 错误"),
		doc(6, "app 登录 闪退 , 无法 使用"),
		doc(7, "payment failed with card error"),
		doc(8, "支付 失败 银行卡 被 拒"),
		doc(9, "!!! ??? 。。。"), // nothing to go by: a group of its own
	}
	groups := textgroup.Cluster(docs, textgroup.Options{})
	got := map[int64][]int64{}
	for _, g := range groups {
		got[g.Leader] = g.Members
	}
	for leader, want := range map[int64][]int64{1: {1, 3, 6}, 2: {2, 4}, 5: {5, 8}, 7: {7}, 9: {9}} {
		if !slices.Equal(got[leader], want) {
			t.Errorf("the group led by %d is %v; want %v (all: %+v)", leader, got[leader], want, groups)
		}
	}
	if len(groups[0].Members) != 3 || !slices.Contains(groups[0].Label, "闪退") || !slices.Contains(groups[0].Label, "登录") {
		t.Errorf("the largest group comes first and is labelled by its terms: %+v", groups[0])
	}
}

func TestTerms(t *testing.T) {
	got := textgroup.Terms(strings.Fields("The App 闪退 了 ， 版本 2.3 x OK Login 的"))
	if want := []string{"app", "闪退", "版本", "ok", "login"}; !slices.Equal(got, want) {
		t.Fatalf("Terms = %v, want %v", got, want)
	}
}

// Whatever the texts: every document is in exactly one group, once; a
// group's leader is its first member; groups come largest first; the same
// input gives the same groups; identical texts share a group.
func TestClusterProperties(t *testing.T) {
	vocab := strings.Fields("登录 闪退 支付 失败 页面 卡顿 login crash payment slow page error 银行卡 dark mode")
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 60).Draw(t, "n")
		var docs []textgroup.Doc
		for i := range n {
			words := rapid.SliceOfN(rapid.SampledFrom(vocab), 0, 6).Draw(t, fmt.Sprint("words", i))
			docs = append(docs, textgroup.Doc{ID: int64(i + 1), Terms: textgroup.Terms(words)})
			if rapid.Bool().Draw(t, fmt.Sprint("twin", i)) {
				docs = append(docs, textgroup.Doc{ID: int64(1000 + i), Terms: textgroup.Terms(words)})
			}
		}
		groups := textgroup.Cluster(docs, textgroup.Options{})
		where := map[int64]int{}
		for gi, g := range groups {
			if len(g.Members) == 0 || g.Members[0] != g.Leader {
				t.Fatalf("group %d: leader %d, members %v", gi, g.Leader, g.Members)
			}
			if gi > 0 && len(g.Members) > len(groups[gi-1].Members) {
				t.Fatalf("group %d is larger than the one before", gi)
			}
			for _, id := range g.Members {
				if _, dup := where[id]; dup {
					t.Fatalf("document %d is in two groups", id)
				}
				where[id] = gi
			}
		}
		if len(where) != len(docs) {
			t.Fatalf("%d of %d documents grouped", len(where), len(docs))
		}
		for _, d := range docs {
			if d.ID >= 1000 && len(d.Terms) > 0 && where[d.ID] != where[d.ID-999] {
				t.Fatalf("document %d and its twin %d are apart", d.ID-999, d.ID)
			}
		}
		if again := textgroup.Cluster(docs, textgroup.Options{}); !slices.EqualFunc(again, groups, func(a, b textgroup.Group) bool {
			return a.Leader == b.Leader && slices.Equal(a.Members, b.Members)
		}) {
			t.Fatal("the same input grouped differently")
		}
	})
}

// corpus makes n feedback texts about topics topics, each a few words of
// its topic with noise, as a segmenter gives them.
func corpus(n, topics int) []textgroup.Doc {
	r := rand.New(rand.NewPCG(1, 2))
	common := strings.Fields("登录 支付 页面 应用 版本 更新 账号 订单 app login page update order account slow error crash 闪退 卡顿 失败 无法 打开")
	docs := make([]textgroup.Doc, n)
	for i := range docs {
		topic := r.IntN(topics)
		words := []string{fmt.Sprintf("topic%dа", topic), fmt.Sprintf("主题%d", topic), fmt.Sprintf("问题%d", topic%97)}
		for range 4 + r.IntN(8) {
			words = append(words, common[r.IntN(len(common))])
		}
		if r.IntN(3) == 0 {
			words = append(words, fmt.Sprintf("订单号%d", r.IntN(1_000_000))) // a rare word of its own
		}
		docs[i] = textgroup.Doc{ID: int64(i + 1), Terms: textgroup.Terms(words)}
	}
	return docs
}

// The product's target: grouping 100,000 feedback texts in under 2 s.
func BenchmarkCluster100k(b *testing.B) {
	docs := corpus(100_000, 2_000)
	b.ResetTimer()
	for b.Loop() {
		groups := textgroup.Cluster(docs, textgroup.Options{})
		b.ReportMetric(float64(len(groups)), "groups")
	}
}
