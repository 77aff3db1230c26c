package main

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pingcap/go-tpc/tpch/dbgen"
)

// parseScale reads the SF setting: a positive whole scale factor, or a
// fraction from 0.01 to 1 for quick runs. go-tpc's dbgen only generates
// whole scale factors; a fraction f is made as TPC's own dbgen makes it
// (its tables' base row counts times f) as far as go-tpc allows: the first
// f of every table generated at scale factor 1 (nation and region whole),
// with the keys that point into other tables folded into the rows kept
// (see fold). Below 0.01 a part's four suppliers would no longer all
// differ, so that is the floor.
func parseScale(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0.01 {
		return 0, fmt.Errorf("SF=%q: want a scale factor of at least 0.01, such as 1, 10 or 0.1", s)
	}
	if f > 1 && f != math.Trunc(f) {
		return 0, fmt.Errorf("SF=%q: scale factors above 1 must be whole numbers (go-tpc's dbgen)", s)
	}
	if f > 1000 {
		return 0, fmt.Errorf("SF=%q: larger than 1000", s)
	}
	return f, nil
}

// Row counts of the tables at scale factor 1 that others point into, and
// dbgen's number of suppliers per part.
const (
	sf1Parts     = 200000
	sf1Supps     = 10000
	sf1Custs     = 150000
	sf1Orders    = 1500000
	suppsPerPart = 4
)

// fold maps keys drawn for scale factor 1 into the rows a fraction keeps,
// so that every foreign key finds its row as in a real small scale: a
// line item's part p becomes (p-1) mod parts + 1, its supplier the same
// one of the part's four (dbgen's PART_SUPP_BRIDGE with the smaller
// supplier count) and its extended price the new part's retail price
// times the quantity; an order's customer folds the same way (keeping
// dbgen's rule that no customer key divisible by 3 orders) and its total
// price is summed again from its lines. The zero fold changes nothing.
type fold struct {
	parts, supps, custs int64
}

func newFold(sf float64) fold {
	if sf >= 1 {
		return fold{}
	}
	n := func(base int64) int64 { return max(1, int64(math.Round(float64(base)*sf))) }
	return fold{parts: n(sf1Parts), supps: n(sf1Supps), custs: n(sf1Custs)}
}

// bridge is dbgen's PART_SUPP_BRIDGE: the i-th supplier of part p among
// supps suppliers.
func bridge(p, i, supps int64) int64 {
	return (p+i*(supps/suppsPerPart+(p-1)/supps))%supps + 1
}

// suppIndex finds which of part p's suppliers s is at scale factor 1.
func suppIndex(p, s int64) int64 {
	for i := int64(0); i < suppsPerPart; i++ {
		if bridge(p, i, sf1Supps) == s {
			return i
		}
	}
	return 0
}

// retailPrice is dbgen's rpb_routine: part p's retail price in cents.
func retailPrice(p int64) int64 { return 90000 + (p/10)%20001 + (p%1000)*100 }

func (f fold) partSupp(ps *dbgen.PartSupp) {
	if f.supps == 0 {
		return
	}
	p := int64(ps.PartKey)
	set(&ps.SuppKey, bridge(p, suppIndex(p, int64(ps.SuppKey)), f.supps))
}

func (f fold) order(o *dbgen.Order) {
	if f.custs == 0 {
		return
	}
	c := (int64(o.CustKey)-1)%f.custs + 1
	for delta := int64(1); c%3 == 0; delta = -delta {
		c = min(c+delta, f.custs)
	}
	set(&o.CustKey, c)
	var total int64
	for i := range o.Lines {
		l := &o.Lines[i]
		p := int64(l.PartKey)
		np := (p-1)%f.parts + 1
		set(&l.SuppKey, bridge(np, suppIndex(p, int64(l.SuppKey)), f.supps))
		set(&l.PartKey, np)
		set(&l.EPrice, retailPrice(np)*int64(l.Quantity))
		e, d, t := int64(l.EPrice), int64(l.Discount), int64(l.Tax)
		total += (e * (100 - d) / 100) * (100 + t) / 100
	}
	set(&o.TotalPrice, total)
}

// set assigns to a field of dbgen's unexported integer type.
func set[T ~int64](dst *T, v int64) { *dst = T(v) }

// errEnough stops a table's generation once the fraction of its rows is
// written; dbgen wraps it into its own error text, so the generator checks
// its own flags rather than the error.
var errEnough = errors.New("enough rows")

// tblWriter writes one table's rows in the form tpch.CopyTable loads:
// '|'-separated, no trailing '|', CSV quoting where a value needs it.
type tblWriter struct {
	f     *os.File
	w     *bufio.Writer
	line  []byte
	limit int64 // rows (orders or parts for the child tables) to keep; 0 = all
	n     int64
	done  bool
}

func newTblWriter(dir, table string, limit int64) (*tblWriter, error) {
	f, err := os.Create(filepath.Join(dir, table+".tbl"))
	if err != nil {
		return nil, err
	}
	return &tblWriter{f: f, w: bufio.NewWriterSize(f, 1<<20), limit: limit}, nil
}

