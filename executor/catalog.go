package executor

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/neuroquantumdb/nqdb/codec"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage"
)

// firstUserOID is where PostgreSQL starts OIDs for user objects.
const firstUserOID = 16384

// tableDef is one table of the catalog: its description and the storage
// tree that holds its rows, clustered on the primary key (or on a hidden
// row id when it has none). A tableDef is immutable once published; DDL
// makes a new one.
type tableDef struct {
	oid    uint32
	schema string
	name   string
	cols   []planner.Column
	types  []*types.T
	// pk lists the primary key's attribute indexes; nil = hidden row id.
	pk []int
	// pkTypes are the key columns' types, for encoding keys.
	pkTypes []*types.T
	pkName  string
	tree    storage.TreeID
	// indexes are the secondary indexes (see index.go).
	indexes []*indexDef
	// seq is set when the entry is a sequence (see sequence.go), view
	// when it is a view (view.go); neither has a tree.
	seq  *seqInfo
	view *viewInfo
	// mat is set when the entry is a materialized view (matview.go): a
	// table with a tree, filled by its query.
	mat *matviewInfo
	// ns is set when the entry is a schema (schema.go): name is the
	// schema's, schema is empty.
	ns *nsInfo
	// typ is set when the entry is an enum or a domain (typedef.go).
	typ *typeInfo
	// rowid hands out hidden row ids; shared by every def of one tree.
	rowid *atomic.Int64
	// cons are the CHECK and FOREIGN KEY constraints (constraint.go).
	cons *constraints
}

var _ planner.Table = (*tableDef)(nil)

func (t *tableDef) OID() uint32               { return t.oid }
func (t *tableDef) Name() string              { return t.name }
func (t *tableDef) Columns() []planner.Column { return t.cols }

// qualified is the catalog's map key for a table.
func qualified(schema, name string) string {
	if schema == "" {
		schema = "public"
	}
	return schema + "." + name
}

// tableRecord is a table's catalog row as stored in storage.CatalogTree.
// JSON: the catalog is small and read once at start-up, and a readable
// format makes a damaged catalog diagnosable.
type tableRecord struct {
	OID    uint32      `json:"oid"`
	Schema string      `json:"schema"`
	Name   string      `json:"name"`
	Tree   uint32      `json:"tree"`
	Cols   []colRecord `json:"cols"`
	PK     []int       `json:"pk,omitempty"`
	PKName string      `json:"pk_name,omitempty"`
	// Indexes are the secondary indexes.
	Indexes []indexRecord `json:"indexes,omitempty"`
	// Seq makes the entry a sequence, View a view.
	Seq  *seqInfo  `json:"seq,omitempty"`
	View *viewInfo `json:"view,omitempty"`
	// Mat makes the entry a materialized view.
	Mat *matviewInfo `json:"matview,omitempty"`
	// NS makes the entry a schema.
	NS *nsInfo `json:"ns,omitempty"`
	// Type makes the entry an enum or a domain.
	Type *typeInfo `json:"type,omitempty"`
	// Cons are the CHECK and FOREIGN KEY constraints (constraint.go).
	Cons json.RawMessage `json:"cons,omitempty"`
}

type colRecord struct {
	Name    string `json:"name"`
	Type    uint32 `json:"type"`
	Typmod  int32  `json:"typmod"`
	NotNull bool   `json:"not_null,omitempty"`
	Default string `json:"default,omitempty"`
	// Identity is 'a' or 'd' for identity columns (0 = none).
	Identity byte `json:"identity,omitempty"`
	// Domain is the column's domain type (Type is then the domain's base
	// type), 0 when none.
	Domain uint32 `json:"domain,omitempty"`
}

