package executor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/neuroquantumdb/nqdb/executor/rowcodec"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage"
	"github.com/neuroquantumdb/nqdb/storage/lock"
)

// Secondary indexes. An index is a B+tree of its own in the same engine,
// so its entries are versioned, logged and recovered exactly like rows,
// and a snapshot sees an index consistent with its table. An entry maps
// the encoded index columns to the row's storage key (its primary key or
// hidden row id):
//
//	unique, no NULL in the key:  key = cols          value = row key
//	otherwise:                   key = cols + row key value = row key
//
// Appending the row key makes entries of equal values distinct; a unique
// index leaves it off so that the engine's Insert (row lock plus
// existence check on the newest committed state) enforces uniqueness,
// waiting for a concurrent inserter as PostgreSQL does. NULLs are never
// equal, so a key with a NULL takes the non-unique form.

// indexDef is one secondary index of a table.
type indexDef struct {
	oid    uint32
	name   string
	tree   storage.TreeID
	cols   []int
	desc   []bool
	types  []*types.T
	unique bool
	// constraint is set for the index of a UNIQUE constraint: DROP INDEX
	// refuses it, as PostgreSQL does.
	constraint bool
}

// indexRecord is an index's part of its table's catalog row.
type indexRecord struct {
	OID        uint32 `json:"oid"`
	Name       string `json:"name"`
	Tree       uint32 `json:"tree"`
	Cols       []int  `json:"cols"`
	Desc       []bool `json:"desc,omitempty"`
	Unique     bool   `json:"unique,omitempty"`
	Constraint bool   `json:"constraint,omitempty"`
}

func (ix *indexDef) record() indexRecord {
	return indexRecord{OID: ix.oid, Name: ix.name, Tree: uint32(ix.tree), Cols: ix.cols, Desc: ix.desc,
		Unique: ix.unique, Constraint: ix.constraint}
}

func indexFromRecord(t *tableDef, r indexRecord) (*indexDef, error) {
	ix := &indexDef{oid: r.OID, name: r.Name, tree: storage.TreeID(r.Tree), cols: r.Cols, desc: r.Desc,
		unique: r.Unique, constraint: r.Constraint}
	for _, c := range r.Cols {
		if c < 0 || c >= len(t.types) {
			return nil, fmt.Errorf("catalog: index %s of table %s names column %d of %d", r.Name, t.name, c, len(t.types))
		}
		ix.types = append(ix.types, t.types[c])
	}
	return ix, nil
}

// withTree returns a copy of ix stored in tree.
func (ix *indexDef) withTree(tree storage.TreeID) *indexDef {
	c := *ix
	c.tree = tree
	return &c
}

// Indexes implements planner.KeyedTable.
func (t *tableDef) Indexes() []planner.Index {
	out := make([]planner.Index, len(t.indexes))
	for i, ix := range t.indexes {
		out[i] = planner.Index{Name: ix.name, Columns: ix.cols, Unique: ix.unique}
	}
	return out
}

// withIndexes returns a copy of t with the given secondary indexes.
func (t *tableDef) withIndexes(indexes []*indexDef) *tableDef {
	c := *t
	c.indexes = indexes
	return &c
}

// entry encodes row's entry in ix for the row stored under rowKey; unique
// reports whether the key has the unique form.
func (ix *indexDef) entry(row []types.Datum, rowKey []byte) (key []byte, unique bool, err error) {
	return ix.appendEntry(make([]byte, 0, 32+len(rowKey)), make([]types.Datum, len(ix.cols)), row, rowKey)
}

// appendEntry is entry appending the key to buf, with vals (len(ix.cols))
// as scratch: CREATE INDEX makes one entry per row without allocating.
func (ix *indexDef) appendEntry(buf []byte, vals, row []types.Datum, rowKey []byte) (key []byte, unique bool, err error) {
	unique = ix.unique
	for i, c := range ix.cols {
		vals[i] = row[c]
		if row[c] == nil {
			unique = false
		}
	}
	key, err = rowcodec.EncodeKey(buf, ix.types, vals)
	if err != nil {
		return nil, false, err
	}
	if !unique {
		key = append(key, rowKey...)
	}
	return key, unique, nil
}

