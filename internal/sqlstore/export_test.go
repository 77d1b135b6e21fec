package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// NextDueSQL exposes the queue's sort key to the tests of the query plans.
const NextDueSQL = nextDueSQL

// RollupDrift compares the rollup kept by the writes with one computed
// afresh from the tickets, and describes the first difference.
func (db *DB) RollupDrift(ctx context.Context) (string, error) {
	read := func(query string) (map[string]rollVec, error) {
		rows, err := db.ro.QueryContext(ctx, query)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := map[string]rollVec{}
		for rows.Next() {
			var (
				day, service, team int64
				typ                string
				v                  rollVec
			)
			dest := []any{&day, &service, &team, &typ}
			for i := range v {
				dest = append(dest, &v[i])
			}
			if err := rows.Scan(dest...); err != nil {
				return nil, err
			}
			out[fmt.Sprint(day, service, team, typ)] = v
		}
		return out, rows.Err()
	}
	sums := make([]string, len(rollColumns))
	for i, c := range rollColumns {
		sums[i] = "SUM(" + c + ")"
	}
	kept, err := read(`SELECT day, service_id, team_id, type, ` + strings.Join(sums, ", ") + `
		FROM ticket_rollup GROUP BY day, service_id, team_id, type`)
	if err != nil {
		return "", err
	}
	day := strconv.Itoa(dayMS)
	fresh, err := read(`SELECT opened_at / ` + day + `, service_id, COALESCE(team_id, 0), type, ` + rollSums + `
		FROM tickets GROUP BY opened_at / ` + day + `, service_id, COALESCE(team_id, 0), type`)
	if err != nil {
		return "", err
	}
	for k, v := range fresh {
		if kept[k] != v {
			return fmt.Sprintf("row %s: kept %v, from the tickets %v", k, kept[k], v), nil
		}
	}
	for k, v := range kept {
		if _, ok := fresh[k]; !ok {
			return fmt.Sprintf("row %s: kept %v for no tickets", k, v), nil
		}
	}
	return "", nil
}

// TraceReads makes the read pool tell fn of every query it runs.
func (db *DB) TraceReads(fn func(query string, args []any)) { db.ro.trace = fn }
