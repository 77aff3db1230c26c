package server_test

// Message-level protocol tests kept as data, in the spirit of CockroachDB's
// pkg/testutils/pgtest: each file in testdata/pgtest is a script of blocks
//
//	<directive> [options]
//	<input lines>
//	----
//	<expected output lines>
//	<blank line>
//
// run against both a real PostgreSQL 15 (the oracle) and nqdb over a raw
// connection, so that every byte-level detail the drivers hide (message
// order, ReadyForQuery status, tags, error fields) is pinned down and checked
// against the reference implementation. Lines starting with # outside a
// block are comments.
//
// Directives:
//
//	send        input lines are frontend messages, "Type JSON" (pgproto3's
//	            JSON form, e.g. Bind parameters as {"text":"1"} or
//	            {"binary":"0000002a"}), or "Raw hex" for arbitrary bytes;
//	            all are written in one go. No output.
//	until       input lines are backend message types; messages are read
//	            (and printed, one JSON per line) until each listed type has
//	            been seen, in order. The pseudo-type EOF waits for the server
//	            to close the connection. Options: ignore=T1,T2 skips those
//	            types; ignore_table_oids replaces RowDescription table OIDs
//	            by 1; join_copydata prints consecutive CopyData as one.
//	reconnect   opens a fresh connection (after a fatal error).
//	closewrite  half-closes the client side (to send a truncated message).
//
// go test ./server -run TestPGTest -rewrite regenerates the expectations from
// PostgreSQL's output.

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/server"
)

var rewritePgtest = flag.Bool("rewrite", false, "rewrite testdata/pgtest expectations from PostgreSQL 15's output")

// pgtestTimeout bounds the wait for each backend message.
const pgtestTimeout = 5 * time.Second

// pgtestBlock is one directive of a script.
type pgtestBlock struct {
	pre    string   // comments and blank lines before the block, verbatim
	line   int      // line number of the directive
	cmd    string   // directive name
	args   []string // options after the directive name
	input  []string // lines between the directive and ----
	output []string // expected lines after ----
}

// pgtestScript is a parsed script file.
type pgtestScript struct {
	path   string
	blocks []*pgtestBlock
	tail   string // trailing comments
}

func parsePgtestScript(path string, data []byte) (*pgtestScript, error) {
	s := &pgtestScript{path: path}
	lines := strings.Split(string(data), "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	var pre strings.Builder
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			pre.WriteString(l)
			pre.WriteByte('\n')
			continue
		}
		fields := strings.Fields(l)
		b := &pgtestBlock{pre: pre.String(), line: i + 1, cmd: fields[0], args: fields[1:]}
		pre.Reset()
		i++
		for ; i < len(lines) && lines[i] != "----"; i++ {
			b.input = append(b.input, lines[i])
		}
		if i == len(lines) {
			return nil, fmt.Errorf("%s:%d: block without ----", path, b.line)
		}
		i++
		for ; i < len(lines) && lines[i] != ""; i++ {
			b.output = append(b.output, lines[i])
		}
		// The blank line ending the block belongs to the block.
		s.blocks = append(s.blocks, b)
	}
	s.tail = pre.String()
	return s, nil
}

// format renders the script with the given outputs (one per block).
func (s *pgtestScript) format(outputs [][]string) []byte {
	var buf bytes.Buffer
	for i, b := range s.blocks {
		buf.WriteString(b.pre)
		buf.WriteString(strings.Join(append([]string{b.cmd}, b.args...), " "))
		buf.WriteByte('\n')
		for _, l := range b.input {
			buf.WriteString(l)
			buf.WriteByte('\n')
		}
		buf.WriteString("----\n")
		for _, l := range outputs[i] {
			buf.WriteString(l)
			buf.WriteByte('\n')
		}
		if i < len(s.blocks)-1 || s.tail != "" {
			buf.WriteByte('\n')
		}
	}
	buf.WriteString(s.tail)
	return buf.Bytes()
}

