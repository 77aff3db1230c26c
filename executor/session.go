// Package executor runs SQL statements for one client session: it owns the
// session's settings and transaction state, turns parsed statements into
// plans (through planner) and runs them (through executor/eval), and hands
// rows back through an iterator that the wire layer drains at its own pace.
//
// The server never sees plans or storage: it calls Prepare and Execute and
// encodes what comes back. That keeps the protocol code (portals, formats,
// suspension) apart from execution, as in cockroach's conn_executor.
package executor

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage"
)

// TxnStatus is the transaction indicator of ReadyForQuery.
type TxnStatus byte

// Transaction states as ReadyForQuery reports them.
const (
	TxnIdle   TxnStatus = 'I' // not in a transaction block
	TxnBlock  TxnStatus = 'T' // in a transaction block
	TxnFailed TxnStatus = 'E' // in a failed transaction block
)

// Engine is the state shared by every session of one server: the storage
// engine and the catalog kept in it.
type Engine struct {
	store   *storage.Engine
	catalog *catalog
	seqs    sequences
	sizes   sizeCache
	// temps numbers the sessions' temporary schemas (schema.go).
	temps tempSlots
	// stats holds the tables' statistics and activity (analyze.go).
	stats engineStats
	// statements are pg_stat_statements' counters (statements.go).
	statements statementStats
	// funcs are the committed user-defined routines (function.go).
	funcs engineFuncs
	// backends lists the client sessions (activity.go).
	backends backends
	// temp is where queries spill past work_mem (spill.go).
	temp *eval.TempSpace
	// dataDir is the data directory ("" in memory): where COPY FROM a
	// relative file name looks, as PostgreSQL's working directory.
	dataDir string
}

// OpenEngine opens (creating if needed) the database described by opts,
// recovering it after a crash.
func OpenEngine(opts storage.Options) (*Engine, error) {
	st, err := storage.Open(opts)
	if err != nil {
		return nil, err
	}
	cat, err := loadCatalog(st)
	if err != nil {
		st.Close()
		return nil, err
	}
	e := &Engine{store: st, catalog: cat, dataDir: opts.Dir}
	if err := e.openTempSpace(opts); err != nil {
		st.Close()
		return nil, err
	}
	if err := e.stats.load(st); err != nil {
		st.Close()
		return nil, err
	}
	if err := e.loadFuncs(); err != nil {
		st.Close()
		return nil, err
	}
	if err := e.dropLeftoverTemps(); err != nil {
		st.Close()
		return nil, err
	}
	e.startAutoAnalyze(autoAnalyzeNaptime)
	return e, nil
}

// Storage is the storage engine (for metrics and tests).
func (e *Engine) Storage() *storage.Engine { return e.store }

// Close checkpoints and closes the database. Sessions must have ended.
func (e *Engine) Close() error {
	e.stopAutoAnalyze()
	return e.store.Close()
}

// Config describes a new session.
type Config struct {
	User       string
	Database   string
	BackendPID int32
	// Params are the startup packet's run-time parameters (application_name,
	// DateStyle, TimeZone, options' -c settings, ...).
	Params map[string]string
}

