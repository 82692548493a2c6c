package sharedbuilder

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/docker"
)

// serveLikeBuildKit listens on loopback with the daemon's TLS settings
// (buildkitd with --tlscacert: a client certificate the CA signed is
// required) and answers a client's HTTP/2 preface with a SETTINGS frame.
func serveLikeBuildKit(t *testing.T, dir string) string {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, ServerCertFile), filepath.Join(dir, ServerKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	pool, err := loadPool(filepath.Join(dir, CAFile))
	if err != nil {
		t.Fatal(err)
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, ClientCAs: pool,
		ClientAuth: tls.RequireAndVerifyClientCert, NextProtos: []string{"h2"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				buf := make([]byte, len(http2Preface))
				if _, err := io.ReadFull(c, buf); err != nil {
					return
				}
				c.Write([]byte{0, 0, 0, 0x4, 0, 0, 0, 0, 0}) // an empty SETTINGS frame
			}(c)
		}
	}()
	return l.Addr().String()
}

func TestProbeLetsInOnlyTheCAsClients(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "certs")
	if err := WriteCerts(dir); err != nil {
		t.Fatal(err)
	}
	addr := serveLikeBuildKit(t, dir)
	good, err := LoadClient(dir)
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := StrangerCert()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		client  ClientTLS
		refused bool
	}{
		{"the CA's client certificate", good, false},
		{"no client certificate", ClientTLS{CA: good.CA}, true},
		{"another CA's certificate", ClientTLS{CA: good.CA, Cert: stranger}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Probe(context.Background(), addr, tc.client)
			if tc.refused != (err != nil) || tc.refused != Refused(err) {
				t.Errorf("Probe: %v (refused in the handshake: %v), want refused %v", err, Refused(err), tc.refused)
			}
		})
	}
	// Nothing listening is no refusal: it proves nothing about TLS.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := l.Addr().String()
	l.Close()
	if err := Probe(context.Background(), closed, good); err == nil || Refused(err) {
		t.Errorf("Probe of a closed port: %v, want an error that is not a refusal", err)
	}
}

func TestWriteCertsChains(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "certs")
	if err := WriteCerts(dir); err != nil {
		t.Fatal(err)
	}
	if !HaveCerts(dir) {
		t.Fatal("HaveCerts: false after WriteCerts")
	}
	pool, _ := loadPool(filepath.Join(dir, CAFile))
	for _, tc := range []struct {
		file  string
		usage x509.ExtKeyUsage
		name  string
	}{{ServerCertFile, x509.ExtKeyUsageServerAuth, ServerName}, {ServerCertFile, x509.ExtKeyUsageServerAuth, "127.0.0.1"},
		{ClientCertFile, x509.ExtKeyUsageClientAuth, ""}} {
		pair, err := tls.LoadX509KeyPair(filepath.Join(dir, tc.file), filepath.Join(dir, strings.Replace(tc.file, ".pem", "-key.pem", 1)))
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(pair.Certificate[0])
		if _, err := c.Verify(x509.VerifyOptions{Roots: pool, DNSName: tc.name, KeyUsages: []x509.ExtKeyUsage{tc.usage}}); err != nil {
			t.Errorf("%s for %q: %v", tc.file, tc.name, err)
		}
	}
	// Private keys are for their owner only.
	for _, f := range []string{caKeyFile, ServerKeyFile, ClientKeyFile} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Errorf("%s: %v", f, err)
		} else if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v; want 0600", f, st.Mode().Perm())
		}
	}
}

func TestUntarRefusesPathsOutsideTheFolder(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{{"index.json", true}, {"blobs/sha256/abc", true}, {"../escape", false}, {"blobs/../../escape", false}} {
		var b bytes.Buffer
		w := tar.NewWriter(&b)
		w.WriteHeader(&tar.Header{Name: tc.name, Mode: 0o644, Size: 2, Typeflag: tar.TypeReg})
		w.Write([]byte("{}"))
		w.Close()
		err := untar(&b, t.TempDir())
		if (err == nil) != tc.ok {
			t.Errorf("untar %q: %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}

func TestOCILayoutFlagsKeepsOtherFlags(t *testing.T) {
	// No docker-image:// context: nothing to save, nothing runs.
	in := []string{"--build-context", "x=../dir", "--label", "a=b"}
	out, err := OCILayoutFlags(context.Background(), dockerNotToRun(), in, t.TempDir())
	if err != nil || strings.Join(out, " ") != strings.Join(in, " ") {
		t.Errorf("got %q, %v; want %q", out, err, in)
	}
}

// dockerNotToRun is a client whose CLI does not exist: a test that runs it fails.
func dockerNotToRun() docker.Docker { return docker.Docker{Bin: "/nonexistent/docker"} }
