package cli

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"testing"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		want     int
		wantLine string
	}{
		{"success", nil, 0, ""},
		{"help is no failure", flag.ErrHelp, 0, ""},
		{"bad input", Usage(errors.New("RUNS=0: use 1 to 8")), 2, "tool: RUNS=0: use 1 to 8\n"},
		{"anything else", errors.New("no engine"), 1, "tool: no engine\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if got := ExitCode("tool", tt.err, &out); got != tt.want {
				t.Errorf("exit code: got %d, want %d", got, tt.want)
			}
			if out.String() != tt.wantLine {
				t.Errorf("output: got %q, want %q", out.String(), tt.wantLine)
			}
		})
	}
}

func TestParseRejectsWhatIsNotAFlag(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"-nope"}, "flag provided but not defined: -nope (see tool -h; from make: make tool)"},
		{"stray argument", []string{"extra"}, `unexpected argument "extra": flags only (see tool -h)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("tool", flag.ContinueOnError)
			err := Parse(fs, tt.args, io.Discard, "make tool")
			var u UsageError
			if !errors.As(err, &u) || err.Error() != tt.want {
				t.Errorf("got %v, want the usage error %q", err, tt.want)
			}
		})
	}
}
