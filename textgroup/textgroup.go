// Package textgroup groups similar short texts, such as user feedback in
// Chinese and English: each text is a bag of terms weighted by TF-IDF, and
// a text joins the group whose first text (its leader) it is most similar
// to by cosine, or starts a group of its own. Candidate groups come from an
// inverted index of the leaders' rarest terms, so grouping stays near
// linear in the number of texts.
//
// The package does no I/O and does not segment text: callers pass terms
// (for Chinese, from a word segmenter) through Terms, which normalises them
// and drops stop words.
package textgroup

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Doc is a text to group, by the caller's ID, as its terms.
type Doc struct {
	ID    int64
	Terms []string
}

// Group is a set of similar texts: its first text (the leader), every
// member's ID in input order (the leader first), and the terms that best
// describe it.
type Group struct {
	Leader  int64
	Members []int64
	Label   []string
}

// Options tune the grouping; the zero value takes the defaults.
type Options struct {
	// Threshold is the least cosine similarity to a group's leader that
	// joins the group (DefaultThreshold).
	Threshold float64
	// Keys is how many of a text's rarest terms look up candidate groups
	// (4), and Candidates how many groups at most are compared (64).
	Keys, Candidates int
	// LabelTerms is how many terms label a group (3).
	LabelTerms int
}

// DefaultThreshold is the similarity that joins a group unless Options say
// otherwise.
const DefaultThreshold = 0.3

func (o Options) withDefaults() Options {
	if o.Threshold <= 0 {
		o.Threshold = DefaultThreshold
	}
	if o.Keys <= 0 {
		o.Keys = 4
	}
	if o.Candidates <= 0 {
		o.Candidates = 64
	}
	if o.LabelTerms <= 0 {
		o.LabelTerms = 3
	}
	return o
}

// vec is a sparse unit vector: term IDs ascending, with their weights.
type vec struct {
	ids []int32
	w   []float32
}

func (a vec) dot(b vec) float64 {
	var s float64
	i, j := 0, 0
	for i < len(a.ids) && j < len(b.ids) {
		switch {
		case a.ids[i] == b.ids[j]:
			s += float64(a.w[i]) * float64(b.w[j])
			i++
			j++
		case a.ids[i] < b.ids[j]:
			i++
		default:
			j++
		}
	}
	return s
}

// Model is the vocabulary and document frequencies of a corpus, which
// weights the terms of its texts.
type Model struct {
	ids  map[string]int32
	df   []int32
	n    int
	term []string
}

// NewModel counts the document frequency of every term of docs.
func NewModel(docs []Doc) *Model {
	m := &Model{ids: make(map[string]int32, len(docs))}
	seen := map[int32]bool{}
	for _, d := range docs {
		clear(seen)
		for _, t := range d.Terms {
			id, ok := m.ids[t]
			if !ok {
				id = int32(len(m.term))
				m.ids[t] = id
				m.term = append(m.term, t)
				m.df = append(m.df, 0)
			}
			if !seen[id] {
				seen[id] = true
				m.df[id]++
			}
		}
	}
	m.n = len(docs)
	return m
}

func (m *Model) idf(id int32) float64 {
	return math.Log(float64(m.n+1)/float64(m.df[id]+1)) + 1
}

// vector weighs terms by (1 + log tf) × idf, to unit length; terms the
// model does not know are left out.
func (m *Model) vector(terms []string) vec {
	ids := make([]int32, 0, len(terms))
	for _, t := range terms {
		if id, ok := m.ids[t]; ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	v := vec{ids: ids[:0], w: make([]float32, 0, len(ids))}
	ws := make([]float64, 0, len(ids))
	var norm float64
	for i := 0; i < len(ids); {
		j := i + 1
		for j < len(ids) && ids[j] == ids[i] {
			j++
		}
		w := (1 + math.Log(float64(j-i))) * m.idf(ids[i])
		v.ids = append(v.ids, ids[i]) // in place: never ahead of i
		ws = append(ws, w)
		norm += w * w
		i = j
	}
	norm = math.Sqrt(norm)
	for _, w := range ws {
		v.w = append(v.w, float32(w/norm))
	}
	return v
}

// Similarity is the cosine similarity of two texts' terms under the model,
// from 0 (nothing shared) to 1.
func (m *Model) Similarity(a, b []string) float64 { return m.vector(a).dot(m.vector(b)) }

// keys are the IDs of v's k rarest terms (highest weight), ties by ID.
func keys(v vec, k int) []int32 {
	order := make([]int, len(v.ids))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		if v.w[order[a]] != v.w[order[b]] {
			return v.w[order[a]] > v.w[order[b]]
		}
		return v.ids[order[a]] < v.ids[order[b]]
	})
	out := make([]int32, 0, k)
	for _, i := range order[:min(k, len(order))] {
		out = append(out, v.ids[i])
	}
	return out
}

