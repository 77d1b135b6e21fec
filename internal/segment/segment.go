// Package segment cuts Chinese and English text into words with gse, a
// maintained Chinese word segmenter (jieba's dictionary and its HMM for
// words the dictionary lacks), for textgroup to group similar feedback.
//
// The dictionary takes seconds and about 130 MB to load, so it loads once,
// in the background, on first use.
package segment

import (
	"sync"

	"github.com/go-ego/gse"

	"github.com/sqmhq/sqm/textgroup"
)

// Segmenter cuts text into the terms of textgroup.
type Segmenter struct {
	once  sync.Once
	ready chan struct{}
	seg   gse.Segmenter
	err   error
}

// New returns a Segmenter whose dictionary loads on first use.
func New() *Segmenter { return &Segmenter{ready: make(chan struct{})} }

var shared = New()

// Shared is the process's Segmenter: the dictionary does not change once
// loaded and cutting is safe from several goroutines, so one serves all.
func Shared() *Segmenter { return shared }

// Load loads the dictionary, once; later calls wait for the first.
func (s *Segmenter) Load() error {
	s.once.Do(func() {
		s.seg.SkipLog = true
		s.err = s.seg.LoadDictEmbed("zh_s")
		close(s.ready)
	})
	<-s.ready
	return s.err
}

// Terms are the terms of a text: its words (new words found by the HMM),
// normalised and without stop words.
func (s *Segmenter) Terms(text string) ([]string, error) {
	if err := s.Load(); err != nil {
		return nil, err
	}
	return textgroup.Terms(s.seg.Cut(text, true)), nil
}