// Session is one client's state: settings, transaction and timestamps. It
// is used by one goroutine at a time (the connection's).
type Session struct {
	engine *Engine
	cfg    Config
	// seqVals are the values nextval returned in this session, for
	// currval; lastSeq is the sequence of the last one (lastval).
	seqVals map[uint32]int64
	lastSeq uint32
	// fillingMatview is the materialized view REFRESH is writing (the
	// only writer it allows); droppingMatview lets DROP MATERIALIZED VIEW
	// through dropTable (matview.go).
	fillingMatview  uint32
	droppingMatview bool

	vals map[string]string // current values by lower-case name
	// txnVals is a copy of vals as they were when the transaction began,
	// so that ROLLBACK can undo SET. It is taken lazily, by the first
	// change inside the transaction, because most transactions set nothing.
	txnVals map[string]string
	inTxn   bool
	// localVals holds the values that SET LOCAL replaced, restored at the
	// end of the transaction whatever its outcome.
	localVals map[string]string
	reported  map[string]string // values last sent as ParameterStatus
	savepts   []savepoint

	status   TxnStatus
	implicit bool // a transaction started implicitly by a statement
	multi    bool // the current Query message holds several statements

	prepared map[string]*Prepared // named prepared statements (protocol and SQL level)
	cursors  map[string]*cursor   // SQL-level cursors (cursor.go)
	// riQueue holds the current statement's writes that foreign keys
	// check at its end (constraint.go).
	riQueue []riEvent
	// riRefs, while EndStatement runs with uncommitted DDL, maps tables
	// to the foreign keys referencing them.
	riRefs map[uint32][]fkRef
	// epoch changes whenever a setting does, so cached plans that may
	// depend on settings (DateStyle, TimeZone, search_path) are not reused.
	epoch uint64
	// reportedEpoch is the epoch when ChangedSettings last compared.
	reportedEpoch uint64
	// timeout caches statement_timeout parsed from timeoutText.
	timeout     time.Duration
	timeoutText string
	txnStart    time.Time
	stmtTime    time.Time

	fo    types.FormatOpts
	fmtTZ string // the TimeZone value fo.Loc was loaded for

	// tx is the storage transaction, opened by the first statement that
	// touches data (so SET and SHOW cost nothing); ddl is its
	// uncommitted DDL; catEpoch changes with every DDL of the session so
	// that plans made before it are not reused.
	tx       *storage.Txn
	ddl      txnCatalog
	catEpoch uint64

	// tempSlot is the N of the session's pg_temp_N (0 = none yet);
	// spCache caches search_path resolved against the catalog.
	tempSlot int
	// pathOverride, while a view's query is planned, is the search path
	// it was created under (see viewRelation.EnterView).
	pathOverride []string
	// afterCommit runs when the transaction commits, after its DDL is
	// published (typedef.go: an enum's new labels); dropped on rollback.
	afterCommit []func()
	// backend is the session's pg_stat_activity row (activity.go), nil
	// when it is not listed; sourceText is the text of the statement's
	// message, as pg_stat_activity and pg_prepared_statements show it.
	backend    *backendState
	sourceText string
	// onCommit holds the ON COMMIT DROP / DELETE ROWS actions of the
	// session's temporary tables, by OID.
	onCommit map[uint32]string
	// pendingStats are the transaction's new statistics by table (nil:
	// dropped), txnMods its writes by table, both published at commit;
	// autoStats marks the automatic ANALYZE's session (analyze_store.go).
	pendingStats map[uint32]*tableStats
	txnMods      map[uint32]*modCount
	autoStats    bool
	// pendingFuncs are the transaction's CREATE / DROP / ALTER FUNCTION
	// changes by OID (nil = dropped), published at commit (function.go).
	pendingFuncs map[uint32]*funcDef
	// pendingComments are the transaction's COMMENT ON changes ("" =
	// removed), published at commit (comment.go).
	pendingComments map[commentID]string
	spCache         struct {
		text    string
		version uint64
		list    []string
	}
}

type savepoint struct {
	name string
	vals map[string]string
	mark storage.Mark // the storage transaction's savepoint (zero when no data was touched yet)
	ddl  txnCatalog
	// stats and comments are the pending statistics and descriptions.
	stats    map[uint32]*tableStats
	comments map[commentID]string
	// funcs are the pending routine changes (function.go).
	funcs map[uint32]*funcDef
}

// storageTxn returns the transaction's storage transaction, opening it
// (and taking its snapshot) on first use.
func (s *Session) storageTxn() *storage.Txn {
	if s.tx != nil {
		return s.tx
	}
	iso := storage.ReadCommitted
	switch s.vals["transaction_isolation"] {
	case "repeatable read":
		iso = storage.RepeatableRead
	case "serializable":
		iso = storage.Serializable
	}
	s.tx = s.engine.store.Begin(iso)
	s.tx.SyncCommit = s.vals["synchronous_commit"] != "off"
	if s.backend != nil {
		s.backend.txn.Store(s.tx.ID())
	}
	return s.tx
}

// dropTx forgets the ended storage transaction (pg_locks no longer
// pairs its id with this backend).
func (s *Session) dropTx() {
	s.tx = nil
	if s.backend != nil {
		s.backend.txn.Store(0)
	}
}

// clone snapshots the DDL overlay for a savepoint.
func (tc txnCatalog) clone() txnCatalog {
	c := txnCatalog{}
	for oid, t := range tc.byOID {
		c.set(oid, t, "")
	}
	for k, v := range tc.names {
		c.names[k] = v
	}
	return c
}

