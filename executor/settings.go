package executor

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// ServerVersion is what nqdb reports as server_version. Drivers parse the
// leading "15.18" (psql picks its catalog queries by it); the parenthesised
// part names the real server, as Debian's packages do for PostgreSQL.
const ServerVersion = "15.18 (nqdb)"

// ServerVersionNum is server_version_num for ServerVersion.
const ServerVersionNum = "150018"

// settingDef describes one run-time parameter (a GUC in PostgreSQL terms).
type settingDef struct {
	name     string // canonical spelling, as SHOW prints it
	key      string // lower-case name, the key of Session.vals
	def      string // default value
	report   bool   // GUC_REPORT: sent as ParameterStatus when it changes
	readOnly bool   // cannot be changed by SET (55P02)
	desc     string
	// check normalises a new value or rejects it with a *pgerror.Error.
	check func(v string) (string, error)
}

var settingDefs = map[string]*settingDef{}

func def(d *settingDef) {
	d.key = strings.ToLower(d.name)
	settingDefs[d.key] = d
}

func init() {
	def(&settingDef{name: "application_name", def: "", report: true, desc: "Sets the application name to be reported in statistics and logs."})
	def(&settingDef{name: "client_encoding", def: "UTF8", report: true, check: checkEncoding, desc: "Sets the client's character set encoding."})
	def(&settingDef{name: "DateStyle", def: "ISO, MDY", report: true, check: checkDateStyle, desc: "Sets the display format for date and time values."})
	def(&settingDef{name: "IntervalStyle", def: "postgres", report: true, check: checkIntervalStyle, desc: "Sets the display format for interval values."})
	def(&settingDef{name: "TimeZone", def: "UTC", report: true, check: checkTimeZone, desc: "Sets the time zone for displaying and interpreting time stamps."})
	def(&settingDef{name: "integer_datetimes", def: "on", report: true, readOnly: true, desc: "Shows whether datetimes are integer based."})
	def(&settingDef{name: "standard_conforming_strings", def: "on", report: true, check: checkOnly("standard_conforming_strings", "on", "off", "false", "no", "0"), desc: "Causes '...' strings to treat backslashes literally."})
	def(&settingDef{name: "server_version", def: ServerVersion, report: true, readOnly: true, desc: "Shows the server version."})
	def(&settingDef{name: "server_version_num", def: ServerVersionNum, readOnly: true, desc: "Shows the server version as an integer."})
	def(&settingDef{name: "server_encoding", def: "UTF8", report: true, readOnly: true, desc: "Shows the server (database) character set encoding."})
	def(&settingDef{name: "is_superuser", def: "on", report: true, readOnly: true, desc: "Shows whether the current user is a superuser."})
	def(&settingDef{name: "session_authorization", def: "postgres", report: true, readOnly: true, desc: "Sets the session user name."})
	def(&settingDef{name: "default_transaction_read_only", def: "off", report: true, check: checkBool, desc: "Sets the default read-only status of new transactions."})
	def(&settingDef{name: "in_hot_standby", def: "off", report: true, readOnly: true, desc: "Shows whether hot standby is currently active."})
	def(&settingDef{name: "search_path", def: `"$user", public`, desc: "Sets the schema search order for names that are not schema-qualified."})
	def(&settingDef{name: "extra_float_digits", def: "1", check: checkIntRange("extra_float_digits", -15, 3), desc: "Sets the number of digits displayed for floating-point values."})
	def(&settingDef{name: "log_min_duration_statement", def: "-1", check: checkLogDuration, desc: "Sets the minimum execution time above which all statements will be logged."})
	def(&settingDef{name: "statement_timeout", def: "0", check: checkDuration("statement_timeout"), desc: "Sets the maximum allowed duration of any statement."})
	def(&settingDef{name: "lock_timeout", def: "0", check: checkDuration("lock_timeout"), desc: "Sets the maximum allowed duration of any wait for a lock."})
	def(&settingDef{name: "idle_in_transaction_session_timeout", def: "0", check: checkDuration("idle_in_transaction_session_timeout"), desc: "Sets the maximum allowed idle time between queries, when in a transaction."})
	def(&settingDef{name: "default_transaction_isolation", def: "read committed", check: checkIsolation, desc: "Sets the transaction isolation level of each new transaction."})
	def(&settingDef{name: "transaction_isolation", def: "read committed", check: checkIsolation, desc: "Sets the current transaction's isolation level."})
	def(&settingDef{name: "transaction_read_only", def: "off", check: checkBool, desc: "Sets the current transaction's read-only status."})
	def(&settingDef{name: "synchronous_commit", def: "on", check: checkOneOf("synchronous_commit", "on", "off", "local", "remote_write", "remote_apply"), desc: "Sets the current transaction's synchronization level."})
	def(&settingDef{name: "bytea_output", def: "hex", check: checkOnly("bytea_output", "hex", "escape"), desc: "Sets the output format for bytea."})
	def(&settingDef{name: "client_min_messages", def: "notice", check: checkOneOf("client_min_messages", "debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning", "error"), desc: "Sets the message levels that are sent to the client."})
	def(&settingDef{name: "work_mem", def: "4MB", check: checkMemory("work_mem", 64, math.MaxInt32), desc: "Sets the maximum memory to be used for query workspaces."})
	def(&settingDef{name: "hash_mem_multiplier", def: "2", check: checkRealRange("hash_mem_multiplier", 1, 1000), desc: "Multiple of work_mem to use for hash tables."})
	def(&settingDef{name: "temp_file_limit", def: "-1", check: checkMemory("temp_file_limit", -1, math.MaxInt32), desc: "Limits the total size of all temporary files used by each process."})
	def(&settingDef{name: "max_connections", def: "100", readOnly: true, desc: "Sets the maximum number of concurrent connections."})
	def(&settingDef{name: "lc_messages", def: "C", desc: "Sets the language in which messages are displayed."})
	def(&settingDef{name: "lc_monetary", def: "C", desc: "Sets the locale for formatting monetary amounts."})
	def(&settingDef{name: "lc_numeric", def: "C", desc: "Sets the locale for formatting numbers."})
	def(&settingDef{name: "lc_time", def: "C", desc: "Sets the locale for formatting date and time values."})
	def(&settingDef{name: "lc_collate", def: "C", readOnly: true, desc: "Shows the collation order locale."})
	def(&settingDef{name: "lc_ctype", def: "C", readOnly: true, desc: "Shows the character classification and case conversion locale."})
	def(&settingDef{name: "max_identifier_length", def: "63", readOnly: true, desc: "Shows the maximum identifier length."})
	// pgjdbc's getImportedKeys reads it to bound its key positions.
	def(&settingDef{name: "max_index_keys", def: "32", readOnly: true, desc: "Shows the maximum number of index keys."})
	def(&settingDef{name: "block_size", def: "8192", readOnly: true, desc: "Shows the size of a disk block."})
	def(&settingDef{name: "row_security", def: "on", check: checkBool, desc: "Enable row security."})
	def(&settingDef{name: "jit", def: "off", check: checkBool, desc: "Allow JIT compilation."})
	def(&settingDef{name: "enable_seqscan", def: "on", check: checkBool, desc: "Enables the planner's use of sequential-scan plans."})
	def(&settingDef{name: "enable_indexscan", def: "on", check: checkBool, desc: "Enables the planner's use of index-scan plans."})
	def(&settingDef{name: "enable_indexonlyscan", def: "on", check: checkBool, desc: "Enables the planner's use of index-only-scan plans."})
	// nqdb has no bitmap scans; scripts written for PostgreSQL set it.
	def(&settingDef{name: "enable_bitmapscan", def: "on", check: checkBool, desc: "Enables the planner's use of bitmap-scan plans."})
	def(&settingDef{name: "enable_hashjoin", def: "on", check: checkBool, desc: "Enables the planner's use of hash join plans."})
	def(&settingDef{name: "enable_mergejoin", def: "on", check: checkBool, desc: "Enables the planner's use of merge join plans."})
	def(&settingDef{name: "plan_cache_mode", def: "auto", check: checkPlanCacheMode, desc: "Controls the planner's selection of custom or generic plan."})
	def(&settingDef{name: "enable_nestloop", def: "on", check: checkBool, desc: "Enables the planner's use of nested-loop join plans."})
	def(&settingDef{name: "geqo", def: "on", check: checkBool, desc: "Enables genetic query optimization."})
	def(&settingDef{name: "escape_string_warning", def: "on", check: checkBool, desc: "Warn about backslash escapes in ordinary string literals."})
	def(&settingDef{name: "xmloption", def: "content", check: checkOneOf("xmloption", "content", "document"), desc: "Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments."})
	def(&settingDef{name: "timezone_abbreviations", def: "Default", desc: "Selects a file of time zone abbreviations."})
	def(&settingDef{name: "check_function_bodies", def: "on", check: checkBool, desc: "Check routine bodies during CREATE FUNCTION and CREATE PROCEDURE."})
	def(&settingDef{name: "default_tablespace", def: "", desc: "Sets the default tablespace to create tables and indexes in."})
	def(&settingDef{name: "password_encryption", def: "scram-sha-256", check: checkOneOf("password_encryption", "scram-sha-256", "md5"), desc: "Chooses the algorithm for encrypting passwords."})
}

