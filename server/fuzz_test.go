package server_test

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/neuroquantumdb/nqdb/server"
)

// fuzzDeadline is how long a fuzzed connection may take to be answered and
// closed after the client half-closes.
const fuzzDeadline = 3 * time.Second

// fuzzSeeds returns the seed corpus: every send block of the pgtest scripts
// plus malformed variants (truncated, bad type byte, bad lengths).
func fuzzSeeds(tb testing.TB) [][]byte {
	seeds := sendBlockBytes(tb)
	var extra [][]byte
	for _, s := range seeds {
		if len(s) > 6 {
			extra = append(extra, s[:len(s)/2], s[:len(s)-1])
			bad := append([]byte(nil), s...)
			bad[0] = 'z'
			extra = append(extra, bad)
			long := append([]byte(nil), s...)
			binary.BigEndian.PutUint32(long[1:], 0x7ffffff0)
			extra = append(extra, long)
			short := append([]byte(nil), s...)
			binary.BigEndian.PutUint32(short[1:], 3)
			extra = append(extra, short)
		}
	}
	seeds = append(seeds, extra...)
	seeds = append(seeds,
		nil,
		[]byte("X\x00\x00\x00\x04"),
		[]byte("Q\x00\x00\x00\x05\x00"),
		[]byte("Q\x00\x00\x00\x04"),
		[]byte("D\x00\x00\x00\x06x\x00S\x00\x00\x00\x04"),
		[]byte("C\x00\x00\x00\x06x\x00S\x00\x00\x00\x04"),
		[]byte("E\x00\x00\x00\x09\x00\xff\xff\xff\xffS\x00\x00\x00\x04"),
		[]byte("B\x00\x00\x00\x0e\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00S\x00\x00\x00\x04"),
	)
	return seeds
}

// FuzzMessageLoop feeds arbitrary bytes to a started-up connection as its
// message stream: the server must not crash, must answer and close within a
// deadline once the client stops sending, and must go on serving other
// connections.
func FuzzMessageLoop(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	srv := startServer(f, server.Config{})
	addr := srv.HostPort()
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := dialPgtest(addr)
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		defer c.Close()
		// Read concurrently so that a server writing a large answer never
		// blocks against our write.
		done := make(chan error, 1)
		_ = c.nc.SetDeadline(time.Now().Add(fuzzDeadline))
		go func() {
			_, err := io.Copy(io.Discard, c.nc)
			done <- err
		}()
		if _, err := c.nc.Write(data); err == nil {
			_ = c.nc.(*net.TCPConn).CloseWrite()
		}
		// A write error means the server closed early (e.g. after a fatal
		// protocol error), which is fine.
		if err := <-done; err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("server neither answered nor closed within %v for input %q", fuzzDeadline, data)
			}
		}
		checkSelect1(t, addr)
	})
}

// checkSelect1 runs SELECT 1 on a fresh connection.
func checkSelect1(t *testing.T, addr string) {
	t.Helper()
	c, err := dialPgtest(addr)
	if err != nil {
		t.Fatalf("fresh connection: %v", err)
	}
	defer c.Close()
	c.fe.Send(&pgproto3.Query{String: "SELECT 1"})
	if err := c.fe.Flush(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		_ = c.nc.SetReadDeadline(time.Now().Add(fuzzDeadline))
		msg, err := c.fe.Receive()
		if err != nil {
			t.Fatalf("SELECT 1 on a fresh connection: %v (after %v)", err, got)
		}
		line, _ := renderMessage(msg, false)
		got = append(got, line)
		if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
			break
		}
	}
	want := []string{
		`{"Type":"RowDescription","Fields":[{"Name":"?column?","TableOID":0,"TableAttributeNumber":0,"DataTypeOID":23,"DataTypeSize":4,"TypeModifier":-1,"Format":0}]}`,
		`{"Type":"DataRow","Values":[{"text":"1"}]}`,
		`{"Type":"CommandComplete","CommandTag":"SELECT 1"}`,
		`{"Type":"ReadyForQuery","TxStatus":"I"}`,
	}
	if len(got) != len(want) {
		t.Fatalf("SELECT 1 on a fresh connection:\n got %q\nwant %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("SELECT 1 on a fresh connection:\n got %q\nwant %q", got, want)
		}
	}
}