// NewSession creates a session. Startup parameters that name known
// settings are applied; unknown ones are an error (PostgreSQL rejects them
// with FATAL 42704).
func NewSession(e *Engine, cfg Config) (*Session, error) {
	s := &Session{engine: e, cfg: cfg, vals: map[string]string{}, reported: map[string]string{}, status: TxnIdle}
	for name, d := range settingDefs {
		s.vals[name] = d.def
	}
	s.vals["session_authorization"] = cfg.User
	s.vals["is_superuser"] = "on"
	for k, v := range cfg.Params {
		if err := s.setStartupParam(k, v); err != nil {
			return nil, err
		}
	}
	s.refreshFormat()
	return s, nil
}

func (s *Session) setStartupParam(k, v string) error {
	switch k {
	case "user", "database", "replication":
		return nil
	case "options":
		// "-c name=value" pairs, as libpq's PGOPTIONS sends them.
		f := strings.Fields(v)
		for i := 0; i < len(f); i++ {
			opt := f[i]
			if opt == "-c" && i+1 < len(f) {
				i++
				opt = f[i]
			} else if strings.HasPrefix(opt, "-c") {
				opt = opt[2:]
			} else if strings.HasPrefix(opt, "--") {
				opt = opt[2:]
			} else {
				continue
			}
			if eq := strings.IndexByte(opt, '='); eq > 0 {
				name := strings.ReplaceAll(opt[:eq], "-", "_")
				if err := s.setStartupParam(name, opt[eq+1:]); err != nil {
					return err
				}
			}
		}
		return nil
	}
	_, err := s.set(k, v, false)
	if err != nil {
		e := pgerror.From(err)
		e.Severity = pgerror.SeverityFatal
		return e
	}
	return nil
}

// Status returns the transaction status for ReadyForQuery.
func (s *Session) Status() TxnStatus { return s.status }

// User returns the session user.
func (s *Session) User() string { return s.cfg.User }

// BackendPID returns the process id reported in BackendKeyData.
func (s *Session) BackendPID() int32 { return s.cfg.BackendPID }

// ReportedSettings returns the parameters sent as ParameterStatus at
// start-up, in name order, and remembers them as reported.
func (s *Session) ReportedSettings() [][2]string {
	out := make([][2]string, 0, len(reportedDefs))
	for _, d := range reportedDefs {
		v := s.vals[d.key]
		s.reported[d.name] = v
		out = append(out, [2]string{d.name, v})
	}
	return out
}

// ChangedSettings returns the reportable parameters whose values changed
// since they were last reported (PostgreSQL sends ParameterStatus for them
// before ReadyForQuery). It allocates nothing when nothing changed.
func (s *Session) ChangedSettings() [][2]string {
	// Every change of a value moves the epoch: nothing to compare otherwise.
	if s.epoch == s.reportedEpoch {
		return nil
	}
	s.reportedEpoch = s.epoch
	var out [][2]string
	for _, d := range reportedDefs {
		if v := s.vals[d.key]; s.reported[d.name] != v {
			s.reported[d.name] = v
			out = append(out, [2]string{d.name, v})
		}
	}
	return out
}

// FormatOpts returns the settings that shape text I/O of datums.
func (s *Session) FormatOpts() *types.FormatOpts { return &s.fo }

func (s *Session) refreshFormat() {
	s.fo.RelName = s.regclassName
	s.fo.TypeName = s.regtypeName
	s.fo.TypeOID = s.regtypeOID
	// Time zones are loaded only when the setting changes: LoadLocation
	// reads the zone database, and this runs at the end of every
	// transaction.
	if tz := s.vals["timezone"]; tz != s.fmtTZ || s.fo.Loc == nil {
		loc, err := LoadTimeZone(tz)
		if err != nil {
			loc = time.UTC
		}
		s.fo.Loc, s.fmtTZ = loc, tz
	}
	efd, err := strconv.Atoi(s.vals["extra_float_digits"])
	if err != nil {
		efd = 1
	}
	s.fo.ExtraFloatDigits = efd
	// checkDateStyle normalises the value to "ISO|Postgres|SQL|German, MDY|DMY|YMD".
	v := s.vals["datestyle"]
	switch {
	case strings.HasSuffix(v, "DMY"):
		s.fo.DateOrder = types.DateOrderDMY
	case strings.HasSuffix(v, "YMD"):
		s.fo.DateOrder = types.DateOrderYMD
	default:
		s.fo.DateOrder = types.DateOrderMDY
	}
	switch {
	case strings.HasPrefix(v, "Postgres"):
		s.fo.DateStyle = types.DateStylePostgres
	case strings.HasPrefix(v, "SQL"):
		s.fo.DateStyle = types.DateStyleSQL
	case strings.HasPrefix(v, "German"):
		s.fo.DateStyle = types.DateStyleGerman
	default:
		s.fo.DateStyle = types.DateStyleISO
	}
	if s.vals["intervalstyle"] == "postgres_verbose" {
		s.fo.IntervalStyle = types.IntervalStylePostgresVerbose
	} else {
		s.fo.IntervalStyle = types.IntervalStylePostgres
	}
}

