package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/internal/password"
)

// Session lifetimes: a session ends after SessionIdle without a request,
// and in any case after SessionMax.
const (
	SessionIdle = 12 * time.Hour
	SessionMax  = 30 * 24 * time.Hour
)

// Session is a signed-in browser: who it is, its CSRF token and the user's
// language and time zone.
type Session struct {
	Actor    sqm.Actor
	CSRF     string
	Lang     string
	Timezone string
}

// ErrBadLogin is the one answer to a failed sign-in, whatever failed.
var ErrBadLogin = sqm.Errorf(sqm.EUNAUTHORIZED, "The user name or password is wrong.")

// dummyHash is checked when the user does not exist, so that a wrong name
// takes as long as a wrong password.
var dummyHash = password.Hash("no user has this password")

// Login checks a user's password and opens a session; it returns the
// cookie's secret. Every success is audited.
func (db *DB) Login(ctx context.Context, name, pw string) (string, Session, error) {
	var (
		uid      int64
		hash     string
		role     string
		disabled bool
		s        Session
	)
	err := db.ro.QueryRowContext(ctx, `SELECT id, role, password_hash, disabled, lang, timezone FROM users WHERE name = $1`, name).
		Scan(&uid, &role, &hash, &disabled, &s.Lang, &s.Timezone)
	if errors.Is(err, sql.ErrNoRows) {
		password.Check(dummyHash, pw)
		return "", s, ErrBadLogin
	}
	if err != nil {
		return "", s, fmt.Errorf("login: %w", err)
	}
	if !password.Check(hash, pw) || disabled {
		return "", s, ErrBadLogin
	}
	secret, id := newSecret()
	s.CSRF, _ = newSecret()
	s.Actor = sqm.Actor{UserID: idString(uid), Name: name, Role: sqm.Role(role)}
	err = db.write(sqm.WithActor(ctx, s.Actor), func(tx *Tx) error {
		if _, err := tx.exec(`DELETE FROM sessions WHERE expires_at < $1`, ms(tx.now)); err != nil {
			return fmt.Errorf("login: %w", err)
		}
		if _, err := tx.exec(`INSERT INTO sessions (id, user_id, csrf, created_at, seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)`,
			id, uid, s.CSRF, ms(tx.now), ms(tx.now.Add(SessionIdle))); err != nil {
			return fmt.Errorf("login: %w", err)
		}
		return tx.audit("user.login", "user", uid, nil)
	})
	return secret, s, err
}

// SessionFor returns the session of a cookie's secret, extending its idle
// expiry, or EUNAUTHORIZED when it is unknown, expired or its user disabled.
func (db *DB) SessionFor(ctx context.Context, secret string) (Session, error) {
	var (
		s                          Session
		uid, created, seen, expiry int64
		role                       string
		disabled                   bool
	)
	none := sqm.Errorf(sqm.EUNAUTHORIZED, "Your session has ended; sign in again.")
	if len(secret) != 43 {
		return s, none
	}
	id := sha256.Sum256([]byte(secret))
	err := db.ro.QueryRowContext(ctx, `SELECT u.id, u.name, u.role, u.disabled, u.lang, u.timezone, s.csrf, s.created_at, s.seen_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`, id[:]).
		Scan(&uid, &s.Actor.Name, &role, &disabled, &s.Lang, &s.Timezone, &s.CSRF, &created, &seen, &expiry)
	now := db.Now()
	if err != nil || disabled || now.UnixMilli() >= expiry || now.Sub(fromMS(created)) > SessionMax {
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return s, fmt.Errorf("session: %w", err)
		}
		return s, none
	}
	s.Actor.UserID, s.Actor.Role = idString(uid), sqm.Role(role)
	if now.Sub(fromMS(seen)) > time.Minute { // slide the idle expiry, at most once a minute
		if _, err := db.rw.ExecContext(ctx, `UPDATE sessions SET seen_at = $1, expires_at = $2 WHERE id = $3`,
			ms(now), ms(now.Add(SessionIdle)), id[:]); err != nil {
			db.log.Warn("session_touch_failed", "error", err)
		}
	}
	return s, nil
}

// Logout ends the session of a cookie's secret.
func (db *DB) Logout(ctx context.Context, secret string) error {
	id := sha256.Sum256([]byte(secret))
	return db.write(ctx, func(tx *Tx) error {
		_, err := tx.exec(`DELETE FROM sessions WHERE id = $1`, id[:])
		return err
	})
}

// SetPassword sets a user's password and ends their sessions. Admins, or
// the command line; users change their own with ChangePassword.
func (db *DB) SetPassword(ctx context.Context, name, pw string) error {
	if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
		return err
	}
	return db.setPassword(ctx, name, pw)
}

// ChangePassword changes the signed-in user's own password after checking
// the current one.
func (db *DB) ChangePassword(ctx context.Context, current, next string) error {
	a := sqm.ActorFrom(ctx)
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return err
	}
	var hash string
	if err := db.ro.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE name = $1`, a.Name).Scan(&hash); err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if !password.Check(hash, current) {
		return sqm.FieldError("current", "The current password is wrong.")
	}
	return db.setPassword(ctx, a.Name, next)
}

func (db *DB) setPassword(ctx context.Context, name, pw string) error {
	if utf8.RuneCountInString(pw) < password.MinLength {
		return sqm.FieldError("password", "A password has at least %d characters.", password.MinLength)
	}
	if len(pw) > 1024 {
		return sqm.FieldError("password", "A password has at most 1024 bytes.")
	}
	hash := password.Hash(pw)
	return db.write(ctx, func(tx *Tx) error {
		var uid int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE name = $1`, name).Scan(&uid); errors.Is(err, sql.ErrNoRows) {
			return sqm.FieldError("name", "User %q does not exist.", name)
		} else if err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE users SET password_hash = $1 WHERE id = $2`, hash, uid); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := tx.exec(`DELETE FROM sessions WHERE user_id = $1`, uid); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		return tx.audit("user.password", "user", uid, nil)
	})
}

// SetPreferences saves the signed-in user's language and time zone.
func (db *DB) SetPreferences(ctx context.Context, lang, zone string) error {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return err
	}
	if lang != "" && lang != "en" && lang != "zh" {
		return sqm.FieldError("lang", "The language is en or zh.")
	}
	if zone != "" {
		if _, err := time.LoadLocation(zone); err != nil || zone == "Local" {
			return sqm.FieldError("timezone", "Unknown time zone %q; use an IANA name such as Asia/Shanghai.", zone)
		}
	}
	uid, err := parseID("User", sqm.ActorFrom(ctx).UserID)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		_, err := tx.exec(`UPDATE users SET lang = $1, timezone = $2 WHERE id = $3`, lang, zone, uid)
		return err
	})
}

// newSecret returns a random 256-bit secret and its SHA-256.
func newSecret() (string, []byte) {
	raw := make([]byte, 32)
	rand.Read(raw)
	s := base64.RawURLEncoding.EncodeToString(raw)
	h := sha256.Sum256([]byte(s))
	return s, h[:]
}
