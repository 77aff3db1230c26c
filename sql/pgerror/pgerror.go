// Package pgerror defines the error value that travels from every layer to the
// wire: a PostgreSQL-style error carrying its SQLSTATE from the moment it is
// made, so that the server never has to guess a code from a message.
//
// Constructors take the SQLSTATE first; layers below the server return
// *Error (or wrap one), and the server turns anything else into XX000.
package pgerror

import (
	"errors"
	"fmt"
)

// Severity values as PostgreSQL sends them in the 'S' and 'V' fields.
const (
	SeverityError   = "ERROR"
	SeverityFatal   = "FATAL"
	SeverityPanic   = "PANIC"
	SeverityWarning = "WARNING"
	SeverityNotice  = "NOTICE"
	SeverityDebug   = "DEBUG"
	SeverityInfo    = "INFO"
	SeverityLog     = "LOG"
)

// SQLSTATE codes used by nqdb. Names follow PostgreSQL's errcodes.txt.
const (
	SuccessfulCompletion            = "00000"
	Warning                         = "01000"
	NoData                          = "02000"
	ConnectionException             = "08000"
	ConnectionFailure               = "08006"
	ProtocolViolation               = "08P01"
	FeatureNotSupported             = "0A000"
	InvalidGrantor                  = "0L000"
	CardinalityViolation            = "21000"
	DataException                   = "22000"
	StringDataRightTruncation       = "22001"
	NumericValueOutOfRange          = "22003"
	NullValueNotAllowed             = "22004"
	InvalidPrecedingOrFollowingSize = "22013"
	InvalidDatetimeFormat           = "22007"
	DatetimeFieldOverflow           = "22008"
	InvalidTimeZoneDisplacement     = "22009"
	IntervalFieldOverflow           = "22015"
	InvalidParameterValue           = "22023"
	DivisionByZero                  = "22012"
	InvalidEscapeSequence           = "22025"
	InvalidTextRepresentation       = "22P02"
	InvalidBinaryRepresentation     = "22P03"
	BadCopyFileFormat               = "22P04"
	UntranslatableCharacter         = "22P05"
	CharacterNotInRepertoire        = "22021"
	InvalidJSONText                 = "22P02"
	ArraySubscriptError             = "2202E"
	NotNullViolation                = "23502"
	InvalidTableDefinition          = "42P16"
	ForeignKeyViolation             = "23503"
	UniqueViolation                 = "23505"
	CheckViolation                  = "23514"
	InvalidCursorState              = "24000"
	InvalidTransactionState         = "25000"
	ActiveSQLTransaction            = "25001"
	NoActiveSQLTransaction          = "25P01"
	InFailedSQLTransaction          = "25P02"
	ReadOnlySQLTransaction          = "25006"
	InvalidSQLStatementName         = "26000"
	InvalidAuthorizationSpec        = "28000"
	InvalidPassword                 = "28P01"
	InvalidTransactionTermination   = "2D000"
	InvalidCursorName               = "34000"
	InvalidCursorDefinition         = "42P11"
	GeneratedAlways                 = "428C9"
	DependentObjectsStillExist      = "2BP01"
	SequenceGeneratorLimitExceeded  = "2200H"
	SerializationFailure            = "40001"
	DeadlockDetected                = "40P01"
	SyntaxError                     = "42601"
	InsufficientPrivilege           = "42501"
	UndefinedColumn                 = "42703"
	UndefinedFunction               = "42883"
	UndefinedTable                  = "42P01"
	UndefinedParameter              = "42P02"
	UndefinedObject                 = "42704"
	DuplicateColumn                 = "42701"
	DuplicateCursor                 = "42P03"
	DuplicateDatabase               = "42P04"
	DuplicatePreparedStatement      = "42P05"
	DuplicateSchema                 = "42P06"
	DuplicateTable                  = "42P07"
	DuplicateAlias                  = "42712"
	DuplicateObject                 = "42710"
	AmbiguousColumn                 = "42702"
	AmbiguousFunction               = "42725"
	AmbiguousParameter              = "42P08"
	DatatypeMismatch                = "42804"
	WrongObjectType                 = "42809"
	InvalidColumnReference          = "42P10"
	IndeterminateDatatype           = "42P18"
	UndefinedSchema                 = "3F000"
	GroupingError                   = "42803"
	WindowingError                  = "42P20"
	InvalidRecursion                = "42P19"
	InvalidForeignKey               = "42830"
	InvalidName                     = "42602"
	NameTooLong                     = "42622"
	ReservedName                    = "42939"
	CannotCoerce                    = "42846"
	DiskFull                        = "53100"
	OutOfMemory                     = "53200"
	TooManyConnections              = "53300"
	ProgramLimitExceeded            = "54000"
	StatementTooComplex             = "54001"
	TooManyArguments                = "54023"
	TooManyColumns                  = "54011"
	ObjectNotInPrerequisiteState    = "55000"
	LockNotAvailable                = "55P03"
	QueryCanceled                   = "57014"
	AdminShutdown                   = "57P01"
	CrashShutdown                   = "57P02"
	CannotConnectNow                = "57P03"
	IOError                         = "58030"
	UndefinedFile                   = "58P01"
	ExternalRoutineException        = "38000"
	ConfigFileError                 = "F0000"
	InternalError                   = "XX000"
	DataCorrupted                   = "XX001"
	IndexCorrupted                  = "XX002"
	CantChangeRuntimeParam          = "55P02"
	InvalidCatalogName              = "3D000"
	InvalidSchemaName               = "3F000"
	InvalidPreparedStatementDef     = "42P14"
)