// Setting returns a parameter's current value (current_setting, SHOW).
func (s *Session) Setting(name string) (string, error) {
	lname := strings.ToLower(name)
	if v, ok := s.vals[lname]; ok {
		return v, nil
	}
	return "", errUnknownSetting(name)
}

// SetSetting changes a parameter as set_config does and returns its new
// value.
func (s *Session) SetSetting(name, value string, local bool) (string, error) {
	return s.set(name, value, local)
}

// set validates and stores a value; local marks SET LOCAL semantics.
func (s *Session) set(name, value string, local bool) (string, error) {
	lname := strings.ToLower(name)
	d := lookupSetting(lname)
	if d == nil {
		if !isCustomSetting(lname) {
			return "", errUnknownSetting(name)
		}
	} else {
		if d.readOnly {
			if value == s.vals[lname] {
				return value, nil
			}
			return "", pgerror.New(pgerror.CantChangeRuntimeParam, "parameter \"%s\" cannot be changed", d.name)
		}
		if d.check != nil {
			v, err := d.check(value)
			if err != nil {
				return "", err
			}
			value = v
		}
	}
	if local {
		if s.status == TxnIdle && !s.implicit {
			// PostgreSQL warns and does nothing outside a block.
			return value, nil
		}
		if s.localVals == nil {
			s.localVals = map[string]string{}
		}
		if _, seen := s.localVals[lname]; !seen {
			s.localVals[lname] = s.vals[lname]
		}
	} else if s.localVals != nil {
		delete(s.localVals, lname)
	}
	s.snapshotForTxn()
	s.epoch++
	s.vals[lname] = value
	if lname == "timezone" || lname == "extra_float_digits" || lname == "datestyle" {
		s.refreshFormat()
	}
	return value, nil
}

func (s *Session) resetSetting(name string, local bool) error {
	lname := strings.ToLower(name)
	d := lookupSetting(lname)
	if d == nil {
		if isCustomSetting(lname) {
			s.snapshotForTxn()
			s.epoch++
			delete(s.vals, lname)
			return nil
		}
		return errUnknownSetting(name)
	}
	if d.readOnly {
		return pgerror.New(pgerror.CantChangeRuntimeParam, "parameter \"%s\" cannot be changed", d.name)
	}
	v := d.def
	if sv, ok := s.cfg.Params[d.name]; ok {
		v = sv
	} else if sv, ok := s.cfg.Params[lname]; ok {
		v = sv
	}
	_, err := s.set(lname, v, local)
	return err
}

// messageLevels orders severities for client_min_messages.
var messageLevels = map[string]int{
	"debug5": 0, "debug4": 1, "debug3": 2, "debug2": 3, "debug1": 4, "debug": 4,
	"log": 5, "notice": 6, "warning": 7, "error": 8,
}

// SendsNotice reports whether a notice of the given severity (NOTICE,
// WARNING, ...) reaches the client under client_min_messages. INFO always
// does, as in PostgreSQL.
func (s *Session) SendsNotice(severity string) bool {
	sev := strings.ToLower(severity)
	if sev == "info" {
		return true
	}
	lvl, ok := messageLevels[sev]
	if !ok {
		return true
	}
	return lvl >= messageLevels[s.vals["client_min_messages"]]
}

// StatementTimestamp is statement_timestamp().
func (s *Session) StatementTimestamp() time.Time { return s.stmtTime }

// TransactionTimestamp is now() and current_timestamp: the start of the
// current transaction.
func (s *Session) TransactionTimestamp() time.Time {
	if s.txnStart.IsZero() {
		return s.stmtTime
	}
	return s.txnStart
}

// CurrentUser is current_user.
func (s *Session) CurrentUser() string { return s.cfg.User }

