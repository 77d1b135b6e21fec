// Command sqm is the Service Quality Manager: it serves the API and runs the
// background jobs (sqm serve), and administers an installation from the shell.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `sqm — Service Quality Manager

Usage:
  sqm serve [--addr 127.0.0.1:8080] [--data DIR | --db DSN] [--demo]
  sqm migrate [--data DIR | --db DSN]
  sqm user add --name NAME --role admin|manager|agent|viewer [--data DIR | --db DSN]
  sqm user passwd --name NAME [--data DIR | --db DSN]   reads the new password from standard input
  sqm user list [--data DIR | --db DSN]
  sqm token create --user NAME [--name LABEL] [--data DIR | --db DSN]
  sqm import [-f FILE] [--data DIR | --db DSN]   import {"tickets":[...]} from a file or stdin, all or nothing
  sqm sweep [--data DIR | --db DSN]      write due SLA warning and breach events once
  sqm apply [-f FILE] [--data DIR | --db DSN]    make the monitors match a YAML file (idempotent, all or nothing)

Environment: SQM_ADDR, SQM_DATA, SQM_DB, SQM_LOG_LEVEL (debug, info, warn, error).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sqm:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, stdout, stderr)
	case "user":
		return user(ctx, rest, stdin, stdout, stderr)
	case "token":
		return token(ctx, rest, stdout, stderr)
	case "import":
		return importTickets(ctx, rest, stdin, stdout, stderr)
	case "sweep":
		return sweep(ctx, rest, stdout, stderr)
	case "apply":
		return applyConfig(ctx, rest, stdin, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}
