package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// mechSCRAM is the only SASL mechanism offered. SCRAM-SHA-256-PLUS (channel
// binding) is not offered, so a client that requires channel binding fails
// on its side before it sends anything.
const mechSCRAM = "SCRAM-SHA-256"

// rawNonceLen is PostgreSQL's SCRAM_RAW_NONCE_LEN: random bytes in the
// server's part of the nonce, before base64.
const rawNonceLen = 18

// mockKey seeds the salts of users that do not exist, as PostgreSQL's
// mock_auth_nonce does: the same user gets the same salt on every attempt
// (so that the salt does not reveal that the user is unknown) while no two
// server processes agree.
var mockKey = sync.OnceValue(func() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
})

// mockCredentials returns a SCRAM secret nobody can match, with the salt
// PostgreSQL's scram_mock_salt would use (a hash of the user name and a
// process secret).
func mockCredentials(user string) *Credentials {
	salt := hmacSHA256(mockKey(), user)[:SaltLen]
	return &Credentials{User: user, Salt: salt, Iterations: DefaultIterations,
		StoredKey: make([]byte, keyLen), ServerKey: make([]byte, keyLen)}
}

// scramServer is the server's side of one SCRAM-SHA-256 exchange
// (PostgreSQL's scram_state). Parsing follows read_client_first_message and
// read_client_final_message in auth-scram.c, including their error texts.
type scramServer struct {
	creds *Credentials
	// doomed marks a mock exchange (unknown user, no SCRAM secret): it runs to
	// the end and then fails, like a wrong password.
	doomed bool

	cbindFlag       byte   // 'n' or 'y' from the gs2 header
	clientNonce     string // c-nonce
	serverNonce     string // s-nonce, base64 of rawNonceLen random bytes
	clientFirstBare string // client-first-message-bare, for AuthMessage
	serverFirst     string // server-first-message, for AuthMessage
}

// newSCRAMServer prepares an exchange for user. creds may be nil or belong
// to another user; the exchange then fails at the end.
func newSCRAMServer(user string, creds *Credentials) *scramServer {
	s := &scramServer{creds: creds}
	if creds == nil || creds.User != user || !creds.HasSCRAM() {
		s.creds, s.doomed = mockCredentials(user), true
	}
	raw := make([]byte, rawNonceLen)
	rand.Read(raw)
	s.serverNonce = base64.StdEncoding.EncodeToString(raw)
	return s
}

// malformed is PostgreSQL's "malformed SCRAM message" with a detail.
func malformed(format string, args ...any) *pgerror.Error {
	e := pgerror.Fatal(pgerror.ProtocolViolation, "malformed SCRAM message")
	e.Detail = fmt.Sprintf(format, args...)
	return e
}

// sanitizeChar renders a byte for an error detail as PostgreSQL's
// sanitize_char does: 'c' for printable ASCII, 0xNN otherwise.
func sanitizeChar(c byte) string {
	if c >= 0x21 && c <= 0x7e {
		return "'" + string(rune(c)) + "'"
	}
	return fmt.Sprintf("0x%02x", c)
}

// checkInput applies the checks scram_exchange makes on every message.
func checkInput(in []byte) error {
	if len(in) == 0 {
		return malformed("The message is empty.")
	}
	if bytes.IndexByte(in, 0) >= 0 {
		return malformed("Message length does not match input length.")
	}
	return nil
}

// cursor walks a SCRAM message the way auth-scram.c walks its C string: at
// returns 0 past the end, which stands for the terminating NUL.
type cursor struct {
	s string
	p int
}

func (c *cursor) at() byte {
	if c.p < len(c.s) {
		return c.s[c.p]
	}
	return 0
}

// value reads an attribute value up to the next comma and steps over it.
func (c *cursor) value() string {
	end := strings.IndexByte(c.s[c.p:], ',')
	if end < 0 {
		v := c.s[c.p:]
		c.p = len(c.s)
		return v
	}
	v := c.s[c.p : c.p+end]
	c.p += end + 1
	return v
}

// attr is read_attr_value: reads "<attr>=value".
func (c *cursor) attr(attr byte) (string, error) {
	if c.at() != attr {
		return "", malformed("Expected attribute \"%c\" but found \"%s\".", attr, sanitizeChar(c.at()))
	}
	c.p++
	if c.at() != '=' {
		return "", malformed("Expected character \"=\" for attribute \"%c\".", attr)
	}
	c.p++
	return c.value(), nil
}

// anyAttr is read_any_attr: reads "<letter>=value".
func (c *cursor) anyAttr() (byte, string, error) {
	a := c.at()
	if a == 0 {
		return 0, "", malformed("Attribute expected, but found end of string.")
	}
	if !(a >= 'A' && a <= 'Z' || a >= 'a' && a <= 'z') {
		return 0, "", malformed("Attribute expected, but found invalid character \"%s\".", sanitizeChar(a))
	}
	c.p++
	if c.at() != '=' {
		return 0, "", malformed("Expected character \"=\" for attribute \"%c\".", a)
	}
	c.p++
	return a, c.value(), nil
}

// isPrintable is is_scram_printable: printable ASCII except ','.
func isPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e || c == ',' {
			return false
		}
	}
	return true
}