// Database is current_database().
func (s *Session) Database() string { return s.cfg.Database }

// StatementTimeout returns statement_timeout as a duration (0 = none).
func (s *Session) StatementTimeout() time.Duration {
	if v := s.vals["statement_timeout"]; v != s.timeoutText {
		s.timeout, _ = ParseDurationSetting(v)
		s.timeoutText = v
	}
	return s.timeout
}

// beginTxn starts a transaction (explicit or implicit).
func (s *Session) beginTxn(implicit bool) {
	s.txnVals = nil
	s.inTxn = true
	s.txnStart = s.stmtTime
	s.implicit = implicit
	if !implicit {
		s.status = TxnBlock
	}
	s.vals["transaction_isolation"] = s.vals["default_transaction_isolation"]
	s.vals["transaction_read_only"] = s.vals["default_transaction_read_only"]
}

// snapshotForTxn keeps the pre-transaction values before the first change
// a transaction makes.
func (s *Session) snapshotForTxn() {
	if s.inTxn && s.txnVals == nil {
		s.txnVals = copyMap(s.vals)
	}
}

// endTxn finishes the current transaction, keeping or undoing its SETs,
// and commits or rolls back its storage transaction. A failed commit is
// returned (the transaction is then rolled back, SETs included).
func (s *Session) endTxn(commit bool) error {
	s.closeTxnCursors()
	var err error
	if commit && len(s.onCommit) > 0 {
		err = s.runOnCommit(context.Background())
	}
	if err != nil {
		commit = false
	}
	if s.tx != nil {
		if commit {
			err = storageError(s.tx.Commit(context.Background()))
		} else {
			s.tx.Rollback()
		}
		s.dropTx()
	}
	if err != nil {
		commit = false
	}
	if len(s.ddl.byOID) > 0 {
		if commit {
			s.engine.publishDDL(&s.ddl)
		}
		s.catEpoch++
	}
	if commit {
		for _, f := range s.afterCommit {
			f()
		}
	}
	s.afterCommit = nil
	s.endTxnStats(commit)
	s.engine.countTransaction(commit)
	s.publishFuncs(commit)
	s.ddl = txnCatalog{}
	if !commit && s.txnVals != nil {
		s.vals = s.txnVals
		s.epoch++
	}
	for k, v := range s.localVals {
		if commit {
			s.vals[k] = v
		}
	}
	// Restored values (SET LOCAL, or a rolled-back SET) change what plans
	// cached by text may depend on. Only then: the plan cache must survive
	// the implicit transaction of every statement.
	if len(s.localVals) > 0 || (!commit && s.txnVals != nil) {
		s.epoch++
	}
	s.txnVals, s.localVals, s.savepts = nil, nil, nil
	s.inTxn = false
	s.status, s.implicit = TxnIdle, false
	s.txnStart = time.Time{}
	s.refreshFormat()
	return err
}

// Close rolls back an open transaction (the connection ended).
func (s *Session) Close() {
	s.unlistBackend()
	for _, c := range s.cursors {
		c.close()
	}
	s.cursors = nil
	if s.tx != nil {
		s.tx.Rollback()
		s.dropTx()
	}
	s.ddl = txnCatalog{}
	s.status = TxnIdle
	s.dropTempRelations()
}

// catVersion identifies the catalog a plan was made under: the committed
// catalog's version and the session's own DDL.
func (s *Session) catVersion() uint64 {
	return s.engine.catalog.version.Load()<<24 ^ s.catEpoch
}

// PlanEpoch identifies the catalog and settings a plan was made under: a
// prepared statement cached by query text may be reused while it is
// unchanged.
func (s *Session) PlanEpoch() uint64 {
	return s.catVersion()<<20 ^ s.epoch
}

// BeginMessage tells the session that a simple Query message with n
// statements starts: several statements share one implicit transaction,
// which changes how SET LOCAL and VACUUM behave.
func (s *Session) BeginMessage(n int) { s.multi = n > 1 }

