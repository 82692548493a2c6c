package devloop

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/measure"
)

// FreePort is a TCP port on 127.0.0.1 that nothing listens on now.
func FreePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port), nil
}

// Native is the floor: go build here with final's flags, stop the running
// process (SIGTERM, as docker stop), start the new one, first 200.
func (b *Bench) Native() (LoopReport, error) {
	l := LoopReport{Name: "native", Mode: "direct", Parts: []string{"compile", "restart", "first answer"},
		Summary: "go build here with final.Dockerfile's flags, the process restarted (no container)"}
	flags, err := measure.NativeFlags(b.Dir)
	if err != nil {
		return l, err
	}
	bin := filepath.Join(b.Dir, "out", "dev", "native")
	port, err := FreePort()
	if err != nil {
		return l, err
	}
	var proc *exec.Cmd
	stop := func() {
		if proc != nil {
			proc.Process.Signal(syscall.SIGTERM)
			proc.Wait()
		}
	}
	defer stop()
	err = b.loop(&l, func() (Sample, error) {
		marker, t0, err := b.edit()
		if err != nil {
			return Sample{}, err
		}
		build := exec.CommandContext(b.Ctx, "go", append(append([]string{"build"}, flags...), "-o", bin, "./dependencies")...)
		build.Dir, build.Env = b.Dir, append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod")
		if out, err := build.CombinedOutput(); err != nil {
			return Sample{}, errorf("go build: %s", FirstError(string(out), err))
		}
		t1 := time.Now()
		stop()
		proc = exec.Command(bin)
		proc.Env = append(os.Environ(), "PORT="+port)
		if err := proc.Start(); err != nil {
			return Sample{}, err
		}
		t2 := time.Now()
		t3, err := WaitServing(b.Ctx, port, marker, 30*time.Second)
		if err != nil {
			return Sample{}, err
		}
		return Sample{Serving: since(t0, t3), Parts: map[string]float64{
			"compile": since(t0, t1), "restart": since(t1, t2), "first answer": since(t2, t3)}}, nil
	})
	return l, err
}
