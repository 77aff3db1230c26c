package auth

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// MaxMessageLen is the largest authentication message PostgreSQL accepts
// (PG_MAX_AUTH_TOKEN_LENGTH). Callers should set it with be.SetMaxBodyLen
// around Authenticate, so that an unauthenticated client cannot make the
// server allocate a large buffer; pgproto3 has no getter, so Authenticate
// leaves the caller's limit alone. Longer messages then fail with 08P01
// "invalid message length".
const MaxMessageLen = 65535

// ErrClientGone is wrapped by the error Authenticate returns when the client
// closes the connection or the connection fails mid-exchange. psql does this
// on purpose: it connects without a password, and when asked for one it
// disconnects, prompts, and connects again. The caller should neither log it
// as a failure nor try to send the error. errors.Is also finds the I/O error.
var ErrClientGone = errors.New("client closed the connection during authentication")

// Authenticate runs the exchange for method m on be, after the caller has
// received the StartupMessage naming user. creds are the user's stored
// secrets; nil (unknown user) or secrets of another user make it fail, after
// the same exchange a wrong password gets.
//
// It sends the authentication request (AuthenticationCleartextPassword,
// AuthenticationMD5Password with a random salt, or AuthenticationSASL
// offering SCRAM-SHA-256 then SASLContinue and SASLFinal), flushes, and reads
// the client's answers; it does not send AuthenticationOk, which is the
// caller's job on a nil return.
//
// Any failure is a FATAL *pgerror.Error for the caller to send before
// closing: 28P01 `password authentication failed for user "NAME"` for a wrong
// password, 08P01 for a protocol violation, 0A000 for SCRAM features nqdb
// lacks, 08006 wrapping ErrClientGone when the client went away.
//
// Side effects on be: SetAuthType is called before each Receive so that
// pgproto3 decodes the 'p' message as SASLInitialResponse (AuthTypeSASL) or
// SASLResponse (AuthTypeSASLContinue, also used for password packets to get
// their raw body); it is reset to AuthTypeOk on return. See MaxMessageLen.
func Authenticate(be *pgproto3.Backend, m Method, user string, creds *Credentials) error {
	if m == Trust {
		return nil
	}
	defer func() { _ = be.SetAuthType(pgproto3.AuthTypeOk) }()
	switch m {
	case Password:
		return authPassword(be, user, creds)
	case MD5:
		// As in PostgreSQL, a user whose only secret is SCRAM is
		// authenticated with SCRAM even where md5 is configured.
		if creds.HasSCRAM() && !creds.HasMD5() {
			return authSCRAM(be, user, creds)
		}
		return authMD5(be, user, creds)
	case SCRAMSHA256:
		return authSCRAM(be, user, creds)
	}
	return pgerror.Fatal(pgerror.ConfigFileError, "invalid authentication method \"%s\"", string(m))
}

// Failed returns the error every failed password check ends in, exactly as
// PostgreSQL's auth_failed reports it to the client.
func Failed(user string) *pgerror.Error {
	return pgerror.Fatal(pgerror.InvalidPassword, "password authentication failed for user \"%s\"", user)
}

// usable reports whether creds belong to user.
func usable(creds *Credentials, user string) bool { return creds != nil && creds.User == user }

func authPassword(be *pgproto3.Backend, user string, creds *Credentials) error {
	pw, err := requestPassword(be, &pgproto3.AuthenticationCleartextPassword{})
	if err != nil {
		return err
	}
	ok := false
	switch {
	case !usable(creds, user):
	case creds.HasSCRAM():
		// PostgreSQL's scram_verify_plain_password: derive the keys with the
		// stored salt and compare.
		stored, _, err := scramKeys(pw, creds.Salt, creds.Iterations)
		if err != nil {
			return err
		}
		ok = subtle.ConstantTimeCompare(stored, creds.StoredKey) == 1
	case creds.HasMD5():
		sum := md5.Sum([]byte(pw + user))
		ok = subtle.ConstantTimeCompare(sum[:], creds.MD5) == 1
	}
	if !ok {
		return Failed(user)
	}
	return nil
}

func authMD5(be *pgproto3.Backend, user string, creds *Credentials) error {
	req := &pgproto3.AuthenticationMD5Password{}
	rand.Read(req.Salt[:])
	resp, err := requestPassword(be, req)
	if err != nil {
		return err
	}
	if !usable(creds, user) || !creds.HasMD5() {
		return Failed(user)
	}
	// The client sends "md5" + md5hex(md5hex(password+user) + salt).
	var buf [3 + 2*md5.Size]byte
	inner := hex.AppendEncode(buf[:0], creds.MD5)
	sum := md5.Sum(append(inner, req.Salt[:]...))
	want := hex.AppendEncode(append(buf[:0], "md5"...), sum[:])
	if subtle.ConstantTimeCompare([]byte(resp), want) != 1 {
		return Failed(user)
	}
	return nil
}