func (t *tableDef) record() tableRecord {
	r := tableRecord{OID: t.oid, Schema: t.schema, Name: t.name, Tree: uint32(t.tree), PK: t.pk, PKName: t.pkName, Seq: t.seq, View: t.view, Mat: t.mat, NS: t.ns,
		Type: t.typ, Cons: t.cons.record()}
	for _, c := range t.cols {
		cr := colRecord{Name: c.Name, Type: uint32(c.Type.OID), Typmod: c.Typmod, NotNull: c.NotNull, Default: c.Default, Identity: c.Identity}
		if c.Domain != nil {
			cr.Domain = uint32(c.Domain.OID)
		}
		r.Cols = append(r.Cols, cr)
	}
	for _, ix := range t.indexes {
		r.Indexes = append(r.Indexes, ix.record())
	}
	return r
}

func catalogKey(oid uint32) []byte { return binary.BigEndian.AppendUint32(nil, oid) }

// newTableDef builds a def and fills in the derived fields.
func newTableDef(oid uint32, schema, name string, cols []planner.Column, pk []int, pkName string, tree storage.TreeID) *tableDef {
	t := &tableDef{oid: oid, schema: schema, name: name, pk: pk, pkName: pkName, tree: tree}
	t.cols = make([]planner.Column, len(cols))
	t.types = make([]*types.T, len(cols))
	for i, c := range cols {
		c.TableOID, c.AttNum = oid, int16(i+1)
		t.cols[i] = c
		t.types[i] = c.Type
	}
	for _, j := range pk {
		t.pkTypes = append(t.pkTypes, t.types[j])
	}
	return t
}

// defFromRecord rebuilds a catalog entry; userType finds the enums and
// domains its columns use (loaded before the tables).
func defFromRecord(r tableRecord, userType func(types.OID) *types.T) (*tableDef, error) {
	cols := make([]planner.Column, len(r.Cols))
	for i, c := range r.Cols {
		typ := types.ByOID(types.OID(c.Type))
		if typ == nil {
			typ = userType(types.OID(c.Type))
		}
		if typ == nil {
			return nil, fmt.Errorf("catalog: table %s.%s column %s has unknown type %d", r.Schema, r.Name, c.Name, c.Type)
		}
		cols[i] = planner.Column{Name: c.Name, Type: typ, Typmod: c.Typmod, NotNull: c.NotNull, Default: c.Default, Identity: c.Identity}
		if c.Domain != 0 {
			if cols[i].Domain = userType(types.OID(c.Domain)); cols[i].Domain == nil {
				return nil, fmt.Errorf("catalog: table %s.%s column %s has unknown domain %d", r.Schema, r.Name, c.Name, c.Domain)
			}
		}
	}
	t := newTableDef(r.OID, r.Schema, r.Name, cols, r.PK, r.PKName, storage.TreeID(r.Tree))
	t.seq, t.view, t.mat, t.ns, t.typ = r.Seq, r.View, r.Mat, r.NS, r.Type
	cons, err := constraintsFromRecord(r.Cons)
	if err != nil {
		return nil, err
	}
	t.cons = cons
	for _, ir := range r.Indexes {
		ix, err := indexFromRecord(t, ir)
		if err != nil {
			return nil, err
		}
		t.indexes = append(t.indexes, ix)
	}
	return t, nil
}

// catalog is the committed catalog, cached in memory from
// storage.CatalogTree. Transactions see their own uncommitted DDL through
// the session's overlay (see txnCatalog) and publish it here at commit.
type catalog struct {
	// version counts committed DDL; plans cached by text are valid for
	// one version.
	version atomic.Uint64
	mu      sync.RWMutex
	byName  map[string]*tableDef
	byOID   map[uint32]*tableDef
	nextOID atomic.Uint32
	// rowids holds each tree's hidden row id counter.
	rowids map[storage.TreeID]*atomic.Int64
}