// Error is a PostgreSQL error or notice, field for field as it goes on the
// wire in ErrorResponse and NoticeResponse.
type Error struct {
	Severity string // ERROR, FATAL, NOTICE, ...; empty means ERROR
	Code     string // SQLSTATE
	Message  string
	Detail   string
	Hint     string
	// Position is the 1-based character (not byte) position in the client's
	// query string, 0 when there is none.
	Position int
	// Where, SchemaName, TableName, ColumnName, DataTypeName and
	// ConstraintName are optional context fields.
	Where          string
	SchemaName     string
	TableName      string
	ColumnName     string
	DataTypeName   string
	ConstraintName string
	// cause is kept for %w chains and logs; it is never sent to clients.
	cause error
}

// New returns an ERROR with code and a formatted message.
func New(code, format string, args ...any) *Error {
	if len(args) == 0 {
		return &Error{Severity: SeverityError, Code: code, Message: format}
	}
	return &Error{Severity: SeverityError, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Newf is New under the name the fmt family would give it.
func Newf(code, format string, args ...any) *Error { return New(code, format, args...) }

// Fatal returns a FATAL error: the server closes the connection after sending it.
func Fatal(code, format string, args ...any) *Error {
	e := New(code, format, args...)
	e.Severity = SeverityFatal
	return e
}

// Notice returns a NOTICE-level message (sent as NoticeResponse).
func Notice(format string, args ...any) *Error {
	e := New(SuccessfulCompletion, format, args...)
	e.Severity = SeverityNotice
	return e
}

// WarningNotice returns a WARNING-level notice with the given code.
func WarningNotice(code, format string, args ...any) *Error {
	e := New(code, format, args...)
	e.Severity = SeverityWarning
	return e
}

// Wrap returns an ERROR with code whose message is msg and which keeps err as
// its cause (for logs; the cause is never shown to a client).
func Wrap(err error, code, msg string) *Error {
	e := New(code, "%s", msg)
	e.cause = err
	return e
}

// Error implements error in PostgreSQL's "SEVERITY:  message" style.
func (e *Error) Error() string {
	sev := e.Severity
	if sev == "" {
		sev = SeverityError
	}
	return sev + ": " + e.Message + " (SQLSTATE " + e.Code + ")"
}

// Unwrap returns the cause given to Wrap, if any.
func (e *Error) Unwrap() error { return e.cause }

// WithDetail sets Detail and returns e, for chaining at the construction site.
func (e *Error) WithDetail(format string, args ...any) *Error {
	e.Detail = fmt.Sprintf(format, args...)
	return e
}

// WithHint sets Hint and returns e.
func (e *Error) WithHint(format string, args ...any) *Error {
	e.Hint = fmt.Sprintf(format, args...)
	return e
}

// WithPosition sets the 1-based character position and returns e.
func (e *Error) WithPosition(pos int) *Error {
	e.Position = pos
	return e
}

// IsFatal reports whether the connection must be closed after sending e.
func (e *Error) IsFatal() bool {
	return e.Severity == SeverityFatal || e.Severity == SeverityPanic
}

// From turns any error into an *Error: an *Error anywhere in the chain is
// returned as is; anything else becomes XX000 internal_error with the error
// text as message.
func From(err error) *Error {
	if err == nil {
		return nil
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	return Wrap(err, InternalError, err.Error())
}

// Code returns the SQLSTATE of err, XX000 for errors that carry none and ""
// for nil.
func Code(err error) string {
	if err == nil {
		return ""
	}
	return From(err).Code
}
