package names

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// envFile is scripts/names.env, from this package's folder.
var envFile = filepath.Join("..", "..", "..", "scripts", "names.env")

// envName is how the messages name it.
const envName = "scripts/names.env"

// Every NAME of scripts/names.env is a constant here with the same value,
// and every constant here is a NAME there: PROJECT_LABEL is ProjectLabel
// (compared without underscores and case, so BUILDKIT_IMAGE is
// BuildKitImage).
func TestNamesEnvAndConstantsAgree(t *testing.T) {
	env := readEnv(t, envFile)
	consts := readConsts(t)
	for name, value := range env {
		c, ok := consts[key(name)]
		switch {
		case !ok:
			t.Errorf("%s: %s=%s has no Go constant: add it to package names", envName, name, value)
		case c.value != value:
			t.Errorf("%s: %s=%s, but names.%s is %q", envName, name, value, c.name, c.value)
		}
	}
	envKeys := map[string]bool{}
	for name := range env {
		envKeys[key(name)] = true
	}
	for k, c := range consts {
		if !envKeys[k] {
			t.Errorf("names.%s (%q) is not in %s: define it there, once", c.name, c.value, envName)
		}
	}
}

// key is how a NAME and a constant's name are matched.
func key(name string) string { return strings.ToUpper(strings.ReplaceAll(name, "_", "")) }

// readEnv reads NAME=value lines; # starts a comment line.
func readEnv(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || name == "" || strings.ContainsAny(line, " \t\"'") {
			t.Fatalf("%s line %d: want NAME=value, no spaces, no quotes: %q", envName, n, line)
		}
		env[name] = value
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return env
}

// goConst is a constant of this package as its source spells it.
type goConst struct{ name, value string }

// readConsts reads the package's constants from its source, by key, so
// that one added here without a NAME is found too.
func readConsts(t *testing.T) map[string]goConst {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]goConst{}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
				for _, s := range g.Specs {
					addConsts(t, consts, s.(*ast.ValueSpec))
				}
			}
		}
	}
	return consts
}

// addConsts adds the constants of one spec: each must be exported and a
// string literal, as the values of names.env are.
func addConsts(t *testing.T, consts map[string]goConst, s *ast.ValueSpec) {
	t.Helper()
	for i, id := range s.Names {
		var lit *ast.BasicLit
		if i < len(s.Values) {
			lit, _ = s.Values[i].(*ast.BasicLit)
		}
		if !id.IsExported() || lit == nil || lit.Kind != token.STRING {
			t.Fatalf("names.%s: want an exported constant holding a string literal, as names.env has", id.Name)
		}
		v, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		consts[key(id.Name)] = goConst{id.Name, v}
	}
}
