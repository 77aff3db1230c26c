package executor

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/executor/pgcatalog"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage"
	"github.com/neuroquantumdb/nqdb/storage/lock"
)

// Sequences. A sequence's definition is a catalog entry like a table's
// (transactional DDL); its state is not transactional, as in PostgreSQL:
// nextval is never rolled back. The state lives in the engine's memory and
// is made durable ahead of use: when nextval passes the value last
// written, a small transaction of its own writes a value seqLogAhead
// steps further (PostgreSQL's SEQ_LOG_VALS), so after a crash the sequence
// resumes past anything it may have handed out and only a few values are
// skipped.

// seqLogAhead is how many values one durable write covers.
const seqLogAhead = 32

// seqInfo is a sequence's definition.
type seqInfo struct {
	Type      uint32 `json:"type"` // int2, int4 or int8 OID
	Start     int64  `json:"start"`
	Increment int64  `json:"increment"`
	Min       int64  `json:"min"`
	Max       int64  `json:"max"`
	Cycle     bool   `json:"cycle,omitempty"`
	// OwnerOID and OwnerCol name the column that owns it (OWNED BY,
	// serial): dropping the table drops the sequence.
	OwnerOID uint32 `json:"owner_oid,omitempty"`
	OwnerCol string `json:"owner_col,omitempty"`
}

// seqStateKey is where a sequence's state lives in the catalog tree:
// after every catalog entry (those are 4-byte OIDs).
func seqStateKey(oid uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte{0xff, 's', 'e', 'q'}, oid)
}

// seqStateRecord is the durable state.
type seqStateRecord struct {
	Last   int64 `json:"last"`
	Called bool  `json:"called"`
}

// seqState is a sequence's live state.
type seqState struct {
	mu     sync.Mutex
	loaded bool
	last   int64
	called bool
	// logged is the value persisted (as called): nextval may hand out
	// values up to it without writing.
	logged    int64
	hasLogged bool
}

// sequences holds the live state of every sequence of an engine.
type sequences struct {
	mu sync.Mutex
	m  map[uint32]*seqState
}

func (q *sequences) state(oid uint32) *seqState {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.m == nil {
		q.m = map[uint32]*seqState{}
	}
	st := q.m[oid]
	if st == nil {
		st = &seqState{}
		q.m[oid] = st
	}
	return st
}

// persist writes a sequence's state in a transaction of its own.
func (e *Engine) persistSeq(oid uint32, r seqStateRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	tx := e.store.Begin(storage.ReadCommitted)
	if err := tx.Put(storage.CatalogTree, seqStateKey(oid), b); err != nil {
		tx.Rollback()
		return storageError(err)
	}
	return storageError(tx.Commit(context.Background()))
}

// load reads the durable state once (caller holds st.mu).
func (e *Engine) loadSeq(st *seqState, oid uint32, def *seqInfo) error {
	if st.loaded {
		return nil
	}
	tx := e.store.Begin(storage.ReadCommitted)
	defer tx.Rollback()
	v, found, err := tx.Get(storage.CatalogTree, seqStateKey(oid))
	if err != nil {
		return storageError(err)
	}
	st.last, st.called = def.Start, false
	if found {
		var r seqStateRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("sequence %d: bad state: %w", oid, err)
		}
		st.last, st.called = r.Last, r.Called
		if r.Called {
			st.logged, st.hasLogged = r.Last, true
		}
	}
	st.loaded = true
	return nil
}

// seqRelation is a sequence as a relation: SELECT * FROM s shows
// last_value, log_cnt and is_called as PostgreSQL does.
type seqRelation struct {
	*tableDef
	s *Session
}

// RelKind names the relation's kind in errors.
func (r *seqRelation) RelKind() string { return "sequence" }

// Scan implements eval.Scannable.
func (r *seqRelation) Scan(ctx context.Context) (eval.Rows, error) {
	st := r.s.engine.seqs.state(r.oid)
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := r.s.engine.loadSeq(st, r.oid, r.seq); err != nil {
		return nil, err
	}
	logCnt := int64(0)
	if st.hasLogged && st.called && r.seq.Increment != 0 {
		logCnt = (st.logged - st.last) / r.seq.Increment
	}
	return &oneRow{row: []types.Datum{st.last, logCnt, st.called}}, nil
}

// oneRow yields a single row.
type oneRow struct {
	row  []types.Datum
	done bool
}

func (o *oneRow) Next() ([]types.Datum, error) {
	if o.done {
		return nil, io.EOF
	}
	o.done = true
	return o.row, nil
}

