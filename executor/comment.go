package executor

import (
	"context"
	"encoding/binary"
	"sort"
	"strings"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/executor/pgcatalog"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/storage"
)

// COMMENT ON: descriptions of tables, views, sequences, indexes, columns
// and schemas, PostgreSQL's pg_description. Each is a catalog-tree record
// of its own (commentKey), written in the transaction and published at
// commit like statistics; they go with their object when it is dropped.

// Class OIDs of the catalogs descriptions refer to.
const (
	classPgClass     = 1259
	classPgNamespace = 2615
)

// commentID names a described object: its catalog, OID and column (0 for
// the object itself).
type commentID struct {
	class, obj uint32
	sub        int32
}

func commentKey(id commentID) []byte {
	k := []byte{0xfe, 'd', 'e', 's'}
	k = binary.BigEndian.AppendUint32(k, id.class)
	k = binary.BigEndian.AppendUint32(k, id.obj)
	return binary.BigEndian.AppendUint32(k, uint32(id.sub))
}

// loadComments reads the descriptions (from OpenEngine's stats load).
func (es *engineStats) loadComments(txn *storage.Txn) error {
	es.comments = map[commentID]string{}
	it, err := txn.Scan(context.Background(), storage.CatalogTree, []byte{0xfe, 'd', 'e', 's'}, []byte{0xfe, 'd', 'e', 't'})
	if err != nil {
		return err
	}
	defer it.Close()
	for it.Next() {
		k := it.Key()[4:]
		if len(k) != 12 {
			continue
		}
		id := commentID{binary.BigEndian.Uint32(k), binary.BigEndian.Uint32(k[4:]), int32(binary.BigEndian.Uint32(k[8:]))}
		es.comments[id] = string(it.Value())
	}
	return it.Err()
}

// execCommentOn runs COMMENT ON.
func (s *Session) execCommentOn(ctx context.Context, n *parser.CommentOn) (*Result, error) {
	var id commentID
	switch n.ObjType {
	case "table", "view", "sequence", "index", "materialized view", "foreign table":
		schema, name := splitQualified(n.Name)
		oid, ok := s.relationOID(schema, name)
		if !ok {
			return nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", n.Name)
		}
		id = commentID{classPgClass, oid, 0}
	case "column":
		rel, col := splitQualified(n.Name)
		if rel == "" {
			return nil, pgerror.New(pgerror.SyntaxError, "column name must be qualified")
		}
		schema, name := splitQualified(rel)
		t, err := s.lookup(schema, name)
		if err != nil {
			return nil, err
		}
		at := findCol(t, col)
		if at < 0 {
			return nil, pgerror.New(pgerror.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", col, rel)
		}
		id = commentID{classPgClass, t.oid, int32(at + 1)}
	case "schema":
		oid := s.schemaOID(n.Name)
		if oid == 0 {
			return nil, pgerror.New(pgerror.UndefinedSchema, "schema \"%s\" does not exist", n.Name)
		}
		id = commentID{classPgNamespace, oid, 0}
	default:
		return nil, pgerror.New(pgerror.FeatureNotSupported, "COMMENT ON %s is not supported yet", strings.ToUpper(n.ObjType))
	}
	text := n.Comment
	if n.IsNull {
		text = ""
	}
	if err := s.putComment(id, text); err != nil {
		return nil, err
	}
	return tagOnly("COMMENT"), nil
}

// putComment sets (or, empty, removes) a description in the transaction.
func (s *Session) putComment(id commentID, text string) error {
	tx := s.storageTxn()
	var err error
	if text == "" {
		err = tx.Delete(storage.CatalogTree, commentKey(id))
	} else {
		err = tx.Put(storage.CatalogTree, commentKey(id), []byte(text))
	}
	if err != nil {
		return storageError(err)
	}
	if s.pendingComments == nil {
		s.pendingComments = map[commentID]string{}
	}
	s.pendingComments[id] = text
	s.catEpoch++
	return nil
}

// dropComments removes the descriptions of a dropped relation (its
// columns' too) or schema.
func (s *Session) dropComments(class, obj uint32) error {
	for id := range s.allComments() {
		if id.class == class && id.obj == obj {
			if err := s.putComment(id, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// allComments is every description the session sees.
func (s *Session) allComments() map[commentID]string {
	es := &s.engine.stats
	es.mu.Lock()
	out := make(map[commentID]string, len(es.comments)+len(s.pendingComments))
	for id, c := range es.comments {
		out[id] = c
	}
	es.mu.Unlock()
	for id, c := range s.pendingComments {
		if c == "" {
			delete(out, id)
		} else {
			out[id] = c
		}
	}
	return out
}

// publishComments applies a committed transaction's descriptions.
func (s *Session) publishComments(commit bool) {
	if commit && len(s.pendingComments) > 0 {
		es := &s.engine.stats
		es.mu.Lock()
		for id, c := range s.pendingComments {
			if c == "" {
				delete(es.comments, id)
			} else {
				es.comments[id] = c
			}
		}
		es.mu.Unlock()
	}
	s.pendingComments = nil
}

// Descriptions implements pgcatalog.Source: pg_description's rows.
func (c catalogSource) Descriptions() []pgcatalog.Description {
	var out []pgcatalog.Description
	for id, text := range c.s.allComments() {
		out = append(out, pgcatalog.Description{ObjOID: id.obj, ClassOID: id.class, SubID: id.sub, Text: text})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.ClassOID != b.ClassOID {
			return a.ClassOID < b.ClassOID
		}
		if a.ObjOID != b.ObjOID {
			return a.ObjOID < b.ObjOID
		}
		return a.SubID < b.SubID
	})
	return out
}

var _ eval.CommentEnv = (*Session)(nil)

// Comment implements eval.CommentEnv.
func (s *Session) Comment(class, obj uint32, sub int32) (string, bool) {
	c, ok := s.allComments()[commentID{class, obj, sub}]
	if !ok && sub == 0 {
		// initdb's descriptions of built-in functions, operators, types.
		return pgcatalog.BuiltinDescription(class, obj)
	}
	return c, ok
}
