package pgerror

// SQLSTATE codes of user-defined functions and procedures (CREATE
// FUNCTION, DROP FUNCTION, CALL), named as in PostgreSQL's errcodes.txt.
const (
	InvalidFunctionDefinition = "42P13"
	DuplicateFunction         = "42723"
)