// clientFirst reads the client-first-message and returns the
// server-first-message.
func (s *scramServer) clientFirst(in []byte) ([]byte, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	c := &cursor{s: string(in)}
	s.cbindFlag = c.at()
	switch s.cbindFlag {
	case 'n', 'y':
		// "n": the client does not do channel binding; "y": it would, but
		// thinks the server cannot. Both are right, since none is offered.
		c.p++
		if c.at() != ',' {
			return nil, malformed("Comma expected, but found character \"%s\".", sanitizeChar(c.at()))
		}
		c.p++
	case 'p':
		return nil, malformed("The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data.")
	default:
		return nil, malformed("Unexpected channel-binding flag \"%s\".", sanitizeChar(s.cbindFlag))
	}
	if c.at() == 'a' {
		return nil, pgerror.Fatal(pgerror.FeatureNotSupported, "client uses authorization identity, but it is not supported")
	}
	if c.at() != ',' {
		return nil, malformed("Unexpected attribute \"%s\" in client-first-message.", sanitizeChar(c.at()))
	}
	c.p++
	s.clientFirstBare = c.s[c.p:]
	if c.at() == 'm' {
		return nil, pgerror.Fatal(pgerror.FeatureNotSupported, "client requires an unsupported SCRAM extension")
	}
	// The user name (n=) is ignored: the StartupMessage's counts, and libpq
	// sends it empty.
	if _, err := c.attr('n'); err != nil {
		return nil, err
	}
	nonce, err := c.attr('r')
	if err != nil {
		return nil, err
	}
	if !isPrintable(nonce) {
		return nil, pgerror.Fatal(pgerror.ProtocolViolation, "non-printable characters in SCRAM nonce")
	}
	s.clientNonce = nonce
	// Optional extensions are allowed and ignored.
	for c.p < len(c.s) {
		if _, _, err := c.anyAttr(); err != nil {
			return nil, err
		}
	}
	out := make([]byte, 0, 2+len(nonce)+len(s.serverNonce)+3+24+3+10)
	out = append(out, "r="...)
	out = append(out, nonce...)
	out = append(out, s.serverNonce...)
	out = append(out, ",s="...)
	out = base64.StdEncoding.AppendEncode(out, s.creds.Salt)
	out = append(out, ",i="...)
	out = strconv.AppendInt(out, int64(s.creds.Iterations), 10)
	s.serverFirst = string(out)
	return out, nil
}

// clientFinal reads the client-final-message. It returns the
// server-final-message and true when the proof is right, nil and false when
// it is wrong (or the exchange is a mock), and an error for a malformed
// message.
func (s *scramServer) clientFinal(in []byte) ([]byte, bool, error) {
	if err := checkInput(in); err != nil {
		return nil, false, err
	}
	c := &cursor{s: string(in)}
	cb, err := c.attr('c')
	if err != nil {
		return nil, false, err
	}
	// Without channel binding the attribute is the base64 of the gs2 header,
	// "n,," or "y,,", and must repeat the flag of the first message.
	if !(cb == "biws" && s.cbindFlag == 'n') && !(cb == "eSws" && s.cbindFlag == 'y') {
		return nil, false, pgerror.Fatal(pgerror.ProtocolViolation, "unexpected SCRAM channel-binding attribute in client-final-message")
	}
	finalNonce, err := c.attr('r')
	if err != nil {
		return nil, false, err
	}
	// Skip extensions up to the proof; withoutProof ends before its comma.
	var proofStart int
	var attr byte
	var value string
	for attr != 'p' {
		proofStart = c.p - 1
		if attr, value, err = c.anyAttr(); err != nil {
			return nil, false, err
		}
	}
	proof, err := base64.StdEncoding.DecodeString(value)
	if err != nil || len(proof) != keyLen {
		return nil, false, malformed("Malformed proof in client-final-message.")
	}
	if c.p < len(c.s) {
		return nil, false, malformed("Garbage found at the end of client-final-message.")
	}
	if finalNonce != s.clientNonce+s.serverNonce {
		e := pgerror.Fatal(pgerror.ProtocolViolation, "invalid SCRAM response")
		e.Detail = "Nonce does not match."
		return nil, false, e
	}

	// AuthMessage = client-first-message-bare "," server-first-message ","
	// client-final-message-without-proof (RFC 5802 §3).
	authMsg := make([]byte, 0, len(s.clientFirstBare)+len(s.serverFirst)+proofStart+2)
	authMsg = append(authMsg, s.clientFirstBare...)
	authMsg = append(authMsg, ',')
	authMsg = append(authMsg, s.serverFirst...)
	authMsg = append(authMsg, ',')
	authMsg = append(authMsg, c.s[:proofStart]...)

	// ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); the proof is
	// right when H(ClientKey) = StoredKey. The check runs for mock exchanges
	// too, so that their timing matches.
	mac := hmac.New(sha256.New, s.creds.StoredKey)
	mac.Write(authMsg)
	clientKey := mac.Sum(nil)
	subtle.XORBytes(clientKey, clientKey, proof)
	storedKey := sha256.Sum256(clientKey)
	if subtle.ConstantTimeCompare(storedKey[:], s.creds.StoredKey) != 1 || s.doomed {
		return nil, false, nil
	}
	mac = hmac.New(sha256.New, s.creds.ServerKey)
	mac.Write(authMsg)
	out := append(make([]byte, 0, 2+44), "v="...)
	return base64.StdEncoding.AppendEncode(out, mac.Sum(nil)), true, nil
}
