// Package cli gives the commands of ladder/cmd one shape: main runs the
// command with a context Ctrl-C cancels, the command parses its flags,
// validates, runs, and its error becomes one line and an exit code.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Main runs a command's run function with a context that Ctrl-C or SIGTERM
// cancels (so what it started is cleaned up), and exits with its code.
func Main(run func(ctx context.Context, args []string, stderr io.Writer) int) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// UsageError marks bad input: exit code 2.
type UsageError struct{ error }

// Usage marks err as bad input.
func Usage(err error) error { return UsageError{err} }

// ExitCode tells a failure in one line, "name: message", and maps it to the
// exit code the Makefile and CI read: 0 for success and -h, 2 for bad
// input, 1 for anything else.
func ExitCode(name string, err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, name+":", err)
	var u UsageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// Parse parses args, flags only: -h prints the flags and is no failure;
// anything else wrong is a usage error that names the fix (fromMake: the
// make command most readers run instead).
func Parse(fs *flag.FlagSet, args []string, stderr io.Writer, fromMake string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return err
		}
		return Usage(fmt.Errorf("%v (see %s -h; from make: %s)", err, fs.Name(), fromMake))
	}
	if fs.NArg() > 0 {
		return Usage(fmt.Errorf("unexpected argument %q: flags only (see %s -h)", fs.Arg(0), fs.Name()))
	}
	return nil
}
