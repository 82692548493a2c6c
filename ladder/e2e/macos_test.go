//go:build e2e

package e2e

// The macOS-like test: make's targets run with a PATH that holds only what a
// stock macOS has (with Xcode's command line tools, which bring make and
// git), and BSD behaviour where it differs from GNU. It runs on Linux; on a
// Mac the real commands take the shims' place.

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// macOSCommands are commands a stock macOS has in /bin, /usr/bin or /sbin
// (and docker, go and git, which a reader of this repository installs).
// Left out on purpose, because macOS lacks them: timeout, setsid, nproc.
var macOSCommands = []string{
	"bash", "sh", "make", "perl", "git", "docker", "go",
	"grep", "egrep", "tail", "head", "cat", "tr", "sort", "uniq", "wc", "cut", "tee",
	"mkdir", "rm", "rmdir", "cp", "mv", "ln", "ls", "env", "id", "uname", "sleep", "seq",
	"printf", "test", "expr", "find", "xargs", "dirname", "basename", "tar", "gzip",
	"chmod", "mktemp", "touch", "true", "false", "kill", "ps", "pwd", "echo", "cmp",
	"diff", "od", "tput", "which", "install", "hostname", "whoami", "dd", "du", "df",
}

// bsdShims emulate where macOS's BSD tools differ from GNU's, each after its
// manual page. They fail loudly on a GNU-only form, so a target that
// depends on one fails this test.
var bsdShims = map[string]string{
	// date(1) on macOS (FreeBSD's): -d is not GNU's --date, there is no
	// --long option, and strftime(3) has no %N: FreeBSD's strftime prints an
	// unknown conversion's character itself, so %s.%N gives "1764500000.N".
	"date": `#!/bin/bash
for a in "$@"; do
	case $a in
	-d|-d*|--*) echo "date: illegal option -- ${a#-}" >&2; echo "usage: date [-jnRu] [-I[date|hours|minutes|seconds]] [-f input_fmt] [-r filename|seconds] [-v[+|-]val[y|m|w|d|H|M|S]] [[[[mm]dd]HH]MM[[cc]yy][.SS] | new_date] [+output_fmt]" >&2; exit 1 ;;
	esac
done
args=()
for a in "$@"; do
	case $a in +*) a=${a//%N/N} ;; esac
	args+=("$a")
done
exec {{real date}} "${args[@]}"
`,
	// sed(1) on macOS: -i takes the backup suffix as its own next argument
	// ("sed -i '' s/a/b/ f" edits in place without a backup; "sed -i s/a/b/ f"
	// takes the script as the suffix), and there are no --long options.
	"sed": `#!/bin/bash
args=()
while [ $# -gt 0 ]; do
	case $1 in
	-i) [ $# -ge 2 ] || { echo "sed: option requires an argument -- i" >&2; exit 1; }
	    args+=("-i$2"); shift 2 ;;
	--*) echo "sed: illegal option -- ${1#-}" >&2; exit 1 ;;
	*) args+=("$1"); shift ;;
	esac
done
exec {{real sed}} "${args[@]}"
`,
	// stat(1) on macOS takes -f FORMAT (GNU's -c and --printf do not exist,
	// and GNU's -f means something else): no target may use stat.
	"stat": `#!/bin/bash
echo "stat: the BSD stat(1) of macOS differs from GNU's (-f FORMAT, no -c): not emulated, do not depend on it" >&2
exit 1
`,
	// readlink(1) on macOS before 12.3 has no -f, -e or -m.
	"readlink": `#!/bin/bash
for a in "$@"; do
	case $a in -f|-e|-m|--*) echo "readlink: illegal option -- ${a#-}" >&2; echo "usage: readlink [-n] [file ...]" >&2; exit 1 ;; esac
done
exec {{real readlink}} "$@"
`,
}

