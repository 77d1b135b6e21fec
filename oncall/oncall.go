// Package oncall says who is on call: a rotation of people handing over at
// a time of day in a time zone every N days, with overrides for a span. It
// is pure: no I/O, no clock reads.
package oncall

import (
	"errors"
	"time"
)

// Member is one person of a rotation and the channel that reaches them.
type Member struct {
	UserID    string `json:"user_id"`
	ChannelID string `json:"channel_id"`
}

// Override puts a member on call for [From, To), whoever the rotation says.
type Override struct {
	Member
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Rotation hands over from one member to the next every Days days at
// Handoff (minutes after midnight) in Location, the first shift starting
// on Start's date at that time.
type Rotation struct {
	Location  *time.Location
	Start     time.Time // its date in Location is the first shift's
	Handoff   int       // minutes after midnight, 0–1439
	Days      int       // length of a shift, at least 1
	Members   []Member
	Overrides []Override
}

// ErrNobody is returned when the rotation has no member for the instant.
var ErrNobody = errors.New("oncall: nobody is on call")

// Who is on call at instant at: the latest override covering it, else the
// member whose shift it is. Shifts count calendar days in the rotation's
// zone, so a hand-off stays at its time of day across daylight-saving
// changes. Before the first shift nobody is.
func (r Rotation) Who(at time.Time) (Member, error) {
	for i := len(r.Overrides) - 1; i >= 0; i-- {
		o := r.Overrides[i]
		if !at.Before(o.From) && at.Before(o.To) {
			return o.Member, nil
		}
	}
	if len(r.Members) == 0 || r.Days < 1 {
		return Member{}, ErrNobody
	}
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	local := at.In(loc)
	// The day of the shift that covers at: before today's hand-off, the
	// shift began yesterday.
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	if local.Hour()*60+local.Minute() < r.Handoff {
		day = day.AddDate(0, 0, -1)
	}
	s := r.Start.In(loc)
	first := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, time.UTC)
	days := int(day.Sub(first).Hours()) / 24
	if days < 0 {
		return Member{}, ErrNobody
	}
	return r.Members[(days/r.Days)%len(r.Members)], nil
}

// Next is the instant of the hand-off after at (ignoring overrides): the
// first hand-off time at which another member takes over.
func (r Rotation) Next(at time.Time) time.Time {
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	plain := r
	plain.Overrides = nil
	cur, _ := plain.Who(at)
	local := at.In(loc)
	for d := 0; d <= 366*2; d++ {
		h := time.Date(local.Year(), local.Month(), local.Day()+d, r.Handoff/60, r.Handoff%60, 0, 0, loc)
		if !h.After(at) {
			continue
		}
		if m, err := plain.Who(h); err == nil && m != cur {
			return h
		}
	}
	return time.Time{}
}
