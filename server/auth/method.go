package auth

import "github.com/neuroquantumdb/nqdb/sql/pgerror"

// Method is an authentication method, named as in pg_hba.conf.
type Method string

// The methods nqdb supports.
const (
	// Trust accepts the connection without asking for a password.
	Trust Method = "trust"
	// Password asks for the clear password (AuthenticationCleartextPassword).
	Password Method = "password"
	// MD5 asks for md5(md5(password+user)+salt) (AuthenticationMD5Password).
	// As in PostgreSQL, it falls back to SCRAM-SHA-256 when the user has only
	// a SCRAM secret.
	MD5 Method = "md5"
	// SCRAMSHA256 runs SCRAM-SHA-256 over SASL (RFC 5802, RFC 7677).
	SCRAMSHA256 Method = "scram-sha-256"
)

// ParseMethod parses a method name as written in pg_hba.conf (lower case).
func ParseMethod(s string) (Method, error) {
	switch m := Method(s); m {
	case Trust, Password, MD5, SCRAMSHA256:
		return m, nil
	}
	return "", pgerror.New(pgerror.ConfigFileError, "invalid authentication method \"%s\"", s)
}

// String returns the pg_hba.conf name of m.
func (m Method) String() string { return string(m) }