// frontendMessages maps a message name to a constructor for JSON decoding.
var frontendMessages = map[string]func() pgproto3.FrontendMessage{
	"Bind":      func() pgproto3.FrontendMessage { return &pgproto3.Bind{} },
	"Close":     func() pgproto3.FrontendMessage { return &pgproto3.Close{} },
	"CopyData":  func() pgproto3.FrontendMessage { return &pgproto3.CopyData{} },
	"CopyDone":  func() pgproto3.FrontendMessage { return &pgproto3.CopyDone{} },
	"CopyFail":  func() pgproto3.FrontendMessage { return &pgproto3.CopyFail{} },
	"Describe":  func() pgproto3.FrontendMessage { return &pgproto3.Describe{} },
	"Execute":   func() pgproto3.FrontendMessage { return &pgproto3.Execute{} },
	"Flush":     func() pgproto3.FrontendMessage { return &pgproto3.Flush{} },
	"Parse":     func() pgproto3.FrontendMessage { return &pgproto3.Parse{} },
	"Query":     func() pgproto3.FrontendMessage { return &pgproto3.Query{} },
	"Sync":      func() pgproto3.FrontendMessage { return &pgproto3.Sync{} },
	"Terminate": func() pgproto3.FrontendMessage { return &pgproto3.Terminate{} },
}

// encodeSend encodes the input lines of a send block into wire bytes.
func encodeSend(lines []string) ([]byte, error) {
	var buf []byte
	for _, l := range lines {
		name, arg, _ := strings.Cut(strings.TrimSpace(l), " ")
		arg = strings.TrimSpace(arg)
		if name == "Raw" {
			// Raw takes hex, spaces allowed for readability.
			b, err := hex.DecodeString(strings.ReplaceAll(arg, " ", ""))
			if err != nil {
				return nil, fmt.Errorf("Raw: %v", err)
			}
			buf = append(buf, b...)
			continue
		}
		mk := frontendMessages[name]
		if mk == nil {
			return nil, fmt.Errorf("unknown frontend message %q", name)
		}
		msg := mk()
		if arg != "" {
			if err := json.Unmarshal([]byte(arg), msg); err != nil {
				return nil, fmt.Errorf("%s: %v", name, err)
			}
		}
		var err error
		if buf, err = msg.Encode(buf); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
	}
	return buf, nil
}

// pgtestConn is a raw client connection.
type pgtestConn struct {
	nc net.Conn
	fe *pgproto3.Frontend
}

// dialPgtest connects to addr and completes the start-up as user postgres,
// discarding the start-up messages.
func dialPgtest(addr string) (*pgtestConn, error) {
	nc, err := net.DialTimeout("tcp", addr, pgtestTimeout)
	if err != nil {
		return nil, err
	}
	c := &pgtestConn{nc: nc, fe: pgproto3.NewFrontend(nc, nc)}
	c.fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"user": "postgres", "database": "postgres"}})
	if err := c.fe.Flush(); err != nil {
		nc.Close()
		return nil, err
	}
	for {
		_ = nc.SetReadDeadline(time.Now().Add(pgtestTimeout))
		msg, err := c.fe.Receive()
		if err != nil {
			nc.Close()
			return nil, fmt.Errorf("start-up: %w", err)
		}
		switch m := msg.(type) {
		case *pgproto3.ErrorResponse:
			nc.Close()
			return nil, fmt.Errorf("start-up: %s %s", m.Code, m.Message)
		case *pgproto3.ReadyForQuery:
			return c, nil
		}
	}
}

func (c *pgtestConn) Close() { _ = c.nc.Close() }

// msgType is the name of a backend message's Go type.
func msgType(m pgproto3.BackendMessage) string {
	return strings.TrimPrefix(fmt.Sprintf("%T", m), "*pgproto3.")
}

// errorJSON is ErrorResponse/NoticeResponse without the fields that
// legitimately differ between servers (File, Line, Routine) and without
// empty fields.
type errorJSON struct {
	Type             string
	Severity         string `json:",omitempty"`
	Code             string `json:",omitempty"`
	Message          string `json:",omitempty"`
	Detail           string `json:",omitempty"`
	Hint             string `json:",omitempty"`
	Position         int32  `json:",omitempty"`
	InternalPosition int32  `json:",omitempty"`
	InternalQuery    string `json:",omitempty"`
	Where            string `json:",omitempty"`
	SchemaName       string `json:",omitempty"`
	TableName        string `json:",omitempty"`
	ColumnName       string `json:",omitempty"`
	DataTypeName     string `json:",omitempty"`
	ConstraintName   string `json:",omitempty"`
}

func newErrorJSON(typ string, e *pgproto3.ErrorResponse) errorJSON {
	return errorJSON{Type: typ, Severity: e.Severity, Code: e.Code, Message: e.Message, Detail: e.Detail,
		Hint: e.Hint, Position: e.Position, InternalPosition: e.InternalPosition, InternalQuery: e.InternalQuery,
		Where: e.Where, SchemaName: e.SchemaName, TableName: e.TableName, ColumnName: e.ColumnName,
		DataTypeName: e.DataTypeName, ConstraintName: e.ConstraintName}
}