// StorePrepared keeps a named prepared statement; the unnamed one ("") is
// replaced freely, a named one must not exist yet (42P05).
func (s *Session) StorePrepared(name string, p *Prepared) error {
	if s.prepared == nil {
		s.prepared = map[string]*Prepared{}
	}
	if _, dup := s.prepared[name]; dup && name != "" {
		return pgerror.New(pgerror.DuplicatePreparedStatement, "prepared statement \"%s\" already exists", name)
	}
	if name != "" {
		// A named statement is a plan source of its own, as in PostgreSQL:
		// p may come from the connection's cache of statement texts and be
		// shared with other names or unnamed statements, which must not
		// share its plan counters or its pg_prepared_statements row.
		// (SQL-level PREPARE has set listed already, to its whole text.)
		own := *p
		if own.listed == nil {
			own.listed = &preparedListing{text: p.Stmt.Text, at: time.Now()}
		}
		own.plans = planCacheState{}
		p = &own
	}
	s.prepared[name] = p
	return nil
}

// LookupPrepared finds a prepared statement (26000 if there is none).
func (s *Session) LookupPrepared(name string) (*Prepared, error) {
	if p, ok := s.prepared[name]; ok {
		return p, nil
	}
	if name == "" {
		return nil, pgerror.New(pgerror.InvalidSQLStatementName, "unnamed prepared statement does not exist")
	}
	return nil, pgerror.New(pgerror.InvalidSQLStatementName, "prepared statement \"%s\" does not exist", name)
}

// Deallocate drops a prepared statement (26000 if there is none).
func (s *Session) Deallocate(name string) error {
	if _, err := s.LookupPrepared(name); err != nil {
		return err
	}
	delete(s.prepared, name)
	return nil
}

// CloseStatement drops a prepared statement if it exists; Close messages
// for unknown names are not an error in PostgreSQL.
func (s *Session) CloseStatement(name string) { delete(s.prepared, name) }

// DeallocateAll drops every prepared statement.
func (s *Session) DeallocateAll() { s.prepared = nil }

// BeginStatement marks the start of a statement for statement_timestamp()
// and opens an implicit transaction when none is open.
func (s *Session) BeginStatement() {
	s.stmtTime = time.Now()
	if s.status == TxnIdle && !s.implicit {
		s.beginTxn(true)
	}
	if s.tx != nil {
		s.tx.NewSnapshot()
	}
}

// FinishImplicit ends an implicit transaction, as PostgreSQL does at the
// end of a simple Query message or at Sync: committed if no statement
// failed, rolled back otherwise. Explicit blocks are left alone. A failed
// commit (a serialization failure, an I/O error) is returned for the
// client.
func (s *Session) FinishImplicit(failed bool) error {
	if s.implicit {
		return s.endTxn(!failed)
	}
	return nil
}

// CommitSingle commits the implicit transaction of a Query message that
// holds one statement, before its CommandComplete: PostgreSQL reports a
// failed commit instead of the command's tag.
func (s *Session) CommitSingle() error {
	if s.implicit && !s.multi {
		return s.endTxn(true)
	}
	return nil
}

// Fail records that a statement failed: an explicit block becomes failed
// (only ROLLBACK gets it out); an implicit transaction is rolled back by
// FinishImplicit.
func (s *Session) Fail() {
	if s.status == TxnBlock {
		s.status = TxnFailed
		// PostgreSQL aborts the transaction at the error, releasing its
		// locks at once (a deadlock victim unblocks the other side); the
		// block only waits for ROLLBACK. With savepoints the outer part
		// must survive for ROLLBACK TO, so it is kept until then.
		if s.tx != nil && len(s.savepts) == 0 {
			s.tx.Rollback()
			s.dropTx()
		}
	}
}