// indexInsert adds row's entries to every index.
func (a *tableAccess) indexInsert(ctx context.Context, row []types.Datum, rowKey []byte) error {
	for _, ix := range a.t.indexes {
		if err := a.addEntry(ctx, ix, row, rowKey); err != nil {
			return err
		}
	}
	return nil
}

func (a *tableAccess) addEntry(ctx context.Context, ix *indexDef, row []types.Datum, rowKey []byte) error {
	k, unique, err := ix.entry(row, rowKey)
	if err != nil {
		return err
	}
	v := append([]byte(nil), rowKey...)
	if !unique {
		return storageError(a.tx.Put(ix.tree, k, v))
	}
	if err := a.tx.Insert(ctx, ix.tree, k, v); err != nil {
		if errors.Is(err, storage.ErrDuplicateKey) {
			n := 0
			for i, x := range a.t.indexes {
				if x == ix {
					n = i + 1
				}
			}
			return &conflictError{err: a.uniqueViolation(ix.name, ix.cols, row), index: n, key: k, ix: ix}
		}
		return storageError(err)
	}
	return nil
}

func (a *tableAccess) removeEntry(ctx context.Context, ix *indexDef, row []types.Datum, rowKey []byte) error {
	k, unique, err := ix.entry(row, rowKey)
	if err != nil {
		return err
	}
	if unique {
		// Hold the value's lock until the end of the transaction, so that
		// a concurrent insert of the same value waits for the outcome
		// instead of failing while the delete may still roll back.
		if err := a.tx.LockKey(ctx, ix.tree, k, lock.Exclusive); err != nil {
			return storageError(err)
		}
	}
	return storageError(a.tx.Delete(ix.tree, k))
}

// indexDelete removes row's entries from every index.
func (a *tableAccess) indexDelete(ctx context.Context, row []types.Datum, rowKey []byte) error {
	for _, ix := range a.t.indexes {
		if err := a.removeEntry(ctx, ix, row, rowKey); err != nil {
			return err
		}
	}
	return nil
}

// indexUpdate moves the entries of a row that changed from old (stored
// under oldKey) to row (under newKey). An entry whose key is unchanged
// stays: entries hold nothing but the key and the row key.
func (a *tableAccess) indexUpdate(ctx context.Context, old, row []types.Datum, oldKey, newKey []byte) error {
	moved := !bytes.Equal(oldKey, newKey)
	for _, ix := range a.t.indexes {
		ok, _, err := ix.entry(old, oldKey)
		if err != nil {
			return err
		}
		nk, unique, err := ix.entry(row, newKey)
		if err != nil {
			return err
		}
		if bytes.Equal(ok, nk) {
			if moved && unique {
				// Same value, new row key: repoint the entry.
				if err := a.tx.LockKey(ctx, ix.tree, nk, lock.Exclusive); err != nil {
					return storageError(err)
				}
				if err := a.tx.Put(ix.tree, nk, append([]byte(nil), newKey...)); err != nil {
					return storageError(err)
				}
			}
			continue
		}
		if err := a.removeEntry(ctx, ix, old, oldKey); err != nil {
			return err
		}
		if err := a.addEntry(ctx, ix, row, newKey); err != nil {
			return err
		}
	}
	return nil
}

// prefixEnd returns the smallest key greater than every key that starts
// with p (nil when there is none: p is all 0xff).
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// resolveIndex finds, in the table's current def, the index the plan
// (made over planned) numbered i; nil when it is gone (a scan then does).
func (a *tableAccess) resolveIndex(planned planner.Table, i int) *indexDef {
	if pd, ok := planned.(*tableDef); ok && i-1 < len(pd.indexes) {
		oid := pd.indexes[i-1].oid
		for _, ix := range a.t.indexes {
			if ix.oid == oid {
				return ix
			}
		}
		return nil
	}
	if i-1 < len(a.t.indexes) {
		return a.t.indexes[i-1]
	}
	return nil
}

// indexRows reads rows through a secondary index: each entry's value
// names the row, fetched from the table as the transaction sees it.
type indexRows struct {
	a     *tableAccess
	it    *storage.Iter
	key   string
	types []*types.T
	val   []byte // the fetched row, reused (NextRaw, lookup_reuse.go)
}

