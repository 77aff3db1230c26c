package auth

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// SCRAM parameters PostgreSQL 15 uses when it stores a password.
const (
	// DefaultIterations is PostgreSQL's SCRAM_DEFAULT_ITERATIONS.
	DefaultIterations = 4096
	// SaltLen is PostgreSQL's SCRAM_DEFAULT_SALT_LEN.
	SaltLen = 16
	// keyLen is the SHA-256 output size: the length of every SCRAM key.
	keyLen = sha256.Size
)

// Credentials holds what the server stores for a user. The clear password is
// never kept: the SCRAM fields (RFC 5802: salt, iteration count, StoredKey,
// ServerKey) verify SCRAM proofs and cleartext passwords, MD5 verifies md5
// responses. A user created from PostgreSQL secrets may lack one of the two
// (nil slices), as in PostgreSQL, where a role has exactly one secret.
type Credentials struct {
	// User is the role name the secrets were made for. md5 salts with it, so
	// a Credentials value is only valid for this user.
	User string
	// Salt and Iterations are the PBKDF2 parameters for SCRAM.
	Salt       []byte
	Iterations int
	// StoredKey is H(HMAC(SaltedPassword, "Client Key")) and ServerKey is
	// HMAC(SaltedPassword, "Server Key"), 32 bytes each.
	StoredKey []byte
	ServerKey []byte
	// MD5 is md5(password + user), 16 bytes, as PostgreSQL stores it (hex,
	// after "md5") when password_encryption is md5.
	MD5 []byte
}

// NewCredentials derives the stored secrets for user from password with a
// fresh random 16-byte salt and 4096 PBKDF2-HMAC-SHA-256 iterations, the
// values PostgreSQL 15 uses.
func NewCredentials(user, password string) (*Credentials, error) {
	if password == "" {
		// PostgreSQL refuses to store an empty password (it clears it with a
		// notice); a role without a password cannot log in with one.
		return nil, pgerror.New(pgerror.InvalidPassword, "empty string is not a valid password")
	}
	salt := make([]byte, SaltLen)
	rand.Read(salt) // never fails since Go 1.24
	return newCredentials(user, password, salt, DefaultIterations)
}

// newCredentials is NewCredentials with a chosen salt and iteration count,
// so that tests can reproduce PostgreSQL's secrets.
func newCredentials(user, password string, salt []byte, iterations int) (*Credentials, error) {
	storedKey, serverKey, err := scramKeys(password, salt, iterations)
	if err != nil {
		return nil, err
	}
	sum := md5.Sum([]byte(password + user))
	return &Credentials{
		User:       user,
		Salt:       salt,
		Iterations: iterations,
		StoredKey:  storedKey,
		ServerKey:  serverKey,
		MD5:        sum[:],
	}, nil
}

// scramKeys computes StoredKey and ServerKey for password (RFC 5802 §3).
func scramKeys(password string, salt []byte, iterations int) (storedKey, serverKey []byte, err error) {
	salted, err := saltedPassword(password, salt, iterations)
	if err != nil {
		return nil, nil, err
	}
	clientKey := hmacSHA256(salted, "Client Key")
	sk := sha256.Sum256(clientKey)
	return sk[:], hmacSHA256(salted, "Server Key"), nil
}

// saltedPassword is Hi(Normalize(password), salt, i) of RFC 5802.
func saltedPassword(password string, salt []byte, iterations int) ([]byte, error) {
	k, err := pbkdf2.Key(sha256.New, normalizePassword(password), salt, iterations, keyLen)
	if err != nil {
		// Only possible in FIPS 140-only mode (short password or salt).
		return nil, pgerror.Wrap(err, pgerror.InternalError, "could not compute SCRAM key: "+err.Error())
	}
	return k, nil
}

func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// HasSCRAM reports whether c holds a usable SCRAM secret.
func (c *Credentials) HasSCRAM() bool {
	return c != nil && len(c.Salt) > 0 && c.Iterations > 0 && len(c.StoredKey) == keyLen && len(c.ServerKey) == keyLen
}

// HasMD5 reports whether c holds an md5 hash.
func (c *Credentials) HasMD5() bool { return c != nil && len(c.MD5) == md5.Size }

// SCRAMSecret returns the SCRAM secret in PostgreSQL's pg_authid.rolpassword
// format, "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>" with
// base64 fields, or "" when c has none.
func (c *Credentials) SCRAMSecret() string {
	if !c.HasSCRAM() {
		return ""
	}
	b64 := base64.StdEncoding
	return "SCRAM-SHA-256$" + strconv.Itoa(c.Iterations) + ":" + b64.EncodeToString(c.Salt) +
		"$" + b64.EncodeToString(c.StoredKey) + ":" + b64.EncodeToString(c.ServerKey)
}

// MD5Secret returns the md5 hash in PostgreSQL's format, "md5" followed by 32
// hex digits, or "" when c has none.
func (c *Credentials) MD5Secret() string {
	if !c.HasMD5() {
		return ""
	}
	return "md5" + hex.EncodeToString(c.MD5)
}

// ParseSecret returns Credentials for user from a secret in PostgreSQL's
// pg_authid.rolpassword format: either SCRAMSecret's or MD5Secret's. It lets
// nqdb take over roles from a PostgreSQL dump.
func ParseSecret(user, secret string) (*Credentials, error) {
	bad := pgerror.New(pgerror.InvalidParameterValue, "invalid password secret for user \"%s\"", user)
	if rest, ok := strings.CutPrefix(secret, "md5"); ok {
		h, err := hex.DecodeString(rest)
		if err != nil || len(h) != md5.Size {
			return nil, bad
		}
		return &Credentials{User: user, MD5: h}, nil
	}
	rest, ok := strings.CutPrefix(secret, "SCRAM-SHA-256$")
	if !ok {
		return nil, bad
	}
	params, keys, ok := strings.Cut(rest, "$")
	if !ok {
		return nil, bad
	}
	iter, salt, ok1 := strings.Cut(params, ":")
	stored, server, ok2 := strings.Cut(keys, ":")
	if !ok1 || !ok2 {
		return nil, bad
	}
	c := &Credentials{User: user}
	var err error
	if c.Iterations, err = strconv.Atoi(iter); err != nil || c.Iterations <= 0 {
		return nil, bad
	}
	b64 := base64.StdEncoding
	if c.Salt, err = b64.DecodeString(salt); err != nil || len(c.Salt) == 0 {
		return nil, bad
	}
	if c.StoredKey, err = b64.DecodeString(stored); err != nil || len(c.StoredKey) != keyLen {
		return nil, bad
	}
	if c.ServerKey, err = b64.DecodeString(server); err != nil || len(c.ServerKey) != keyLen {
		return nil, bad
	}
	return c, nil
}
