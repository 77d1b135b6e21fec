package sqm

import (
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// FeedbackKind is what a piece of user feedback is about.
type FeedbackKind string

// The kinds of feedback.
const (
	KindBug        FeedbackKind = "bug"
	KindSuggestion FeedbackKind = "suggestion"
	KindComplaint  FeedbackKind = "complaint"
	KindQuestion   FeedbackKind = "question"
	KindPraise     FeedbackKind = "praise"
)

// FeedbackKinds lists the kinds in the order a form offers them.
var FeedbackKinds = []FeedbackKind{KindBug, KindSuggestion, KindComplaint, KindQuestion, KindPraise}

// Valid reports whether k is a known kind.
func (k FeedbackKind) Valid() bool { return contains(FeedbackKinds, k) }

// Priority is the priority a new piece of feedback of kind k gets: P3 for
// what stands in a user's way (a bug, a complaint, a question), P4 for the
// rest. Agents change it as they triage.
func (k FeedbackKind) Priority() Priority {
	switch k {
	case KindBug, KindComplaint, KindQuestion:
		return P3
	}
	return P4
}

// Limits on feedback, in bytes: three times the characters the forms
// allow, so that Chinese text the form takes is never refused.
const (
	MaxFeedbackTitle = 600
	MaxFeedbackText  = 30_000
	MaxEmail         = 254
	MaxSurveyComment = 6_000
)

// NewFeedback is what a submitter sends, from the public portal or through
// the API of a product that embeds its own form.
type NewFeedback struct {
	ServiceID    string       `json:"service_id"`
	Kind         FeedbackKind `json:"kind"`
	Title        string       `json:"title"`
	Description  string       `json:"description"`
	ContactEmail string       `json:"contact_email"`
	// Lang is the submitter's language, en or zh (en when empty), for the
	// mail sqm sends them.
	Lang string `json:"lang"`
	// Attachments come with a portal submission.
	Attachments []NewAttachment `json:"-"`
}

// Validate checks a submission and tidies its e-mail address.
func (f *NewFeedback) Validate() error {
	if f.ServiceID == "" {
		return FieldError("service_id", "Choose the service the feedback is about.")
	}
	if !f.Kind.Valid() {
		return FieldError("kind", "Kind must be one of bug, suggestion, complaint, question, praise.")
	}
	if err := checkText("title", f.Title, MaxFeedbackTitle, true); err != nil {
		return err
	}
	if err := checkText("description", f.Description, MaxFeedbackText, true); err != nil {
		return err
	}
	switch f.Lang {
	case "":
		f.Lang = "en"
	case "en", "zh":
	default:
		return FieldError("lang", "Lang must be en or zh.")
	}
	var err error
	f.ContactEmail, err = CheckEmail("contact_email", f.ContactEmail)
	return err
}

// CheckEmail validates an optional bare e-mail address (no display name)
// and returns it trimmed and in lower case, so that one person's address
// is one address (the survey cap counts by it).
func CheckEmail(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) > MaxEmail {
		return "", FieldError(field, "The e-mail address is longer than %d characters.", MaxEmail)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", FieldError(field, "%q is not an e-mail address such as name@example.com.", s)
	}
	return strings.ToLower(s), nil
}

// FeedbackReceipt answers a submission: the ticket it opened and the
// submitter's private tracking link, shown once.
type FeedbackReceipt struct {
	TicketID    string `json:"ticket_id"`
	TrackingURL string `json:"tracking_url"`
	Token       string `json:"-"`
}

// Tracking is what the submitter sees through the tracking link: the
// public part of the ticket only, never internal notes.
type Tracking struct {
	TicketID    string        `json:"ticket_id"`
	Kind        FeedbackKind  `json:"kind"`
	Service     string        `json:"service"`
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Status      Status        `json:"status"`
	OpenedAt    time.Time     `json:"opened_at"`
	Attachments []Attachment  `json:"attachments"`
	Replies     []PublicReply `json:"replies"`
	Survey      *Survey       `json:"survey,omitempty"`
}

// PublicReply is one public message on a ticket: from staff, or from the
// submitter.
type PublicReply struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Author string    `json:"author,omitempty"` // the agent's name; empty for the submitter
	Body   string    `json:"body"`
}

