package eval

import (
	"strings"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// to_date(text, text) and to_timestamp(text, text): PostgreSQL's
// formatting.c template reader (DCH_from_char and do_to_timestamp) for the
// commonly used fields: years (YYYY YYY YY Y Y,YYY), MM, DD, DDD, J, HH
// HH12 HH24, MI, SS, MS, US, SSSS(S), month and day names (parsed, day
// names ignored), AM/PM, AD/BC, FM and FX, TH suffixes, quoted literals.
// Other template letters are literal characters. Outside FX mode, spaces
// before fields are skipped and a separator in the template matches one
// separator or space in the input, or nothing; a numeric field followed by
// another numeric field reads exactly its width (YYYYMMDD).

func init() {
	impls[planner.FnToDate] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		tm, err := parseDateTemplate(a[0].(string), a[1].(string))
		if err != nil {
			return nil, err
		}
		return tm.date(a[0].(string))
	}
	impls[planner.FnToTimestampFmt] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		tm, err := parseDateTemplate(a[0].(string), a[1].(string))
		if err != nil {
			return nil, err
		}
		ts, err := tm.timestamp(a[0].(string))
		if err != nil {
			return nil, err
		}
		if c.opts == nil {
			return ts.ToInstant(nil), nil
		}
		return ts.ToInstant(c.opts.Loc), nil
	}
}

// dchKey is a template field.
type dchKey struct {
	name  string
	id    int
	digit bool // a numeric field (reads digits)
	width int  // its fixed width
}

// Template field ids.
const (
	dchYear = iota + 1
	dchYYY
	dchYY
	dchY
	dchYComma
	dchMM
	dchDD
	dchDDD
	dchJ
	dchHH12
	dchHH24
	dchMI
	dchSS
	dchMS
	dchUS
	dchSSSS
	dchMonth
	dchMon
	dchDay
	dchDy
	dchAM
	dchPM
	dchAD
	dchBC
	dchFX
	dchD
	dchQ
	dchW
	dchWW
	dchCC
)

// dchKeys in matching order: longer names first where one is a prefix of
// another, as in formatting.c's keyword table.
var dchKeys = []dchKey{
	{"Y,YYY", dchYComma, true, 5}, {"y,yyy", dchYComma, true, 5},
	{"YYYY", dchYear, true, 4}, {"yyyy", dchYear, true, 4},
	{"YYY", dchYYY, true, 3}, {"yyy", dchYYY, true, 3},
	{"YY", dchYY, true, 2}, {"yy", dchYY, true, 2},
	{"Y", dchY, true, 1}, {"y", dchY, true, 1},
	{"MONTH", dchMonth, false, 0}, {"Month", dchMonth, false, 0}, {"month", dchMonth, false, 0},
	{"MON", dchMon, false, 0}, {"Mon", dchMon, false, 0}, {"mon", dchMon, false, 0},
	{"MM", dchMM, true, 2}, {"mm", dchMM, true, 2},
	{"MS", dchMS, true, 3}, {"ms", dchMS, true, 3},
	{"MI", dchMI, true, 2}, {"mi", dchMI, true, 2},
	{"DDD", dchDDD, true, 3}, {"ddd", dchDDD, true, 3},
	{"DD", dchDD, true, 2}, {"dd", dchDD, true, 2},
	{"DAY", dchDay, false, 0}, {"Day", dchDay, false, 0}, {"day", dchDay, false, 0},
	{"DY", dchDy, false, 0}, {"Dy", dchDy, false, 0}, {"dy", dchDy, false, 0},
	{"D", dchD, true, 1}, {"d", dchD, true, 1},
	{"HH24", dchHH24, true, 2}, {"hh24", dchHH24, true, 2},
	{"HH12", dchHH12, true, 2}, {"hh12", dchHH12, true, 2},
	{"HH", dchHH12, true, 2}, {"hh", dchHH12, true, 2},
	{"SSSSS", dchSSSS, true, 5}, {"sssss", dchSSSS, true, 5},
	{"SSSS", dchSSSS, true, 5}, {"ssss", dchSSSS, true, 5},
	{"SS", dchSS, true, 2}, {"ss", dchSS, true, 2},
	{"US", dchUS, true, 6}, {"us", dchUS, true, 6},
	{"J", dchJ, true, 0}, {"j", dchJ, true, 0},
	{"A.M.", dchAM, false, 0}, {"a.m.", dchAM, false, 0}, {"P.M.", dchPM, false, 0}, {"p.m.", dchPM, false, 0},
	{"AM", dchAM, false, 0}, {"am", dchAM, false, 0}, {"PM", dchPM, false, 0}, {"pm", dchPM, false, 0},
	{"A.D.", dchAD, false, 0}, {"a.d.", dchAD, false, 0}, {"B.C.", dchBC, false, 0}, {"b.c.", dchBC, false, 0},
	{"AD", dchAD, false, 0}, {"ad", dchAD, false, 0}, {"BC", dchBC, false, 0}, {"bc", dchBC, false, 0},
	{"FX", dchFX, false, 0},
	{"Q", dchQ, true, 1}, {"q", dchQ, true, 1},
	{"WW", dchWW, true, 2}, {"ww", dchWW, true, 2},
	{"W", dchW, true, 1}, {"w", dchW, true, 1},
	{"CC", dchCC, true, 2}, {"cc", dchCC, true, 2},
}

