package sqm

import (
	"slices"
	"time"
)

// EscalationPolicy says who is called, and when, about an incident on its
// services until somebody acknowledges it: level 1 after its delay from the
// opening, each next level after its delay from the one before. An
// acknowledgement (an ack, a public reply, a resolve: the first-response
// clock met) stops it.
type EscalationPolicy struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	ServiceIDs []string          `json:"service_ids"`
	Levels     []EscalationLevel `json:"levels"`
	CreatedAt  time.Time         `json:"created_at"`
	UpdatedAt  time.Time         `json:"updated_at"`
}

// EscalationLevel is one step of a policy.
type EscalationLevel struct {
	After      time.Duration `json:"after"`
	ChannelIDs []string      `json:"channel_ids"`
	// ScheduleIDs call whoever each schedule has on call, on their channel.
	ScheduleIDs []string `json:"schedule_ids"`
}

// MaxLevels bounds a policy.
const MaxLevels = 10

// Validate checks a policy's own fields.
func (p *EscalationPolicy) Validate() error {
	if err := CheckName("name", p.Name); err != nil {
		return err
	}
	if len(p.Levels) == 0 || len(p.Levels) > MaxLevels {
		return FieldError("levels", "A policy has 1 to %d levels.", MaxLevels)
	}
	for i, l := range p.Levels {
		if l.After < 0 || l.After > MaxInterval {
			return FieldError("levels", "Level %d waits between 0 and 24h.", i+1)
		}
		if len(l.ChannelIDs) == 0 && len(l.ScheduleIDs) == 0 {
			return FieldError("levels", "Level %d calls no channel and no on-call schedule.", i+1)
		}
	}
	if p.ServiceIDs == nil {
		p.ServiceIDs = []string{}
	}
	slices.Sort(p.ServiceIDs)
	if len(slices.Compact(slices.Clone(p.ServiceIDs))) != len(p.ServiceIDs) {
		return FieldError("service_ids", "A service appears twice.")
	}
	return nil
}

// NotifyEscalation is the event of an escalation level's call.
const NotifyEscalation = "escalation"