// macOSPath builds a folder of commands as on a stock macOS and returns it.
func macOSPath(t *testing.T, withAwk bool) string {
	t.Helper()
	bin := t.TempDir()
	for _, name := range macOSCommands {
		real, err := exec.LookPath(name)
		if err != nil {
			continue // not here either; a target that needs it fails below
		}
		if err := os.Symlink(real, filepath.Join(bin, name)); err != nil {
			t.Fatal(err)
		}
	}
	// awk: the one-true-awk that macOS ships (Debian: original-awk).
	awk := "awk"
	if !withAwk {
		awk = ""
	}
	if awk != "" && runtime.GOOS != "darwin" {
		awk = "original-awk"
	}
	if awk != "" {
		realAwk, err := exec.LookPath(awk)
		if err != nil {
			t.Fatalf("%s is not installed: install it (Debian: apt-get install original-awk) to run the macOS-like test", awk)
		}
		if err := os.Symlink(realAwk, filepath.Join(bin, "awk")); err != nil {
			t.Fatal(err)
		}
	}
	if runtime.GOOS == "darwin" {
		return bin // the real BSD tools, no shims
	}
	for name, script := range bsdShims {
		real, err := exec.LookPath(name)
		if err != nil {
			t.Fatal(err)
		}
		script = strings.ReplaceAll(script, "{{real "+name+"}}", real)
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return bin
}

// TestBSDShimsBehaveAsOnMacOS checks the shims themselves, so the test below
// cannot pass because a shim is too lenient.
func TestBSDShimsBehaveAsOnMacOS(t *testing.T) {
	if runtime.GOOS == "darwin" {
		t.Skip("on macOS the real tools are used")
	}
	bin := macOSPath(t, false)
	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.Env = []string{"PATH=" + bin}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("date", "+%s.%N"); err != nil || !strings.HasSuffix(strings.TrimSpace(out), ".N") {
		t.Errorf("date +%%s.%%N: got %q, %v, want seconds and a literal N", out, err)
	}
	if _, err := run("date", "-d", "@0"); err == nil {
		t.Error("date -d: succeeded, want an illegal option error")
	}
	f := filepath.Join(t.TempDir(), "f")
	os.WriteFile(f, []byte("a\n"), 0o644)
	if _, err := run("sed", "-i", "s/a/b/", f); err == nil {
		t.Error("sed -i s/a/b/ FILE: succeeded, want the script taken as the suffix and no script left")
	}
	if _, err := run("sed", "-i", "", "s/a/b/", f); err != nil {
		t.Errorf("sed -i '' s/a/b/ FILE: %v", err)
	}
	if b, _ := os.ReadFile(f); string(b) != "b\n" {
		t.Errorf("after sed -i '': got %q, want %q", b, "b\n")
	}
	for _, name := range []string{"timeout", "setsid", "nproc"} {
		if _, err := os.Stat(filepath.Join(bin, name)); err == nil {
			t.Errorf("%s is on the macOS-like PATH, want it missing", name)
		}
	}
}

func TestMakeWorksWithAMacOSUserland(t *testing.T) {
	ctx := engine(t)
	bin := macOSPath(t, true)
	prefix := "go-docker-e2e-macos-"
	removeImage(t, prefix+"final")
	make := func(args ...string) string {
		t.Helper()
		// .SHELLFLAGS=-c: GNU make 3.81, as macOS ships it, has no
		// .SHELLFLAGS and runs every recipe with plain `bash -c`.
		cmd := exec.CommandContext(ctx, "make", append(args, ".SHELLFLAGS=-c", "IMAGE_PREFIX="+prefix)...)
		cmd.Dir = repoRoot(t)
		cmd.Env = append(os.Environ(), "PATH="+bin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make %s with a macOS PATH: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	if out := make("help"); !strings.Contains(out, "final") || !strings.Contains(out, "distclean") {
		t.Errorf("make help with one-true-awk: got %q, want the targets listed", out)
	}
	out := make("final")
	m := regexp.MustCompile(regexp.QuoteMeta(prefix+"final") + `\s+(\S+)(?:\s+\(base \S+ \+ \S+\))?\s+built in\s+(\d+\.\d) s`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("make final: no build line with a time in tenths of a second:\n%s", out)
	}
	if secs, _ := strconv.ParseFloat(m[2], 64); secs <= 0 {
		t.Errorf("make final: build time %s s, want a measured sub-second resolution time above 0", m[2])
	}
	if !regexp.MustCompile(`^\d+(\.\d+)?[kMG]?B$`).MatchString(m[1]) {
		t.Errorf("make final: size %q, want one as docker images shows it", m[1])
	}
	if out := make("images"); !strings.Contains(out, prefix+"final") {
		t.Errorf("make images: got %q, want %sfinal listed", out, prefix)
	}
}

// TestScriptsAvoidBash4AndGNUOnly reads the Makefile and the scripts a
// reader runs for constructs that bash 3.2 (macOS's) or a BSD userland lack.
// offline/ (stand-ins, an engine built as root) and .ci/run serve machines
// without a registry, all Linux here, and are left out.
func TestScriptsAvoidBash4AndGNUOnly(t *testing.T) {
	root, err := repo.Root(".")
	if err != nil {
		t.Fatal(err)
	}
	banned := []struct{ re, why string }{
		{`declare -A|local -A|typeset -A`, "associative arrays need bash 4"},
		{`\bmapfile\b|\breadarray\b`, "mapfile needs bash 4"},
		{`\$\{[A-Za-z_]+(,,|\^\^)`, "case conversion needs bash 4"},
		{`\|&|&>>`, "|& and &>> need bash 4"},
		{`\bcoproc\b`, "coproc needs bash 4"},
		{`EPOCHREALTIME|EPOCHSECONDS`, "needs bash 5"},
		{`\[\[ -v `, "[[ -v needs bash 4.2"},
		{`%N`, "BSD date has no %N"},
		{`(^|[^-\w])timeout +[0-9]`, "macOS has no timeout"},
		{`\bsetsid\b`, "macOS has no setsid"},
		{`\bnproc\b`, "macOS has no nproc"},
		{`readlink -f|stat -c|sed -i |sed -r |date -d|grep -P`, "GNU-only flag"},
		{`\.ONESHELL|\$\(file |^[A-Za-z_.]+ *(::=|!=)|^undefine\b|\.RECIPEPREFIX`, "needs GNU make newer than 3.81"},
	}
	files, err := filepath.Glob(filepath.Join(root, "make", "*.mk"))
	if err != nil {
		t.Fatal(err)
	}
	scripts, err := filepath.Glob(filepath.Join(root, "scripts", "*.sh"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(append([]string{filepath.Join(root, "Makefile")}, files...), scripts...)
	if len(scripts) < 3 {
		t.Fatalf("found %d scripts in scripts/: want build.sh, check-docker.sh and distclean.sh at least", len(scripts))
	}
	for _, f := range files {
		f, _ = filepath.Rel(root, f)
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			code := line
			if strings.HasPrefix(strings.TrimSpace(code), "#") {
				continue
			}
			for _, ban := range banned {
				if regexp.MustCompile(ban.re).MatchString(code) {
					t.Errorf("%s:%d: %s: %s", f, i+1, ban.why, strings.TrimSpace(line))
				}
			}
		}
	}
}