// Node kinds of a parsed template.
const (
	dnAction = iota
	dnSpace
	dnSeparator
	dnChar
)

type dchNode struct {
	kind int
	key  *dchKey
	fm   bool // FM prefix: variable width
	th   bool // TH/th suffix
	ch   string
}

// parseDCHFormat splits a template into nodes.
func parseDCHFormat(f string) []dchNode {
	var nodes []dchNode
	for i := 0; i < len(f); {
		fm := false
		if strings.HasPrefix(f[i:], "FM") || strings.HasPrefix(f[i:], "fm") {
			fm = true
			i += 2
			if i == len(f) {
				break
			}
		}
		var key *dchKey
		for k := range dchKeys {
			if strings.HasPrefix(f[i:], dchKeys[k].name) {
				key = &dchKeys[k]
				break
			}
		}
		if key != nil {
			i += len(key.name)
			n := dchNode{kind: dnAction, key: key, fm: fm}
			if strings.HasPrefix(f[i:], "TH") || strings.HasPrefix(f[i:], "th") {
				n.th = true
				i += 2
			}
			nodes = append(nodes, n)
			continue
		}
		switch c := f[i]; {
		case c == '"':
			// Quoted literal text; \" inside it is a quote.
			i++
			for i < len(f) && f[i] != '"' {
				if f[i] == '\\' && i+1 < len(f) {
					i++
				}
				n := utf8Len(f, i)
				nodes = append(nodes, dchNode{kind: dnChar, ch: f[i : i+n]})
				i += n
			}
			i++
		case c == '\\' && i+1 < len(f) && f[i+1] == '"':
			nodes = append(nodes, dchNode{kind: dnChar, ch: `"`})
			i += 2
		case isDCHSpace(c):
			nodes = append(nodes, dchNode{kind: dnSpace, ch: f[i : i+1]})
			i++
		case isDCHSeparator(c):
			nodes = append(nodes, dchNode{kind: dnSeparator, ch: f[i : i+1]})
			i++
		default:
			n := utf8Len(f, i)
			nodes = append(nodes, dchNode{kind: dnChar, ch: f[i : i+n]})
			i += n
		}
	}
	return nodes
}

func utf8Len(s string, i int) int {
	c := s[i]
	switch {
	case c < 0x80:
		return 1
	case c < 0xE0:
		return min(2, len(s)-i)
	case c < 0xF0:
		return min(3, len(s)-i)
	}
	return min(4, len(s)-i)
}

func isDCHSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// isDCHSeparator is formatting.c's is_separator_char.
func isDCHSeparator(c byte) bool {
	return c > 0x20 && c < 0x7F && !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9')
}

