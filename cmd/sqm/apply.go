package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/sqmhq/sqm/internal/apply"
)

// applyConfig makes the monitors match a YAML file (or standard input), as
// the command line (an admin): those missing are created, those that differ
// updated, all or nothing. Running it twice changes nothing the second time.
func applyConfig(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var file string
	ctx, db, err := openDB(ctx, "apply", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&file, "f", "-", "YAML file of monitors, - for standard input")
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
	specs, err := apply.Parse(in)
	if err != nil {
		return explain("apply "+file+" (nothing was changed)", err)
	}
	res, err := db.ApplyMonitors(ctx, specs)
	if err != nil {
		return explain("apply "+file+" (nothing was changed)", err)
	}
	for _, list := range []struct {
		what  string
		names []string
	}{{"created", res.Created}, {"updated", res.Updated}, {"unchanged", res.Unchanged}} {
		for _, n := range list.names {
			fmt.Fprintf(stdout, "%s\t%s\n", list.what, n)
		}
	}
	fmt.Fprintf(stdout, "Monitors: %d created, %d updated, %d unchanged.\n", len(res.Created), len(res.Updated), len(res.Unchanged))
	return nil
}
