package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/sqmhq/sqm"
)

// tokenPrefix starts every token, so a leaked one is easy to recognise.
const tokenPrefix = "sqm_"

// CreateToken makes an API token for the named user and returns it with
// its secret, which is shown this once. Admins, or a user for themself.
func (db *DB) CreateToken(ctx context.Context, userName, tokenName string) (sqm.Token, error) {
	var t sqm.Token
	actor := sqm.ActorFrom(ctx)
	if actor.Name != userName || actor.Role == "" {
		if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
			return t, err
		}
	}
	if tokenName == "" {
		tokenName = "api"
	}
	if err := sqm.CheckName("name", tokenName); err != nil {
		return t, err
	}
	raw := make([]byte, 32)
	rand.Read(raw) // never fails
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	hash := sha256.Sum256([]byte(secret))
	err := db.write(ctx, func(tx *Tx) error {
		u, err := getUser(ctx, tx, `name = $1`, userName)
		if sqm.ErrorCode(err) == sqm.ENOTFOUND {
			return sqm.FieldError("user", "User %q does not exist; create it with sqm user add.", userName)
		}
		if err != nil {
			return err
		}
		if u.Disabled {
			return sqm.FieldError("user", "User %q is disabled.", userName)
		}
		uid, _ := parseID("User", u.ID)
		t = sqm.Token{UserID: u.ID, UserName: u.Name, Name: tokenName, Prefix: secret[:len(tokenPrefix)+6], CreatedAt: tx.now}
		id, err := tx.insert(`INSERT INTO tokens (user_id, name, prefix, hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
			uid, t.Name, t.Prefix, hash[:], ms(tx.now))
		if err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		t.ID = idString(id)
		return tx.audit("token.create", "token", id, t)
	})
	t.Secret = secret
	return t, err
}

// RevokeToken ends a token's validity. Admins, or the token's owner.
func (db *DB) RevokeToken(ctx context.Context, id string) error {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return err
	}
	tid, err := parseID("Token", id)
	if err != nil {
		return err
	}
	err = db.write(ctx, func(tx *Tx) error {
		var owner int64
		var revoked sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT user_id, revoked_at FROM tokens WHERE id = $1`, tid).Scan(&owner, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return sqm.Errorf(sqm.ENOTFOUND, "Token %s not found.", id)
		}
		if err != nil {
			return err
		}
		if idString(owner) != tx.actor.UserID {
			if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
				return err
			}
		}
		if revoked.Valid {
			return sqm.Errorf(sqm.ECONFLICT, "Token %s is already revoked.", id)
		}
		if _, err := tx.exec(`UPDATE tokens SET revoked_at = $1 WHERE id = $2`, ms(tx.now), tid); err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		return tx.audit("token.revoke", "token", tid, nil)
	})
	if err == nil {
		db.tokens.forget() // after the commit, so no request caches the old state
	}
	return err
}

// ListTokens returns a page of tokens (never their secrets). Admins only.
func (db *DB) ListTokens(ctx context.Context, cursor string, limit int) (sqm.Page[sqm.Token], error) {
	if err := sqm.Require(ctx, sqm.RoleAdmin); err != nil {
		return sqm.Page[sqm.Token]{}, err
	}
	return list(ctx, db, cursor, limit, `SELECT id, user_id, user_name, name, prefix, created_at, last_used_at, revoked_at
		FROM (SELECT t.*, u.name AS user_name FROM tokens t JOIN users u ON u.id = t.user_id) AS tk`, scanToken)
}

func scanToken(s scanner) (sqm.Token, int64, error) {
	var (
		t             sqm.Token
		id, uid, c    int64
		used, revoked sql.NullInt64
	)
	err := s.Scan(&id, &uid, &t.UserName, &t.Name, &t.Prefix, &c, &used, &revoked)
	t.ID, t.UserID, t.CreatedAt, t.LastUsedAt, t.RevokedAt = idString(id), idString(uid), fromMS(c), fromNullMS(used), fromNullMS(revoked)
	return t, id, err
}

// lastUsedEvery bounds how often a token's last use is written.
const lastUsedEvery = time.Minute

// tokenTTL is how long a replica trusts a token it has checked. A revoked
// token, or a user disabled or given another role, is refused at once by
// the replica that made the change and within tokenTTL by the others.
const tokenTTL = 10 * time.Second

// tokenCache spares the database a query per request.
type tokenCache struct {
	mu sync.Mutex
	m  map[[32]byte]*cachedToken
	// gen counts forgets: a check that read the database before a forget
	// must not cache what it read.
	gen uint64
}

type cachedToken struct {
	id       int64
	actor    sqm.Actor
	checked  time.Time
	lastUsed time.Time
}

// forget drops every cached token, after a change to tokens or users.
func (c *tokenCache) forget() {
	c.mu.Lock()
	clear(c.m)
	c.gen++
	c.mu.Unlock()
}

// Authenticate returns the actor holding a token secret, or EUNAUTHORIZED.
func (db *DB) Authenticate(ctx context.Context, secret string) (sqm.Actor, error) {
	deny := sqm.Errorf(sqm.EUNAUTHORIZED, "The token is not valid: it is unknown, revoked, or its user is disabled. An admin makes a new one with sqm token create --user NAME.")
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return sqm.Actor{}, deny
	}
	hash := sha256.Sum256([]byte(secret))
	now := db.Now()
	db.tokens.mu.Lock()
	c, ok := db.tokens.m[hash]
	if ok && now.Sub(c.checked) < tokenTTL {
		actor, id, stale := c.actor, c.id, now.Sub(c.lastUsed) > lastUsedEvery
		if stale {
			c.lastUsed = now
		}
		db.tokens.mu.Unlock()
		if stale {
			db.touchToken(id, now)
		}
		return actor, nil
	}
	gen := db.tokens.gen
	db.tokens.mu.Unlock()

	var (
		tid, uid      int64
		name, role    string
		disabled      bool
		used, revoked sql.NullInt64
	)
	err := db.ro.QueryRowContext(ctx, `SELECT t.id, u.id, u.name, u.role, u.disabled, t.last_used_at, t.revoked_at
		FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = $1`, hash[:]).
		Scan(&tid, &uid, &name, &role, &disabled, &used, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return sqm.Actor{}, deny
	}
	if err != nil {
		return sqm.Actor{}, fmt.Errorf("authenticate: %w", err)
	}
	if disabled || revoked.Valid {
		return sqm.Actor{}, deny
	}
	actor := sqm.Actor{UserID: idString(uid), Name: name, Role: sqm.Role(role)}
	last := time.Time{}
	if used.Valid {
		last = fromMS(used.Int64)
	}
	if now.Sub(last) > lastUsedEvery {
		db.touchToken(tid, now)
		last = now
	}
	db.tokens.mu.Lock()
	if len(db.tokens.m) > 10000 {
		clear(db.tokens.m)
	}
	if db.tokens.gen == gen {
		db.tokens.m[hash] = &cachedToken{id: tid, actor: actor, checked: now, lastUsed: last}
	}
	db.tokens.mu.Unlock()
	return actor, nil
}

// touchToken records a token's last use, in the background so that a read
// does not wait for the writer; a failure only loses that record.
func (db *DB) touchToken(id int64, now time.Time) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err := db.write(ctx, func(tx *Tx) error {
			_, err := tx.exec(`UPDATE tokens SET last_used_at = $1 WHERE id = $2`, ms(now), id)
			return err
		})
		if err != nil {
			db.log.Warn("token_last_used_failed", "error", err)
		}
	}()
}
