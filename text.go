package sqm

import (
	"strings"
	"unicode/utf8"
)

// checkText validates a free-text field: valid UTF-8, within max bytes, no
// control characters other than tab and newlines, and present if required.
func checkText(field, s string, max int, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return FieldError(field, "%s is required.", fieldLabel(field))
	}
	if len(s) > max {
		return FieldError(field, "%s is longer than %d bytes.", fieldLabel(field), max)
	}
	if !utf8.ValidString(s) {
		return FieldError(field, "%s is not valid UTF-8.", fieldLabel(field))
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return FieldError(field, "%s contains a control character.", fieldLabel(field))
		}
	}
	return nil
}

// CheckName validates a short required name.
func CheckName(field, s string) error { return checkText(field, s, MaxName, true) }

func fieldLabel(field string) string {
	if field == "" {
		return "Value"
	}
	s := strings.ReplaceAll(field, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}
