package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/kpi"
)

// The ticket rollup keeps, per UTC day of opening, service, team and type,
// the figures of a scorecard that do not move with the wall clock: how many
// tickets were opened, and for each clock how many stopped on time, how
// many stopped late, and how the elapsed business time of the stopped ones
// is distributed over sqm.DistributionBounds. It is kept in the transaction
// of every write that changes a ticket's projection, so it is always exact.
//
// What does move with the wall clock, a running clock passing its due
// instant, is counted from the tickets whose clocks are not all stopped
// (the tickets_unmet index); the part days at a period's edges are counted
// from the tickets too. On PostgreSQL the rows are spread over rollupShards
// shards by ticket ID, so concurrent writers seldom wait on the same row.

const (
	dayMS        = 24 * 60 * 60 * 1000
	rollBuckets  = 9 // len(sqm.DistributionBounds) + 1
	clockWidth   = 2 + rollBuckets
	rollWidth    = 1 + 2*clockWidth
	rollupShards = 8
)

// rollVec is one row of the rollup: the tickets, then for each clock the
// stopped clocks met on time, those met late, and the bucket counts.
type rollVec [rollWidth]int64

// rollColumns are the rollup's count columns, in rollVec order.
var rollColumns = func() []string {
	if len(sqm.DistributionBounds)+1 != rollBuckets {
		panic("sqlstore: rollBuckets does not match sqm.DistributionBounds")
	}
	cols := []string{"tickets"}
	for _, c := range [2]string{"fr", "res"} {
		cols = append(cols, c+"_met", c+"_late")
		for b := range rollBuckets {
			cols = append(cols, c+"_b"+strconv.Itoa(b))
		}
	}
	return cols
}()

// contribution is what one ticket with these clocks adds to its row.
func contribution(clocks [2]clockRow) rollVec {
	var v rollVec
	v[0] = 1
	for i, c := range clocks {
		if !c.metAt.Valid {
			continue
		}
		base := 1 + i*clockWidth
		if breached(c.dueAt, c.metAt, 0) {
			v[base+1]++
		} else {
			v[base]++
		}
		v[base+2+bucketOf(c.elapsed)]++
	}
	return v
}

// bucketOf is the distribution bucket of an elapsed time in milliseconds,
// as kpi.Histogram counts it.
func bucketOf(elapsed int64) int {
	for b, bound := range sqm.DistributionBounds {
		if elapsed <= bound*1000 {
			return b
		}
	}
	return rollBuckets - 1
}

// rollup adds delta to the row of ticket t.
func (tx *Tx) rollup(t *ticketRec, delta rollVec) error {
	if delta == (rollVec{}) {
		return nil
	}
	team, _ := strconv.ParseInt(t.TeamID, 10, 64) // 0: no team
	shard := int64(0)
	if tx.db.dialect.name() == "postgres" {
		shard = t.id % rollupShards
	}
	args := []any{ms(t.OpenedAt) / dayMS, t.serviceID, team, t.Type, shard}
	marks := []string{"$1", "$2", "$3", "$4", "$5"}
	sets := make([]string, len(rollColumns))
	for i, c := range rollColumns {
		args = append(args, delta[i])
		marks = append(marks, "$"+strconv.Itoa(len(args)))
		sets[i] = c + " = ticket_rollup." + c + " + excluded." + c
	}
	_, err := tx.exec(`INSERT INTO ticket_rollup (day, service_id, team_id, type, shard, `+strings.Join(rollColumns, ", ")+`)
		VALUES (`+strings.Join(marks, ", ")+`)
		ON CONFLICT (day, service_id, team_id, type, shard) DO UPDATE SET `+strings.Join(sets, ", "), args...)
	if err != nil {
		return fmt.Errorf("rollup: %w", err)
	}
	return nil
}

// rollupChange adds to t's row what its projection changed from before.
func (tx *Tx) rollupChange(t *ticketRec, before [2]clockRow) error {
	old, now := contribution(before), contribution(t.clocks)
	var d rollVec
	for i := range d {
		d[i] = now[i] - old[i]
	}
	return tx.rollup(t, d)
}

