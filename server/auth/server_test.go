package auth

import (
	"crypto/tls"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// testServer does just enough of a PostgreSQL server for clients to log in
// and run "select 1": start-up, Authenticate, the usual start-up messages,
// and one canned answer to every simple Query.
type testServer struct {
	ln      net.Listener
	methods map[string]Method // per user; "*" for everybody else
	creds   map[string]*Credentials

	// tls, when set, answers SSLRequest with 'S'; tlsConns counts them.
	tls      *tls.Config
	tlsConns atomic.Int32

	mu   sync.Mutex
	errs []error // Authenticate's results, in connection order
	wg   sync.WaitGroup
}

func startTestServer(t testing.TB, methods map[string]Method, creds map[string]*Credentials) *testServer {
	return startTLSTestServer(t, methods, creds, nil)
}

// startTLSTestServer is startTestServer with TLS when cfg is not nil.
func startTLSTestServer(t testing.TB, methods map[string]Method, creds map[string]*Credentials, cfg *tls.Config) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &testServer{ln: ln, methods: methods, creds: creds, tls: cfg}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *testServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// results returns the errors Authenticate returned so far.
func (s *testServer) results() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.errs...)
}

func (s *testServer) serve(c net.Conn) {
	defer c.Close()
	be := pgproto3.NewBackend(c, c)
	var user string
	for user == "" {
		msg, err := be.ReceiveStartupMessage()
		if err != nil {
			return
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest:
			if s.tls == nil {
				if _, err := c.Write([]byte{'N'}); err != nil {
					return
				}
				continue
			}
			if _, err := c.Write([]byte{'S'}); err != nil {
				return
			}
			tc := tls.Server(c, s.tls)
			if tc.Handshake() != nil {
				return
			}
			s.tlsConns.Add(1)
			c = tc
			defer c.Close()
			be = pgproto3.NewBackend(c, c)
		case *pgproto3.GSSEncRequest:
			if _, err := c.Write([]byte{'N'}); err != nil {
				return
			}
		case *pgproto3.StartupMessage:
			user = m.Parameters["user"]
		default:
			return
		}
	}
	m, ok := s.methods[user]
	if !ok {
		m = s.methods["*"]
	}
	be.SetMaxBodyLen(MaxMessageLen)
	err := Authenticate(be, m, user, s.creds[user])
	be.SetMaxBodyLen(0)
	s.mu.Lock()
	s.errs = append(s.errs, err)
	s.mu.Unlock()
	if err != nil {
		if !errors.Is(err, ErrClientGone) {
			be.Send(errorResponse(pgerror.From(err)))
			_ = be.Flush()
		}
		return
	}
	be.Send(&pgproto3.AuthenticationOk{})
	for _, p := range [][2]string{{"server_version", "15.18"}, {"client_encoding", "UTF8"},
		{"standard_conforming_strings", "on"}, {"integer_datetimes", "on"}, {"DateStyle", "ISO, MDY"}} {
		be.Send(&pgproto3.ParameterStatus{Name: p[0], Value: p[1]})
	}
	be.Send(&pgproto3.BackendKeyData{ProcessID: 4242, SecretKey: []byte{1, 2, 3, 4}})
	be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
	if be.Flush() != nil {
		return
	}
	for {
		msg, err := be.Receive()
		if err != nil {
			return
		}
		switch msg.(type) {
		case *pgproto3.Query:
			be.Send(&pgproto3.RowDescription{Fields: []pgproto3.FieldDescription{{
				Name: []byte("?column?"), DataTypeOID: 23, DataTypeSize: 4, TypeModifier: -1}}})
			be.Send(&pgproto3.DataRow{Values: [][]byte{[]byte("1")}})
			be.Send(&pgproto3.CommandComplete{CommandTag: []byte("SELECT 1")})
			be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
			if be.Flush() != nil {
				return
			}
		case *pgproto3.Terminate:
			return
		default:
			return
		}
	}
}

// errorResponse turns e into the wire message, the way the server will.
func errorResponse(e *pgerror.Error) *pgproto3.ErrorResponse {
	return &pgproto3.ErrorResponse{Severity: e.Severity, SeverityUnlocalized: e.Severity, Code: e.Code,
		Message: e.Message, Detail: e.Detail, Hint: e.Hint}
}