// full reports (and remembers) that the writer has its rows.
func (t *tblWriter) full() bool {
	if t.limit > 0 && t.n >= t.limit {
		t.done = true
	}
	return t.done
}

func (t *tblWriter) close() error {
	err := t.w.Flush()
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// The row formats follow dbgen's (and the column order of schema.sql).

func appendInt(b []byte, v int64) []byte { return strconv.AppendInt(append(b, '|'), v, 10) }

// appendMoney appends cents as dbgen's FmtMoney prints them (12.05).
func appendMoney(b []byte, cents int64) []byte {
	b = append(b, '|')
	if cents < 0 {
		b = append(b, '-')
		cents = -cents
	}
	b = strconv.AppendInt(b, cents/100, 10)
	c := cents % 100
	return append(b, '.', byte('0'+c/10), byte('0'+c%10))
}

// appendText appends a value with COPY CSV quoting when it holds the
// delimiter, a quote or a line break, or is empty (unquoted empty is
// NULL). dbgen's text never does, but a quoted value costs nothing.
func appendText(b []byte, s string) []byte {
	b = append(b, '|')
	if s != "" && !strings.ContainsAny(s, "|\"\r\n") {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}

// emit writes a row built by the append functions, which put a separator
// before every field, the first included.
func (t *tblWriter) emit(b []byte) error {
	_, err := t.w.Write(b[1:])
	if err == nil {
		err = t.w.WriteByte('\n')
	}
	t.n++
	return err
}

func appendRegion(b []byte, r *dbgen.Region) []byte {
	b = appendInt(b, int64(r.Code))
	b = appendText(b, r.Text)
	return appendText(b, r.Comment)
}

func appendNation(b []byte, n *dbgen.Nation) []byte {
	b = appendInt(b, int64(n.Code))
	b = appendText(b, n.Text)
	b = appendInt(b, int64(n.Join))
	return appendText(b, n.Comment)
}

func appendPart(b []byte, p *dbgen.Part) []byte {
	b = appendInt(b, int64(p.PartKey))
	b = appendText(b, p.Name)
	b = appendText(b, p.Mfgr)
	b = appendText(b, p.Brand)
	b = appendText(b, p.Type)
	b = appendInt(b, int64(p.Size))
	b = appendText(b, p.Container)
	b = appendMoney(b, int64(p.RetailPrice))
	return appendText(b, p.Comment)
}

func appendPartSupp(b []byte, ps *dbgen.PartSupp) []byte {
	b = appendInt(b, int64(ps.PartKey))
	b = appendInt(b, int64(ps.SuppKey))
	b = appendInt(b, int64(ps.Qty))
	b = appendMoney(b, int64(ps.SCost))
	return appendText(b, ps.Comment)
}

func appendSupp(b []byte, s *dbgen.Supp) []byte {
	b = appendInt(b, int64(s.SuppKey))
	b = appendText(b, s.Name)
	b = appendText(b, s.Address)
	b = appendInt(b, int64(s.NationCode))
	b = appendText(b, s.Phone)
	b = appendMoney(b, int64(s.Acctbal))
	return appendText(b, s.Comment)
}

func appendCust(b []byte, c *dbgen.Cust) []byte {
	b = appendInt(b, int64(c.CustKey))
	b = appendText(b, c.Name)
	b = appendText(b, c.Address)
	b = appendInt(b, int64(c.NationCode))
	b = appendText(b, c.Phone)
	b = appendMoney(b, int64(c.Acctbal))
	b = appendText(b, c.MktSegment)
	return appendText(b, c.Comment)
}

func appendOrder(b []byte, o *dbgen.Order) []byte {
	b = appendInt(b, int64(o.OKey))
	b = appendInt(b, int64(o.CustKey))
	b = appendText(b, string(rune(o.Status)))
	b = appendMoney(b, int64(o.TotalPrice))
	b = appendText(b, o.Date)
	b = appendText(b, o.OrderPriority)
	b = appendText(b, o.Clerk)
	b = appendInt(b, o.ShipPriority)
	return appendText(b, o.Comment)
}

func appendLine(b []byte, l *dbgen.LineItem) []byte {
	b = appendInt(b, int64(l.OKey))
	b = appendInt(b, int64(l.PartKey))
	b = appendInt(b, int64(l.SuppKey))
	b = appendInt(b, int64(l.LCnt))
	b = appendInt(b, int64(l.Quantity))
	b = appendMoney(b, int64(l.EPrice))
	b = appendMoney(b, int64(l.Discount))
	b = appendMoney(b, int64(l.Tax))
	b = appendText(b, string(rune(l.RFlag)))
	b = appendText(b, string(rune(l.LStatus)))
	b = appendText(b, l.SDate)
	b = appendText(b, l.CDate)
	b = appendText(b, l.RDate)
	b = appendText(b, l.ShipInstruct)
	b = appendText(b, l.ShipMode)
	return appendText(b, l.Comment)
}

// loader is a dbgen.Loader for one table: rows appends each row of an
// item (a parent row may carry several child rows) through put.
type loader struct {
	t    *tblWriter
	rows func(l *loader, item any) error
	buf  []byte
}

func (l *loader) Load(item any) error {
	if l.t.full() {
		return errEnough
	}
	return l.rows(l, item)
}

func (l *loader) Flush() error { return l.t.w.Flush() }

// put writes one row built in l.buf and keeps the buffer for the next.
func (l *loader) put(b []byte) error {
	l.buf = b
	return l.t.emit(b)
}

func one[T any](appendRow func([]byte, *T) []byte) func(*loader, any) error {
	return func(l *loader, item any) error { return l.put(appendRow(l.buf[:0], item.(*T))) }
}

// generate writes the eight tables for scale factor sf into dir as
// NAME.tbl. dbgen keeps its state in package variables, so only one
// generation runs at a time. progress gets a line per table.
func generate(dir string, sf float64, progress func(string)) error {
	dbgen.InitDbGen(max(1, int64(sf)))
	fd := newFold(sf)
	frac := func(base int64) int64 { // rows kept of a table's SF-1 count, 0 = all
		if sf >= 1 {
			return 0
		}
		return max(1, int64(math.Round(float64(base)*sf)))
	}
	writers := map[string]*tblWriter{}
	open := func(name string, limit int64) (*tblWriter, error) {
		w, err := newTblWriter(dir, name, limit)
		writers[name] = w
		return w, err
	}
	defer func() {
		for _, w := range writers {
			w.f.Close()
		}
	}()
	specs := []struct {
		table dbgen.Table
		names []string
		limit int64 // parent rows kept
	}{
		{dbgen.TRegion, []string{"region"}, 0},
		{dbgen.TNation, []string{"nation"}, 0},
		{dbgen.TPartPsupp, []string{"part", "partsupp"}, frac(sf1Parts)},
		{dbgen.TSupp, []string{"supplier"}, frac(sf1Supps)},
		{dbgen.TCust, []string{"customer"}, frac(sf1Custs)},
		{dbgen.TOrderLine, []string{"orders", "lineitem"}, frac(sf1Orders)},
	}
	for _, sp := range specs {
		progress(fmt.Sprintf("generating %s (SF %g)", strings.Join(sp.names, " and "), sf))
		loaders := map[dbgen.Table]dbgen.Loader{}
		var parent *tblWriter
		for _, name := range sp.names {
			w, err := open(name, 0)
			if err != nil {
				return err
			}
			var l *loader
			switch name {
			case "region":
				l = &loader{t: w, rows: one(appendRegion)}
				loaders[dbgen.TRegion] = l
			case "nation":
				l = &loader{t: w, rows: one(appendNation)}
				loaders[dbgen.TNation] = l
			case "part":
				l = &loader{t: w, rows: one(appendPart)}
				loaders[dbgen.TPart] = l
			case "partsupp":
				l = &loader{t: w, rows: func(l *loader, item any) error {
					for i := range item.(*dbgen.Part).S {
						ps := &item.(*dbgen.Part).S[i]
						fd.partSupp(ps)
						if err := l.put(appendPartSupp(l.buf[:0], ps)); err != nil {
							return err
						}
					}
					return nil
				}}
				loaders[dbgen.TPsupp] = l
			case "supplier":
				l = &loader{t: w, rows: one(appendSupp)}
				loaders[dbgen.TSupp] = l
			case "customer":
				l = &loader{t: w, rows: one(appendCust)}
				loaders[dbgen.TCust] = l
			case "orders":
				// The orders loader runs first for each order (dbgen's
				// orderLineLoader), so it folds the keys for both tables.
				l = &loader{t: w, rows: func(l *loader, item any) error {
					o := item.(*dbgen.Order)
					fd.order(o)
					return l.put(appendOrder(l.buf[:0], o))
				}}
				loaders[dbgen.TOrder] = l
			case "lineitem":
				l = &loader{t: w, rows: func(l *loader, item any) error {
					for i := range item.(*dbgen.Order).Lines {
						if err := l.put(appendLine(l.buf[:0], &item.(*dbgen.Order).Lines[i])); err != nil {
							return err
						}
					}
					return nil
				}}
				loaders[dbgen.TLine] = l
			}
			if parent == nil {
				// The first table of a pair counts the parent rows; the
				// child table has no limit of its own.
				parent = w
				w.limit = sp.limit
			}
		}
		err := dbgen.DbGen(loaders, []dbgen.Table{sp.table})
		if err != nil && !parent.done {
			return err
		}
		for _, name := range sp.names {
			w := writers[name]
			if err := w.close(); err != nil {
				return err
			}
			delete(writers, name)
			progress(fmt.Sprintf("  %s: %d rows", name, w.n))
		}
	}
	return nil
}
