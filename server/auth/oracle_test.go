package auth

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if oracle != nil {
		oracle.Stop()
		os.RemoveAll(oracleHBADir)
	}
	os.Exit(code)
}

var (
	oracleOnce   sync.Once
	oracle       *pgoracle.Server
	oracleErr    error
	oracleHBADir string
)

// oracleUsers are the roles of the PostgreSQL oracle, each with password
// "x" and the pg_hba.conf method of its name. Everybody else gets SCRAM, so
// that unknown users see the mock exchange.
var oracleUsers = map[string]Method{"postgres": Trust, "u_password": Password, "u_md5": MD5, "u_scram": SCRAMSHA256, "*": SCRAMSHA256}

// startOracle starts a PostgreSQL 15 whose pg_hba.conf asks oracleUsers for
// passwords. pgoracle's shared server trusts everybody, so this one gets its
// own hba_file.
func startOracle(t *testing.T) *pgoracle.Server {
	t.Helper()
	oracleOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nqdb-auth-hba-")
		if err != nil {
			oracleErr = err
			return
		}
		oracleHBADir = dir
		// The server may run as the postgres system user: let it read the file.
		_ = os.Chmod(dir, 0o755)
		hba := "host all postgres 127.0.0.1/32 trust\n" +
			"host all u_password 127.0.0.1/32 password\n" +
			"host all u_md5 127.0.0.1/32 md5\n" +
			"host all all 127.0.0.1/32 scram-sha-256\n"
		path := filepath.Join(dir, "pg_hba.conf")
		if oracleErr = os.WriteFile(path, []byte(hba), 0o644); oracleErr != nil {
			return
		}
		if oracle, oracleErr = pgoracle.Start("hba_file = '" + path + "'"); oracleErr != nil {
			return
		}
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, oracle.DSN())
		if err != nil {
			oracleErr = err
			return
		}
		defer conn.Close(ctx)
		for _, q := range []string{
			"SET password_encryption = 'md5'",
			"CREATE ROLE u_md5 LOGIN PASSWORD 'x'",
			"SET password_encryption = 'scram-sha-256'",
			"CREATE ROLE u_password LOGIN PASSWORD 'x'",
			"CREATE ROLE u_scram LOGIN PASSWORD 'x'",
			"CREATE ROLE u_secret LOGIN",
		} {
			if _, err := conn.Exec(ctx, q); err != nil {
				oracleErr = fmt.Errorf("%s: %w", q, err)
				return
			}
		}
	})
	if oracleErr != nil {
		if os.Getenv("NQDB_REQUIRE_PG") == "" {
			t.Skipf("PostgreSQL oracle unavailable: %v", oracleErr)
		}
		t.Fatalf("PostgreSQL oracle unavailable: %v", oracleErr)
	}
	return oracle
}

// nqdbLikeOracle starts the test server with the oracle's users.
func nqdbLikeOracle(t *testing.T) *testServer {
	creds := map[string]*Credentials{}
	for u := range oracleUsers {
		creds[u] = mustCreds(t, u, "x")
	}
	return startTestServer(t, oracleUsers, creds)
}

// TestClientsMatchPostgreSQL logs in to PostgreSQL and to nqdb with every
// client, method and password; what the clients see must be equal.
func TestClientsMatchPostgreSQL(t *testing.T) {
	pg := startOracle(t)
	ours := nqdbLikeOracle(t)
	for _, c := range clients {
		for _, user := range []string{"u_password", "u_md5", "u_scram", "nobody"} {
			for _, pw := range []string{"x", "wrong"} {
				t.Run(c.name+"/"+user+"/"+pw, func(t *testing.T) {
					want := c.run(t, pg.Port, user, pw, noSSL)
					got := c.run(t, ours.port(), user, pw, noSSL)
					if got != want {
						t.Errorf("nqdb       %v\npostgresql %v", got, want)
					}
				})
			}
		}
	}
}