// loadCatalog reads the catalog tree.
func loadCatalog(st *storage.Engine) (*catalog, error) {
	c := &catalog{byName: map[string]*tableDef{}, byOID: map[uint32]*tableDef{}, rowids: map[storage.TreeID]*atomic.Int64{}}
	c.nextOID.Store(firstUserOID)
	txn := st.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	// Statistics (keys from 0xfe: statsKey) and sequence states (from
	// 0xff: seqStateKey) follow the entries.
	it, err := txn.Scan(context.Background(), storage.CatalogTree, nil, []byte{0xfe})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var records []tableRecord
	for it.Next() {
		var r tableRecord
		if err := json.Unmarshal(it.Value(), &r); err != nil {
			return nil, fmt.Errorf("catalog: entry %x: %w", it.Key(), err)
		}
		records = append(records, r)
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	// Types first: columns and other types refer to them.
	userTypes, err := loadTypes(records)
	if err != nil {
		return nil, err
	}
	for _, r := range records {
		t, err := defFromRecord(r, func(oid types.OID) *types.T { return userTypes[oid] })
		if err != nil {
			return nil, err
		}
		c.put(t)
		for _, ix := range r.Indexes {
			if ix.OID >= r.OID {
				r.OID = ix.OID
			}
		}
		r.OID = max(r.OID, t.cons.maxOID())
		r.OID = max(r.OID, r.Type.maxOID())
		if r.OID >= c.nextOID.Load() {
			c.nextOID.Store(r.OID + 1)
		}
	}
	// Hidden row ids continue after the largest one stored.
	for _, t := range c.byOID {
		if t.pk != nil || t.seq != nil || t.view != nil || t.ns != nil || t.typ != nil {
			continue
		}
		k, ok, err := txn.LastKey(t.tree)
		if err != nil {
			return nil, err
		}
		if ok {
			_, v, _, err := codec.DecodeNext(k)
			if err != nil {
				return nil, fmt.Errorf("catalog: table %s: bad row id key: %w", t.name, err)
			}
			if id, isInt := v.(int64); isInt {
				t.rowid.Store(id)
			}
		}
	}
	return c, nil
}

// put publishes t (the lock must be held, or the catalog not yet shared).
func (c *catalog) put(t *tableDef) {
	if old := c.byOID[t.oid]; old != nil && old.key() != t.key() {
		delete(c.byName, old.key())
	}
	c.byName[t.key()] = t
	c.byOID[t.oid] = t
	t.rowid = c.rowids[t.tree]
	if t.rowid == nil {
		t.rowid = new(atomic.Int64)
		c.rowids[t.tree] = t.rowid
	}
}

func (c *catalog) remove(oid uint32) {
	if old := c.byOID[oid]; old != nil {
		delete(c.byName, old.key())
		delete(c.byOID, oid)
	}
}

func (c *catalog) lookupName(key string) *tableDef {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.byName[key]
}

// all returns every committed entry.
func (c *catalog) all() []*tableDef {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]*tableDef, 0, len(c.byOID))
	for _, t := range c.byOID {
		out = append(out, t)
	}
	return out
}

func (c *catalog) lookupOID(oid uint32) *tableDef {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.byOID[oid]
}

// adoptRowid makes ctr the hidden row id counter of tree (a table
// rewritten into a new tree keeps its row ids, so its counter goes on).
func (c *catalog) adoptRowid(tree storage.TreeID, ctr *atomic.Int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rowids[tree] = ctr
}

// rowidCounter returns the counter for a tree (a new tree starts at 0).
func (c *catalog) rowidCounter(tree storage.TreeID) *atomic.Int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.rowids[tree]
	if r == nil {
		r = new(atomic.Int64)
		c.rowids[tree] = r
	}
	return r
}

// txnCatalog is a transaction's uncommitted DDL: tables created, changed
// or dropped (nil) by OID, published to the catalog at commit.
type txnCatalog struct {
	byOID map[uint32]*tableDef
	// dropped remembers the names of dropped tables so lookups miss them.
	names map[string]uint32
}

func (tc *txnCatalog) set(oid uint32, t *tableDef, oldName string) {
	if tc.byOID == nil {
		tc.byOID, tc.names = map[uint32]*tableDef{}, map[string]uint32{}
	}
	tc.byOID[oid] = t
	if oldName != "" {
		tc.names[oldName] = oid
	}
	if t != nil {
		tc.names[t.key()] = oid
	}
}

