package auth

import (
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// checkFatal fails unless err is a FATAL *pgerror.Error.
func checkFatal(t *testing.T, err error) {
	t.Helper()
	var pe *pgerror.Error
	if !errors.As(err, &pe) || !pe.IsFatal() || pe.Code == "" || pe.Message == "" {
		t.Fatalf("error is not a FATAL *pgerror.Error: %#v", err)
	}
}

// FuzzSCRAM feeds arbitrary client-first and client-final messages to the
// SCRAM state machine of RFC 7677's example. It must not panic, must fail
// with FATAL errors, and may succeed only when the proof is the one an
// independent client computes from the right password.
func FuzzSCRAM(f *testing.F) {
	f.Add([]byte(rfc7677.clientFirst), []byte(rfc7677.clientFinal))
	for _, tc := range readSCRAMCases(f) {
		final := strings.ReplaceAll(tc.final, "{r}", "rOprNGfwEbeRWgbNEkqO"+rfc7677.serverNonce)
		f.Add([]byte(tc.first), []byte(final))
	}
	creds := rfcCreds(f)
	f.Fuzz(func(t *testing.T, first, final []byte) {
		s := rfcServer(creds, "user")
		serverFirst, err := s.clientFirst(first)
		if err != nil {
			checkFatal(t, err)
			return
		}
		serverFinal, ok, err := s.clientFinal(final)
		if err != nil {
			checkFatal(t, err)
			return
		}
		if !ok {
			if serverFinal != nil {
				t.Fatal("server-final sent for a failed proof")
			}
			return
		}
		// Success: recompute the proof the way a client does.
		msg := string(final)
		i := strings.LastIndex(msg, ",p=")
		proof := strings.TrimSuffix(msg[i+3:], ",")
		bare := s.clientFirstBare
		want := clientProof(t, "pencil", rfc7677.salt, "4096", bare+","+string(serverFirst)+","+msg[:i])
		if proof != want {
			t.Fatalf("accepted proof %q, the right one is %q", proof, want)
		}
		if !strings.HasPrefix(string(serverFinal), "v=") {
			t.Fatalf("server-final %q", serverFinal)
		}
	})
}

// fuzzCreds is made once: PBKDF2 is slow on purpose.
var fuzzCreds = sync.OnceValue(func() *Credentials {
	c, err := NewCredentials("postgres", "secret")
	if err != nil {
		panic(err)
	}
	return c
})

// FuzzAuthenticate plays the client side of every method with arbitrary
// bytes over a pipe. Authenticate must not panic or hang, must fail with
// FATAL errors, and may succeed only for trust, or for password when the
// bytes hold the right password.
func FuzzAuthenticate(f *testing.F) {
	enc := func(msgs ...pgproto3.FrontendMessage) []byte {
		var b []byte
		for _, m := range msgs {
			var err error
			if b, err = m.Encode(b); err != nil {
				f.Fatal(err)
			}
		}
		return b
	}
	for m := range byte(4) {
		f.Add(m, enc(&pgproto3.PasswordMessage{Password: "secret"}))
		f.Add(m, enc(&pgproto3.PasswordMessage{Password: "md5" + strings.Repeat("a", 32)}))
		f.Add(m, enc(&pgproto3.PasswordMessage{Password: ""}))
		f.Add(m, enc(&pgproto3.Query{String: "select 1"}))
		f.Add(m, enc(&pgproto3.SASLInitialResponse{AuthMechanism: mechSCRAM, Data: []byte("n,,n=,r=abc")},
			&pgproto3.SASLResponse{Data: []byte("c=biws,r=abc,p=AAAA")}))
		f.Add(m, []byte{'p', 0, 0, 0, 3})
		f.Add(m, []byte{'p', 0xff, 0xff, 0xff, 0xff})
	}
	methods := []Method{Trust, Password, MD5, SCRAMSHA256}
	creds := fuzzCreds()
	f.Fuzz(func(t *testing.T, method byte, data []byte) {
		m := methods[int(method)%len(methods)]
		client, server := net.Pipe()
		done := make(chan error, 1)
		go func() {
			be := pgproto3.NewBackend(server, server)
			be.SetMaxBodyLen(MaxMessageLen)
			done <- Authenticate(be, m, "postgres", creds)
			server.Close()
		}()
		go func() { _, _ = io.Copy(io.Discard, client) }()
		_, _ = client.Write(data)
		client.Close()
		err := <-done
		if err != nil {
			checkFatal(t, err)
			return
		}
		switch {
		case m == Trust:
		case m == Password && strings.Contains(string(data), "secret\x00"):
		default:
			t.Fatalf("%s succeeded with %q", m, data)
		}
	})
}