func copyMap(m map[string]string) map[string]string {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// Cacheable reports whether p may be reused for the same query text later
// in the session. EXECUTE may not: what it runs (and returns) depends on
// the prepared statement of that name at the time it runs.
func (p *Prepared) Cacheable() bool {
	_, isExecute := p.Stmt.Utility.(*parser.Execute)
	return !isExecute
}

// Prepared is an analysed statement: parameter types and result columns
// are known; Execute runs it any number of times.
type Prepared struct {
	Stmt       *parser.Statement
	ParamTypes []*types.T
	// Columns describes the rows the statement returns, nil if none.
	Columns []planner.Column
	query   *planner.Query
	folded  bool // planner.Fold has succeeded on query
	// declared and catVersion let Plan re-prepare the statement after DDL,
	// as PostgreSQL's plan cache revalidates: the plan points at tables.
	declared   []uint32
	catVersion uint64
	// normalized is the text as pg_stat_statements keys it (made once).
	normalized string
	// listed is what pg_prepared_statements shows of a named statement
	// (prepared_view.go); nil until StorePrepared keeps it.
	listed *preparedListing
	// plans counts generic and custom plans and their costs
	// (plancache.go).
	plans planCacheState
}

// Result is what Execute returns: rows to drain (Rows non-nil) and the
// command tag, or a COPY to carry out.
type Result struct {
	Columns []planner.Column
	Rows    Rows
	// Notices are sent before the command completes (WARNING for BEGIN in a
	// block, and so on).
	Notices []*pgerror.Error
	// CopyIn or CopyOut is set for COPY ... FROM STDIN / TO STDOUT.
	CopyIn  *CopyIn
	CopyOut *CopyOut
	verb    string
	tag     string
}

// Tag returns the CommandComplete tag given the number of rows processed.
func (r *Result) Tag(rows int64) string {
	switch r.verb {
	case "":
		return r.tag
	case "INSERT":
		return "INSERT 0 " + strconv.FormatInt(rows, 10)
	}
	return r.verb + " " + strconv.FormatInt(rows, 10)
}

// Affected is the row count the tag of a statement without result rows
// reports (UPDATE 5: 5), 0 when it reports none.
func (r *Result) Affected() int64 {
	tag := r.Tag(0)
	i := strings.LastIndexByte(tag, ' ')
	if i < 0 {
		return 0
	}
	n, err := strconv.ParseInt(tag[i+1:], 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// Rows is a stream of result rows; Next returns io.EOF after the last.
type Rows interface {
	Next() ([]types.Datum, error)
	Close()
}

// Prepare analyses stmt. paramOIDs are the types the client declared (0 or
// missing means infer).
func (s *Session) Prepare(stmt *parser.Statement, paramOIDs []uint32) (*Prepared, error) {
	p := &Prepared{Stmt: stmt, declared: append([]uint32(nil), paramOIDs...), catVersion: s.catVersion()}
	declared := make([]*types.T, len(paramOIDs))
	for i, oid := range paramOIDs {
		if oid == 0 {
			continue
		}
		t := types.ByOID(oid)
		if t == nil {
			return nil, pgerror.New(pgerror.UndefinedObject, "type with OID %d does not exist", oid)
		}
		declared[i] = t
	}
	if stmt.Utility != nil {
		cols, err := utilityColumns(stmt.Utility, s)
		if err != nil {
			return nil, err
		}
		p.Columns = cols
		p.ParamTypes = declared
		// PREPARE's $n belong to the statement it prepares.
		if _, isPrepare := stmt.Utility.(*parser.Prepare); !isPrepare && len(p.ParamTypes) < stmt.NumParams {
			return nil, pgerror.New(pgerror.IndeterminateDatatype, "could not determine data type of parameter $%d", len(p.ParamTypes)+1)
		}
		return p, nil
	}
	if isDDL(stmt.AST) {
		p.ParamTypes = declared
		return p, nil
	}
	q, err := planner.BuildWithOptions(stmt.AST, declared, s, &s.fo, planner.OptionsOf(stmt))
	if err != nil {
		return nil, buildErrorPosition(err, stmt)
	}
	p.query = q
	p.ParamTypes = q.ParamTypes
	p.Columns = q.Columns
	return p, nil
}

// Plan completes planning of p (constant folding), as PostgreSQL plans at
// Bind: errors such as division by zero over constants surface here, before
// any RowDescription. It is idempotent and cheap once done.
func (s *Session) Plan(p *Prepared) error {
	if p.query == nil {
		return nil
	}
	if v := s.catVersion(); v != p.catVersion {
		np, err := s.Prepare(p.Stmt, p.declared)
		if err != nil {
			return err
		}
		if !sameShape(p, np) {
			return pgerror.New(pgerror.FeatureNotSupported, "cached plan must not change result type")
		}
		p.query, p.folded, p.catVersion = np.query, false, np.catVersion
		p.plans.genericCosted = false // a new generic plan
	}
	if p.folded {
		return nil
	}
	if err := planner.Fold(p.query); err != nil {
		return userPosition(err, p.Stmt)
	}
	p.folded = true
	return nil
}

// sameShape reports whether a re-prepared statement still has the result
// columns and parameter types its clients were told about.
func sameShape(a, b *Prepared) bool {
	if len(a.Columns) != len(b.Columns) || len(a.ParamTypes) != len(b.ParamTypes) {
		return false
	}
	for i := range a.Columns {
		if a.Columns[i].Name != b.Columns[i].Name || a.Columns[i].Type.OID != b.Columns[i].Type.OID {
			return false
		}
	}
	for i := range a.ParamTypes {
		if a.ParamTypes[i].OID != b.ParamTypes[i].OID {
			return false
		}
	}
	return true
}

// userPosition turns the position of a planner or evaluator error, a byte
// offset into the text TiDB parsed, into a character position in the
// statement as the client wrote it.
func userPosition(err error, stmt *parser.Statement) error {
	pe := pgerror.From(err)
	if pe.Position <= 0 {
		return err
	}
	cp := *pe
	cp.Position = stmt.Position(pe.Position - 1)
	return &cp
}

// Execute runs a prepared statement with bound parameters.
func (s *Session) Execute(ctx context.Context, p *Prepared, params []types.Datum) (*Result, error) {
	if err := s.CheckNotAborted(p.Stmt); err != nil {
		return nil, err
	}
	if p.Stmt.Utility != nil {
		return s.execUtility(ctx, p.Stmt.Utility, p)
	}
	if p.query == nil {
		return s.execDDL(ctx, p.Stmt)
	}
	if err := s.Plan(p); err != nil {
		return nil, err
	}
	// The generic plan or a custom one for these values (plancache.go).
	q, err := s.planFor(p, params)
	if err != nil {
		return nil, err
	}
	return s.runPlan(ctx, p, q, params)
}

// runPlan runs q, the plan Execute chose for p.
func (s *Session) runPlan(ctx context.Context, p *Prepared, q *planner.Query, params []types.Datum) (*Result, error) {
	// The transaction's snapshot is taken by its first query, whatever it
	// reads, as PostgreSQL's is (it matters under REPEATABLE READ).
	s.storageTxn()
	if q.IsDML() && q.Columns != nil {
		// The tag counts the rows read, which are all the rows written.
		rows, _, err := eval.ExecReturning(ctx, q, params, s)
		if err != nil {
			return nil, userPosition(err, p.Stmt)
		}
		return &Result{Columns: p.Columns, Rows: rows, verb: q.CommandVerb()}, nil
	}
	if q.IsDML() {
		n, err := eval.Exec(ctx, q, params, s)
		if err != nil {
			return nil, userPosition(err, p.Stmt)
		}
		verb := q.CommandVerb()
		if verb == "INSERT" {
			verb = "INSERT 0"
		}
		return tagOnly(verb + " " + strconv.FormatInt(n, 10)), nil
	}
	rows, err := runQuery(ctx, q, params, s)
	if err != nil {
		return nil, userPosition(err, p.Stmt)
	}
	return &Result{Columns: p.Columns, Rows: rows, verb: "SELECT"}, nil
}

// CheckNotAborted returns 25P02 when the transaction block has failed and
// stmt is not one that may end it (PostgreSQL checks at Parse, Bind and
// execution alike).
func (s *Session) CheckNotAborted(stmt *parser.Statement) error {
	if s.status == TxnFailed && !allowedInFailedTxn(stmt) {
		return pgerror.New(pgerror.InFailedSQLTransaction,
			"current transaction is aborted, commands ignored until end of transaction block")
	}
	return nil
}

func allowedInFailedTxn(stmt *parser.Statement) bool {
	switch stmt.Utility.(type) {
	case *parser.Rollback, *parser.Commit, *parser.RollbackTo:
		return true
	}
	return false
}

// returningPosition maps a binding error's position in a RETURNING list
// (sql/parser parsed it as `SELECT <list>` of its own) into the
// statement's text.
// fromListPosition maps an error position in UPDATE's FROM / DELETE's
// USING list (parsed on its own as `SELECT * FROM <list>`) into the
// statement.
func fromListPosition(pe *pgerror.Error, stmt *parser.Statement) error {
	const prefix = len("SELECT * FROM ")
	cp := *pe
	cp.Position = 0
	if p := stmt.From.Position(pe.Position - 1); p > prefix {
		cp.Position = stmt.FromPos + p - prefix - 1
	}
	return &cp
}

func returningPosition(err error, stmt *parser.Statement) error {
	pe := pgerror.From(err)
	r := stmt.Returning
	cp := *pe
	cp.Position = 0
	if p := r.Position(pe.Position - 1); p > len("SELECT ") {
		cp.Position = stmt.ReturningPos + p - len("SELECT ") - 1
	}
	return &cp
}
