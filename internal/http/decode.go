package http

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/sqmhq/sqm"
)

// Body limits.
const (
	maxBody       = 1 << 20  // a single object
	maxImportBody = 32 << 20 // an import
)

// decode reads a JSON body into v: at most limit bytes, unknown fields
// refused, one value only.
func decode(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, limit)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return &sqm.Error{Code: errBadRequest, Message: "The body holds more than one JSON value."}
	}
	return nil
}

func decodeError(err error, limit int64) error {
	var (
		tooLarge *http.MaxBytesError
		syntax   *json.SyntaxError
		typ      *json.UnmarshalTypeError
		e        *sqm.Error
	)
	switch {
	case errors.As(err, &tooLarge):
		return &sqm.Error{Code: sqm.ETOOLARGE, Message: fmt.Sprintf("The body is larger than %d bytes.", limit)}
	case errors.As(err, &e):
		return e
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return &sqm.Error{Code: errBadRequest, Message: "The body is not valid JSON: " + err.Error()}
	case errors.As(err, &typ):
		if typ.Field == "" {
			return &sqm.Error{Code: errBadRequest, Message: "The body must be a JSON object."}
		}
		return &sqm.Error{Code: sqm.EINVALID, Field: typ.Field, Message: fmt.Sprintf("The value of %s must be %s.", typ.Field, jsonKind(typ))}
	case errors.Is(err, io.EOF):
		return &sqm.Error{Code: errBadRequest, Message: "The body is empty; send a JSON object."}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &sqm.Error{Code: sqm.EINVALID, Field: name, Message: fmt.Sprintf("Unknown field %q.", name)}
	}
	var parse *time.ParseError
	if errors.As(err, &parse) {
		return &sqm.Error{Code: sqm.EINVALID, Message: fmt.Sprintf("%q is not an RFC 3339 instant such as 2026-10-01T09:00:00+08:00.", parse.Value)}
	}
	return &sqm.Error{Code: errBadRequest, Message: "The body could not be read: " + err.Error()}
}

// jsonKind names the JSON kind a Go type wants, for messages.
func jsonKind(e *json.UnmarshalTypeError) string {
	switch e.Type.Kind() {
	case reflect.String:
		if e.Type == reflect.TypeOf(time.Time{}) {
			return "an RFC 3339 instant (a string)"
		}
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "of another type"
}

// Duration is a duration given as a Go duration string ("15m", "4h") or as
// integer seconds, and written as integer seconds.
type Duration time.Duration

// UnmarshalJSON accepts "4h" or 14400.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			return &sqm.Error{Code: sqm.EINVALID, Message: fmt.Sprintf("%q is not a duration such as \"15m\", \"4h\" or \"90s\".", s)}
		}
		*d = Duration(v)
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || n < 0 || n > int64(sqm.MaxTarget/time.Second) {
		return &sqm.Error{Code: sqm.EINVALID, Message: "A duration is a string such as \"4h\", or whole seconds up to 366 days."}
	}
	*d = Duration(time.Duration(n) * time.Second)
	return nil
}

// MarshalJSON writes integer seconds.
func (d Duration) MarshalJSON() ([]byte, error) {
	return strconv.AppendInt(nil, int64(time.Duration(d)/time.Second), 10), nil
}

// query helpers

func queryInt(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, sqm.FieldError(name, "%s must be a whole number.", name)
	}
	return n, nil
}

func queryTime(r *http.Request, name string) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, sqm.FieldError(name, "%s must be an RFC 3339 instant, such as 2026-10-01T00:00:00+08:00.", name)
	}
	return t, nil
}