// Cluster groups docs in their order (oldest first gives stable leaders),
// largest groups first, ties by leader order. A doc without a known term
// is a group of its own.
func Cluster(docs []Doc, o Options) []Group {
	o = o.withDefaults()
	m := NewModel(docs)
	type cluster struct {
		leader vec
		first  int // index of the leader in docs
		member []int64
		weight map[int32]float64 // summed member weights, for the label
	}
	var clusters []*cluster
	index := map[int32][]int32{} // term → clusters whose leader has it among its keys
	stamp := make([]int, 0)      // per cluster: the doc that last looked at it
	for i, d := range docs {
		v := m.vector(d.Terms)
		best, bestSim := -1, o.Threshold
		if len(v.ids) > 0 {
			looked := 0
			for _, t := range keys(v, o.Keys) {
				if best >= 0 {
					break // found through a rarer term: the commoner ones only add noise
				}
				post := index[t]
				for j := len(post) - 1; j >= 0 && looked < o.Candidates; j-- { // the newest groups first
					c := post[j]
					if stamp[c] == i+1 {
						continue
					}
					stamp[c] = i + 1
					looked++
					if s := v.dot(clusters[c].leader); s >= bestSim {
						if s > bestSim || best < 0 || clusters[c].first < clusters[best].first {
							best, bestSim = int(c), s
						}
					}
				}
			}
		}
		if best < 0 {
			c := &cluster{leader: v, first: i, weight: map[int32]float64{}}
			clusters = append(clusters, c)
			stamp = append(stamp, i+1)
			best = len(clusters) - 1
			for _, t := range keys(v, o.Keys) {
				index[t] = append(index[t], int32(best))
			}
		}
		c := clusters[best]
		c.member = append(c.member, d.ID)
		for k, id := range v.ids {
			c.weight[id] += float64(v.w[k])
		}
	}
	out := make([]Group, len(clusters))
	for i, c := range clusters {
		terms := make([]int32, 0, len(c.weight))
		for id := range c.weight {
			terms = append(terms, id)
		}
		sort.Slice(terms, func(a, b int) bool {
			if c.weight[terms[a]] != c.weight[terms[b]] {
				return c.weight[terms[a]] > c.weight[terms[b]]
			}
			return terms[a] < terms[b]
		})
		label := make([]string, 0, o.LabelTerms)
		for _, id := range terms[:min(o.LabelTerms, len(terms))] {
			label = append(label, m.term[id])
		}
		out[i] = Group{Leader: docs[c.first].ID, Members: c.member, Label: label}
	}
	sort.SliceStable(out, func(a, b int) bool { return len(out[a].Members) > len(out[b].Members) })
	return out
}

// Terms normalises the tokens of a segmenter into terms: lower case,
// trimmed, without punctuation, numbers, single Latin letters and stop
// words.
func Terms(tokens []string) []string {
	out := make([]string, 0, len(tokens))
	for _, t := range tokens {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || stopWords[t] {
			continue
		}
		letters, han := 0, false
		for _, r := range t {
			switch {
			case unicode.Is(unicode.Han, r):
				han = true
				letters++
			case unicode.IsLetter(r):
				letters++
			}
		}
		if letters == 0 || !han && utf8.RuneCountInString(t) < 2 {
			continue
		}
		out = append(out, t)
	}
	return out
}

// stopWords are common words of English and Chinese feedback that say
// nothing about its subject.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it its
		just me my no not of on or our please so some than that the their them then there these they this to too up us very was we were what when
		where which who why will with would you your hi hello thanks thank also still again get got any all one
		的 了 和 是 就 都 而 及 与 着 或 一个 没有 我们 你们 他们 它们 我 你 他 她 它 这 那 这个 那个 在 也 还 很 吗 呢 吧 啊 呀 哦 嗯 请 谢谢 您好 你好 有 被 把 让 给 对 从 向 到 为 以 于 之 其 个 些 里 上 下 中 后 前 时 会 能 要 可以 已经 一直 什么 怎么 为什么 如何 还是 但是 因为 所以 如果 然后 就是 不 没 又 再 才 只 更 最
		一 一下 希望 想要 建议 能否 是否 感觉 觉得 问题 目前 现在 总是 经常 请问`) {
		stopWords[w] = true
	}
}
