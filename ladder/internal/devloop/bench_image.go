package devloop

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/names"
	"github.com/go-docker/go-docker/ladder/internal/peers"
)

// ImageDirect is the image loop's command run from the write on, as a
// reader types it: docker compose up --build -d app (the image rebuilt,
// the container replaced), first 200.
func (b *Bench) ImageDirect() (LoopReport, error) {
	l := LoopReport{Name: "image loop", Mode: "direct", Parts: []string{"build and replace", "first answer"}, hasCheck: true,
		Summary: "docker compose up --build -d app: final.Dockerfile with its cache mounts, the container replaced"}
	defer b.compose.Run(context.WithoutCancel(b.Ctx), "down", "--remove-orphans")
	name := b.container("app")
	err := b.loop(&l, func() (Sample, error) {
		marker, t0, err := b.edit()
		if err != nil {
			return Sample{}, err
		}
		if _, err := b.compose.Run(b.Ctx, "up", "--build", "--detach", "app"); err != nil {
			return Sample{}, err
		}
		t1 := time.Now()
		return b.served(name, marker, t0, t0, l.Parts, t1)
	})
	return l, err
}

// ImageWatcher is make dev LOOP=image itself: Compose's watch notices the
// write (after its fixed 500 ms quiet period), rebuilds, replaces.
func (b *Bench) ImageWatcher() (LoopReport, error) {
	l := LoopReport{Name: "image loop", Mode: "watcher", Parts: []string{"watcher wait", "build", "replace and first answer"}, hasCheck: true,
		Summary: "make dev LOOP=image: docker compose up --watch, action rebuild"}
	err := b.watched(&l, b.container("app"), true, func(ctx context.Context, hear func(Event)) error {
		return Image(ctx, Options{Compose: b.compose, Port: b.port, Out: io.Discard, Event: hear})
	}, 5*time.Minute, "changed", "compiled")
	return l, err
}

// runFlags run an image as make run and compose.yaml do.
func (b *Bench) runFlags(name string) []string {
	return []string{"run", "-d", "--name", name, "--read-only", "--cap-drop", "ALL", "--user", "65532:65532",
		"--label", names.ProjectLabel + "=true", "-p", "127.0.0.1:" + b.port + ":8080"}
}

// replaceWith removes the container name and runs image under it.
func (b *Bench) replaceWith(name, image string) error {
	b.Docker.Output(b.Ctx, "rm", "-f", name)
	_, err := b.Docker.Output(b.Ctx, append(b.runFlags(name), image)...)
	return err
}

// MakeFinal is what a reader types without make dev: make final, then
// docker rm -f and docker run.
func (b *Bench) MakeFinal() (LoopReport, error) {
	l := LoopReport{Name: "make final + docker run", Mode: "direct", Parts: []string{"build", "replace", "first answer"}, hasCheck: true,
		Summary: "make final, then docker rm -f and docker run --read-only of the new image"}
	name := b.Project + "-final"
	defer b.Docker.Output(context.WithoutCancel(b.Ctx), "rm", "-f", name)
	err := b.loop(&l, func() (Sample, error) {
		marker, t0, err := b.edit()
		if err != nil {
			return Sample{}, err
		}
		if out, err := makeIn(b.Ctx, b.Dir, "final", "IMAGE_PREFIX="+b.Prefix); err != nil {
			return Sample{}, fmt.Errorf("make final: %v: %s", err, lastLine(out))
		}
		t1 := time.Now()
		if err := b.replaceWith(name, b.Prefix+"final"); err != nil {
			return Sample{}, err
		}
		t2 := time.Now()
		return b.served(name, marker, t0, t1, l.Parts, t1, t2)
	})
	return l, err
}

// Ko is ko build (go build here, the binary layered on a base, loaded
// into the engine), then docker rm -f and docker run. ko's image has no
// health check.
func (b *Bench) Ko(tmp string) (LoopReport, error) {
	l := LoopReport{Name: "ko", Mode: "direct", Parts: []string{"build", "replace", "first answer"},
		Summary: "ko build --local (peers/ko), then docker rm -f and docker run --read-only"}
	ko, err := peers.Select(peers.Ko)
	if err != nil {
		return l, err
	}
	r, err := ko[0].Prepare(b.Ctx, peers.Env{Docker: b.Docker, Repo: b.Root, Dir: b.Dir, Tmp: tmp, Logs: filepath.Join(tmp, "logs"),
		RunID: strings.TrimPrefix(b.Project, "go-docker-devcompare-"), GoVersion: b.GoVersion})
	if err != nil {
		return l, err
	}
	name := b.Project + "-ko"
	defer func() {
		b.Docker.Output(context.WithoutCancel(b.Ctx), "rm", "-f", name)
		b.Docker.Output(context.WithoutCancel(b.Ctx), append([]string{"image", "rm", "-f"}, r.Refs()...)...)
	}()
	err = b.loop(&l, func() (Sample, error) {
		marker, t0, err := b.edit()
		if err != nil {
			return Sample{}, err
		}
		if _, err := r.Build(b.Ctx, false, filepath.Join(tmp, "logs", "ko.log")); err != nil {
			return Sample{}, err
		}
		t1 := time.Now()
		if err := b.replaceWith(name, r.Tag()); err != nil {
			return Sample{}, err
		}
		t2 := time.Now()
		return b.served("", marker, t0, t1, l.Parts, t1, t2)
	})
	return l, err
}