// lookupSetting finds a parameter by case-insensitive name.
func lookupSetting(name string) *settingDef { return settingDefs[strings.ToLower(name)] }

// isCustomSetting reports whether name is a placeholder such as "myapp.x",
// which PostgreSQL accepts without declaration.
func isCustomSetting(name string) bool {
	i := strings.IndexByte(name, '.')
	return i > 0 && i < len(name)-1
}

func errUnknownSetting(name string) error {
	return pgerror.New(pgerror.UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
}

func invalidValue(name, v string) *pgerror.Error {
	return pgerror.New(pgerror.InvalidParameterValue, "invalid value for parameter \"%s\": \"%s\"", name, v)
}

func checkOneOf(name string, allowed ...string) func(string) (string, error) {
	return func(v string) (string, error) {
		lv := strings.ToLower(strings.TrimSpace(v))
		for _, a := range allowed {
			if lv == a {
				return a, nil
			}
		}
		return "", invalidValue(name, v)
	}
}

// checkOnly accepts the one value nqdb implements; other values that
// PostgreSQL would accept get 0A000 rather than a silently different format.
func checkOnly(name, supported string, otherValid ...string) func(string) (string, error) {
	return func(v string) (string, error) {
		lv := strings.ToLower(strings.TrimSpace(v))
		if lv == supported {
			return supported, nil
		}
		for _, o := range otherValid {
			if lv == o {
				return "", pgerror.New(pgerror.FeatureNotSupported, "nqdb supports only %s = %s", name, supported)
			}
		}
		return "", invalidValue(name, v)
	}
}

func checkBool(v string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "true", "yes", "1", "t", "y":
		return "on", nil
	case "off", "false", "no", "0", "f", "n":
		return "off", nil
	}
	return "", pgerror.New(pgerror.InvalidParameterValue, "parameter requires a Boolean value")
}

