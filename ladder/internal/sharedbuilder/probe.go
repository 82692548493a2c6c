package sharedbuilder

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// http2Preface is what a gRPC client sends first; a gRPC server answers
// it with a SETTINGS frame.
const http2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// Probe connects to the daemon at addr (host:port) as a gRPC client would
// and reports whether it was let in: nil when the TLS handshake held and
// the daemon answered the HTTP/2 preface, else the error that refused it
// ("certificate required", "unknown certificate authority"). With TLS
// 1.3 the daemon checks the client's certificate after the client thinks
// the handshake is done, so only the first read tells.
func Probe(ctx context.Context, addr string, c ClientTLS) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conf := &tls.Config{RootCAs: c.CA, ServerName: ServerName, NextProtos: []string{"h2"}, MinVersion: tls.VersionTLS12}
	if c.Cert != nil {
		// Always present it: Go would otherwise send no certificate when
		// the daemon's list of acceptable CAs does not name its issuer,
		// and a stranger's certificate would never be tried.
		conf.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return c.Cert, nil }
	}
	d := tls.Dialer{NetDialer: &net.Dialer{}, Config: conf}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	if _, err := io.WriteString(conn, http2Preface); err != nil {
		return err
	}
	buf := make([]byte, 9) // a frame header
	if _, err := io.ReadFull(conn, buf); err != nil {
		return err
	}
	if buf[3] != 0x4 { // SETTINGS
		return fmt.Errorf("the daemon answered with HTTP/2 frame type %d, not SETTINGS", buf[3])
	}
	return nil
}

// Refused reports whether err from Probe is the daemon refusing the
// client's certificate in the TLS handshake (an alert), as opposed to the
// daemon being unreachable.
func Refused(err error) bool {
	var alert tls.AlertError
	if errors.As(err, &alert) {
		return true
	}
	// Go reports some alerts only as "remote error: tls: ...".
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" {
		return true
	}
	return false
}