// requestPassword sends req and reads a password packet, with the checks of
// PostgreSQL's recv_password_packet. The 'p' message is received as a
// SASLResponse, whose Data is the raw body: pgproto3's PasswordMessage stops
// at the first NUL and so cannot tell a well-formed packet from one with
// trailing bytes (such as a SASLInitialResponse) or none.
func requestPassword(be *pgproto3.Backend, req pgproto3.BackendMessage) (string, error) {
	if err := send(be, req); err != nil {
		return "", err
	}
	msg, err := receive(be, pgproto3.AuthTypeSASLContinue, "password")
	if err != nil {
		return "", err
	}
	pm, ok := msg.(*pgproto3.SASLResponse)
	if !ok {
		return "", unexpected(msg, "password")
	}
	if len(pm.Data) == 0 || bytes.IndexByte(pm.Data, 0) != len(pm.Data)-1 {
		return "", pgerror.Fatal(pgerror.ProtocolViolation, "invalid password packet size")
	}
	if len(pm.Data) == 1 {
		return "", pgerror.Fatal(pgerror.InvalidPassword, "empty password returned by client")
	}
	return string(pm.Data[:len(pm.Data)-1]), nil
}

func authSCRAM(be *pgproto3.Backend, user string, creds *Credentials) error {
	if err := send(be, &pgproto3.AuthenticationSASL{AuthMechanisms: []string{mechSCRAM}}); err != nil {
		return err
	}
	msg, err := receive(be, pgproto3.AuthTypeSASL, "SASL")
	if err != nil {
		return err
	}
	init, ok := msg.(*pgproto3.SASLInitialResponse)
	if !ok {
		return unexpected(msg, "SASL")
	}
	if init.AuthMechanism != mechSCRAM {
		return pgerror.Fatal(pgerror.ProtocolViolation, "client selected an invalid SASL authentication mechanism")
	}
	// PostgreSQL sends an empty challenge when the initial response is
	// absent (length -1) and rejects an empty one (length 0). pgproto3 hides
	// the length, so both are rejected as empty: no client omits it.
	s := newSCRAMServer(user, creds)
	serverFirst, err := s.clientFirst(init.Data)
	if err != nil {
		return err
	}
	if err := send(be, &pgproto3.AuthenticationSASLContinue{Data: serverFirst}); err != nil {
		return err
	}
	final, err := receiveSASL(be)
	if err != nil {
		return err
	}
	serverFinal, ok, err := s.clientFinal(final)
	if err != nil {
		return err
	}
	if !ok {
		return Failed(user)
	}
	return send(be, &pgproto3.AuthenticationSASLFinal{Data: serverFinal})
}

// receiveSASL reads a SASLResponse.
func receiveSASL(be *pgproto3.Backend) ([]byte, error) {
	msg, err := receive(be, pgproto3.AuthTypeSASLContinue, "SASL")
	if err != nil {
		return nil, err
	}
	r, ok := msg.(*pgproto3.SASLResponse)
	if !ok {
		return nil, unexpected(msg, "SASL")
	}
	return r.Data, nil
}

func send(be *pgproto3.Backend, msg pgproto3.BackendMessage) error {
	be.Send(msg)
	if err := be.Flush(); err != nil {
		return gone("could not send data to client", err)
	}
	return nil
}

// receive sets the authentication type that tells pgproto3 how to decode
// the 'p' message, and reads one message. what names the expected response
// in error messages ("password" or "SASL").
func receive(be *pgproto3.Backend, authType uint32, what string) (pgproto3.FrontendMessage, error) {
	if err := be.SetAuthType(authType); err != nil {
		return nil, pgerror.Wrap(err, pgerror.InternalError, err.Error())
	}
	msg, err := be.Receive()
	if err == nil {
		return msg, nil
	}
	var tooLong *pgproto3.ExceededMaxBodyLenErr
	switch {
	case isIOError(err):
		return nil, gone("could not receive data from client", err)
	case errors.As(err, &tooLong), strings.HasPrefix(err.Error(), "invalid message length"):
		return nil, pgerror.Fatal(pgerror.ProtocolViolation, "invalid message length")
	}
	if t, ok := unknownType(err); ok {
		return nil, pgerror.Fatal(pgerror.ProtocolViolation, "expected %s response, got message type %d", what, t)
	}
	return nil, pgerror.Fatal(pgerror.ProtocolViolation, "invalid message format")
}

// unknownType recovers the type byte from pgproto3's "unknown message type:
// %c" error, which carries it only in its text.
func unknownType(err error) (byte, bool) {
	rest, ok := strings.CutPrefix(err.Error(), "unknown message type: ")
	if !ok {
		return 0, false
	}
	r, n := utf8.DecodeRuneInString(rest)
	if n != len(rest) || r > 0xff {
		return 0, false
	}
	return byte(r), true
}

// unexpected is the error for a message of the wrong type.
func unexpected(msg pgproto3.FrontendMessage, what string) error {
	b, err := msg.Encode(nil)
	if err != nil || len(b) == 0 {
		return pgerror.Fatal(pgerror.ProtocolViolation, "expected %s response, got %T", what, msg)
	}
	return pgerror.Fatal(pgerror.ProtocolViolation, "expected %s response, got message type %d", what, b[0])
}

// isIOError tells connection failures from decoding errors. pgproto3 turns
// io.EOF while reading into io.ErrUnexpectedEOF.
func isIOError(err error) bool {
	var netErr net.Error
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.ErrClosedPipe) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &netErr)
}

// gone wraps a connection failure; msg is PostgreSQL's text for it.
func gone(msg string, err error) error {
	e := pgerror.Wrap(fmt.Errorf("%w: %w", ErrClientGone, err), pgerror.ConnectionFailure, msg+": "+err.Error())
	e.Severity = pgerror.SeverityFatal
	return e
}