// dchFields are the values read from the input (formatting.c's
// TmFromChar).
type dchFields struct {
	year, yysz, mm, dd, ddd, j, cc, w, ww      int
	hh, mi, ss, ms, us, ssss                   int
	pm, bc, clock12                            bool
	set                                        uint64 // bit i: field id i was read
	hasYear, hasMM, hasDD, hasDDD, hasJ, hasHH bool
}

var monthNames = []string{"january", "february", "march", "april", "may", "june", "july", "august",
	"september", "october", "november", "december"}
var dayNames = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

func dchFmtErr(format string, args ...any) *pgerror.Error {
	return pgerror.New(pgerror.InvalidDatetimeFormat, format, args...)
}

// isNextSeparator is formatting.c's is_next_separator: whether the field
// at nodes[i] may read a variable number of digits.
func isNextSeparator(nodes []dchNode, i int) bool {
	if nodes[i].th {
		return true
	}
	if i+1 >= len(nodes) {
		return true
	}
	n := nodes[i+1]
	if n.kind == dnAction {
		return !n.key.digit
	}
	if len(n.ch) == 1 && n.ch[0] >= '0' && n.ch[0] <= '9' {
		return false
	}
	return true
}

// parseDateTemplate reads s by template f.
func parseDateTemplate(s, f string) (*dchFields, error) {
	nodes := parseDCHFormat(f)
	tm := &dchFields{}
	fx := false
	extraSkip := 0
	p := 0
	for i := 0; i < len(nodes) && p < len(s); i++ {
		n := &nodes[i]
		if !fx && (n.kind == dnAction && n.key.id != dchFX || i == 0) {
			for p < len(s) && isDCHSpace(s[p]) {
				p++
				extraSkip++
			}
		}
		switch n.kind {
		case dnSpace, dnSeparator:
			if !fx {
				extraSkip--
				if p < len(s) && (isDCHSpace(s[p]) || isDCHSeparator(s[p])) {
					p++
					extraSkip++
				}
			} else {
				p += utf8Len(s, p)
			}
			continue
		case dnChar:
			if !fx && extraSkip > 0 {
				extraSkip--
			} else {
				p += utf8Len(s, p)
			}
			continue
		}
		if n.key.id == dchFX {
			fx = true
			continue
		}
		var err error
		if p, err = tm.readField(nodes, i, s, p); err != nil {
			return nil, err
		}
		if n.th {
			// An ordinal suffix in the input (1st, 2nd, 3rd, 4th...).
			for k := 0; k < 2 && p < len(s) && isLetter(s[p]); k++ {
				p++
			}
		}
		if !fx {
			// Spaces after a field are skipped too.
			extraSkip = 0
			for p < len(s) && isDCHSpace(s[p]) {
				p++
				extraSkip++
			}
		}
	}
	return tm, nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// setField stores v for field id, refusing a second, different value.
func (tm *dchFields) setField(key *dchKey, dst *int, v int) error {
	if tm.isSet(key.id) && *dst != v {
		return dchFmtErr("conflicting values for \"%s\" field in formatting string", key.name).
			WithDetail("This value contradicts a previous setting for the same field type.")
	}
	tm.set |= 1 << key.id
	*dst = v
	return nil
}

func (tm *dchFields) isSet(id int) bool { return tm.set&(1<<id) != 0 }

// readInt reads the numeric field at nodes[i] from s[p:]
// (from_char_parse_int_len).
func readInt(nodes []dchNode, i int, s string, p int) (int, int, error) {
	n := &nodes[i]
	width := n.key.width
	start := p
	if n.fm || width == 0 || isNextSeparator(nodes, i) {
		q := p
		if q < len(s) && (s[q] == '-' || s[q] == '+') {
			q++
		}
		d := q
		for q < len(s) && s[q] >= '0' && s[q] <= '9' {
			q++
		}
		if q == d {
			return 0, p, dchFmtErr("invalid value \"%s\" for \"%s\"", s[p:min(len(s), p+max(width, 1))], n.key.name).
				WithDetail("Value must be an integer.")
		}
		v, ok := atoiRange(s[p:q])
		if !ok {
			return 0, p, dchFmtErr("value for \"%s\" in source string is out of range", n.key.name).
				WithDetail("Value must be in the range -2147483648 to 2147483647.")
		}
		return v, q, nil
	}
	if len(s)-p < width {
		return 0, p, dchFmtErr("source string too short for \"%s\" formatting field", n.key.name).
			WithDetail("Field requires %d characters, but only %d remain.", width, len(s)-p).
			WithHint("If your source string is not fixed-width, try using the \"FM\" modifier.")
	}
	chunk := s[p : p+width]
	q := 0
	if q < len(chunk) && (chunk[q] == '-' || chunk[q] == '+') {
		q++
	}
	d := q
	for q < len(chunk) && chunk[q] >= '0' && chunk[q] <= '9' {
		q++
	}
	if q == d {
		return 0, start, dchFmtErr("invalid value \"%s\" for \"%s\"", chunk, n.key.name).WithDetail("Value must be an integer.")
	}
	if q < width {
		return 0, start, dchFmtErr("invalid value \"%s\" for \"%s\"", chunk, n.key.name).
			WithDetail("Field requires %d characters, but only %d could be parsed.", width, q).
			WithHint("If your source string is not fixed-width, try using the \"FM\" modifier.")
	}
	v, _ := atoiRange(chunk[:q])
	return v, p + q, nil
}

// atoiRange parses a signed decimal that fits in int32.
func atoiRange(s string) (int, bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	v := 0
	for i := 0; i < len(s); i++ {
		v = v*10 + int(s[i]-'0')
		if v > 1<<31 {
			return 0, false
		}
	}
	if neg {
		v = -v
	}
	if v > 1<<31-1 || v < -(1<<31) {
		return 0, false
	}
	return v, true
}

// readName matches one of names (case-insensitively, full names or their
// first three letters) at s[p:] and returns its index.
func readName(n *dchNode, names []string, abbrev bool, s string, p int) (int, int, error) {
	rest := strings.ToLower(s[p:])
	for i, nm := range names {
		if abbrev {
			nm = nm[:3]
		}
		if strings.HasPrefix(rest, nm) {
			return i, p + len(nm), nil
		}
	}
	return 0, p, dchFmtErr("invalid value \"%s\" for \"%s\"", s[p:min(len(s), p+3)], n.key.name).
		WithDetail("The given value did not match any of the allowed values for this field.")
}

// readField reads the field at nodes[i] from s[p:].
func (tm *dchFields) readField(nodes []dchNode, i int, s string, p int) (int, error) {
	n := &nodes[i]
	k := n.key
	var err error
	var v, ndig int
	if k.digit {
		if k.id == dchYComma {
			return tm.readYComma(n, s, p)
		}
		start := p
		if v, p, err = readInt(nodes, i, s, p); err != nil {
			return p, err
		}
		ndig = p - start
		// Fractions of a second read with fewer digits than their width
		// are scaled, as PostgreSQL does: SS.MS of 1.5 is 500 ms.
		if k.id == dchMS || k.id == dchUS {
			for w := p - start; w < k.width; w++ {
				v *= 10
			}
		}
	}
	switch k.id {
	case dchYear:
		tm.hasYear, tm.yysz = true, 4
		err = tm.setField(k, &tm.year, v)
	case dchYYY, dchYY, dchY:
		tm.hasYear, tm.yysz = true, k.width
		if ndig < 4 {
			v = adjustPartialYear(v)
		}
		err = tm.setField(k, &tm.year, v)
	case dchCC:
		err = tm.setField(k, &tm.cc, v)
	case dchMM:
		tm.hasMM = true
		err = tm.setField(k, &tm.mm, v)
	case dchDD:
		tm.hasDD = true
		err = tm.setField(k, &tm.dd, v)
	case dchDDD:
		tm.hasDDD = true
		err = tm.setField(k, &tm.ddd, v)
	case dchJ:
		tm.hasJ = true
		err = tm.setField(k, &tm.j, v)
	case dchHH12:
		tm.hasHH, tm.clock12 = true, true
		err = tm.setField(k, &tm.hh, v)
	case dchHH24:
		tm.hasHH = true
		err = tm.setField(k, &tm.hh, v)
	case dchMI:
		err = tm.setField(k, &tm.mi, v)
	case dchSS:
		err = tm.setField(k, &tm.ss, v)
	case dchMS:
		err = tm.setField(k, &tm.ms, v)
	case dchUS:
		err = tm.setField(k, &tm.us, v)
	case dchSSSS:
		err = tm.setField(k, &tm.ssss, v)
	case dchD, dchQ:
		// The day of the week and the quarter do not decide the date
		// (PostgreSQL reads and ignores them here too).
	case dchW:
		err = tm.setField(k, &tm.w, v)
	case dchWW:
		err = tm.setField(k, &tm.ww, v)
	case dchMonth, dchMon:
		var m int
		if m, p, err = readName(n, monthNames, k.id == dchMon, s, p); err == nil {
			tm.hasMM = true
			err = tm.setField(k, &tm.mm, m+1)
		}
	case dchDay, dchDy:
		_, p, err = readName(n, dayNames, k.id == dchDy, s, p)
	case dchAM, dchPM:
		p, err = tm.readMeridian(n, s, p)
	case dchAD, dchBC:
		p, err = tm.readEra(n, s, p)
	}
	return p, err
}

// readYComma reads Y,YYY: thousands, a comma, three digits.
func (tm *dchFields) readYComma(n *dchNode, s string, p int) (int, error) {
	q := p
	for q < len(s) && s[q] >= '0' && s[q] <= '9' {
		q++
	}
	if q == p || q+4 > len(s) || s[q] != ',' {
		return p, dchFmtErr("invalid input string for \"Y,YYY\"")
	}
	hi, ok := atoiRange(s[p:q])
	lo, ok2 := atoiRange(s[q+1 : q+4])
	if !ok || !ok2 || strings.IndexFunc(s[q+1:q+4], func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return p, dchFmtErr("invalid input string for \"Y,YYY\"")
	}
	tm.hasYear, tm.yysz = true, 4
	return q + 4, tm.setField(n.key, &tm.year, hi*1000+lo)
}

func (tm *dchFields) readMeridian(n *dchNode, s string, p int) (int, error) {
	for _, c := range []struct {
		s  string
		pm bool
	}{{"a.m.", false}, {"p.m.", true}, {"am", false}, {"pm", true}} {
		if len(s)-p >= len(c.s) && strings.EqualFold(s[p:p+len(c.s)], c.s) {
			tm.pm, tm.clock12 = c.pm, true
			return p + len(c.s), nil
		}
	}
	return p, dchFmtErr("invalid value \"%s\" for \"%s\"", s[p:min(len(s), p+len(n.key.name))], n.key.name).
		WithDetail("The given value did not match any of the allowed values for this field.")
}

func (tm *dchFields) readEra(n *dchNode, s string, p int) (int, error) {
	for _, c := range []struct {
		s  string
		bc bool
	}{{"a.d.", false}, {"b.c.", true}, {"ad", false}, {"bc", true}} {
		if len(s)-p >= len(c.s) && strings.EqualFold(s[p:p+len(c.s)], c.s) {
			tm.bc = c.bc
			return p + len(c.s), nil
		}
	}
	return p, dchFmtErr("invalid value \"%s\" for \"%s\"", s[p:min(len(s), p+len(n.key.name))], n.key.name).
		WithDetail("The given value did not match any of the allowed values for this field.")
}

// adjustPartialYear is formatting.c's adjust_partial_year_to_2020.
func adjustPartialYear(y int) int {
	switch {
	case y < 70:
		return y + 2000
	case y < 100:
		return y + 1900
	case y < 520:
		return y + 2000
	case y < 1000:
		return y + 1000
	}
	return y
}

func fieldOverflow(s string) *pgerror.Error {
	return pgerror.New(pgerror.DatetimeFieldOverflow, "date/time field value out of range: \"%s\"", s)
}

// ymd is do_to_timestamp's date part: the year (1 BC = 0), month and day.
func (tm *dchFields) ymd(s string) (int, int, int, error) {
	y, m, d := 0, 1, 1
	if tm.hasYear {
		y = tm.year
		if tm.bc {
			y = -y
		}
		if y < 0 {
			y++ // 1 BC is year 0 here
		}
	} else if tm.cc > 0 {
		// The first year of the century.
		y = (tm.cc-1)*100 + 1
	}
	if tm.hasJ {
		dt, ok := types.MakeDate(2000, 1, 1)
		if !ok {
			return 0, 0, 0, fieldOverflow(s)
		}
		dt += types.DateVal(tm.j - 2451545)
		y, m, d = dt.YMD()
	}
	ddd, hasDDD := tm.ddd, tm.hasDDD
	if tm.isSet(dchWW) {
		ddd, hasDDD = (tm.ww-1)*7+1, true
	}
	if tm.isSet(dchW) {
		d = (tm.w-1)*7 + 1
	}
	if tm.hasMM {
		m = tm.mm
	}
	if tm.hasDD {
		d = tm.dd
	}
	if hasDDD && (m <= 1 || d <= 1) {
		start, ok := types.MakeDate(y, 1, 1)
		next, ok2 := types.MakeDate(y+1, 1, 1)
		if !ok || !ok2 || ddd < 1 || ddd > int(next-start) {
			return 0, 0, 0, fieldOverflow(s)
		}
		y, m, d = (start + types.DateVal(ddd-1)).YMD()
	}
	if m < 1 || m > 12 {
		return 0, 0, 0, fieldOverflow(s)
	}
	if d < 1 || d > 31 {
		return 0, 0, 0, fieldOverflow(s)
	}
	return y, m, d, nil
}

// date is to_date's result.
func (tm *dchFields) date(s string) (types.Datum, error) {
	y, m, d, err := tm.ymd(s)
	if err != nil {
		return nil, err
	}
	dt, ok := types.MakeDate(y, m, d)
	if !ok {
		if _, monthOK := types.MakeDate(y, m, 1); monthOK {
			// Day 30 of February: ValidateDate's complaint.
			return nil, fieldOverflow(s)
		}
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "date out of range: \"%s\"", s)
	}
	return dt, nil
}

