// Package sharedbuilder runs one BuildKit daemon that a team shares, so
// that its cache mounts (GOMODCACHE, GOCACHE) serve every client: a
// container that publishes its gRPC port on 127.0.0.1 only and speaks
// mutual TLS, and buildx builders on the remote driver that reach it,
// each with a Docker client configuration of its own.
package sharedbuilder

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// The files of a certificate folder (WriteCerts): the CA every party
// trusts, the daemon's pair, and one client's pair.
const (
	CAFile         = "ca.pem"
	caKeyFile      = "ca-key.pem"
	ServerCertFile = "server.pem"
	ServerKeyFile  = "server-key.pem"
	ClientCertFile = "client.pem"
	ClientKeyFile  = "client-key.pem"
)

// ServerName is the name the daemon's certificate is issued for (with
// 127.0.0.1 and localhost), and the name clients check.
const ServerName = "buildkitd"

// A keyPair is a certificate and its private key.
type keyPair struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// issue signs tmpl with parent's key, or with its own new key when parent
// is nil (a CA), for a year.
func issue(tmpl *x509.Certificate, parent *keyPair) (*keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	if tmpl.SerialNumber, err = rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127)); err != nil {
		return nil, err
	}
	tmpl.NotBefore = time.Now().Add(-time.Hour) // clocks of containers may lag
	tmpl.NotAfter = time.Now().Add(365 * 24 * time.Hour)
	signer, signerCert := key, tmpl
	if parent != nil {
		signer, signerCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, &key.PublicKey, signer)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return &keyPair{cert, key}, err
}

func newCA(name string) (*keyPair, error) {
	return issue(&x509.Certificate{Subject: pkix.Name{CommonName: name}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}, nil)
}

func newClient(name string, ca *keyPair) (*keyPair, error) {
	return issue(&x509.Certificate{Subject: pkix.Name{CommonName: name}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, ca)
}

// write stores a pair as PEM: the certificate readable, the key only by
// its owner.
func (p *keyPair) write(certPath, keyPath string) error {
	der, err := x509.MarshalPKCS8PrivateKey(p.key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.cert.Raw}), 0o644)
}

// WriteCerts writes a new CA, a server certificate for ServerName,
// localhost and 127.0.0.1, and a client certificate into dir, with
// crypto/x509 (ECDSA P-256, valid a year). The folder is written whole
// under a temporary name, then renamed: no half-written set is ever used.
func WriteCerts(dir string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".certs-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	ca, err := newCA("go-docker shared builder CA")
	if err != nil {
		return err
	}
	server, err := issue(&x509.Certificate{Subject: pkix.Name{CommonName: ServerName},
		DNSNames: []string{ServerName, "localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, ca)
	if err != nil {
		return err
	}
	client, err := newClient("go-docker client", ca)
	if err != nil {
		return err
	}
	for _, w := range []struct {
		p         *keyPair
		cert, key string
	}{{ca, CAFile, caKeyFile}, {server, ServerCertFile, ServerKeyFile}, {client, ClientCertFile, ClientKeyFile}} {
		if err := w.p.write(filepath.Join(tmp, w.cert), filepath.Join(tmp, w.key)); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.Rename(tmp, dir)
}

// HaveCerts reports whether dir holds a complete set from WriteCerts.
func HaveCerts(dir string) bool {
	for _, f := range []string{CAFile, ServerCertFile, ServerKeyFile, ClientCertFile, ClientKeyFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return false
		}
	}
	return true
}

// ClientTLS is what a client presents: the CA it trusts and, unless
// nil, its own certificate.
type ClientTLS struct {
	CA   *x509.CertPool
	Cert *tls.Certificate
}

// LoadClient reads the CA and the client pair of a folder from WriteCerts.
func LoadClient(dir string) (ClientTLS, error) {
	pool, err := loadPool(filepath.Join(dir, CAFile))
	if err != nil {
		return ClientTLS{}, err
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, ClientCertFile), filepath.Join(dir, ClientKeyFile))
	if err != nil {
		return ClientTLS{}, err
	}
	return ClientTLS{CA: pool, Cert: &cert}, nil
}

func loadPool(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("%s: no certificate", path)
	}
	return pool, nil
}

// StrangerCert is a client certificate another CA signed: what the daemon
// must refuse even though it is a valid certificate.
func StrangerCert() (*tls.Certificate, error) {
	ca, err := newCA("another CA")
	if err != nil {
		return nil, err
	}
	p, err := newClient("stranger", ca)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, errors.New("no certificate")
	}
	return &tls.Certificate{Certificate: [][]byte{p.cert.Raw}, PrivateKey: p.key, Leaf: p.cert}, nil
}