func checkEncoding(v string) (string, error) {
	switch strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(v), "-", "")) {
	case "UTF8", "UNICODE":
		return "UTF8", nil
	case "SQL_ASCII":
		// Clients that send only ASCII work the same over UTF-8.
		return "SQL_ASCII", nil
	}
	return "", pgerror.New(pgerror.FeatureNotSupported, "conversion between %s and UTF8 is not supported", v)
}

func checkDateStyle(v string) (string, error) {
	// PostgreSQL's check_datestyle: a style and an order, in any order;
	// German implies DMY unless an order is given. (PostgreSQL keeps the
	// current style or order when one is left out; here it is the default.)
	style, order := "ISO", "MDY"
	haveStyle, haveOrder := false, false
	conflict := false
	setStyle := func(st string) {
		if haveStyle && style != st {
			conflict = true
		}
		style, haveStyle = st, true
	}
	setOrder := func(o string) {
		if haveOrder && order != o {
			conflict = true
		}
		order, haveOrder = o, true
	}
	for _, part := range strings.Split(v, ",") {
		switch strings.ToUpper(strings.TrimSpace(part)) {
		case "ISO":
			setStyle("ISO")
		case "SQL":
			setStyle("SQL")
		case "POSTGRES":
			setStyle("Postgres")
		case "GERMAN":
			setStyle("German")
			if !haveOrder {
				order = "DMY"
			}
		case "MDY", "US", "NONEURO", "NONEUROPEAN":
			setOrder("MDY")
		case "DMY", "EURO", "EUROPEAN":
			setOrder("DMY")
		case "YMD":
			setOrder("YMD")
		case "DEFAULT":
			setStyle("ISO")
			setOrder("MDY")
		default:
			return "", invalidValue("DateStyle", v).WithDetail("Unrecognized key word: \"%s\".", strings.TrimSpace(part))
		}
	}
	if conflict {
		return "", invalidValue("DateStyle", v).WithDetail("Conflicting \"datestyle\" specifications.")
	}
	return style + ", " + order, nil
}

// checkIntervalStyle accepts the styles nqdb prints; sql_standard and
// iso_8601 get 0A000 rather than a silently different format.
func checkIntervalStyle(v string) (string, error) {
	switch lv := strings.ToLower(strings.TrimSpace(v)); lv {
	case "postgres", "postgres_verbose":
		return lv, nil
	case "sql_standard", "iso_8601":
		return "", pgerror.New(pgerror.FeatureNotSupported, "nqdb supports only IntervalStyle = postgres or postgres_verbose")
	}
	return "", invalidValue("IntervalStyle", v)
}

func checkTimeZone(v string) (string, error) {
	if _, err := LoadTimeZone(v); err != nil {
		return "", err
	}
	return strings.TrimSpace(v), nil
}

