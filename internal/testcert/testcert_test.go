package testcert

import (
	"crypto/tls"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// TestHandshake serves TLS with the written files and connects to it by
// address and by name, verifying the certificate with Pool.
func TestHandshake(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, err := Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", fi.Mode(), err)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := Pool(certFile)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte("hi"))
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	for _, name := range []string{"127.0.0.1", "localhost"} {
		c, err := tls.Dial("tcp", net.JoinHostPort("127.0.0.1", port), &tls.Config{RootCAs: pool, ServerName: name})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b, err := io.ReadAll(c); err != nil || string(b) != "hi" {
			t.Errorf("%s: read %q, %v", name, b, err)
		}
		c.Close()
	}
	// A name the certificate does not cover must fail verification.
	if c, err := tls.Dial("tcp", net.JoinHostPort("127.0.0.1", port), &tls.Config{RootCAs: pool, ServerName: "example.com"}); err == nil {
		c.Close()
		t.Error("example.com verified")
	}
	if _, err := Pool(filepath.Join(dir, "missing.pem")); err == nil {
		t.Error("Pool of a missing file succeeded")
	}
	if _, err := Pool(keyFile); err == nil {
		t.Error("Pool of a key file succeeded")
	}
}
