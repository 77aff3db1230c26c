package auth

import (
	"bytes"
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/lib/pq"
	"github.com/neuroquantumdb/nqdb/internal/testcert"
)

// outcome is what a client saw: success, or the fields of the error the
// server sent. Text is psql's stderr (with the port replaced by PORT).
type outcome struct {
	OK                                    bool
	Severity, Code, Message, Detail, Hint string
	Text                                  string
}

func (o outcome) String() string {
	if o.OK {
		return "ok"
	}
	return fmt.Sprintf("%s %s %q detail=%q hint=%q %q", o.Severity, o.Code, o.Message, o.Detail, o.Hint, o.Text)
}

// client connects as user with password and runs "select 1".
type client struct {
	name string
	run  func(t *testing.T, port int, user, password, ssl string) outcome
}

var clients = []client{{"pgx", viaPgx}, {"lib/pq", viaPq}, {"psql", viaPsql}}

// noSSL is the ssl argument of a client for a plain connection; a TLS one
// passes "sslmode=verify-full sslrootcert=FILE".
const noSSL = "sslmode=disable"

func dsn(port int, user, password, ssl string) string {
	return fmt.Sprintf("host=127.0.0.1 port=%d user=%s password=%s dbname=postgres %s connect_timeout=10",
		port, user, password, ssl)
}

func viaPgx(t *testing.T, port int, user, password, ssl string) outcome {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn(port, user, password, ssl))
	if err == nil {
		defer conn.Close(ctx)
		var n int
		err = conn.QueryRow(ctx, "select 1", pgx.QueryExecModeSimpleProtocol).Scan(&n)
		if err == nil && n != 1 {
			t.Fatalf("pgx: select 1 gave %d", n)
		}
	}
	if err == nil {
		return outcome{OK: true}
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		t.Fatalf("pgx: %v", err)
	}
	return outcome{Severity: pe.Severity, Code: pe.Code, Message: pe.Message, Detail: pe.Detail, Hint: pe.Hint}
}

func viaPq(t *testing.T, port int, user, password, ssl string) outcome {
	db, err := sql.Open("postgres", dsn(port, user, password, ssl))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	err = db.QueryRow("select 1").Scan(&n)
	if err == nil {
		if n != 1 {
			t.Fatalf("lib/pq: select 1 gave %d", n)
		}
		return outcome{OK: true}
	}
	var pe *pq.Error
	if !errors.As(err, &pe) {
		t.Fatalf("lib/pq: %v", err)
	}
	return outcome{Severity: pe.Severity, Code: string(pe.Code), Message: pe.Message, Detail: pe.Detail, Hint: pe.Hint}
}

// psqlError picks severity and message out of psql's connection error.
var psqlError = regexp.MustCompile(`failed: (FATAL|ERROR):  (.*)`)

func viaPsql(t *testing.T, port int, user, password, ssl string) outcome {
	path, err := exec.LookPath("psql")
	if err != nil {
		t.Skip("psql not in PATH")
	}
	cmd := exec.Command(path, "-X", "-A", "-t", fmt.Sprintf("host=127.0.0.1 port=%d user=%s dbname=postgres %s", port, user, ssl), "-c", "select 1")
	cmd.Env = append(os.Environ(), "PGPASSWORD="+password, "PGCONNECT_TIMEOUT=10", "PGSERVICEFILE=/nonexistent",
		"PGPASSFILE=/nonexistent", "PGSSLMODE=disable", "PGGSSENCMODE=disable")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if err == nil {
		if got := string(bytes.TrimSpace(stdout.Bytes())); got != "1" {
			t.Fatalf("psql: select 1 printed %q", got)
		}
		return outcome{OK: true}
	}
	text := bytes.ReplaceAll(stderr.Bytes(), []byte(strconv.Itoa(port)), []byte("PORT"))
	o := outcome{Text: string(text)}
	if m := psqlError.FindSubmatch(text); m != nil {
		o.Severity, o.Message = string(m[1]), string(m[2])
	} else {
		t.Fatalf("psql: %v: %s", err, stderr.Bytes())
	}
	return o
}

func mustCreds(t testing.TB, user, password string) *Credentials {
	t.Helper()
	c, err := NewCredentials(user, password)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestClients logs in with real clients for every method, with the right
// password, a wrong one and as an unknown user.
func TestClients(t *testing.T) {
	creds := map[string]*Credentials{"postgres": mustCreds(t, "postgres", "x")}
	failed := func(user string) outcome {
		return outcome{Severity: "FATAL", Code: "28P01", Message: `password authentication failed for user "` + user + `"`}
	}
	cases := []struct {
		user, password string
		want           func(m Method) outcome
	}{
		{"postgres", "x", func(Method) outcome { return outcome{OK: true} }},
		{"postgres", "wrong", func(m Method) outcome {
			if m == Trust {
				return outcome{OK: true}
			}
			return failed("postgres")
		}},
		{"nobody", "x", func(m Method) outcome {
			if m == Trust {
				return outcome{OK: true}
			}
			return failed("nobody")
		}},
	}
	for _, m := range []Method{Trust, Password, MD5, SCRAMSHA256} {
		srv := startTestServer(t, map[string]Method{"*": m}, creds)
		for _, c := range clients {
			for _, tc := range cases {
				t.Run(fmt.Sprintf("%s/%s/%s:%s", m, c.name, tc.user, tc.password), func(t *testing.T) {
					got := c.run(t, srv.port(), tc.user, tc.password, noSSL)
					want := tc.want(m)
					if c.name == "psql" {
						// psql prints severity and message only.
						got.Text, want.Code = "", ""
					}
					if got != want {
						t.Errorf("got  %v\nwant %v", got, want)
					}
				})
			}
		}
		for i, err := range srv.results() {
			if err != nil && !isFailed(err) {
				t.Errorf("%s: connection %d: unexpected server-side error %v", m, i, err)
			}
		}
	}
}

// isFailed reports whether err is the wrong-password error.
func isFailed(err error) bool {
	return err.Error() == Failed("postgres").Error() || err.Error() == Failed("nobody").Error()
}

// TestClientsTLS runs SCRAM over TLS, where clients that could do channel
// binding announce it with the gs2 flag "y" because SCRAM-SHA-256-PLUS is
// not offered.
func TestClientsTLS(t *testing.T) {
	certFile, keyFile, err := testcert.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv := startTLSTestServer(t, map[string]Method{"*": SCRAMSHA256}, map[string]*Credentials{"postgres": mustCreds(t, "postgres", "x")},
		&tls.Config{Certificates: []tls.Certificate{cert}})
	ssl := "sslmode=verify-full sslrootcert=" + certFile
	for _, c := range clients {
		t.Run(c.name, func(t *testing.T) {
			if got := c.run(t, srv.port(), "postgres", "x", ssl); !got.OK {
				t.Errorf("right password: %v", got)
			}
			got := c.run(t, srv.port(), "postgres", "wrong", ssl)
			if got.Message != `password authentication failed for user "postgres"` {
				t.Errorf("wrong password: %v", got)
			}
		})
	}
	if srv.tlsConns.Load() == 0 {
		t.Error("no client used TLS")
	}
}