// versionParams are ParameterStatus values that name the server rather than
// describe the session.
var versionParams = map[string]bool{"server_version": true, "server_version_num": true}

// renderMessage prints one backend message as a JSON line, normalised.
func renderMessage(m pgproto3.BackendMessage, ignoreTableOIDs bool) (string, error) {
	var v any = m
	switch m := m.(type) {
	case *pgproto3.ErrorResponse:
		v = newErrorJSON("ErrorResponse", m)
	case *pgproto3.NoticeResponse:
		v = newErrorJSON("NoticeResponse", (*pgproto3.ErrorResponse)(m))
	case *pgproto3.BackendKeyData:
		v = struct{ Type string }{"BackendKeyData"}
	case *pgproto3.ParameterStatus:
		val := m.Value
		if versionParams[m.Name] {
			val = "*"
		}
		v = struct{ Type, Name, Value string }{"ParameterStatus", m.Name, val}
	case *pgproto3.RowDescription:
		if ignoreTableOIDs {
			cp := *m
			cp.Fields = append([]pgproto3.FieldDescription(nil), m.Fields...)
			for i := range cp.Fields {
				if cp.Fields[i].TableOID != 0 {
					cp.Fields[i].TableOID = 1
				}
			}
			v = &cp
		}
	case *pgproto3.CopyData:
		// Text COPY data is easier to read as text.
		if utf8.Valid(m.Data) && !hasControl(m.Data) {
			v = struct{ Type, Text string }{"CopyData", string(m.Data)}
		}
	}
	b, err := json.Marshal(v)
	return string(b), err
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 32 && c != '\n' && c != '\t' && c != '\r' {
			return true
		}
	}
	return false
}

// pgtestRunner runs a script's blocks on one server.
type pgtestRunner struct {
	addr string
	conn *pgtestConn
}

// run executes one block and returns its output lines. A non-nil error
// means the connection is unusable for the rest of the script.
func (r *pgtestRunner) run(b *pgtestBlock) ([]string, error) {
	switch b.cmd {
	case "send":
		data, err := encodeSend(b.input)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", b.line, err)
		}
		_ = r.conn.nc.SetWriteDeadline(time.Now().Add(pgtestTimeout))
		if _, err := r.conn.nc.Write(data); err != nil {
			// The server may have closed already; the next until shows it.
			return []string{"write error: " + err.Error()}, nil
		}
		return nil, nil
	case "closewrite":
		if tc, ok := r.conn.nc.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		return nil, nil
	case "reconnect":
		r.conn.Close()
		c, err := dialPgtest(r.addr)
		if err != nil {
			return nil, err
		}
		r.conn = c
		return nil, nil
	case "until":
		return r.until(b)
	}
	return nil, fmt.Errorf("line %d: unknown directive %q", b.line, b.cmd)
}

func (r *pgtestRunner) until(b *pgtestBlock) ([]string, error) {
	ignore := map[string]bool{}
	ignoreTableOIDs, joinCopy := false, false
	// With join_copydata consecutive CopyData messages print as one: how
	// a server splits the stream into messages carries no meaning.
	var copyData []byte
	for _, a := range b.args {
		switch k, v, _ := strings.Cut(a, "="); k {
		case "ignore":
			for _, t := range strings.Split(v, ",") {
				ignore[t] = true
			}
		case "ignore_table_oids":
			ignoreTableOIDs = true
		case "join_copydata":
			joinCopy = true
		default:
			return nil, fmt.Errorf("line %d: unknown option %q", b.line, a)
		}
	}
	var want []string
	for _, l := range b.input {
		if l = strings.TrimSpace(l); l != "" {
			want = append(want, l)
		}
	}
	var out []string
	for len(want) > 0 {
		_ = r.conn.nc.SetReadDeadline(time.Now().Add(pgtestTimeout))
		msg, err := r.conn.fe.Receive()
		if err != nil {
			var ne net.Error
			switch {
			case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isReset(err):
				out = append(out, "EOF")
				if want[0] == "EOF" {
					return out, nil
				}
				return out, fmt.Errorf("line %d: connection closed while waiting for %s", b.line, want[0])
			case errors.As(err, &ne) && ne.Timeout():
				out = append(out, "timeout waiting for "+want[0])
			default:
				out = append(out, "receive error: "+err.Error())
			}
			return out, fmt.Errorf("line %d: %v", b.line, err)
		}
		typ := msgType(msg)
		if ignore[typ] {
			continue
		}
		if cd, ok := msg.(*pgproto3.CopyData); ok && joinCopy {
			copyData = append(copyData, cd.Data...)
			continue
		}
		if copyData != nil {
			line, _ := renderMessage(&pgproto3.CopyData{Data: copyData}, false)
			out = append(out, line)
			copyData = nil
		}
		line, err := renderMessage(msg, ignoreTableOIDs)
		if err != nil {
			return out, err
		}
		out = append(out, line)
		if typ == want[0] {
			want = want[1:]
		}
	}
	return out, nil
}

