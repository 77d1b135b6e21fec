package sqm

import (
	"context"
	"time"
)

// Service is something the organisation runs for its users; its tickets
// follow its SLA policy (or the default policy when it names none).
type Service struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	TeamID      string    `json:"team_id"`
	SLAPolicyID string    `json:"sla_policy_id"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Validate checks a service's own fields.
func (s *Service) Validate() error {
	if err := CheckName("name", s.Name); err != nil {
		return err
	}
	return checkText("description", s.Description, MaxBody, false)
}

// Team is a group of people that owns services.
type Team struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Role is what a user may do.
type Role string

// The roles, from most to least powerful.
const (
	RoleAdmin   Role = "admin"   // everything, including users, tokens, imports and the audit log
	RoleManager Role = "manager" // configuration (calendars, policies, services, teams) and tickets
	RoleAgent   Role = "agent"   // tickets
	RoleViewer  Role = "viewer"  // reading
)

var roleRank = map[Role]int{RoleViewer: 1, RoleAgent: 2, RoleManager: 3, RoleAdmin: 4}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return roleRank[r] > 0 }

// AtLeast reports whether r includes the powers of min.
func (r Role) AtLeast(min Role) bool { return roleRank[r] >= roleRank[min] && roleRank[r] > 0 }

// User is a person (or a system account) that signs in or holds tokens.
type User struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	TeamID    string    `json:"team_id,omitempty"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks a user's own fields.
func (u *User) Validate() error {
	if err := CheckName("name", u.Name); err != nil {
		return err
	}
	for _, r := range u.Name {
		if r == ' ' || r == '\t' || r == '\n' {
			return FieldError("name", "A user name has no spaces.")
		}
	}
	if !u.Role.Valid() {
		return FieldError("role", "Role must be one of admin, manager, agent, viewer.")
	}
	return nil
}

// Token is an API token; its secret is shown once, at creation, and only
// its hash is kept.
type Token struct {
	ID         string     `json:"id"`
	UserID     string     `json:"user_id"`
	UserName   string     `json:"user_name"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	Secret     string     `json:"token,omitempty"`
}

// Actor is who performs an operation: a user through a token or a session,
// the command line, or sqm itself.
type Actor struct {
	UserID string
	Name   string
	Role   Role
}

// SystemActor is sqm acting on its own (sweeps, migrations, the demo).
var SystemActor = Actor{Name: "sqm", Role: RoleAdmin}

// PortalActor is who submits feedback from the public portal: an agent's
// role for that one use case, under the portal's name in the audit log.
var PortalActor = Actor{Name: "portal", Role: RoleAgent}

type actorKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the context's actor; the zero Actor has no role.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// Require returns an error unless the context's actor has at least role min.
func Require(ctx context.Context, min Role) error {
	a := ActorFrom(ctx)
	if a.Role == "" {
		return Errorf(EUNAUTHORIZED, "Authentication is required.")
	}
	if !a.Role.AtLeast(min) {
		return Errorf(EFORBIDDEN, "Your role (%s) may not do this; it needs %s.", a.Role, min)
	}
	return nil
}

// AuditEntry records one write: who, when, what, on which object.
type AuditEntry struct {
	ID         string    `json:"id"`
	At         time.Time `json:"at"`
	ActorID    string    `json:"actor_id,omitempty"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Detail     any       `json:"detail,omitempty"`
}

// Page is one page of a collection.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}
