package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/calendar"
)

// CreateCalendar stores a new business calendar. Managers and admins.
func (db *DB) CreateCalendar(ctx context.Context, c sqm.Calendar) (sqm.Calendar, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return c, err
	}
	if err := validateCalendar(&c); err != nil {
		return c, err
	}
	err := db.write(ctx, func(tx *Tx) error {
		hours, holidays, workdays := calendarJSON(c)
		id, err := tx.insert(`INSERT INTO calendars (name, timezone, hours, holidays, workdays, holiday_set, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, c.Name, c.Timezone, hours, holidays, workdays, c.HolidaySet, ms(tx.now))
		if err != nil {
			return fmt.Errorf("create calendar: %w", err)
		}
		c.ID, c.CreatedAt, c.UpdatedAt = idString(id), tx.now, tx.now
		return tx.audit("calendar.create", "calendar", id, c)
	})
	return c, err
}

// UpdateCalendar replaces a calendar's definition and, in the same
// transaction, recomputes the clocks of the open tickets that run on it.
func (db *DB) UpdateCalendar(ctx context.Context, id string, c sqm.Calendar) (sqm.Calendar, error) {
	if err := sqm.Require(ctx, sqm.RoleManager); err != nil {
		return c, err
	}
	cid, err := parseID("Calendar", id)
	if err != nil {
		return c, err
	}
	if err := validateCalendar(&c); err != nil {
		return c, err
	}
	err = db.write(ctx, func(tx *Tx) error {
		if err := tx.lockRules(); err != nil {
			return err
		}
		old, err := getCalendar(ctx, tx, cid)
		if err != nil {
			return err
		}
		hours, holidays, workdays := calendarJSON(c)
		if _, err := tx.exec(`UPDATE calendars SET name = $1, timezone = $2, hours = $3, holidays = $4, workdays = $5,
			holiday_set = $6, updated_at = $7, version = $8 WHERE id = $9`,
			c.Name, c.Timezone, hours, holidays, workdays, c.HolidaySet, ms(tx.now), newVersion(), cid); err != nil {
			return fmt.Errorf("update calendar: %w", err)
		}
		c.ID, c.CreatedAt, c.UpdatedAt = id, old.CreatedAt, tx.now
		if err := tx.audit("calendar.update", "calendar", cid, c); err != nil {
			return err
		}
		return tx.reproject(`p.calendar_id = $1`, cid)
	})
	return c, err
}

// GetCalendar returns one calendar. Any signed-in role.
func (db *DB) GetCalendar(ctx context.Context, id string) (sqm.Calendar, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return sqm.Calendar{}, err
	}
	cid, err := parseID("Calendar", id)
	if err != nil {
		return sqm.Calendar{}, err
	}
	return getCalendar(ctx, db.ro, cid)
}

// ListCalendars returns a page of calendars in creation order.
func (db *DB) ListCalendars(ctx context.Context, cursor string, limit int) (sqm.Page[sqm.Calendar], error) {
	return list(ctx, db, cursor, limit, calendarColumns+` FROM calendars`, scanCalendar)
}

const calendarColumns = `SELECT id, name, timezone, hours, holidays, workdays, holiday_set, created_at, updated_at`

func getCalendar(ctx context.Context, q querier, id int64) (sqm.Calendar, error) {
	c, _, err := scanCalendar(q.QueryRowContext(ctx, calendarColumns+` FROM calendars WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, sqm.Errorf(sqm.ENOTFOUND, "Calendar %d not found.", id)
	}
	return c, err
}

func scanCalendar(s scanner) (sqm.Calendar, int64, error) {
	var (
		c                         sqm.Calendar
		id, created, updated      int64
		hours, holidays, workdays string
	)
	if err := s.Scan(&id, &c.Name, &c.Timezone, &hours, &holidays, &workdays, &c.HolidaySet, &created, &updated); err != nil {
		return c, 0, err
	}
	c.ID, c.CreatedAt, c.UpdatedAt = idString(id), fromMS(created), fromMS(updated)
	if err := errors.Join(json.Unmarshal([]byte(hours), &c.Hours), json.Unmarshal([]byte(holidays), &c.Holidays),
		json.Unmarshal([]byte(workdays), &c.Workdays)); err != nil {
		return c, 0, fmt.Errorf("calendar %d: %w", id, err)
	}
	return c, id, nil
}

func validateCalendar(c *sqm.Calendar) error {
	if err := sqm.CheckName("name", c.Name); err != nil {
		return err
	}
	if c.Hours == nil {
		c.Hours = map[string][]string{}
	}
	if c.Holidays == nil {
		c.Holidays = []string{}
	}
	if c.Workdays == nil {
		c.Workdays = []string{}
	}
	if len(c.Holidays)+len(c.Workdays) > 10000 {
		return sqm.FieldError("holidays", "A calendar holds at most 10000 special dates.")
	}
	_, err := calendar.New(*c)
	return err
}

func calendarJSON(c sqm.Calendar) (hours, holidays, workdays string) {
	h, _ := json.Marshal(c.Hours)
	ho, _ := json.Marshal(c.Holidays)
	w, _ := json.Marshal(c.Workdays)
	return string(h), string(ho), string(w)
}

// calendarCache keeps built calendars by ID and version, so a ticket write
// does not parse its calendar again. An edit gives the calendar a new random
// version, never reused even when the edit rolls back after a build.
type calendarCache struct {
	mu sync.Mutex
	m  map[int64]cachedCalendar
}

type cachedCalendar struct {
	version int64
	cal     *calendar.Calendar
}

func newCalendarCache() *calendarCache { return &calendarCache{m: map[int64]cachedCalendar{}} }

// get returns the calendar of the given version, building it with load on a miss.
func (cc *calendarCache) get(id, version int64, load func() (sqm.Calendar, error)) (*calendar.Calendar, error) {
	cc.mu.Lock()
	c, ok := cc.m[id]
	cc.mu.Unlock()
	if ok && c.version == version {
		return c.cal, nil
	}
	def, err := load()
	if err != nil {
		return nil, err
	}
	cal, err := calendar.New(def)
	if err != nil {
		return nil, fmt.Errorf("calendar %d: %w", id, err)
	}
	cc.mu.Lock()
	cc.m[id] = cachedCalendar{version: version, cal: cal}
	cc.mu.Unlock()
	return cal, nil
}

func newVersion() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:]) >> 1)
}