func isReset(err error) bool {
	s := err.Error()
	return strings.Contains(s, "connection reset") || strings.Contains(s, "broken pipe")
}

// runPgtestScript runs every block against addr and returns the outputs;
// after a connection failure the remaining blocks get a "skipped" line.
func runPgtestScript(t *testing.T, addr string, s *pgtestScript) [][]string {
	t.Helper()
	c, err := dialPgtest(addr)
	if err != nil {
		t.Fatalf("connect %s: %v", addr, err)
	}
	r := &pgtestRunner{addr: addr, conn: c}
	defer func() { r.conn.Close() }()
	outputs := make([][]string, len(s.blocks))
	var broken error
	for i, b := range s.blocks {
		if broken != nil && b.cmd != "reconnect" {
			outputs[i] = []string{"skipped after the error above"}
			continue
		}
		out, err := r.run(b)
		outputs[i] = out
		if err != nil && *rewritePgtest {
			// Expectations are only rewritten from clean runs.
			t.Errorf("%s:%d: %v", s.path, b.line, err)
		}
		broken = err
	}
	return outputs
}

func pgtestFiles(tb testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "pgtest", "*"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no pgtest scripts: %v", err)
	}
	return files
}

func loadPgtestScript(tb testing.TB, path string) *pgtestScript {
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := parsePgtestScript(path, data)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// comparePgtest reports every block whose output differs from the script.
func comparePgtest(t *testing.T, s *pgtestScript, outputs [][]string) {
	t.Helper()
	for i, b := range s.blocks {
		want, got := strings.Join(b.output, "\n"), strings.Join(outputs[i], "\n")
		if want != got {
			t.Errorf("%s:%d: %s %s\n%s\nwant:\n%s\ngot:\n%s", s.path, b.line, b.cmd,
				strings.Join(b.args, " "), strings.Join(b.input, "\n"), want, got)
		}
	}
}

// TestPGTest runs the scripts of testdata/pgtest against PostgreSQL 15 and
// nqdb; both must produce the recorded messages.
func TestPGTest(t *testing.T) {
	pg := pgoracle.Shared(t)
	var nq *testServer
	if !*rewritePgtest {
		nq = startServer(t, server.Config{})
	}
	for _, path := range pgtestFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			s := loadPgtestScript(t, path)
			if *rewritePgtest {
				out := runPgtestScript(t, pg.Addr(), s)
				if err := os.WriteFile(path, s.format(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			t.Run("postgres", func(t *testing.T) { comparePgtest(t, s, runPgtestScript(t, pg.Addr(), s)) })
			t.Run("nqdb", func(t *testing.T) { comparePgtest(t, s, runPgtestScript(t, nq.HostPort(), s)) })
		})
	}
}

// TestPgtestScriptFormat checks that the parser and printer round-trip.
func TestPgtestScriptFormat(t *testing.T) {
	for _, path := range pgtestFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s, err := parsePgtestScript(path, data)
		if err != nil {
			t.Fatal(err)
		}
		outs := make([][]string, len(s.blocks))
		for i, b := range s.blocks {
			outs[i] = b.output
			if b.cmd == "send" {
				if _, err := encodeSend(b.input); err != nil {
					t.Errorf("%s:%d: %v", path, b.line, err)
				}
			}
		}
		if got := s.format(outs); !bytes.Equal(got, data) {
			t.Errorf("%s: format does not round-trip:\n%s", path, got)
		}
	}
}

// sendBlockBytes returns the encoded bytes of every send block of every
// script (the fuzz seed corpus).
func sendBlockBytes(tb testing.TB) [][]byte {
	var seeds [][]byte
	for _, path := range pgtestFiles(tb) {
		s := loadPgtestScript(tb, path)
		for _, b := range s.blocks {
			if b.cmd != "send" {
				continue
			}
			data, err := encodeSend(b.input)
			if err != nil {
				tb.Fatalf("%s:%d: %v", path, b.line, err)
			}
			seeds = append(seeds, data)
		}
	}
	return seeds
}