// Survey asks the requester of a resolved ticket how satisfied they are.
// One answer per survey, until it expires.
type Survey struct {
	URL        string     `json:"url"`
	Token      string     `json:"token"`
	Rating     *int       `json:"rating"`
	Comment    string     `json:"comment"`
	SentAt     time.Time  `json:"sent_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
}

// Open reports whether the survey still takes an answer at instant now.
func (s Survey) Open(now time.Time) bool { return s.Rating == nil && now.Before(s.ExpiresAt) }

// SurveyAnswer is a requester's answer to a survey.
type SurveyAnswer struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

// Validate checks an answer.
func (a *SurveyAnswer) Validate() error {
	if a.Rating < 1 || a.Rating > 5 {
		return FieldError("rating", "Rating must be a whole number from 1 (very dissatisfied) to 5 (very satisfied).")
	}
	return checkText("comment", a.Comment, MaxSurveyComment, false)
}

// Satisfied reports whether a rating counts as satisfied: 4 or 5 of 5.
func Satisfied(rating int) bool { return rating >= 4 }

// Unhappy reports whether a rating reopens its ticket: 1 or 2 of 5.
func Unhappy(rating int) bool { return rating <= 2 }

// SurveyPolicy is when surveys go out.
type SurveyPolicy struct {
	// Valid is how long a survey takes an answer (14 days).
	Valid time.Duration
	// Every is the least time between two surveys to one address for
	// incidents and requests (30 days); feedback is always surveyed.
	Every time.Duration
}

// DefaultSurveyPolicy is the policy of an installation not told otherwise.
var DefaultSurveyPolicy = SurveyPolicy{Valid: 14 * 24 * time.Hour, Every: 30 * 24 * time.Hour}

// FeedbackText is a piece of feedback to cut into terms.
type FeedbackText struct {
	TicketID  string
	ServiceID string
	Text      string // title and description
}

// FeedbackGroup is a group of similar feedback in a period: its size, how
// many are still open, how it grew (the last 7 days of the period against
// the 7 before), the words that describe it, and its newest feedback.
type FeedbackGroup struct {
	Leader   string          `json:"leader_id"`
	Label    []string        `json:"label"`
	Size     int             `json:"size"`
	Open     int             `json:"open"`
	Recent   int             `json:"recent"`   // in the last 7 days of the period
	Previous int             `json:"previous"` // in the 7 days before those
	Tickets  []FeedbackBrief `json:"tickets"`
}

// FeedbackBrief is one piece of feedback in a list.
type FeedbackBrief struct {
	ID       string       `json:"id"`
	Title    string       `json:"title"`
	Kind     FeedbackKind `json:"kind"`
	Status   Status       `json:"status"`
	OpenedAt time.Time    `json:"opened_at"`
}

// FeedbackStats are the volumes of feedback opened in a period: by kind,
// by service and by status.
type FeedbackStats struct {
	Total     int            `json:"total"`
	ByKind    map[string]int `json:"by_kind"`
	ByService map[string]int `json:"by_service"`
	ByStatus  map[string]int `json:"by_status"`
	// Weeks counts by week of the period, from its start: the volume over
	// time.
	Weeks []WeekCount `json:"weeks"`
}

// WeekCount is the feedback opened in the seven days from Start.
type WeekCount struct {
	Start time.Time `json:"start"`
	Count int       `json:"count"`
}

// Limits on attachments.
const (
	MaxAttachments    = 3
	MaxAttachmentSize = 5 << 20
)

// attachmentTypes are the types a file may have, sniffed from its content.
var attachmentTypes = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
	"application/pdf": true, "text/plain; charset=utf-8": true,
}

// NewAttachment is a file sent with feedback.
type NewAttachment struct {
	Name string
	Data []byte
}

// Attachment is a file on a ticket, without its content.
type Attachment struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size"`
	By          string    `json:"by"`
	CreatedAt   time.Time `json:"created_at"`
}

// Image reports whether the attachment is a picture, shown in place.
func (a Attachment) Image() bool { return strings.HasPrefix(a.ContentType, "image/") }

// CheckAttachments checks files sent with feedback and returns the type of
// each, sniffed from its content (net/http's algorithm, the one browsers
// use): pictures, PDF and plain text only, each within MaxAttachmentSize;
// names are reduced to a plain file name.
func CheckAttachments(files []NewAttachment) ([]string, error) {
	if len(files) > MaxAttachments {
		return nil, FieldError("attachments", "At most %d files.", MaxAttachments)
	}
	types := make([]string, len(files))
	for i := range files {
		f := &files[i]
		field := fmt.Sprintf("attachments[%d]", i)
		if len(f.Data) == 0 {
			return nil, FieldError(field, "The file %q is empty.", f.Name)
		}
		if len(f.Data) > MaxAttachmentSize {
			return nil, FieldError(field, "The file %q is larger than %d MB.", f.Name, MaxAttachmentSize>>20)
		}
		t := http.DetectContentType(f.Data)
		if !attachmentTypes[t] {
			return nil, FieldError(field, "The file %q is %s; only pictures (PNG, JPEG, GIF, WebP), PDF and plain text are taken.", f.Name, t)
		}
		types[i] = t
		f.Name = fileName(f.Name)
	}
	return types, nil
}

// fileName keeps the last element of a path, without control characters,
// at most 100 runes; "file" when nothing is left.
func fileName(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	if r := []rune(strings.TrimSpace(s)); len(r) > 100 {
		s = string(r[:100])
	}
	if s = strings.TrimSpace(s); s == "" || s == "." || s == ".." {
		return "file"
	}
	return s
}