func (r *indexRows) Next() ([]types.Datum, error) {
	for r.it.Next() {
		rowKey := r.it.Value()
		v, found, err := r.a.tx.Get(r.a.t.tree, rowKey)
		if err != nil {
			return nil, storageError(err)
		}
		if !found {
			// The snapshot sees index and table alike, so this does not
			// happen; skipping is the safe answer if it ever does.
			continue
		}
		r.key = string(rowKey)
		return rowcodec.DecodeRow(r.types, v, nil)
	}
	if err := r.it.Err(); err != nil {
		return nil, storageError(err)
	}
	return nil, io.EOF
}

func (r *indexRows) Key() string { return r.key }
func (r *indexRows) Close()      { r.it.Close() }

// entrySource yields index or table entries in the order a scan produces
// them; bulkBuild may open it twice.
type entrySource func() (next func() (key, val []byte, ok bool, err error), closeFn func(), err error)

// errUnsorted ends an optimistic streaming build.
var errUnsorted = errors.New("executor: entries out of order")

// duplicateFn turns a duplicate key into the caller's error (the key's
// entry is the one that repeats).
type duplicateFn func(key, val []byte) error

// bulkBuild builds a new tree from src bottom-up (storage's BuildTree).
// Entries usually come sorted (a table rebuilt on the key it was loaded
// in), so the first attempt streams them straight into the builder; when
// they are not, it reads them all, sorts them in memory and builds again.
// Equal keys are dup's error.
func (s *Session) bulkBuild(ctx context.Context, src entrySource, dup duplicateFn) (storage.TreeID, error) {
	tx := s.storageTxn()
	next, closeFn, err := src()
	if err != nil {
		return 0, err
	}
	var prev []byte
	n := 0
	var stop error
	tree, err := tx.BuildTree(func() ([]byte, []byte, bool, error) {
		k, v, ok, err := next()
		if err != nil || !ok {
			return nil, nil, ok, err
		}
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, false, err
			}
		}
		if prev != nil {
			switch c := bytes.Compare(k, prev); {
			case c == 0:
				stop = dup(k, v)
				return nil, nil, false, stop
			case c < 0:
				stop = errUnsorted
				return nil, nil, false, stop
			}
		}
		prev = append(prev[:0], k...)
		return k, v, true, nil
	})
	closeFn()
	if err == nil {
		return tree, nil
	}
	if stop != errUnsorted || !errors.Is(err, errUnsorted) {
		return 0, storageError(err)
	}
	// Second attempt: collect and sort. Memory grows with the table; an
	// external sort is the planner issue's (sorts that spill past
	// work_mem).
	next, closeFn, err = src()
	if err != nil {
		return 0, err
	}
	var all sortedEntries
	for {
		k, v, ok, err := next()
		if err != nil {
			closeFn()
			return 0, err
		}
		if !ok {
			break
		}
		all.add(k, v)
		if len(all.ents)%4096 == 0 {
			if err := ctx.Err(); err != nil {
				closeFn()
				return 0, err
			}
		}
	}
	closeFn()
	all.sort()
	for i := 1; i < len(all.ents); i++ {
		if bytes.Equal(all.key(i), all.key(i-1)) {
			return 0, dup(all.key(i), all.val(i))
		}
	}
	i := 0
	tree, err = tx.BuildTree(func() ([]byte, []byte, bool, error) {
		if i == len(all.ents) {
			return nil, nil, false, nil
		}
		i++
		return all.key(i - 1), all.val(i - 1), true, nil
	})
	return tree, storageError(err)
}

// indexSource produces ix's entries for the rows of t as the transaction
// sees them.
func (s *Session) indexSource(ctx context.Context, t *tableDef, ix *indexDef) entrySource {
	return func() (func() ([]byte, []byte, bool, error), func(), error) {
		acc := &tableAccess{s: s, t: t, tx: s.storageTxn()}
		rows, err := acc.Scan(ctx)
		if err != nil {
			return nil, nil, err
		}
		kr := rows.(*keyedRows)
		// Only the indexed columns are decoded.
		want := make([]bool, len(t.types))
		for _, c := range ix.cols {
			want[c] = true
		}
		kr.Want(want)
		// The entry and row key are reused from row to row: bulkBuild
		// and the tree builder copy what they keep.
		vals := make([]types.Datum, len(ix.cols))
		var k, rowKey []byte
		next := func() ([]byte, []byte, bool, error) {
			row, err := kr.Next()
			if err == io.EOF {
				return nil, nil, false, nil
			}
			if err != nil {
				return nil, nil, false, err
			}
			rowKey = append(rowKey[:0], kr.it.Key()...)
			k, _, err = ix.appendEntry(k[:0], vals, row, rowKey)
			if err != nil {
				return nil, nil, false, err
			}
			return k, rowKey, true, nil
		}
		return next, kr.Close, nil
	}
}