func (o *oneRow) Close() { o.done = true }

// lookupSequence resolves nextval's argument: a name (possibly
// schema-qualified and quoted, as PostgreSQL's regclass input allows) or
// an OID.
func (s *Session) lookupSequence(seq types.Datum) (*tableDef, error) {
	var t *tableDef
	switch v := seq.(type) {
	case int64:
		for _, r := range s.visibleRelations() {
			if int64(r.oid) == v {
				t = r
			}
		}
		if t == nil {
			return nil, pgerror.New(pgerror.UndefinedTable, "could not open relation with OID %d", v)
		}
	case string:
		parts := splitRegclassName(v)
		if len(parts) == 0 || len(parts) > 3 {
			return nil, pgerror.New(pgerror.InvalidName, "invalid name syntax")
		}
		rel, schema := parts[len(parts)-1], ""
		if len(parts) > 1 {
			schema = parts[len(parts)-2]
		}
		var err error
		if t, err = s.lookup(schema, rel); err != nil {
			return nil, err
		}
	default:
		return nil, pgerror.New(pgerror.InvalidParameterValue, "not a sequence reference")
	}
	if t.seq == nil {
		return nil, pgerror.New(pgerror.WrongObjectType, "\"%s\" is not a sequence", t.name)
	}
	return t, nil
}

// NextVal implements eval.SequenceEnv: nextval(name).
func (s *Session) NextVal(seq types.Datum) (int64, error) {
	t, err := s.lookupSequence(seq)
	if err != nil {
		return 0, err
	}
	def := t.seq
	st := s.engine.seqs.state(t.oid)
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := s.engine.loadSeq(st, t.oid, def); err != nil {
		return 0, err
	}
	next := st.last
	if st.called {
		var ok bool
		next, ok = addInRange(st.last, def.Increment, def.Min, def.Max)
		if !ok {
			if !def.Cycle {
				if def.Increment > 0 {
					return 0, pgerror.New(pgerror.SequenceGeneratorLimitExceeded, "nextval: reached maximum value of sequence \"%s\" (%d)", t.name, def.Max)
				}
				return 0, pgerror.New(pgerror.SequenceGeneratorLimitExceeded, "nextval: reached minimum value of sequence \"%s\" (%d)", t.name, def.Min)
			}
			next = def.Min
			if def.Increment < 0 {
				next = def.Max
			}
		}
	}
	if !st.hasLogged || (def.Increment > 0 && next > st.logged) || (def.Increment < 0 && next < st.logged) || (st.called && next == def.Min && def.Increment > 0 && st.last > next) {
		ahead := next
		for i := 0; i < seqLogAhead; i++ {
			n, ok := addInRange(ahead, def.Increment, def.Min, def.Max)
			if !ok {
				break
			}
			ahead = n
		}
		if err := s.engine.persistSeq(t.oid, seqStateRecord{Last: ahead, Called: true}); err != nil {
			return 0, err
		}
		st.logged, st.hasLogged = ahead, true
	}
	st.last, st.called = next, true
	s.noteSeq(t.oid, next)
	return next, nil
}

// addInRange returns v+inc when it stays within [min, max].
func addInRange(v, inc, min, max int64) (int64, bool) {
	if inc > 0 && v > max-inc || inc < 0 && v < min-inc {
		return 0, false
	}
	return v + inc, true
}

func (s *Session) noteSeq(oid uint32, v int64) {
	if s.seqVals == nil {
		s.seqVals = map[uint32]int64{}
	}
	s.seqVals[oid] = v
	s.lastSeq = oid
}

// CurrVal implements eval.SequenceEnv: currval(name).
func (s *Session) CurrVal(seq types.Datum) (int64, error) {
	t, err := s.lookupSequence(seq)
	if err != nil {
		return 0, err
	}
	v, ok := s.seqVals[t.oid]
	if !ok {
		return 0, pgerror.New(pgerror.ObjectNotInPrerequisiteState, "currval of sequence \"%s\" is not yet defined in this session", t.name)
	}
	return v, nil
}

// LastVal implements eval.SequenceEnv: lastval().
func (s *Session) LastVal() (int64, error) {
	if v, ok := s.seqVals[s.lastSeq]; ok && s.lastSeq != 0 {
		return v, nil
	}
	return 0, pgerror.New(pgerror.ObjectNotInPrerequisiteState, "lastval is not yet defined in this session")
}