// LookupTable implements planner.Catalog for the session: its own DDL
// first, then the committed catalog.
func (s *Session) LookupTable(schema, name string) (planner.Table, error) {
	t, err := s.lookup(schema, name)
	if err != nil {
		// pg_catalog and information_schema relations (catalog_views.go).
		if v := s.lookupCatalogView(schema, name); v != nil {
			return v, nil
		}
		return nil, err
	}
	if t.seq != nil {
		return &seqRelation{tableDef: t, s: s}, nil
	}
	if t.view != nil {
		return &viewRelation{t, s}, nil
	}
	return t, nil
}

func (s *Session) lookup(schema, name string) (*tableDef, error) {
	if schema != "" {
		if t := s.lookupKey(qualified(s.schemaAlias(schema), name)); t != nil {
			return t, nil
		}
		return nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s.%s\" does not exist", schema, name)
	}
	for _, sch := range s.searchPath(true) {
		if t := s.lookupKey(qualified(sch, name)); t != nil {
			return t, nil
		}
	}
	return nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", name)
}

// current returns the def of oid as the session sees it now (nil when
// dropped): DDL that committed after a statement was planned, such as a
// TRUNCATE that moved the table to a new tree, is taken into account.
func (s *Session) current(oid uint32) *tableDef {
	if t, ok := s.ddl.byOID[oid]; ok {
		return t
	}
	return s.engine.catalog.lookupOID(oid)
}

// writeDef stores t's catalog row in the transaction and makes it the
// session's view of the table.
func (s *Session) writeDef(t *tableDef, oldName string) error {
	tx := s.storageTxn()
	b, err := json.Marshal(t.record())
	if err != nil {
		return err
	}
	if err := tx.Put(storage.CatalogTree, catalogKey(t.oid), b); err != nil {
		return err
	}
	s.ddl.set(t.oid, t, oldName)
	s.catEpoch++
	return nil
}

// dropDef deletes t's catalog row in the transaction.
func (s *Session) dropDef(t *tableDef) error {
	tx := s.storageTxn()
	if err := tx.Delete(storage.CatalogTree, catalogKey(t.oid)); err != nil {
		return err
	}
	tx.DropTree(t.tree)
	for _, ix := range t.indexes {
		tx.DropTree(ix.tree)
	}
	if err := s.dropStats(t.oid); err != nil {
		return err
	}
	class := uint32(classPgClass)
	if t.ns != nil {
		class = classPgNamespace
	}
	if err := s.dropComments(class, t.oid); err != nil {
		return err
	}
	for _, ix := range t.indexes {
		if err := s.dropComments(classPgClass, ix.oid); err != nil {
			return err
		}
	}
	s.ddl.set(t.oid, nil, t.key())
	s.catEpoch++
	return nil
}

// publishDDL makes a committed transaction's DDL visible to everyone.
func (e *Engine) publishDDL(tc *txnCatalog) {
	if len(tc.byOID) == 0 {
		return
	}
	c := e.catalog
	c.mu.Lock()
	for oid, t := range tc.byOID {
		if t == nil {
			c.remove(oid)
			continue
		}
		c.put(t)
	}
	c.mu.Unlock()
	c.version.Add(1)
}

// columnIndexes maps COPY/INSERT column names to attribute positions; an
// empty list means all columns in order.
func columnIndexes(t *tableDef, names []string) ([]int, error) {
	if len(names) == 0 {
		idx := make([]int, len(t.cols))
		for i := range idx {
			idx[i] = i
		}
		return idx, nil
	}
	idx := make([]int, len(names))
	used := map[int]bool{}
	for i, n := range names {
		found := -1
		for j, col := range t.cols {
			if col.Name == n {
				found = j
				break
			}
		}
		if found < 0 {
			return nil, pgerror.New(pgerror.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", n, t.name)
		}
		if used[found] {
			return nil, pgerror.New(pgerror.DuplicateColumn, "column \"%s\" specified more than once", n)
		}
		used[found] = true
		idx[i] = found
	}
	return idx, nil
}