// buildIndex fills ix's tree (a new one) from t's rows.
func (s *Session) buildIndex(ctx context.Context, t *tableDef, ix *indexDef) (storage.TreeID, error) {
	dup := func(_, rowKey []byte) error {
		// Find the row again to name its values, as PostgreSQL's
		// "could not create unique index" does.
		acc := &tableAccess{s: s, t: t, tx: s.storageTxn()}
		v, found, err := acc.tx.Get(t.tree, rowKey)
		if err != nil || !found {
			return pgerror.New(pgerror.UniqueViolation, "could not create unique index \"%s\"", ix.name)
		}
		row, err := rowcodec.DecodeRow(t.types, v, nil)
		if err != nil {
			return err
		}
		pe := pgerror.From(acc.uniqueViolation(ix.name, ix.cols, row))
		return pgerror.New(pgerror.UniqueViolation, "could not create unique index \"%s\"", ix.name).
			WithDetail("%s", strings.Replace(pe.Detail, "already exists.", "is duplicated.", 1))
	}
	return s.bulkBuild(ctx, s.indexSource(ctx, t, ix), dup)
}

// maxIdentLen is PostgreSQL's NAMEDATALEN-1: longer names are cut.
const maxIdentLen = 63

// chooseRelationName is PostgreSQL's ChooseRelationName for an object of
// table over cols with label ("idx", "key" for a UNIQUE constraint, "seq"
// for a serial column's sequence):
// table_col1_col2_label, cut to fit 63 bytes, with a number appended
// until no relation has the name.
func (s *Session) chooseRelationName(schema, table string, cols []string, label string) string {
	name2 := strings.Join(cols, "_")
	for n := 0; ; n++ {
		suffix := label
		if n > 0 {
			suffix = fmt.Sprintf("%s%d", label, n)
		}
		name := makeObjectName(table, name2, suffix)
		if !s.relationExists(schema, name) {
			return name
		}
	}
}

// makeObjectName joins name1_name2_label, shortening the longer of name1
// and name2 until the result fits, as PostgreSQL's makeObjectName does.
func makeObjectName(name1, name2, label string) string {
	overhead := len(label) + 1
	if name2 != "" {
		overhead++
	}
	n1, n2 := name1, name2
	for len(n1)+len(n2)+overhead > maxIdentLen {
		if len(n1) > len(n2) {
			n1 = n1[:len(n1)-1]
		} else {
			n2 = n2[:len(n2)-1]
		}
	}
	if n2 == "" {
		return n1 + "_" + label
	}
	return n1 + "_" + n2 + "_" + label
}

// visibleRelations returns every table and sequence the session sees:
// the committed catalog with its own uncommitted DDL applied.
func (s *Session) visibleRelations() []*tableDef {
	c := s.engine.catalog
	c.mu.RLock()
	out := make([]*tableDef, 0, len(c.byOID)+len(s.ddl.byOID))
	for oid, t := range c.byOID {
		if _, changed := s.ddl.byOID[oid]; !changed && t.isRelation() {
			out = append(out, t)
		}
	}
	c.mu.RUnlock()
	for _, t := range s.ddl.byOID {
		if t != nil && t.isRelation() {
			out = append(out, t)
		}
	}
	return out
}

// visibleTables is visibleRelations without the sequences and views.
func (s *Session) visibleTables() []*tableDef {
	all := s.visibleRelations()
	out := all[:0]
	for _, t := range all {
		if t.seq == nil && t.view == nil {
			out = append(out, t)
		}
	}
	return out
}

// relationExists reports whether a table, view, sequence, primary key or
// index in schema is called name (they share PostgreSQL's pg_class names).
func (s *Session) relationExists(schema, name string) bool {
	if schema == "" {
		schema = "public"
	}
	for _, t := range s.visibleRelations() {
		if t.schema != schema {
			continue
		}
		if t.name == name || (t.pk != nil && t.pkName == name) {
			return true
		}
		for _, ix := range t.indexes {
			if ix.name == name {
				return true
			}
		}
	}
	return false
}

