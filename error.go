package sqm

import (
	"errors"
	"fmt"
)

// Error codes. They are few on purpose: each maps to one HTTP status.
const (
	EINVALID      = "invalid"      // the input is wrong (422 or 400)
	ENOTFOUND     = "not_found"    // the object does not exist (404)
	ECONFLICT     = "conflict"     // the object's state forbids the change (409)
	EUNAUTHORIZED = "unauthorized" // no valid credentials (401)
	EFORBIDDEN    = "forbidden"    // the caller's role may not act (403)
	ETOOLARGE     = "too_large"    // the request exceeds a size limit (413)
	EINTERNAL     = "internal"     // a fault of sqm or its database (500)
)

// Error is the application error: a code, a message meant for the user and,
// where one input is at fault, the name of that field.
type Error struct {
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("sqm: %s: %s (field %s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("sqm: %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error naming the offending field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error in err's chain, or
// EINTERNAL for any other non-nil error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err, hiding internal detail.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorField returns the field named by an application error, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
