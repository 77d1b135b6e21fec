package sqlstore

// HasTable exposes hasTable to the tests of the status page.
var HasTable = (*DB).hasTable
