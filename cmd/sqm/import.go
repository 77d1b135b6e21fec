package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sqmhq/sqm"
)

// importTickets reads {"tickets":[...]} (the body of POST
// /api/v1/import/tickets) from a file or standard input and imports it, all
// or nothing, as the command line (an admin).
func importTickets(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var file string
	ctx, db, err := openDB(ctx, "import", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&file, "f", "-", "JSON file of tickets to import, - for standard input")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	in, closeIn, err := openInput(file, stdin)
	if err != nil {
		return err
	}
	defer closeIn()
	var body struct {
		Tickets []sqm.ImportTicket `json:"tickets"`
	}
	dec := json.NewDecoder(in)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return fmt.Errorf("import: read %s: %w", file, err)
	}
	out, err := db.ImportTickets(ctx, body.Tickets)
	if err != nil {
		return explain("import (nothing was imported)", err)
	}
	for _, t := range out {
		fmt.Fprintf(stdout, "%s\t%s\n", t.Ref, t.ID)
	}
	fmt.Fprintf(stdout, "Imported %d tickets.\n", len(out))
	return nil
}

// openInput opens the file a command reads, or stdin for "-".
func openInput(file string, stdin io.Reader) (io.Reader, func(), error) {
	if file == "-" {
		return stdin, func() {}, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}