// TestSecretsMatchPostgreSQL checks that nqdb derives the secrets
// PostgreSQL stores, with PostgreSQL's own salt, including SASLprep of
// non-ASCII passwords.
func TestSecretsMatchPostgreSQL(t *testing.T) {
	pg := startOracle(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	passwords := []string{"x", "pencil", "with space", "quote'd", "é", "e\u0301", "ｐａｓｓ", "a\u00a0b", "\u2168", "ß",
		"a\u00adb", "\u00ad", "\u200bx\u3000", "\u0627\u0644", "\u0627a", "a\u0627b\u0627", "é\t", "x\u0221", "\ue000é",
		"\U0001d400\u00e9", "\ufb01", "\u2024"}
	for _, pw := range passwords {
		for _, enc := range []string{"scram-sha-256", "md5"} {
			t.Run(enc+"/"+pw, func(t *testing.T) {
				if _, err := conn.Exec(ctx, "SET password_encryption = '"+enc+"'"); err != nil {
					t.Fatal(err)
				}
				if _, err := conn.Exec(ctx, "ALTER ROLE u_secret PASSWORD '"+strings.ReplaceAll(pw, "'", "''")+"'"); err != nil {
					t.Fatal(err)
				}
				var secret string
				if err := conn.QueryRow(ctx, "SELECT rolpassword FROM pg_authid WHERE rolname = 'u_secret'").Scan(&secret); err != nil {
					t.Fatal(err)
				}
				pc, err := ParseSecret("u_secret", secret)
				if err != nil {
					t.Fatal(err)
				}
				salt, iter := pc.Salt, pc.Iterations
				if enc == "md5" {
					salt, iter = []byte("salt"), 1
				}
				ours, err := newCredentials("u_secret", pw, salt, iter)
				if err != nil {
					t.Fatal(err)
				}
				got := ours.SCRAMSecret()
				if enc == "md5" {
					got = ours.MD5Secret()
				}
				if got != secret {
					t.Errorf("password %q: nqdb %s, PostgreSQL %s", pw, got, secret)
				}
			})
		}
	}
}

// scramCase is one line of testdata/scram_cases.txt.
type scramCase struct{ name, mech, first, final string }

func readSCRAMCases(t testing.TB) []scramCase {
	f, err := os.Open(filepath.Join("testdata", "scram_cases.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []scramCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		var fields []string
		for line != "" {
			q, err := strconv.QuotedPrefix(line)
			if err != nil {
				t.Fatalf("scram_cases.txt:%d: %v", n, err)
			}
			s, _ := strconv.Unquote(q)
			fields = append(fields, s)
			line = strings.TrimSpace(line[len(q):])
		}
		if len(fields) != 4 {
			t.Fatalf("scram_cases.txt:%d: want 4 fields, got %d", n, len(fields))
		}
		cases = append(cases, scramCase{fields[0], fields[1], fields[2], fields[3]})
	}
	return cases
}

// TestRawSCRAMMatchesPostgreSQL sends hand-made SCRAM messages, well formed
// and not, to both servers and compares the error fields.
func TestRawSCRAMMatchesPostgreSQL(t *testing.T) {
	pg := startOracle(t)
	ours := nqdbLikeOracle(t)
	for _, tc := range readSCRAMCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			want := rawSCRAM(t, pg.Port, "u_scram", "x", tc)
			got := rawSCRAM(t, ours.port(), "u_scram", "x", tc)
			if got != want {
				t.Errorf("nqdb       %v\npostgresql %v", got, want)
			}
		})
	}
}

// TestRawPasswordMatchesPostgreSQL does the same for the password and md5
// methods: the message that answers the request is replaced.
func TestRawPasswordMatchesPostgreSQL(t *testing.T) {
	pg := startOracle(t)
	ours := nqdbLikeOracle(t)
	for _, user := range []string{"u_password", "u_md5"} {
		for _, answer := range []pgproto3.FrontendMessage{
			&pgproto3.PasswordMessage{Password: ""},
			&pgproto3.PasswordMessage{Password: "wrong"},
			&pgproto3.PasswordMessage{Password: "md5" + strings.Repeat("0", 32)},
			&pgproto3.Query{String: "select 1"},
			&pgproto3.SASLInitialResponse{AuthMechanism: "SCRAM-SHA-256", Data: []byte("n,,n=,r=abc")},
		} {
			t.Run(fmt.Sprintf("%s/%T", user, answer), func(t *testing.T) {
				want := rawExchange(t, pg.Port, user, func(fe *pgproto3.Frontend, _ pgproto3.BackendMessage) pgproto3.FrontendMessage { return answer })
				got := rawExchange(t, ours.port(), user, func(fe *pgproto3.Frontend, _ pgproto3.BackendMessage) pgproto3.FrontendMessage { return answer })
				if got != want {
					t.Errorf("nqdb       %v\npostgresql %v", got, want)
				}
			})
		}
	}
}

