// Package clitest checks, for the tests of every command of ladder/cmd,
// the shape package cli gives them for bad input.
package clitest

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// BadInput is one case of bad input to a command.
type BadInput struct {
	Name string
	Args []string
	Want string // what the one line of the error must contain
}

// CheckBadInput runs each case through run, the command's run function,
// and wants exit code 2 and one line on stderr that starts with "name: "
// and contains the case's Want.
func CheckBadInput(t *testing.T, name string, run func(context.Context, []string, io.Writer) int, cases []BadInput) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(context.Background(), tc.Args, &stderr); code != 2 {
				t.Errorf("exit code: got %d, want 2", code)
			}
			got := stderr.String()
			if strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, name+": ") || !strings.Contains(got, tc.Want) {
				t.Errorf("stderr: got %q, want one line starting %q and containing %q", got, name+": ", tc.Want)
			}
		})
	}
}