// timestamp is to_timestamp's wall-clock result.
func (tm *dchFields) timestamp(s string) (types.TimestampVal, error) {
	y, m, d, err := tm.ymd(s)
	if err != nil {
		return 0, err
	}
	hh := tm.hh
	if tm.clock12 {
		if tm.hasHH && (hh < 1 || hh > 12) {
			return 0, dchFmtErr("hour \"%d\" is invalid for the 12-hour clock", hh).
				WithHint("Use the 24-hour clock, or give an hour between 1 and 12.")
		}
		if tm.pm && hh < 12 {
			hh += 12
		} else if !tm.pm && hh == 12 {
			hh = 0
		}
	}
	secs := int64(hh)*3600 + int64(tm.mi)*60 + int64(tm.ss)
	if tm.isSet(dchSSSS) {
		secs = int64(tm.ssss)
	}
	if hh < 0 || hh > 23 || tm.mi < 0 || tm.mi > 59 || tm.ss < 0 || tm.ss > 59 || secs < 0 || secs >= 86400 {
		return 0, fieldOverflow(s)
	}
	dt, ok := types.MakeDate(y, m, d)
	if !ok {
		return 0, fieldOverflow(s)
	}
	us := int64(dt)*86400_000000 + secs*1_000000 + int64(tm.ms)*1000 + int64(tm.us)
	return types.TimestampVal(us), nil
}
