package auth

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// rfc7677 is the example exchange of RFC 7677 §3 (user "user", password
// "pencil").
var rfc7677 = struct {
	salt, clientFirst, serverNonce, serverFirst, clientFinal, serverFinal string
}{
	salt:        "W22ZaJ0SNY7soEsUEjb6gQ==",
	clientFirst: "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
	serverNonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
	serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
	clientFinal: "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
	serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
}

func rfcCreds(t testing.TB) *Credentials {
	salt, _ := base64.StdEncoding.DecodeString(rfc7677.salt)
	c, err := newCredentials("user", "pencil", salt, 4096)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rfcServer is a scramServer set up for the RFC's exchange.
func rfcServer(c *Credentials, user string) *scramServer {
	s := newSCRAMServer(user, c)
	s.serverNonce = rfc7677.serverNonce
	return s
}

func TestSCRAMRFC7677(t *testing.T) {
	c := rfcCreds(t)
	s := rfcServer(c, "user")
	first, err := s.clientFirst([]byte(rfc7677.clientFirst))
	if err != nil || string(first) != rfc7677.serverFirst {
		t.Fatalf("server-first = %q, %v; want %q", first, err, rfc7677.serverFirst)
	}
	final, ok, err := s.clientFinal([]byte(rfc7677.clientFinal))
	if err != nil || !ok || string(final) != rfc7677.serverFinal {
		t.Fatalf("server-final = %q, %v, %v; want %q", final, ok, err, rfc7677.serverFinal)
	}

	// The same exchange for another user (mock salt) or with credentials of
	// another user must fail without an error, like a wrong proof.
	for _, user := range []string{"other", "user"} {
		creds := c
		if user == "user" {
			creds = nil
		}
		s := rfcServer(creds, user)
		if _, err := s.clientFirst([]byte(rfc7677.clientFirst)); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.clientFinal([]byte(rfc7677.clientFinal)); ok || err != nil {
			t.Errorf("mock exchange for %q: ok=%v err=%v", user, ok, err)
		}
	}
}

func TestParseMethod(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Method
		ok   bool
	}{
		{"trust", Trust, true}, {"password", Password, true}, {"md5", MD5, true},
		{"scram-sha-256", SCRAMSHA256, true}, {"SCRAM-SHA-256", "", false}, {"ident", "", false}, {"", "", false},
	} {
		m, err := ParseMethod(tc.in)
		if m != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseMethod(%q) = %q, %v", tc.in, m, err)
		}
		if err != nil && pgerror.Code(err) != pgerror.ConfigFileError {
			t.Errorf("ParseMethod(%q): code %s", tc.in, pgerror.Code(err))
		}
	}
}

func TestSecrets(t *testing.T) {
	c := mustCreds(t, "alice", "secret")
	for _, secret := range []string{c.SCRAMSecret(), c.MD5Secret()} {
		p, err := ParseSecret("alice", secret)
		if err != nil {
			t.Fatalf("ParseSecret(%q): %v", secret, err)
		}
		if got := p.SCRAMSecret() + p.MD5Secret(); got != secret {
			t.Errorf("round trip of %q gave %q", secret, got)
		}
	}
	for _, bad := range []string{"", "md5", "md5xyz", "plain", "SCRAM-SHA-256$4096:c2FsdA==$AAAA:AAAA",
		strings.Replace(c.SCRAMSecret(), "$4096:", "$0:", 1), "SCRAM-SHA-256$x"} {
		if _, err := ParseSecret("alice", bad); err == nil {
			t.Errorf("ParseSecret(%q) succeeded", bad)
		}
	}
	if _, err := NewCredentials("alice", ""); pgerror.Code(err) != pgerror.InvalidPassword {
		t.Errorf("empty password: %v", err)
	}
	if a, b := mustCreds(t, "alice", "x"), mustCreds(t, "alice", "x"); string(a.Salt) == string(b.Salt) {
		t.Error("two credentials share a salt")
	}
}

func BenchmarkSCRAMExchange(b *testing.B) {
	c := rfcCreds(b)
	b.ReportAllocs()
	for b.Loop() {
		s := rfcServer(c, "user")
		if _, err := s.clientFirst([]byte(rfc7677.clientFirst)); err != nil {
			b.Fatal(err)
		}
		if _, ok, err := s.clientFinal([]byte(rfc7677.clientFinal)); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkNewCredentials(b *testing.B) {
	for b.Loop() {
		if _, err := NewCredentials("user", "pencil"); err != nil {
			b.Fatal(err)
		}
	}
}