// SetVal implements eval.SequenceEnv: setval(name, v [, is_called]).
func (s *Session) SetVal(seq types.Datum, v int64, isCalled bool) (int64, error) {
	t, err := s.lookupSequence(seq)
	if err != nil {
		return 0, err
	}
	def := t.seq
	if v < def.Min || v > def.Max {
		return 0, pgerror.New(pgerror.NumericValueOutOfRange, "setval: value %d is out of bounds for sequence \"%s\" (%d..%d)", v, t.name, def.Min, def.Max)
	}
	st := s.engine.seqs.state(t.oid)
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := s.engine.loadSeq(st, t.oid, def); err != nil {
		return 0, err
	}
	if err := s.engine.persistSeq(t.oid, seqStateRecord{Last: v, Called: isCalled}); err != nil {
		return 0, err
	}
	st.last, st.called = v, isCalled
	st.logged, st.hasLogged = v, isCalled
	if isCalled {
		s.noteSeq(t.oid, v)
	}
	return v, nil
}

// typeBounds are the value range of a sequence's type.
func typeBounds(oid types.OID) (int64, int64) {
	switch oid {
	case types.OidInt2:
		return math.MinInt16, math.MaxInt16
	case types.OidInt4:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

// seqFromOptions builds a definition from CREATE/ALTER SEQUENCE options
// over base (nil for CREATE), checking them as PostgreSQL's
// init_params does.
func seqFromOptions(o parser.SequenceOptions, base *seqInfo) (*seqInfo, error) {
	d := &seqInfo{Type: uint32(types.OidInt8), Increment: 1}
	if base != nil {
		c := *base
		d = &c
	}
	if o.As != "" {
		t, _, err := types.ParseTypeName(o.As)
		if err != nil {
			return nil, err
		}
		if t.OID != types.OidInt2 && t.OID != types.OidInt4 && t.OID != types.OidInt8 {
			return nil, pgerror.New(pgerror.InvalidParameterValue, "sequence type must be smallint, integer, or bigint")
		}
		d.Type = uint32(t.OID)
	}
	if o.Increment != nil {
		if *o.Increment == 0 {
			return nil, pgerror.New(pgerror.InvalidParameterValue, "INCREMENT must not be zero")
		}
		d.Increment = *o.Increment
	}
	tmin, tmax := typeBounds(types.OID(d.Type))
	switch {
	case o.MaxValue != nil:
		d.Max = *o.MaxValue
	case base == nil || o.NoMax || o.As != "":
		d.Max = tmax
		if d.Increment < 0 {
			d.Max = -1
		}
	}
	switch {
	case o.MinValue != nil:
		d.Min = *o.MinValue
	case base == nil || o.NoMin || o.As != "":
		d.Min = 1
		if d.Increment < 0 {
			d.Min = tmin
		}
	}
	if d.Max > tmax || d.Max < tmin {
		return nil, pgerror.New(pgerror.InvalidParameterValue, "MAXVALUE (%d) is out of range for sequence data type %s", d.Max, types.ByOID(types.OID(d.Type)).SQLName)
	}
	if d.Min > tmax || d.Min < tmin {
		return nil, pgerror.New(pgerror.InvalidParameterValue, "MINVALUE (%d) is out of range for sequence data type %s", d.Min, types.ByOID(types.OID(d.Type)).SQLName)
	}
	if d.Min >= d.Max {
		return nil, pgerror.New(pgerror.InvalidParameterValue, "MINVALUE (%d) must be less than MAXVALUE (%d)", d.Min, d.Max)
	}
	switch {
	case o.Start != nil:
		d.Start = *o.Start
	case base == nil:
		d.Start = d.Min
		if d.Increment < 0 {
			d.Start = d.Max
		}
	}
	if d.Start < d.Min {
		return nil, pgerror.New(pgerror.InvalidParameterValue, "START value (%d) cannot be less than MINVALUE (%d)", d.Start, d.Min)
	}
	if d.Start > d.Max {
		return nil, pgerror.New(pgerror.InvalidParameterValue, "START value (%d) cannot be greater than MAXVALUE (%d)", d.Start, d.Max)
	}
	if o.Cache != nil && *o.Cache <= 0 {
		return nil, pgerror.New(pgerror.InvalidParameterValue, "CACHE (%d) must be greater than zero", *o.Cache)
	}
	if o.Cycle != nil {
		d.Cycle = *o.Cycle
	}
	return d, nil
}

// createSequence adds a sequence in the transaction.
func (s *Session) createSequence(ctx context.Context, schema, name string, def *seqInfo, temp bool) error {
	schema, err := s.creationSchema(ctx, schema, temp)
	if err != nil {
		return err
	}
	tx := s.storageTxn()
	if err := tx.LockObject(ctx, "name:"+qualified(schema, name), lock.Exclusive); err != nil {
		return storageError(err)
	}
	if s.relationExists(schema, name) {
		return pgerror.New(pgerror.DuplicateTable, "relation \"%s\" already exists", name)
	}
	oid := s.engine.catalog.nextOID.Add(1) - 1
	t := newTableDef(oid, schema, name, pgcatalog.SequenceColumns, nil, "", 0)
	t.seq = def
	// A sequence made again under an old OID must not inherit state.
	if err := s.engine.persistSeq(oid, seqStateRecord{Last: def.Start}); err != nil {
		return err
	}
	return s.writeDef(t, "")
}

// execCreateSequence runs CREATE SEQUENCE.
func (s *Session) execCreateSequence(ctx context.Context, n *parser.CreateSequence) (*Result, error) {
	schema, name := splitQualified(n.Name)
	def, err := seqFromOptions(n.Options, nil)
	if err != nil {
		return nil, err
	}
	res := tagOnly("CREATE SEQUENCE")
	if _, err := s.lookup(schema, name); err == nil && n.IfNotExists {
		nt := pgerror.Notice("relation \"%s\" already exists, skipping", name)
		nt.Code = pgerror.DuplicateTable
		res.Notices = append(res.Notices, nt)
		return res, nil
	}
	if n.Options.OwnedBy != "" && n.Options.OwnedBy != "none" {
		if err := s.setOwner(def, n.Options.OwnedBy); err != nil {
			return nil, err
		}
	}
	if err := s.createSequence(ctx, schema, name, def, n.Temp); err != nil {
		return nil, err
	}
	return res, nil
}

// setOwner resolves OWNED BY table.column.
func (s *Session) setOwner(def *seqInfo, owner string) error {
	i := strings.LastIndexByte(owner, '.')
	if i < 0 {
		return pgerror.New(pgerror.InvalidParameterValue, "invalid OWNED BY option").
			WithHint("Specify OWNED BY table.column or OWNED BY NONE.")
	}
	schema, tbl := splitQualified(owner[:i])
	t, err := s.lookup(schema, tbl)
	if err != nil {
		return err
	}
	if findCol(t, owner[i+1:]) < 0 {
		return pgerror.New(pgerror.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", owner[i+1:], t.name)
	}
	def.OwnerOID, def.OwnerCol = t.oid, owner[i+1:]
	return nil
}

func findCol(t *tableDef, name string) int {
	for i, c := range t.cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// execAlterSequence runs ALTER SEQUENCE.
func (s *Session) execAlterSequence(ctx context.Context, n *parser.AlterSequence) (*Result, error) {
	res := tagOnly("ALTER SEQUENCE")
	schema, name := splitQualified(n.Name)
	t, err := s.lookup(schema, name)
	if err != nil {
		if n.IfExists {
			res.Notices = append(res.Notices, pgerror.Notice("relation \"%s\" does not exist, skipping", name))
			return res, nil
		}
		return nil, err
	}
	if t.seq == nil {
		return nil, pgerror.New(pgerror.WrongObjectType, "\"%s\" is not a sequence", name)
	}
	def, err := seqFromOptions(n.Options, t.seq)
	if err != nil {
		return nil, err
	}
	switch n.Options.OwnedBy {
	case "":
	case "none":
		def.OwnerOID, def.OwnerCol = 0, ""
	default:
		if err := s.setOwner(def, n.Options.OwnedBy); err != nil {
			return nil, err
		}
	}
	if t, err = s.lockTable(ctx, t); err != nil {
		return nil, err
	}
	nt := *t
	nt.seq = def
	if err := s.writeDef(&nt, ""); err != nil {
		return nil, err
	}
	st := s.engine.seqs.state(t.oid)
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := s.engine.loadSeq(st, t.oid, def); err != nil {
		return nil, err
	}
	if n.Options.Restart {
		v := def.Start
		if n.Options.RestartWith != nil {
			v = *n.Options.RestartWith
		}
		if err := s.engine.persistSeq(t.oid, seqStateRecord{Last: v}); err != nil {
			return nil, err
		}
		st.last, st.called, st.hasLogged = v, false, false
	}
	return res, nil
}

// execDropSequence runs DROP SEQUENCE.
func (s *Session) execDropSequence(ctx context.Context, n *parser.DropSequence) (*Result, error) {
	res := tagOnly("DROP SEQUENCE")
	var defs []*tableDef
	for _, qn := range n.Names {
		schema, name := splitQualified(qn)
		t, err := s.lookup(schema, name)
		if err == nil && t.seq == nil {
			return nil, pgerror.New(pgerror.WrongObjectType, "\"%s\" is not a sequence", name).
				WithHint("Use DROP TABLE to remove a table.")
		}
		if err != nil {
			if n.IfExists {
				res.Notices = append(res.Notices, pgerror.Notice("sequence \"%s\" does not exist, skipping", name))
				continue
			}
			return nil, pgerror.New(pgerror.UndefinedTable, "sequence \"%s\" does not exist", name)
		}
		defs = append(defs, t)
	}
	for _, t := range defs {
		if err := s.dropSequence(ctx, t); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func (s *Session) dropSequence(ctx context.Context, t *tableDef) error { return s.dropTreeless(ctx, t) }

// dropOwnedSequences drops the sequences owned by table t's columns.
func (s *Session) dropOwnedSequences(ctx context.Context, t *tableDef) error {
	for _, q := range s.visibleRelations() {
		if q.seq != nil && q.seq.OwnerOID == t.oid {
			if err := s.dropSequence(ctx, q); err != nil {
				return err
			}
		}
	}
	return nil
}

// serialTypes are the serial pseudo-types and the integer types they
// stand for.
var serialTypes = map[string]*types.T{
	"serial": types.Int4, "serial4": types.Int4, "bigserial": types.Int8, "serial8": types.Int8,
	"smallserial": types.Int2, "serial2": types.Int2,
}

// serialSequences creates the sequence of each serial column of a new
// table and gives the column its nextval default, as PostgreSQL does.
func (s *Session) serialSequences(ctx context.Context, t *tableDef, serial map[string]*types.T, identity map[string]*parser.Identity) error {
	for i, c := range t.cols {
		typ := serial[c.Name]
		if typ == nil {
			continue
		}
		_, max := typeBounds(typ.OID)
		def := &seqInfo{Type: uint32(typ.OID), Start: 1, Increment: 1, Min: 1, Max: max, OwnerOID: t.oid, OwnerCol: c.Name}
		if id := identity[c.Name]; id != nil && id.Options != nil {
			// An identity column's own sequence options, over its type.
			o := *id.Options
			o.As = typ.Name
			d, err := seqFromOptions(o, nil)
			if err != nil {
				return err
			}
			d.OwnerOID, d.OwnerCol = t.oid, c.Name
			def = d
		}
		name := s.chooseRelationName(t.schema, t.name, []string{c.Name}, "seq")
		if err := s.createSequence(ctx, t.schema, name, def, false); err != nil {
			return err
		}
		t.cols[i].Default = "nextval('" + strings.ReplaceAll(seqRef(t.schema, name), "'", "''") + "'::regclass)"
	}
	return nil
}

// identityColumn makes col an identity column (GENERATED ALWAYS / BY
// DEFAULT AS IDENTITY): NOT NULL, with a sequence of its own like a serial
// column (serial gets its type).
func identityColumn(col *planner.Column, id *parser.Identity, serial map[string]*types.T, table string) error {
	if serial[col.Name] != nil {
		return pgerror.New(pgerror.SyntaxError, "both default and identity specified for column \"%s\" of table \"%s\"", col.Name, table)
	}
	if col.Default != "" {
		return pgerror.New(pgerror.SyntaxError, "both default and identity specified for column \"%s\" of table \"%s\"", col.Name, table).WithPosition(id.Pos)
	}
	switch col.Type.OID {
	case types.OidInt2, types.OidInt4, types.OidInt8:
	default:
		return pgerror.New(pgerror.InvalidParameterValue, "identity column type must be smallint, integer, or bigint")
	}
	serial[col.Name], col.NotNull = col.Type, true
	col.Identity = 'd'
	if id.Always {
		col.Identity = 'a'
	}
	return nil
}

// seqLastValue is pg_sequence_last_value: the last value nextval or setval
// gave the sequence, nil before the first (or when the state is unreadable).
func (e *Engine) seqLastValue(oid uint32, def *seqInfo) any {
	st := e.seqs.state(oid)
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := e.loadSeq(st, oid, def); err != nil || !st.called {
		return nil
	}
	return st.last
}
