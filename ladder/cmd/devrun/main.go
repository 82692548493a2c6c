// Command devrun runs the server in make dev's container and starts it
// again on SIGHUP: the fast loop compiles a new /app/server on the host,
// then sends SIGHUP (docker kill -s HUP), so that only the process
// restarts, not the container. SIGTERM and SIGINT go to the server, and
// devrun exits as it does: docker stop still stops it gracefully. A server
// that exits on its own is waited on: the next SIGHUP starts the new build.
// It is PID 1 of a container whose image has no shell.
//
// Usage: devrun PROGRAM [ARG...]
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

// grace bounds how long a server may take to stop on SIGHUP before it is
// killed; docker stop has its own (stop_grace_period).
const grace = 10 * time.Second

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "devrun: usage: devrun PROGRAM [ARG...]")
		os.Exit(2)
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	for {
		cmd, exited, err := start(os.Args[1], os.Args[2:])
		if err != nil {
			fmt.Fprintln(os.Stderr, "devrun:", err)
			os.Exit(1)
		}
		restart := false
		for !restart {
			select {
			case err := <-exited:
				// The server stopped on its own (a panic at start, say): wait
				// for the next build instead of ending the container, so
				// that a save that fixes it brings it back.
				fmt.Fprintf(os.Stderr, "devrun: the server exited (%v); waiting for the next build\n", errOrZero(err))
				if s := <-sigs; s != syscall.SIGHUP {
					os.Exit(exitCode(err))
				}
				restart = true
			case s := <-sigs:
				if s != syscall.SIGHUP {
					cmd.Process.Signal(s)
					os.Exit(exitCode(<-exited))
				}
				stop(cmd, exited)
				restart = true
			}
		}
	}
}

// start runs the program with this process's output, and reports its end.
func start(program string, args []string) (*exec.Cmd, <-chan error, error) {
	cmd := exec.Command(program, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	return cmd, exited, nil
}

// stop ends the program as docker stop would: SIGTERM, then SIGKILL after
// grace.
func stop(cmd *exec.Cmd, exited <-chan error) {
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(grace):
		cmd.Process.Kill()
		<-exited
	}
}

// errOrZero says how the program ended, for one line.
func errOrZero(err error) string {
	if err == nil {
		return "exit code 0"
	}
	return err.Error()
}

// exitCode is the program's exit code, or 1 when it did not exit normally.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() >= 0 {
		return ee.ExitCode()
	}
	if err != nil {
		return 1
	}
	return 0
}
