// Package auth is the server side of PostgreSQL password authentication:
// the trust, password (cleartext), md5 and SCRAM-SHA-256 exchanges that run
// between the client's StartupMessage and the server's AuthenticationOk.
//
// It speaks through a *pgproto3.Backend from github.com/jackc/pgx/v5/pgproto3
// (the maintained successor of jackc/pgproto3/v2). The caller owns the
// connection: it receives the StartupMessage, calls Authenticate, and on
// success sends AuthenticationOk, ParameterStatus, BackendKeyData and
// ReadyForQuery; on failure it sends the returned *pgerror.Error as an
// ErrorResponse and closes the connection.
//
// Design points, each taken from PostgreSQL 15 (src/backend/libpq/auth.c,
// auth-sasl.c, auth-scram.c) so that clients see the same behaviour:
//
//   - The server keeps Credentials, never the clear password: the SCRAM
//     secret (salt, iteration count, StoredKey, ServerKey, RFC 5802) and the
//     md5(password+user) hash that the md5 method needs.
//   - Every wrong password, unknown user or missing secret ends in the same
//     FATAL 28P01 `password authentication failed for user "NAME"`, after the
//     full exchange has run (SCRAM uses a mock salt derived from the user name
//     for unknown users), so that a client cannot probe which roles exist.
//   - Malformed messages end in FATAL 08P01 with PostgreSQL's message and
//     detail text.
//   - SCRAM-SHA-256 is offered without channel binding (no -PLUS mechanism):
//     the client may send the gs2 flag "n" or "y"; "p=" is rejected. The user
//     name in the n= attribute is ignored; the one from the StartupMessage
//     counts. Proofs are compared in constant time.
//   - SCRAM passwords go through SASLprep exactly as pg_saslprep does
//     (saslprep.go; RFC 3454 tables generated from Python's stringprep,
//     which is fixed at Unicode 3.2), so that secrets equal PostgreSQL's for
//     non-ASCII passwords too. ParseSecret reads PostgreSQL's rolpassword.
//
// The SCRAM exchange itself is a small state machine (scramServer) that works
// on byte slices, so that it can be tested against RFC 7677's example and
// fuzzed without a network.
package auth