// LoadTimeZone resolves a TimeZone setting: an IANA name, UTC/GMT/Z, or a
// POSIX-style numeric offset such as "+05:30" or "-8" (which, as in
// PostgreSQL's SET TIME ZONE, means hours east of Greenwich when it is a
// bare number).
func LoadTimeZone(v string) (*time.Location, error) {
	s := strings.TrimSpace(v)
	switch strings.ToUpper(s) {
	case "UTC", "GMT", "Z", "ZULU", "UCT", "ETC/UTC":
		return time.UTC, nil
	case "LOCAL":
		return time.Local, nil
	}
	if s != "" && (s[0] == '+' || s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) {
		sign := 1
		body := s
		if s[0] == '+' || s[0] == '-' {
			if s[0] == '-' {
				sign = -1
			}
			body = s[1:]
		}
		h, m := body, "0"
		if i := strings.IndexByte(body, ':'); i >= 0 {
			h, m = body[:i], body[i+1:]
		}
		hh, err1 := strconv.ParseFloat(h, 64)
		mm, err2 := strconv.Atoi(m)
		if err1 == nil && err2 == nil && hh <= 15 && mm < 60 {
			secs := sign * (int(hh*3600) + mm*60)
			return time.FixedZone(s, secs), nil
		}
	}
	loc, err := time.LoadLocation(s)
	if err != nil || s == "" {
		return nil, pgerror.New(pgerror.InvalidParameterValue, "invalid value for parameter \"TimeZone\": \"%s\"", v)
	}
	return loc, nil
}

func checkIntRange(name string, lo, hi int) func(string) (string, error) {
	return func(v string) (string, error) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return "", pgerror.New(pgerror.InvalidParameterValue, "invalid value for parameter \"%s\": \"%s\"", name, v)
		}
		if n < lo || n > hi {
			return "", pgerror.New(pgerror.InvalidParameterValue,
				"%d is outside the valid range for parameter \"%s\" (%d .. %d)", n, name, lo, hi)
		}
		return strconv.Itoa(n), nil
	}
}

// durationUnits are PostgreSQL's time units for GUCs; a bare number is in
// milliseconds for the timeouts nqdb has.
var durationUnits = []struct {
	suffix string
	ms     float64
}{{"ms", 1}, {"us", 0.001}, {"min", 60000}, {"s", 1000}, {"h", 3600000}, {"d", 86400000}} // longer suffixes first

// ParseDurationSetting parses a timeout setting into a time.Duration.
func ParseDurationSetting(v string) (time.Duration, bool) {
	s := strings.TrimSpace(v)
	mult := 1.0
	for _, u := range durationUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.ms
			break
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 2147483647 {
		return 0, false
	}
	return time.Duration(f * mult * float64(time.Millisecond)), true
}

func checkDuration(name string) func(string) (string, error) {
	return func(v string) (string, error) {
		d, ok := ParseDurationSetting(v)
		if !ok {
			return "", pgerror.New(pgerror.InvalidParameterValue, "invalid value for parameter \"%s\": \"%s\"", name, v)
		}
		return formatDurationSetting(d), nil
	}
}

// formatDurationSetting prints a duration as SHOW does: the largest unit
// that divides it exactly.
func formatDurationSetting(d time.Duration) string {
	ms := d.Milliseconds()
	switch {
	case ms == 0:
		return "0"
	case ms%86400000 == 0:
		return fmt.Sprintf("%dd", ms/86400000)
	case ms%3600000 == 0:
		return fmt.Sprintf("%dh", ms/3600000)
	case ms%60000 == 0:
		return fmt.Sprintf("%dmin", ms/60000)
	case ms%1000 == 0:
		return fmt.Sprintf("%ds", ms/1000)
	}
	return fmt.Sprintf("%dms", ms)
}

func checkIsolation(v string) (string, error) {
	s := strings.ToLower(strings.Join(strings.Fields(v), " "))
	switch s {
	case "read uncommitted", "read committed", "repeatable read", "serializable":
		return s, nil
	}
	return "", pgerror.New(pgerror.InvalidParameterValue, "invalid value for parameter \"transaction_isolation\": \"%s\"", v)
}

// sortedNames and reportedDefs are computed once: ChangedSettings runs
// before every ReadyForQuery.
var (
	sortedNames  []string
	reportedDefs []*settingDef
)

func init() {
	for _, d := range settingDefs {
		sortedNames = append(sortedNames, d.name)
	}
	sort.Slice(sortedNames, func(i, j int) bool {
		return strings.ToLower(sortedNames[i]) < strings.ToLower(sortedNames[j])
	})
	for _, n := range sortedNames {
		if d := lookupSetting(n); d.report {
			reportedDefs = append(reportedDefs, d)
		}
	}
}

// settingNames returns every canonical parameter name, sorted as SHOW ALL
// prints them. The slice is shared: do not modify it.
func settingNames() []string { return sortedNames }