// rollSums is the SELECT list that sums rollVec over tickets rows.
var rollSums = func() string {
	sums := []string{"count(*)"}
	for _, c := range [2]string{"fr", "res"} {
		late := fmt.Sprintf("%[1]s_due_at IS NOT NULL AND %[1]s_met_at > %[1]s_due_at", c)
		stopped := c + "_met_at IS NOT NULL"
		sums = append(sums,
			fmt.Sprintf("SUM(CASE WHEN %s AND NOT (%s) THEN 1 ELSE 0 END)", stopped, late),
			fmt.Sprintf("SUM(CASE WHEN %s AND %s THEN 1 ELSE 0 END)", stopped, late))
		lo := "" // the bucket's lower bound, exclusive
		for _, b := range sqm.DistributionBounds {
			hi := fmt.Sprintf("%s_elapsed <= %d", c, b*1000)
			sums = append(sums, fmt.Sprintf("SUM(CASE WHEN %s%s AND %s THEN 1 ELSE 0 END)", stopped, lo, hi))
			lo = fmt.Sprintf(" AND %s_elapsed > %d", c, b*1000)
		}
		sums = append(sums, fmt.Sprintf("SUM(CASE WHEN %s%s THEN 1 ELSE 0 END)", stopped, lo))
	}
	return strings.Join(sums, ", ")
}()

// RebuildRollup recomputes the whole rollup from the tickets, in one
// transaction: for a database whose tickets were written with plain SQL,
// such as a bulk load.
func RebuildRollup(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("rebuild rollup: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := rebuildRollup(ctx, tx); err != nil {
		return fmt.Errorf("rebuild rollup: %w", err)
	}
	return tx.Commit()
}

// rebuildRollup recomputes the whole rollup from the tickets.
func rebuildRollup(ctx context.Context, tx interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM ticket_rollup`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO ticket_rollup (day, service_id, team_id, type, shard, `+strings.Join(rollColumns, ", ")+`)
		SELECT opened_at / `+strconv.Itoa(dayMS)+`, service_id, COALESCE(team_id, 0), type, 0, `+rollSums+`
		FROM tickets GROUP BY opened_at / `+strconv.Itoa(dayMS)+`, service_id, COALESCE(team_id, 0), type`)
	return err
}

// scanVec reads one row of sums; sums over no rows are NULL, that is 0.
func scanVec(row *sql.Row) (rollVec, error) {
	var (
		v    rollVec
		null [rollWidth]sql.NullInt64
		dest = make([]any, rollWidth)
	)
	for i := range null {
		dest[i] = &null[i]
	}
	if err := row.Scan(dest...); err != nil {
		return v, err
	}
	for i, n := range null {
		v[i] = n.Int64
	}
	return v, nil
}

// clockFigures turns one clock of summed rollup counts, and the number of
// its running clocks past their due instant, into figures.
func (v rollVec) clockFigures(i int, overdue int64) sqm.ClockFigures {
	base := 1 + i*clockWidth
	met, breached := int(v[base]), int(v[base+1]+overdue)
	counts := make([]int, rollBuckets)
	for b := range counts {
		counts[b] = int(v[base+2+b])
	}
	return sqm.ClockFigures{Tickets: int(v[0]), Met: met, Breached: breached, Running: int(v[0]) - met - breached,
		Stopped: int(v[base] + v[base+1]), Attainment: kpi.Attainment(met, breached), Distribution: distribution(counts)}
}

// distribution labels histogram counts with their upper bounds.
func distribution(counts []int) []sqm.Bucket {
	out := make([]sqm.Bucket, 0, len(counts))
	for i, n := range counts {
		b := sqm.Bucket{Count: n}
		if i < len(sqm.DistributionBounds) {
			b.UpTo = &sqm.DistributionBounds[i]
		}
		out = append(out, b)
	}
	return out
}
