package executor

import (
	"context"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/copyfmt"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// VersionString is what version() returns.
// It keeps PostgreSQL's shape ("PostgreSQL 15.18 ... on <platform>,
// compiled by <compiler>, 64-bit") because tools parse it.
var VersionString = "PostgreSQL " + ServerVersion + " on " + runtime.GOARCH + "-" + runtime.GOOS +
	", compiled by " + runtime.Version() + ", 64-bit"

func init() { eval.VersionString = VersionString }

func runQuery(ctx context.Context, q *planner.Query, params []types.Datum, s *Session) (Rows, error) {
	return eval.Run(ctx, q, params, s)
}

func textColumn(name string) planner.Column {
	return planner.Column{Name: name, Type: types.Text, Typmod: -1}
}

// utilityColumns returns the row shape of a utility statement, nil when
// it returns no rows.
func utilityColumns(u parser.Utility, s *Session) ([]planner.Column, error) {
	switch n := u.(type) {
	case *parser.Show:
		if n.All {
			return []planner.Column{textColumn("name"), textColumn("setting"), textColumn("description")}, nil
		}
		if d := lookupSetting(n.Name); d != nil {
			return []planner.Column{textColumn(d.name)}, nil
		}
		if _, err := s.Setting(n.Name); err != nil {
			return nil, err
		}
		return []planner.Column{textColumn(n.Name)}, nil
	case *parser.Execute:
		// EXECUTE returns what its statement returns.
		if p, err := s.LookupPrepared(n.Name); err == nil {
			return p.Columns, nil
		}
	case *parser.Fetch:
		return s.fetchColumns(n), nil
	case *parser.Explain:
		t := textColumn("QUERY PLAN")
		for _, o := range n.Options {
			if o.Name == "format" && strings.EqualFold(o.Value, "json") {
				t.Type = types.JSON
			}
		}
		return []planner.Column{t}, nil
	}
	return nil, nil
}

// sliceRows serves rows computed up front (SHOW and friends).
type sliceRows struct {
	rows [][]types.Datum
	i    int
}

func (r *sliceRows) Next() ([]types.Datum, error) {
	if r.i >= len(r.rows) {
		return nil, io.EOF
	}
	r.i++
	return r.rows[r.i-1], nil
}

func (r *sliceRows) Close() {}

func tagOnly(tag string) *Result { return &Result{tag: tag} }

func (s *Session) execUtility(ctx context.Context, u parser.Utility, p *Prepared) (*Result, error) {
	switch n := u.(type) {
	case *parser.Set:
		return s.execSet(n)
	case *parser.SetTransaction:
		return s.execSetTransaction(n)
	case *parser.Reset:
		if n.All {
			for _, name := range settingNames() {
				if d := lookupSetting(name); !d.readOnly {
					if err := s.resetSetting(name, false); err != nil {
						return nil, err
					}
				}
			}
		} else if err := s.resetSetting(n.Name, false); err != nil {
			return nil, err
		}
		return tagOnly("RESET"), nil
	case *parser.Show:
		return s.execShow(n, p)
	case *parser.Begin:
		res := tagOnly("BEGIN")
		switch {
		case s.status != TxnIdle:
			res.Notices = append(res.Notices, pgerror.WarningNotice(pgerror.ActiveSQLTransaction,
				"there is already a transaction in progress"))
		case s.implicit:
			// BEGIN inside a multi-statement message turns the implicit
			// transaction into a block, as in PostgreSQL.
			s.implicit = false
			s.status = TxnBlock
			s.txnStart = s.stmtTime
		default:
			s.beginTxn(false)
		}
		if err := s.applyTxnModes(n.Modes); err != nil {
			return nil, err
		}
		return res, nil
	case *parser.Commit:
		return s.finishBlock(true)
	case *parser.Rollback:
		return s.finishBlock(false)
	case *parser.Savepoint:
		if s.status == TxnIdle {
			return nil, pgerror.New(pgerror.NoActiveSQLTransaction, "SAVEPOINT can only be used in transaction blocks")
		}
		sp := savepoint{name: n.Name, vals: copyMap(s.vals), ddl: s.ddl.clone(),
			stats: maps.Clone(s.pendingStats), comments: maps.Clone(s.pendingComments), funcs: maps.Clone(s.pendingFuncs)}
		if s.tx != nil {
			sp.mark = s.tx.Savepoint()
		}
		s.savepts = append(s.savepts, sp)
		return tagOnly("SAVEPOINT"), nil
	case *parser.Release:
		i, err := s.findSavepoint(n.Name, "RELEASE SAVEPOINT")
		if err != nil {
			return nil, err
		}
		s.savepts = s.savepts[:i]
		return tagOnly("RELEASE"), nil
	case *parser.RollbackTo:
		i, err := s.findSavepoint(n.Name, "ROLLBACK TO SAVEPOINT")
		if err != nil {
			return nil, err
		}
		if s.tx != nil {
			if err := s.tx.RollbackTo(s.savepts[i].mark); err != nil {
				return nil, storageError(err)
			}
		}
		if len(s.ddl.byOID) > 0 {
			s.ddl = s.savepts[i].ddl.clone()
			s.catEpoch++
		}
		s.pendingStats = maps.Clone(s.savepts[i].stats)
		s.pendingComments = maps.Clone(s.savepts[i].comments)
		if len(s.pendingFuncs) > 0 {
			s.pendingFuncs = maps.Clone(s.savepts[i].funcs)
			s.catEpoch++
		}
		s.vals = copyMap(s.savepts[i].vals)
		s.epoch++
		s.savepts = s.savepts[:i+1]
		s.status = TxnBlock
		s.refreshFormat()
		return tagOnly("ROLLBACK"), nil
	case *parser.Discard:
		what := strings.ToUpper(n.What)
		if what == "ALL" {
			if err := s.preventInTxnBlock("DISCARD ALL"); err != nil {
				return nil, err
			}
			for _, name := range settingNames() {
				if d := lookupSetting(name); !d.readOnly {
					_ = s.resetSetting(name, false)
				}
			}
			s.DeallocateAll()
		}
		if what == "ALL" || what == "TEMP" {
			// The session's temporary relations go, in this transaction.
			if ts := s.tempSchema(); ts != "" {
				if err := s.dropRelations(ctx, s.schemaMembers(ts)); err != nil {
					return nil, err
				}
			}
			s.onCommit = nil
		}
		return tagOnly("DISCARD " + what), nil
	case *parser.Deallocate:
		if n.All {
			s.DeallocateAll()
			return tagOnly("DEALLOCATE ALL"), nil
		}
		if err := s.Deallocate(n.Name); err != nil {
			return nil, err
		}
		return tagOnly("DEALLOCATE"), nil
	case *parser.Copy:
		return s.execCopy(ctx, n, p.Stmt)
	case *parser.Prepare:
		return s.execPrepare(n, p.Stmt)
	case *parser.Execute:
		return s.execExecute(ctx, n)
	case *parser.Vacuum:
		if err := s.preventInTxnBlock("VACUUM"); err != nil {
			return nil, err
		}
		// Old versions are reclaimed engine-wide (there is no per-table
		// heap to compact), so the table list only has to exist.
		if err := s.checkTables(n.Tables); err != nil {
			return nil, err
		}
		if _, err := s.engine.store.Vacuum(); err != nil {
			return nil, storageError(err)
		}
		if n.Analyze {
			if err := s.analyzeTables(ctx, n.Tables); err != nil {
				return nil, err
			}
		}
		return tagOnly("VACUUM"), nil
	case *parser.Analyze:
		if err := s.analyzeTables(ctx, n.Tables); err != nil {
			return nil, err
		}
		return tagOnly("ANALYZE"), nil
	case *parser.Truncate:
		return s.execTruncate(ctx, n)
	case *parser.CreateIndex:
		return s.execCreateIndex(ctx, n)
	case *parser.CreateSequence:
		return s.execCreateSequence(ctx, n)
	case *parser.CreateView:
		return s.execCreateView(ctx, n)
	case *parser.CreateFunction:
		return s.execCreateFunction(ctx, n)
	case *parser.DropFunction:
		return s.execDropFunction(ctx, n)
	case *parser.AlterFunction:
		return s.execAlterFunction(ctx, n)
	case *parser.Call:
		return s.execCall(ctx, n)
	case *parser.DropView:
		return s.execDropView(ctx, n)
	case *parser.AlterSequence:
		return s.execAlterSequence(ctx, n)
	case *parser.AlterTable:
		return s.execAlterTable(ctx, n)
	case *parser.DropSequence:
		return s.execDropSequence(ctx, n)
	case *parser.DropIndex:
		return s.execDropIndex(ctx, n)
	case *parser.Explain:
		return s.execExplain(ctx, n, p)
	case *parser.DeclareCursor:
		return s.execDeclare(ctx, n, p.Stmt)
	case *parser.CommentOn:
		return s.execCommentOn(ctx, n)
	case *parser.CreateSchema:
		return s.execCreateSchema(ctx, n, p.Stmt)
	case *parser.CreateEnum:
		return s.execCreateEnum(ctx, n)
	case *parser.CreateDomain:
		return s.execCreateDomain(ctx, n)
	case *parser.DropType:
		return s.execDropType(ctx, n)
	case *parser.AlterTypeStmt:
		return s.execAlterType(ctx, n)
	case *parser.AlterDomain:
		return s.execAlterDomain(ctx, n)
	case *parser.DropSchema:
		return s.execDropSchema(ctx, n)
	case *parser.AlterSchema:
		return s.execAlterSchema(ctx, n)
	case *parser.CreateTableAs:
		return s.execCreateTableAs(ctx, n, p.Stmt)
	case *parser.CreateMatview:
		return s.execCreateMatview(ctx, n, p.Stmt)
	case *parser.RefreshMatview:
		return s.execRefreshMatview(ctx, n)
	case *parser.DropMatview:
		return s.execDropMatview(ctx, n)
	case *parser.Fetch:
		return s.execFetch(n, p)
	case *parser.CloseCursor:
		return s.execClose(n)
	case *parser.Checkpoint:
		if err := s.engine.store.Checkpoint(); err != nil {
			return nil, storageError(err)
		}
		return tagOnly("CHECKPOINT"), nil
	}
	return nil, pgerror.New(pgerror.FeatureNotSupported, "%s is not supported yet", utilityName(u))
}

// preventInTxnBlock rejects cmd inside a transaction block, explicit or the
// implicit one of a multi-statement Query, as PreventInTransactionBlock.
func (s *Session) preventInTxnBlock(cmd string) error {
	if s.status != TxnIdle || s.implicit && s.multi {
		return pgerror.New(pgerror.ActiveSQLTransaction, "%s cannot run inside a transaction block", cmd)
	}
	return nil
}

// utilityName names a statement kind in "not supported" errors.
func utilityName(u parser.Utility) string {
	switch u.(type) {
	case *parser.Listen, *parser.Unlisten, *parser.Notify:
		return "LISTEN/NOTIFY"
	case *parser.Explain:
		return "EXPLAIN"
	case *parser.Truncate:
		return "TRUNCATE"
	case *parser.CreateExtension:
		return "CREATE EXTENSION"
	case *parser.CommentOn:
		return "COMMENT"
	}
	return "this statement"
}

func (s *Session) findSavepoint(name, cmd string) (int, error) {
	if s.status == TxnIdle {
		return 0, pgerror.New(pgerror.NoActiveSQLTransaction, "%s can only be used in transaction blocks", cmd)
	}
	for i := len(s.savepts) - 1; i >= 0; i-- {
		if s.savepts[i].name == name {
			return i, nil
		}
	}
	return 0, pgerror.New("3B001", "savepoint \"%s\" does not exist", name)
}

// finishBlock carries out COMMIT (commit=true) or ROLLBACK.
func (s *Session) finishBlock(commit bool) (*Result, error) {
	tag := "COMMIT"
	if !commit {
		tag = "ROLLBACK"
	}
	res := tagOnly(tag)
	var err error
	switch s.status {
	case TxnIdle:
		res.Notices = append(res.Notices, pgerror.WarningNotice(pgerror.NoActiveSQLTransaction,
			"there is no transaction in progress"))
		if s.implicit {
			err = s.endTxn(commit)
		}
	case TxnFailed:
		err = s.endTxn(false)
		res.tag = "ROLLBACK"
	default:
		err = s.endTxn(commit)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (s *Session) applyTxnModes(m parser.TxnModes) error {
	s.epoch++
	if m.Isolation != "" {
		s.vals["transaction_isolation"] = m.Isolation
	}
	if m.ReadOnly != nil {
		s.vals["transaction_read_only"] = boolSetting(*m.ReadOnly)
	}
	return nil
}

func boolSetting(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func (s *Session) execSet(n *parser.Set) (*Result, error) {
	res := tagOnly("SET")
	if n.Default {
		return res, s.resetSetting(n.Name, n.Local)
	}
	if n.Local && s.status == TxnIdle && !s.multi {
		res.Notices = append(res.Notices, pgerror.WarningNotice(pgerror.NoActiveSQLTransaction,
			"SET LOCAL can only be used in transaction blocks"))
		// Validate all the same, as PostgreSQL does.
		if d := lookupSetting(n.Name); d == nil && !isCustomSetting(strings.ToLower(n.Name)) {
			return nil, errUnknownSetting(n.Name)
		}
		return res, nil
	}
	if _, err := s.set(n.Name, strings.Join(n.Value, ", "), n.Local); err != nil {
		return nil, err
	}
	return res, nil
}

func (s *Session) execSetTransaction(n *parser.SetTransaction) (*Result, error) {
	res := tagOnly("SET")
	if n.Session {
		s.snapshotForTxn()
		s.epoch++
		if n.Modes.Isolation != "" {
			s.vals["default_transaction_isolation"] = n.Modes.Isolation
		}
		if n.Modes.ReadOnly != nil {
			s.vals["default_transaction_read_only"] = boolSetting(*n.Modes.ReadOnly)
		}
		return res, nil
	}
	if s.status == TxnIdle && !s.multi {
		res.Notices = append(res.Notices, pgerror.WarningNotice(pgerror.NoActiveSQLTransaction,
			"SET TRANSACTION can only be used in transaction blocks"))
		return res, nil
	}
	return res, s.applyTxnModes(n.Modes)
}

func (s *Session) execShow(n *parser.Show, p *Prepared) (*Result, error) {
	var rows [][]types.Datum
	if n.All {
		for _, name := range settingNames() {
			d := lookupSetting(name)
			rows = append(rows, []types.Datum{d.name, s.vals[strings.ToLower(name)], d.desc})
		}
	} else {
		v, err := s.Setting(n.Name)
		if err != nil {
			return nil, err
		}
		rows = [][]types.Datum{{v}}
	}
	return &Result{Columns: p.Columns, Rows: &sliceRows{rows: rows}, tag: "SHOW", verb: ""}, nil
}

// nestedPosition makes the position of an error in a nested statement
// (COPY's query) relative to the outer statement's text, as the server
// expects positions relative to the statement it ran. Offsets of both
// count bytes from the start of the client's query string.
func nestedPosition(err error, outer, inner *parser.Statement) error {
	pe := pgerror.From(err)
	d := inner.Offset - outer.Offset
	if pe.Position == 0 || d <= 0 || d > len(outer.Text) {
		return err
	}
	cp := *pe
	cp.Position += utf8.RuneCountInString(outer.Text[:d])
	return &cp
}

// CopyOut is a COPY ... TO STDOUT in progress: the server encodes Rows
// with Options and reports "COPY n".
type CopyOut struct {
	Options copyfmt.Options
	Columns []planner.Column
	Rows    Rows
}

// CopyIn is a COPY ... FROM STDIN: the server streams the client's data to
// Load, which returns the number of rows loaded.
type CopyIn struct {
	Options copyfmt.Options
	Columns []planner.Column
	// Load consumes the COPY data (the concatenated CopyData payloads) until
	// io.EOF and stores the rows.
	Load func(ctx context.Context, r io.Reader) (int64, error)
}

func copyOptions(n *parser.Copy) (copyfmt.Options, error) {
	opts := make([]copyfmt.Opt, len(n.Options))
	for i, o := range n.Options {
		opts[i] = copyfmt.Opt{Name: o.Name, Value: o.Value, HasValue: o.HasValue}
		// Column lists (FORCE_QUOTE (a, b)) arrive as their parenthesised text.
		if v := strings.TrimSpace(o.Value); strings.HasPrefix(v, "(") && strings.HasSuffix(v, ")") {
			opts[i].IsList, opts[i].Value = true, ""
			for _, c := range strings.Split(v[1:len(v)-1], ",") {
				opts[i].List = append(opts[i].List, strings.Trim(strings.TrimSpace(c), `"`))
			}
		}
	}
	o, err := copyfmt.ParseOptions(opts, n.From)
	if err != nil {
		return o, positionCopyOptionError(err, opts, n)
	}
	return o, nil
}

// positionCopyOptionError attaches the position of the offending option to
// the three errors PostgreSQL reports with one. Options are checked in
// order, so the offender is the last option of the shortest prefix that
// fails the same way.
func positionCopyOptionError(err error, opts []copyfmt.Opt, n *parser.Copy) error {
	pe := pgerror.From(err)
	positioned := func(e *pgerror.Error) bool {
		return strings.HasPrefix(e.Message, "option \"") && strings.HasSuffix(e.Message, "\" not recognized") ||
			strings.HasPrefix(e.Message, "COPY format \"") ||
			e.Message == "conflicting or redundant options"
	}
	if !positioned(pe) {
		return err
	}
	for k := 1; k <= len(opts); k++ {
		if _, perr := copyfmt.ParseOptions(opts[:k], n.From); perr != nil {
			if p := pgerror.From(perr); positioned(p) && p.Message == pe.Message {
				cp := *pe
				cp.Position = n.Options[k-1].Pos
				return &cp
			}
		}
	}
	return err
}

func (s *Session) execCopy(ctx context.Context, n *parser.Copy, outer *parser.Statement) (*Result, error) {
	if !n.Stdio {
		return s.copyServerSide(ctx, n, outer)
	}
	return s.copyStdio(ctx, n, outer)
}

// copyStdio prepares COPY between a table or query and the client: the
// Result's CopyIn or CopyOut is what the server (or copyServerSide) runs.
func (s *Session) copyStdio(ctx context.Context, n *parser.Copy, outer *parser.Statement) (*Result, error) {
	o, err := copyOptions(n)
	if err != nil {
		return nil, err
	}
	if n.Query != nil {
		if n.From {
			return nil, pgerror.New(pgerror.SyntaxError, "COPY (query) FROM is not supported")
		}
		p, err := s.Prepare(n.Query, nil)
		if err != nil {
			return nil, nestedPosition(err, outer, n.Query)
		}
		if p.Columns == nil {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "COPY query must have a RETURNING clause")
		}
		res, err := s.Execute(ctx, p, nil)
		if err != nil {
			return nil, nestedPosition(err, outer, n.Query)
		}
		return &Result{CopyOut: &CopyOut{Options: o, Columns: res.Columns, Rows: res.Rows}}, nil
	}
	return s.copyTable(ctx, n, o)
}

// copyTable runs COPY between a table and the client.
func (s *Session) copyTable(ctx context.Context, n *parser.Copy, o copyfmt.Options) (*Result, error) {
	t, err := s.lookup(n.Schema, n.Table)
	if err != nil {
		return nil, err
	}
	if t.seq != nil || t.view != nil {
		dir := "to"
		if !n.From {
			dir = "from"
		}
		e := pgerror.New(pgerror.WrongObjectType, "cannot copy %s %s \"%s\"", dir, kindWord(t, false), t.name)
		if t.view != nil {
			if n.From {
				e = e.WithHint("To enable copying to a view, provide an INSTEAD OF INSERT trigger.")
			} else {
				e = e.WithHint("Try the COPY (SELECT ...) TO variant.")
			}
		}
		return nil, e
	}
	idx, err := columnIndexes(t, n.Columns)
	if err != nil {
		return nil, err
	}
	cols := make([]planner.Column, len(idx))
	names := make([]string, len(idx))
	for i, j := range idx {
		cols[i] = t.cols[j]
		names[i] = t.cols[j].Name
	}
	if err := o.CheckColumns(names); err != nil {
		return nil, err
	}
	if !n.From {
		acc, _, err := s.Access(ctx, t, false)
		if err != nil {
			return nil, err
		}
		it, err := acc.Scan(ctx)
		if err != nil {
			return nil, err
		}
		return &Result{CopyOut: &CopyOut{Options: o, Columns: cols, Rows: &projectRows{it: it, idx: idx}}}, nil
	}
	load := func(ctx context.Context, r io.Reader) (int64, error) {
		acc, _, err := s.Access(ctx, t, true)
		if err != nil {
			return 0, err
		}
		n, err := s.copyFrom(ctx, t, acc, idx, cols, o, r)
		// Foreign keys are checked once the rows are in.
		return n, s.EndStatement(ctx, err)
	}
	return &Result{CopyIn: &CopyIn{Options: o, Columns: cols, Load: load}}, nil
}

// copyBatch is how many rows COPY FROM hands to storage at once.
const copyBatch = 1024

// copyFrom decodes COPY data and inserts it into t. Columns not listed get
// their defaults, evaluated per row as INSERT does (nextval included).
func (s *Session) copyFrom(ctx context.Context, t *tableDef, acc eval.TableAccess, idx []int, cols []planner.Column,
	o copyfmt.Options, r io.Reader) (int64, error) {
	dec := copyfmt.NewDecoder(r, o)
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	dec.SetColumns(names)
	binary := o.Format == copyfmt.Binary
	var n int64
	var checks []eval.Check
	if ch, ok := acc.(eval.Checker); ok {
		var err error
		if checks, err = ch.Checks(); err != nil {
			return 0, err
		}
	}
	// The defaults of the columns COPY does not fill.
	listed := make([]bool, len(t.cols))
	for _, j := range idx {
		listed[j] = true
	}
	type colDefault struct {
		at int
		e  planner.Expr
	}
	var defaults []colDefault
	for j, c := range t.cols {
		// PostgreSQL's COPY leaves a column NULL when neither it nor its
		// domain has a default, without the domain's checks (INSERT
		// checks them).
		if listed[j] || c.Default == "" && (c.Domain == nil || s.DomainConstraints(c.Domain).Default == "") {
			continue
		}
		e, err := planner.BindDefault(s, c, &s.fo)
		if err != nil {
			return 0, err
		}
		defaults = append(defaults, colDefault{j, e})
	}
	// The domain checks of the columns COPY fills.
	var domainChecks []colDefault
	for _, j := range idx {
		if c := t.cols[j]; c.Domain != nil {
			e, err := planner.BindDomainCheck(s, c.Domain, &planner.ColumnRef{Idx: j, T: c.Type}, &s.fo)
			if err != nil {
				return 0, err
			}
			domainChecks = append(domainChecks, colDefault{j, e})
		}
	}
	var slab []types.Datum
	borrow := make([]bool, len(cols))
	for i, c := range cols {
		borrow[i] = parsesWithoutRetaining(c.Type)
	}
	batch := make([][]types.Datum, 0, copyBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := acc.Insert(ctx, batch)
		batch = batch[:0]
		return err
	}
	for {
		fields, err := dec.Next()
		if err == io.EOF {
			break
		}
		// A short row comes with its fields and "missing data for
		// column": PostgreSQL converts the fields present first, so a bad
		// one among them is the error it reports.
		missing := err
		if err != nil && fields == nil {
			return n, withContext(err, dec.ErrorContext(t.name))
		}
		// Rows come from one slab per batch: an allocation per batch
		// rather than per row (storage keeps only the encoded bytes).
		if len(slab) < len(t.cols) {
			slab = make([]types.Datum, len(t.cols)*copyBatch)
		}
		row := slab[:len(t.cols):len(t.cols)]
		slab = slab[len(t.cols):]
		for i, f := range fields {
			if f == nil {
				continue
			}
			col := cols[i]
			var d types.Datum
			switch {
			case binary:
				d, err = types.ParseBinary(col.Type, f)
			case borrow[i]:
				// The parser of this type keeps nothing of its input, so
				// it may read the decoder's buffer in place; an error is
				// made again from a copy, as its message may quote it.
				d, err = types.ParseText(col.Type, unsafe.String(unsafe.SliceData(f), len(f)), &s.fo)
				if err != nil {
					d, err = types.ParseText(col.Type, string(f), &s.fo)
				}
			default:
				d, err = types.ParseText(col.Type, string(f), &s.fo)
			}
			if err == nil && col.Typmod >= 0 {
				d, err = types.ApplyTypmod(col.Type, col.Typmod, d, false)
			}
			if err != nil {
				return n, withContext(err, dec.FieldContext(t.name, i))
			}
			row[idx[i]] = d
		}
		if missing != nil {
			return n, withContext(missing, dec.ErrorContext(t.name))
		}
		for _, d := range defaults {
			v, err := eval.EvalExpr(ctx, d.e, nil, s)
			if err != nil {
				return n, withContext(err, dec.ErrorContext(t.name))
			}
			row[d.at] = v
		}
		for _, d := range domainChecks {
			if _, err := eval.EvalRowExpr(ctx, d.e, row, s); err != nil {
				return n, withContext(err, dec.FieldContext(t.name, slices.Index(idx, d.at)))
			}
		}
		if err := eval.CheckNotNull(t, t.cols, row, &s.fo); err != nil {
			return n, withContext(err, dec.ErrorContext(t.name))
		}
		if err := eval.CheckRow(ctx, s, t, checks, row); err != nil {
			return n, withContext(err, dec.ErrorContext(t.name))
		}
		batch = append(batch, row)
		n++
		if len(batch) == copyBatch {
			if err := flush(); err != nil {
				return n, err
			}
			if err := ctx.Err(); err != nil {
				return n, err
			}
		}
	}
	return n, flush()
}

// parsesWithoutRetaining reports whether types.ParseText of t builds its
// datum without keeping any part of the input string (numbers, dates,
// booleans), so COPY can hand it the raw field without a copy.
func parsesWithoutRetaining(t *types.T) bool {
	switch t.OID {
	case types.OidBool, types.OidInt2, types.OidInt4, types.OidInt8, types.OidFloat4, types.OidFloat8,
		types.OidNumeric, types.OidDate:
		return true
	}
	return false
}

// withContext adds a CONTEXT line (PostgreSQL's "COPY t, line 3") to err.
func withContext(err error, where string) error {
	if where == "" {
		return err
	}
	pe := *pgerror.From(err)
	pe.Where = where
	return &pe
}

// projectRows adapts a table scan to Rows, picking columns idx.
type projectRows struct {
	it  eval.KeyedRows
	idx []int
	buf []types.Datum
}

func (p *projectRows) Next() ([]types.Datum, error) {
	row, err := p.it.Next()
	if err != nil {
		return nil, err
	}
	if p.buf == nil {
		p.buf = make([]types.Datum, len(p.idx))
	}
	for i, j := range p.idx {
		p.buf[i] = row[j]
	}
	return p.buf, nil
}

func (p *projectRows) Close() { p.it.Close() }

// checkTables reports the first of names that does not exist.
func (s *Session) checkTables(names []string) error {
	for _, name := range names {
		schema, tbl := splitQualified(name)
		if _, err := s.lookup(schema, tbl); err != nil {
			return err
		}
	}
	return nil
}
