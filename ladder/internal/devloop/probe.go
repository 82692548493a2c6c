package devloop

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/docker"
)

// pollEvery is how often a probe asks again: small beside the loops it
// times (a tenth of a second or more).
const pollEvery = 5 * time.Millisecond

// WaitServing polls GET / on 127.0.0.1:port until a 200 whose body holds
// marker, and returns when it came. An answer without the marker (the old
// code) does not count, nor does an open port with nothing behind it
// (Docker's proxy accepts connections then closes them).
func WaitServing(ctx context.Context, port, marker string, limit time.Duration) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	// A request sent while the server restarts can hang in Docker's proxy;
	// a short timeout asks again instead of waiting it out.
	client := &http.Client{Timeout: 100 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	last := "no answer"
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+port+"/", nil)
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.Contains(string(body), marker) {
				return time.Now(), nil
			}
			last = fmt.Sprintf("%d %q", resp.StatusCode, strings.TrimSpace(string(body)))
		}
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("no 200 with %q on 127.0.0.1:%s within %s (last: %s)", marker, port, limit, last)
		case <-time.After(pollEvery):
		}
	}
}

// WaitHealthy polls the container's health status until "healthy" for a
// container that started at or after since, and returns when it was.
func WaitHealthy(ctx context.Context, d docker.Docker, container string, since time.Time, limit time.Duration) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		out, err := d.Output(ctx, "inspect", "--format", "{{.State.StartedAt}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", container)
		if err == nil {
			f := strings.Fields(out)
			if len(f) == 2 && f[1] == "healthy" {
				if started, err := time.Parse(time.RFC3339Nano, f[0]); err == nil && !started.Before(since.Add(-time.Second)) {
					return time.Now(), nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("container %s not healthy within %s (last: %s)", container, limit, strings.TrimSpace(out))
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// CheckHealth runs the image's own health check command in the container
// (what Docker runs on its interval) until it passes, and returns when it
// did: the fast loop keeps its container, so its health status would only
// look at the new process on the next interval.
func CheckHealth(ctx context.Context, d docker.Docker, container string, limit time.Duration) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	js, err := d.Output(ctx, "inspect", "--format", "{{json .Config.Healthcheck.Test}}", container)
	if err != nil {
		return time.Time{}, err
	}
	var test []string
	if err := json.Unmarshal([]byte(js), &test); err != nil || len(test) < 2 || test[0] != "CMD" {
		return time.Time{}, fmt.Errorf("container %s: no exec-form health check (%s)", container, strings.TrimSpace(js))
	}
	for {
		if _, err = d.Output(ctx, append([]string{"exec", container}, test[1:]...)...); err == nil {
			return time.Now(), nil
		}
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("container %s: its health check did not pass within %s: %v", container, limit, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