// findIndex returns the table that has the index called name, and the
// index.
func (s *Session) findIndex(name string) (*tableDef, *indexDef) {
	for _, t := range s.visibleTables() {
		for _, ix := range t.indexes {
			if ix.name == name {
				return t, ix
			}
		}
	}
	return nil, nil
}

// indexColumns resolves CREATE INDEX's column names on t.
func indexColumns(t *tableDef, names []string) ([]int, error) {
	cols := make([]int, len(names))
	for i, n := range names {
		cols[i] = -1
		for j, c := range t.cols {
			if c.Name == n {
				cols[i] = j
			}
		}
		if cols[i] < 0 {
			return nil, pgerror.New(pgerror.UndefinedColumn, "column \"%s\" does not exist", n)
		}
	}
	return cols, nil
}

// execCreateIndex runs CREATE INDEX: the table is locked against writers
// (PostgreSQL's SHARE lock; here the exclusive table lock), its rows as of
// a fresh snapshot are turned into entries and the index is built
// bottom-up.
func (s *Session) execCreateIndex(ctx context.Context, n *parser.CreateIndex) (*Result, error) {
	switch n.Method {
	case "btree", "hash":
		// A hash index answers equality only; a B+tree serves it as well.
		if n.Method == "hash" && len(n.Columns) > 1 {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "access method \"hash\" does not support multicolumn indexes")
		}
		if n.Method == "hash" && n.Unique {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "access method \"hash\" does not support unique indexes")
		}
	case "gin", "gist", "spgist", "brin":
		return nil, pgerror.New(pgerror.FeatureNotSupported, "access method \"%s\" is not supported yet", n.Method)
	default:
		return nil, pgerror.New(pgerror.UndefinedObject, "access method \"%s\" does not exist", n.Method)
	}
	schema, tbl := splitQualified(n.Table)
	t, err := s.lookup(schema, tbl)
	if err != nil {
		return nil, err
	}
	if t.seq != nil || t.view != nil {
		return nil, pgerror.New(pgerror.WrongObjectType, "cannot create index on relation \"%s\"", t.name).
			WithDetail("This operation is not supported for %ss.", kindWord(t, false))
	}
	names := make([]string, len(n.Columns))
	desc := make([]bool, len(n.Columns))
	anyDesc := false
	for i, c := range n.Columns {
		names[i], desc[i] = c.Name, c.Desc
		anyDesc = anyDesc || c.Desc
	}
	if !anyDesc {
		desc = nil
	}
	cols, err := indexColumns(t, names)
	if err != nil {
		return nil, err
	}
	res := tagOnly("CREATE INDEX")
	tx := s.storageTxn()
	name := n.Name
	if name == "" {
		name = s.chooseRelationName(t.schema, t.name, names, "idx")
	}
	if len(name) > maxIdentLen {
		name = name[:maxIdentLen]
	}
	if err := tx.LockObject(ctx, "name:"+qualified(t.schema, name), lock.Exclusive); err != nil {
		return nil, storageError(err)
	}
	if s.relationExists(t.schema, name) {
		if n.IfNotExists {
			nt := pgerror.Notice("relation \"%s\" already exists, skipping", name)
			nt.Code = pgerror.DuplicateTable
			res.Notices = append(res.Notices, nt)
			return res, nil
		}
		return nil, pgerror.New(pgerror.DuplicateTable, "relation \"%s\" already exists", name)
	}
	ix := &indexDef{name: name, cols: cols, desc: desc, unique: n.Unique}
	if _, err := s.addIndex(ctx, t, ix); err != nil {
		return nil, err
	}
	return res, nil
}

// addIndex builds ix over t's rows and adds it to t's def.
func (s *Session) addIndex(ctx context.Context, t *tableDef, ix *indexDef) (*tableDef, error) {
	t, err := s.lockTable(ctx, t)
	if err != nil {
		return nil, err
	}
	tx := s.storageTxn()
	// Build from everything committed: writers are locked out now, but a
	// snapshot taken before the lock may miss their last commits.
	if tx.Isolation() == storage.ReadCommitted {
		tx.NewSnapshot()
	} else if tx.ChangedSince(t.tree) {
		return nil, pgerror.New(pgerror.SerializationFailure, "could not serialize access due to concurrent update")
	}
	for _, c := range ix.cols {
		ix.types = append(ix.types, t.types[c])
	}
	ix.oid = s.engine.catalog.nextOID.Add(1) - 1
	if ix.tree, err = s.buildIndex(ctx, t, ix); err != nil {
		return nil, err
	}
	nt := t.withIndexes(append(append([]*indexDef(nil), t.indexes...), ix))
	return nt, s.writeDef(nt, "")
}

