package sqm

import (
	"fmt"
	"time"

	"github.com/sqmhq/sqm/oncall"
)

// Schedule is an on-call rotation: its members take turns of Days days,
// handing over at Handoff ("09:00") in Timezone, the first turn starting on
// Start ("2026-11-02"); overrides put someone else on call for a while.
// Each member names the channel that reaches them (their e-mail, their
// chat).
type Schedule struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Timezone  string            `json:"timezone"`
	Start     string            `json:"start"`
	Handoff   string            `json:"handoff"`
	Days      int               `json:"days"`
	Members   []oncall.Member   `json:"members"`
	Overrides []oncall.Override `json:"overrides"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// Validate checks a schedule's own fields.
func (s *Schedule) Validate() error {
	_, err := s.Rotation()
	return err
}

// Rotation is the schedule as the on-call core reads it.
func (s *Schedule) Rotation() (oncall.Rotation, error) {
	var r oncall.Rotation
	if err := CheckName("name", s.Name); err != nil {
		return r, err
	}
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil || s.Timezone == "" {
		return r, FieldError("timezone", "An IANA time zone such as Asia/Shanghai is required.")
	}
	start, err := time.ParseInLocation(time.DateOnly, s.Start, loc)
	if err != nil {
		return r, FieldError("start", "The first turn's date is YYYY-MM-DD.")
	}
	var h, m int
	if n, err := fmt.Sscanf(s.Handoff, "%d:%d", &h, &m); err != nil || n != 2 || h < 0 || h > 23 || m < 0 || m > 59 || len(s.Handoff) != 5 {
		return r, FieldError("handoff", "The hand-off time is HH:MM, such as 09:00.")
	}
	if s.Days < 1 || s.Days > 90 {
		return r, FieldError("days", "A turn lasts 1 to 90 days.")
	}
	if len(s.Members) == 0 || len(s.Members) > 100 {
		return r, FieldError("members", "A schedule has 1 to 100 members.")
	}
	for _, mb := range s.Members {
		if mb.UserID == "" || mb.ChannelID == "" {
			return r, FieldError("members", "Each member names a user and the channel that reaches them.")
		}
	}
	if len(s.Overrides) > 500 {
		return r, FieldError("overrides", "At most 500 overrides.")
	}
	for _, o := range s.Overrides {
		if o.UserID == "" || o.ChannelID == "" || !o.To.After(o.From) {
			return r, FieldError("overrides", "An override names a user, their channel, and a span whose end is after its start.")
		}
	}
	if s.Overrides == nil {
		s.Overrides = []oncall.Override{}
	}
	return oncall.Rotation{Location: loc, Start: start, Handoff: h*60 + m, Days: s.Days, Members: s.Members, Overrides: s.Overrides}, nil
}

// OnCall is who a schedule has on call at an instant, and until when.
type OnCall struct {
	ScheduleID string    `json:"schedule_id"`
	At         time.Time `json:"at"`
	UserID     string    `json:"user_id"`
	User       string    `json:"user"`
	ChannelID  string    `json:"channel_id"`
	// Until is the next hand-off to someone else; nil when nobody else is
	// due (a rotation of one).
	Until *time.Time `json:"until"`
}
