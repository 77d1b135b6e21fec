package sqlstore

// NextDueSQL exposes the queue's sort key to the tests of the query plans.
const NextDueSQL = nextDueSQL