// execDropIndex runs DROP INDEX.
func (s *Session) execDropIndex(ctx context.Context, n *parser.DropIndex) (*Result, error) {
	res := tagOnly("DROP INDEX")
	for _, qn := range n.Names {
		_, name := splitQualified(qn)
		t, ix := s.findIndex(name)
		if ix == nil {
			if n.IfExists {
				res.Notices = append(res.Notices, pgerror.Notice("index \"%s\" does not exist, skipping", name))
				continue
			}
			return nil, pgerror.New(pgerror.UndefinedObject, "index \"%s\" does not exist", name)
		}
		if ix.constraint && !n.Cascade {
			return nil, pgerror.New(pgerror.DependentObjectsStillExist, "cannot drop index %s because constraint %s on table %s requires it", ix.name, ix.name, t.name).
				WithHint("You can drop constraint %s on table %s instead.", ix.name, t.name)
		}
		if err := s.dropIndex(ctx, t, ix.oid); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// dropIndex removes the index oid from t in the transaction.
func (s *Session) dropIndex(ctx context.Context, t *tableDef, oid uint32) error {
	t, err := s.lockTable(ctx, t)
	if err != nil {
		return err
	}
	var keep []*indexDef
	for _, ix := range t.indexes {
		if ix.oid == oid {
			s.storageTxn().DropTree(ix.tree)
			continue
		}
		keep = append(keep, ix)
	}
	return s.writeDef(t.withIndexes(keep), "")
}

// Check verifies the database: the storage engine's trees and page
// checksums (storage.Engine.Check), then that every secondary index holds
// exactly the entries its table's rows call for, as of a fresh snapshot.
func (e *Engine) Check(ctx context.Context) error {
	if err := e.store.Check(); err != nil {
		return err
	}
	e.catalog.mu.RLock()
	tables := make([]*tableDef, 0, len(e.catalog.byOID))
	for _, t := range e.catalog.byOID {
		tables = append(tables, t)
	}
	e.catalog.mu.RUnlock()
	tx := e.store.Begin(storage.RepeatableRead)
	defer tx.Rollback()
	for _, t := range tables {
		for _, ix := range t.indexes {
			if err := checkIndex(ctx, tx, t, ix); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkIndex(ctx context.Context, tx *storage.Txn, t *tableDef, ix *indexDef) error {
	type kv struct{ k, v string }
	var want []kv
	it, err := tx.Scan(ctx, t.tree, nil, nil)
	if err != nil {
		return err
	}
	for it.Next() {
		row, err := rowcodec.DecodeRow(t.types, it.Value(), nil)
		if err != nil {
			it.Close()
			return fmt.Errorf("table %s: row %x: %w", t.name, it.Key(), err)
		}
		k, _, err := ix.entry(row, it.Key())
		if err != nil {
			it.Close()
			return err
		}
		want = append(want, kv{string(k), string(it.Key())})
	}
	it.Close()
	if err := it.Err(); err != nil {
		return err
	}
	sort.Slice(want, func(i, j int) bool { return want[i].k < want[j].k })
	it, err = tx.Scan(ctx, ix.tree, nil, nil)
	if err != nil {
		return err
	}
	defer it.Close()
	i := 0
	for ; it.Next(); i++ {
		if i >= len(want) {
			return fmt.Errorf("index %s of table %s: extra entry %x (index has more entries than the table has rows)", ix.name, t.name, it.Key())
		}
		if string(it.Key()) != want[i].k || string(it.Value()) != want[i].v {
			return fmt.Errorf("index %s of table %s: entry %d is %x -> %x, the rows call for %x -> %x", ix.name, t.name, i, it.Key(), it.Value(), want[i].k, want[i].v)
		}
	}
	if err := it.Err(); err != nil {
		return err
	}
	if i != len(want) {
		return fmt.Errorf("index %s of table %s: %d entries, the table has %d rows", ix.name, t.name, i, len(want))
	}
	return nil
}