// rawExchange logs in as user over a raw protocol connection; answer
// returns the reply to each authentication request (nil: hang up).
func rawExchange(t *testing.T, port int, user string, answer func(*pgproto3.Frontend, pgproto3.BackendMessage) pgproto3.FrontendMessage) outcome {
	t.Helper()
	conn, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	fe := pgproto3.NewFrontend(conn, conn)
	fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"user": user, "database": "postgres"}})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	for {
		msg, err := fe.Receive()
		if err != nil {
			return outcome{Text: "connection closed"}
		}
		switch m := msg.(type) {
		case *pgproto3.AuthenticationOk:
			return outcome{OK: true}
		case *pgproto3.ErrorResponse:
			return outcome{Severity: m.Severity, Code: m.Code, Message: m.Message, Detail: m.Detail, Hint: m.Hint}
		case *pgproto3.AuthenticationSASLFinal:
			continue
		}
		reply := answer(fe, msg)
		if reply == nil {
			return outcome{Text: fmt.Sprintf("stopped after %T", msg)}
		}
		fe.Send(reply)
		if err := fe.Flush(); err != nil {
			t.Fatal(err)
		}
	}
}

// rawSCRAM runs tc against the server at port.
func rawSCRAM(t *testing.T, port int, user, password string, tc scramCase) outcome {
	return rawExchange(t, port, user, func(fe *pgproto3.Frontend, msg pgproto3.BackendMessage) pgproto3.FrontendMessage {
		switch m := msg.(type) {
		case *pgproto3.AuthenticationSASL:
			return &pgproto3.SASLInitialResponse{AuthMechanism: tc.mech, Data: []byte(tc.first)}
		case *pgproto3.AuthenticationSASLContinue:
			switch tc.final {
			case "":
				return nil
			case "!Q":
				return &pgproto3.Query{String: "select 1"}
			case "!E":
				return &pgproto3.SASLResponse{}
			}
			return &pgproto3.SASLResponse{Data: []byte(clientFinal(t, password, tc.first, string(m.Data), tc.final))}
		}
		t.Fatalf("unexpected %T", msg)
		return nil
	})
}

// clientFinal fills the {r} and {p} placeholders of a client-final-message
// template: the client's side of SCRAM, written from RFC 5802 independently
// of the server code.
func clientFinal(t testing.TB, password, first, serverFirst, tmpl string) string {
	attrs := map[string]string{}
	for _, kv := range strings.Split(serverFirst, ",") {
		k, v, _ := strings.Cut(kv, "=")
		attrs[k] = v
	}
	msg := strings.ReplaceAll(tmpl, "{r}", attrs["r"])
	without, rest, ok := strings.Cut(msg, ",p={p}")
	if !ok {
		return msg
	}
	// client-first-message-bare follows the gs2 header's second comma.
	bare := first
	if i := strings.IndexByte(first, ','); i >= 0 {
		if j := strings.IndexByte(first[i+1:], ','); j >= 0 {
			bare = first[i+1+j+1:]
		}
	}
	return without + ",p=" + clientProof(t, password, attrs["s"], attrs["i"], bare+","+serverFirst+","+without) + rest
}

// clientProof computes ClientProof for AuthMessage authMsg.
func clientProof(t testing.TB, password, salt64, iter, authMsg string) string {
	salt, err := base64.StdEncoding.DecodeString(salt64)
	if err != nil {
		t.Fatalf("server salt %q: %v", salt64, err)
	}
	i, err := strconv.Atoi(iter)
	if err != nil {
		t.Fatalf("server iterations %q: %v", iter, err)
	}
	salted, err := pbkdf2.Key(sha256.New, password, salt, i, 32)
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, salted)
	mac.Write([]byte("Client Key"))
	clientKey := mac.Sum(nil)
	storedKey := sha256.Sum256(clientKey)
	mac = hmac.New(sha256.New, storedKey[:])
	mac.Write([]byte(authMsg))
	proof := mac.Sum(nil)
	subtle.XORBytes(proof, proof, clientKey)
	return base64.StdEncoding.EncodeToString(proof)
}
