package eval

import (
	"math"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// to_char(number, format): a port of the number half of PostgreSQL's
// formatting.c (NUMDesc_prepare, the *_to_char functions and
// NUM_processor) in the C locale: decimal point '.', group separator ',',
// currency symbol ' ', signs '-' and '+'. The port keeps formatting.c's
// structure (a cursor over the digit string, a count of digit positions)
// because the output's corner cases (FM trimming, where a sign lands,
// overflow to '#') follow from it.

func init() {
	impls[planner.FnToCharNum] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return toCharNum(a[0], x.Args[0].Type(), a[1].(string))
	}
}

// numKey identifies a to_char number pattern.
type numKey uint8

const (
	numComma numKey = iota + 1
	numDec
	num0
	num9
	numB
	numC
	numD
	numE
	numFM
	numG
	numL
	numMI
	numPL
	numPR
	numRN
	numSG
	numSP
	numS
	numTH
	numV
	numRNLower
	numTHLower
)

// numKeywords in matching order: longer keywords before their prefixes.
var numKeywords = []struct {
	s  string
	id numKey
}{
	{",", numComma}, {".", numDec}, {"0", num0}, {"9", num9},
	{"B", numB}, {"C", numC}, {"D", numD}, {"EEEE", numE}, {"FM", numFM}, {"G", numG}, {"L", numL},
	{"MI", numMI}, {"PL", numPL}, {"PR", numPR}, {"RN", numRN}, {"SG", numSG}, {"SP", numSP}, {"S", numS},
	{"TH", numTH}, {"V", numV},
	{"b", numB}, {"c", numC}, {"d", numD}, {"eeee", numE}, {"fm", numFM}, {"g", numG}, {"l", numL},
	{"mi", numMI}, {"pl", numPL}, {"pr", numPR}, {"rn", numRNLower}, {"sg", numSG}, {"sp", numSP}, {"s", numS},
	{"th", numTHLower}, {"v", numV},
}

// numNode is one element of a parsed format: a pattern or literal text.
type numNode struct {
	key numKey // 0 for literal text
	lit string
}

const (
	nfDecimal = 1 << iota
	nfLDecimal
	nfZero
	nfBlank
	nfFillMode
	nfLSign
	nfBracket
	nfMinus
	nfPlus
	nfRoman
	nfMulti
	nfPlusPost
	nfMinusPost
	nfEEEE
)

const (
	lsignNone = iota
	lsignPre
	lsignPost
)

// numDesc is formatting.c's NUMDesc: what the format asks for.
type numDesc struct {
	pre, post, lsign, preLsignNum, multi, zeroStart, zeroEnd int
	flag                                                     int
}

func (d *numDesc) is(f int) bool { return d.flag&f != 0 }

// parseNumFormat splits a format into patterns and literal characters and
// fills the description, with formatting.c's errors for bad combinations.
func parseNumFormat(f string) ([]numNode, numDesc, error) {
	var nodes []numNode
	var d numDesc
	for i := 0; i < len(f); {
		var key numKey
		for _, k := range numKeywords {
			if strings.HasPrefix(f[i:], k.s) {
				key = k.id
				i += len(k.s)
				break
			}
		}
		if key != 0 {
			if err := d.prepare(key); err != nil {
				return nil, d, err
			}
			nodes = append(nodes, numNode{key: key})
			continue
		}
		if f[i] == '"' {
			i++
			for i < len(f) {
				if f[i] == '"' {
					i++
					break
				}
				if f[i] == '\\' && i+1 < len(f) {
					i++
				}
				n := charLen(f[i:])
				nodes = append(nodes, numNode{lit: f[i : i+n]})
				i += n
			}
			continue
		}
		if f[i] == '\\' && i+1 < len(f) && f[i+1] == '"' {
			i++
		}
		n := charLen(f[i:])
		nodes = append(nodes, numNode{lit: f[i : i+n]})
		i += n
	}
	return nodes, d, nil
}

// charLen is the byte length of the UTF-8 character starting s.
func charLen(s string) int {
	for n := 1; n < len(s); n++ {
		if s[n]&0xC0 != 0x80 {
			return n
		}
	}
	return len(s)
}

func numFmtErr(format string, args ...any) *pgerror.Error {
	return pgerror.New(pgerror.SyntaxError, format, args...)
}

// prepare is NUMDesc_prepare for one pattern.
func (d *numDesc) prepare(k numKey) error {
	if d.is(nfEEEE) && k != numE {
		return numFmtErr("\"EEEE\" must be the last pattern used")
	}
	switch k {
	case num9:
		if d.is(nfBracket) {
			return numFmtErr("\"9\" must be ahead of \"PR\"")
		}
		if d.is(nfMulti) {
			d.multi++
			break
		}
		if d.is(nfDecimal) {
			d.post++
		} else {
			d.pre++
		}
	case num0:
		if d.is(nfBracket) {
			return numFmtErr("\"0\" must be ahead of \"PR\"")
		}
		if !d.is(nfZero) && !d.is(nfDecimal) {
			d.flag |= nfZero
			d.zeroStart = d.pre + 1
		}
		if !d.is(nfDecimal) {
			d.pre++
		} else {
			d.post++
		}
		d.zeroEnd = d.pre + d.post
	case numB:
		if d.pre == 0 && d.post == 0 && !d.is(nfZero) {
			d.flag |= nfBlank
		}
	case numD, numDec:
		if k == numD {
			d.flag |= nfLDecimal
		}
		if d.is(nfDecimal) {
			return numFmtErr("multiple decimal points")
		}
		if d.is(nfMulti) {
			return numFmtErr("cannot use \"V\" and decimal point together")
		}
		d.flag |= nfDecimal
	case numFM:
		d.flag |= nfFillMode
	case numS:
		if d.is(nfLSign) {
			return numFmtErr("cannot use \"S\" twice")
		}
		if d.is(nfPlus) || d.is(nfMinus) || d.is(nfBracket) {
			return numFmtErr("cannot use \"S\" and \"PL\"/\"MI\"/\"SG\"/\"PR\" together")
		}
		if !d.is(nfDecimal) {
			d.lsign = lsignPre
			d.preLsignNum = d.pre
			d.flag |= nfLSign
		} else if d.lsign == lsignNone {
			d.lsign = lsignPost
			d.flag |= nfLSign
		}
	case numMI:
		if d.is(nfLSign) {
			return numFmtErr("cannot use \"S\" and \"MI\" together")
		}
		d.flag |= nfMinus
		if d.is(nfDecimal) {
			d.flag |= nfMinusPost
		}
	case numPL:
		if d.is(nfLSign) {
			return numFmtErr("cannot use \"S\" and \"PL\" together")
		}
		d.flag |= nfPlus
		if d.is(nfDecimal) {
			d.flag |= nfPlusPost
		}
	case numSG:
		if d.is(nfLSign) {
			return numFmtErr("cannot use \"S\" and \"SG\" together")
		}
		d.flag |= nfMinus | nfPlus
	case numPR:
		if d.is(nfLSign) || d.is(nfPlus) || d.is(nfMinus) {
			return numFmtErr("cannot use \"PR\" and \"S\"/\"PL\"/\"MI\"/\"SG\" together")
		}
		d.flag |= nfBracket
	case numRN, numRNLower:
		d.flag |= nfRoman
	case numV:
		if d.is(nfDecimal) {
			return numFmtErr("cannot use \"V\" and decimal point together")
		}
		d.flag |= nfMulti
	case numE:
		if d.is(nfEEEE) {
			return numFmtErr("cannot use \"EEEE\" twice")
		}
		if d.is(nfBlank) || d.is(nfFillMode) || d.is(nfLSign) || d.is(nfBracket) || d.is(nfMinus) ||
			d.is(nfPlus) || d.is(nfRoman) || d.is(nfMulti) {
			return numFmtErr("\"EEEE\" is incompatible with other formats").
				WithDetail("\"EEEE\" may only be used together with digit and decimal point patterns.")
		}
		d.flag |= nfEEEE
	}
	return nil
}

// toCharNum is int4_to_char, int8_to_char, float4_to_char, float8_to_char
// and numeric_to_char.
func toCharNum(v types.Datum, t *types.T, format string) (types.Datum, error) {
	if format == "" {
		return nil, nil
	}
	nodes, d, err := parseNumFormat(format)
	if err != nil {
		return nil, err
	}
	var numstr string
	sign := byte('+')
	preSpaces := 0
	// fit sets numstr from a digit string without sign, padding or
	// replacing it with '#' when it does not fit the format's digits.
	fit := func(digits string) {
		numstr = digits
		preLen := len(digits)
		if p := strings.IndexByte(digits, '.'); p >= 0 {
			preLen = p
		}
		if preLen < d.pre {
			preSpaces = d.pre - preLen
		} else if preLen > d.pre {
			numstr = hashes(d.pre, d.post)
		}
	}
	switch {
	case d.is(nfRoman):
		n, err := romanArg(v, t)
		if err != nil {
			return nil, err
		}
		numstr = intToRoman(n)
	case d.is(nfEEEE):
		numstr = sciString(v, t, d.pre, d.post)
	default:
		switch x := v.(type) {
		case int64:
			if d.is(nfMulti) {
				m := math.Pow(10, float64(d.multi))
				if m >= 9.223372036854775807e18 {
					return nil, intRangeErr(types.Int8)
				}
				p := x * int64(m)
				if x != 0 && (p/int64(m) != x || (t.OID == types.OidInt4 && (p > math.MaxInt32 || p < math.MinInt32))) {
					return nil, intRangeErr(t)
				}
				x = p
				d.pre += d.multi
			}
			s := strconv.FormatInt(x, 10)
			if s[0] == '-' {
				sign, s = '-', s[1:]
			}
			preLen := len(s)
			if d.post > 0 {
				s += "." + strings.Repeat("0", d.post)
			}
			numstr = s
			if preLen < d.pre {
				preSpaces = d.pre - preLen
			} else if preLen > d.pre {
				numstr = hashes(d.pre, d.post)
			}
		case float64:
			val := x
			if d.is(nfMulti) {
				val *= math.Pow(10, float64(d.multi))
				d.pre += d.multi
			}
			digits := 15 // DBL_DIG
			if t.OID == types.OidFloat4 {
				digits = 6 // FLT_DIG
			}
			preLen := len(strconv.FormatFloat(math.Abs(val), 'f', 0, 64))
			if preLen >= digits {
				d.post = 0
			} else if preLen+d.post > digits {
				d.post = digits - preLen
			}
			s := strconv.FormatFloat(val, 'f', d.post, 64)
			if s[0] == '-' {
				sign, s = '-', s[1:]
			}
			fit(s)
		case *apd.Decimal:
			val := x
			if d.is(nfMulti) {
				m := apd.New(1, int32(d.multi))
				p := new(apd.Decimal)
				if _, err := numCtx.Mul(p, val, m); err != nil {
					return nil, numErr(err)
				}
				val = p
				d.pre += d.multi
			}
			r := val
			if val.Form == apd.Finite {
				r = new(apd.Decimal)
				qc := apd.BaseContext.WithPrecision(uint32(max(int(val.NumDigits())+int(val.Exponent)+d.post+2, 1)))
				qc.Rounding = apd.RoundHalfUp
				if _, err := qc.Quantize(r, val, int32(-d.post)); err != nil {
					return nil, numErr(err)
				}
			}
			s := string(types.AppendText(nil, types.Numeric, r, nil))
			if s[0] == '-' {
				sign, s = '-', s[1:]
			}
			fit(s)
		default:
			return nil, pgerror.New(pgerror.InternalError, "to_char: unexpected argument type %s", t.SQLName)
		}
	}
	return numProcess(nodes, &d, numstr, preSpaces, sign), nil
}

// hashes is the overflow form: pre+post '#' with the decimal point.
func hashes(pre, post int) string {
	b := []byte(strings.Repeat("#", pre+post+1))
	b[pre] = '.'
	return string(b)
}

// romanArg rounds the argument to an integer for RN.
func romanArg(v types.Datum, t *types.T) (int64, error) {
	switch x := v.(type) {
	case int64:
		if x > math.MaxInt32 || x < math.MinInt32 { // int84
			return 0, intRangeErr(types.Int4)
		}
		return x, nil
	case float64:
		return int64(math.RoundToEven(x)), nil
	case *apd.Decimal:
		if x.Form != apd.Finite {
			return 0, pgerror.New(pgerror.NumericValueOutOfRange, "integer out of range")
		}
		r := new(apd.Decimal)
		qc := apd.BaseContext.WithPrecision(uint32(max(int(x.NumDigits())+int(x.Exponent)+2, 1)))
		qc.Rounding = apd.RoundHalfUp
		if _, err := qc.Quantize(r, x, 0); err != nil {
			return 0, numErr(err)
		}
		n, err := r.Int64()
		if err != nil || n > math.MaxInt32 || n < math.MinInt32 {
			return 0, pgerror.New(pgerror.NumericValueOutOfRange, "integer out of range")
		}
		return n, nil
	}
	return 0, pgerror.New(pgerror.InternalError, "to_char: unexpected argument type %s", t.SQLName)
}

// intToRoman is int_to_roman: 1..3999, else 15 '#'.
func intToRoman(n int64) string {
	if n < 1 || n > 3999 {
		return strings.Repeat("#", 15)
	}
	var (
		rmI = []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"}
		rmX = []string{"", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"}
		rmC = []string{"", "C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM"}
	)
	return strings.Repeat("M", int(n/1000)) + rmC[n/100%10] + rmX[n/10%10] + rmI[n%10]
}

// sciString is the EEEE digit string: a leading space or '-', the
// mantissa with post decimals, e, the exponent's sign and at least two
// digits; '#' for NaN and infinities.
func sciString(v types.Datum, t *types.T, pre, post int) string {
	var s string
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return sciHashes(pre, post)
		}
		s = strconv.FormatFloat(x, 'e', post, 64)
	case int64:
		s = decimalSci(apd.New(x, 0), post)
	case *apd.Decimal:
		if x.Form != apd.Finite {
			return sciHashes(pre, post)
		}
		s = decimalSci(x, post)
	}
	if s[0] != '-' {
		s = " " + s
	}
	return s
}

func sciHashes(pre, post int) string {
	b := []byte(strings.Repeat("#", pre+post+6))
	b[0] = ' '
	b[pre+1] = '.'
	return string(b)
}

// decimalSci is numeric_out_sci: the mantissa rounded half away from zero
// to post decimals, exponent with at least two digits.
func decimalSci(x *apd.Decimal, post int) string {
	if x.IsZero() {
		s := "0"
		if post > 0 {
			s += "." + strings.Repeat("0", post)
		}
		return s + "e+00"
	}
	// The exponent comes from the unrounded value and the significand is
	// rounded afterwards, so 99.995 with two decimals is 10.00e+01, as
	// get_str_from_var_sci prints it.
	exp := int(x.NumDigits()) + int(x.Exponent) - 1
	m := new(apd.Decimal).Set(x)
	m.Exponent -= int32(exp)
	m.Negative = false
	q := new(apd.Decimal)
	qc := apd.BaseContext.WithPrecision(uint32(post + 3))
	qc.Rounding = apd.RoundHalfUp
	_, _ = qc.Quantize(q, m, int32(-post))
	s := q.Text('f')
	if x.Negative {
		s = "-" + s
	}
	es := strconv.Itoa(abs(exp))
	if len(es) < 2 {
		es = "0" + es
	}
	if exp < 0 {
		return s + "e-" + es
	}
	return s + "e+" + es
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// numProc is formatting.c's NUMProc for the to_char direction.
type numProc struct {
	d            *numDesc
	sign         byte
	signWrote    bool
	numCount     int
	numIn        bool
	numCurr      int
	outPreSpaces int
	number       string
	p            int // cursor into number
	lastRelevant int // index into number, -1 for none
	out          []byte
}

func (np *numProc) predecSpace() bool {
	return !np.d.is(nfZero) && np.p == 0 && len(np.number) > 0 && np.number[0] == '0' && np.d.post != 0
}

func (np *numProc) cur() byte {
	if np.p < len(np.number) {
		return np.number[np.p]
	}
	return 0
}

// numProcess is NUM_processor for to_char.
func numProcess(nodes []numNode, d *numDesc, number string, preSpaces int, sign byte) string {
	np := &numProc{d: d, number: number, lastRelevant: -1}
	if d.zeroStart > 0 {
		d.zeroStart--
	}
	if d.is(nfEEEE) {
		return number
	}
	if d.is(nfRoman) {
		d.lsign, d.preLsignNum, d.post, d.pre, preSpaces, sign = 0, 0, 0, 0, 0, 0
		d.flag &= nfFillMode
		d.flag |= nfRoman
	}
	np.sign = sign
	if d.is(nfPlus) || d.is(nfMinus) {
		np.signWrote = !(d.is(nfPlus) && !d.is(nfMinus))
	} else {
		if np.sign != '-' && d.is(nfFillMode) {
			d.flag &^= nfBracket
		}
		np.signWrote = np.sign == '+' && d.is(nfFillMode) && !d.is(nfLSign)
		if d.lsign == lsignPre && d.pre == d.preLsignNum {
			d.lsign = lsignPost
		}
	}
	np.numCount = d.post + d.pre - 1
	np.outPreSpaces = preSpaces
	if d.is(nfFillMode) && d.is(nfDecimal) {
		np.lastRelevant = lastRelevantDecnum(number)
		if np.lastRelevant >= 0 && d.zeroEnd > np.outPreSpaces {
			lastZero := min(len(number)-1, d.zeroEnd-np.outPreSpaces)
			if np.lastRelevant < lastZero {
				np.lastRelevant = lastZero
			}
		}
	}
	if !np.signWrote && np.outPreSpaces == 0 {
		np.numCount++
	}
	for _, n := range nodes {
		if n.key == 0 {
			np.out = append(np.out, n.lit...)
			continue
		}
		switch n.key {
		case num9, num0, numDec, numD:
			np.numpart(n.key)
		case numComma, numG:
			if !np.numIn {
				if !d.is(nfFillMode) {
					np.out = append(np.out, ' ')
				}
			} else {
				np.out = append(np.out, ',')
			}
		case numL:
			np.out = append(np.out, ' ')
		case numRN, numRNLower:
			s := np.number[np.p:]
			if n.key == numRNLower {
				s = strings.ToLower(s)
			}
			if d.is(nfFillMode) {
				np.out = append(np.out, s...)
			} else {
				np.out = append(np.out, strings.Repeat(" ", max(15-len(s), 0))...)
				np.out = append(np.out, s...)
			}
		case numTH, numTHLower:
			if d.is(nfRoman) || (len(np.number) > 0 && np.number[0] == '#') || np.sign == '-' || d.is(nfDecimal) {
				continue
			}
			th := ordinalSuffix(np.number)
			if n.key == numTHLower {
				th = strings.ToLower(th)
			}
			np.out = append(np.out, th...)
		case numMI:
			if np.sign == '-' {
				np.out = append(np.out, '-')
			} else if !d.is(nfFillMode) {
				np.out = append(np.out, ' ')
			}
		case numPL:
			if np.sign == '+' {
				np.out = append(np.out, '+')
			} else if !d.is(nfFillMode) {
				np.out = append(np.out, ' ')
			}
		case numSG:
			np.out = append(np.out, np.sign)
		}
	}
	return string(np.out)
}

// lastRelevantDecnum is get_last_relevant_decnum: the last nonzero digit
// after the decimal point, or the point itself; -1 without a point.
func lastRelevantDecnum(num string) int {
	p := strings.IndexByte(num, '.')
	if p < 0 {
		return -1
	}
	r := p
	for i := p + 1; i < len(num); i++ {
		if num[i] != '0' {
			r = i
		}
	}
	return r
}

// ordinalSuffix is get_th: ST, ND, RD or TH for the number's last digit,
// TH for the teens.
func ordinalSuffix(num string) string {
	if num == "" {
		return "TH"
	}
	last := num[len(num)-1]
	if len(num) > 1 && num[len(num)-2] == '1' {
		last = 0
	}
	switch last {
	case '1':
		return "ST"
	case '2':
		return "ND"
	case '3':
		return "RD"
	}
	return "TH"
}

// numpart is NUM_numpart_to_char.
func (np *numProc) numpart(id numKey) {
	d := np.d
	if d.is(nfRoman) {
		return
	}
	lastIsDot := np.lastRelevant >= 0 && np.number[np.lastRelevant] == '.'
	if !np.signWrote &&
		(np.numCurr >= np.outPreSpaces || (d.is(nfZero) && d.zeroStart == np.numCurr)) &&
		(!np.predecSpace() || lastIsDot) {
		switch {
		case d.is(nfLSign):
			if d.lsign == lsignPre {
				np.out = append(np.out, signChar(np.sign))
				np.signWrote = true
			}
		case d.is(nfBracket):
			if np.sign == '+' {
				np.out = append(np.out, ' ')
			} else {
				np.out = append(np.out, '<')
			}
			np.signWrote = true
		case np.sign == '+':
			if !d.is(nfFillMode) {
				np.out = append(np.out, ' ')
			}
			np.signWrote = true
		case np.sign == '-':
			np.out = append(np.out, '-')
			np.signWrote = true
		}
	}
	switch {
	case np.numCurr < np.outPreSpaces && (d.zeroStart > np.numCurr || !d.is(nfZero)):
		if !d.is(nfFillMode) {
			np.out = append(np.out, ' ')
		}
	case d.is(nfZero) && np.numCurr < np.outPreSpaces && d.zeroStart <= np.numCurr:
		np.out = append(np.out, '0')
		np.numIn = true
	default:
		if np.cur() == '.' {
			if !lastIsDot || d.is(nfFillMode) {
				np.out = append(np.out, '.')
			}
		} else {
			switch {
			case np.lastRelevant >= 0 && np.p > np.lastRelevant && id != num0:
			case np.predecSpace():
				if !d.is(nfFillMode) {
					np.out = append(np.out, ' ')
				} else if lastIsDot {
					np.out = append(np.out, '0')
				}
			default:
				if c := np.cur(); c != 0 {
					np.out = append(np.out, c)
				}
				np.numIn = true
			}
		}
		if np.p < len(np.number) {
			np.p++
		}
	}
	end := np.numCount
	if np.outPreSpaces > 0 {
		end++
	}
	if d.is(nfDecimal) {
		end++
	}
	if np.lastRelevant >= 0 && np.lastRelevant == np.p {
		end = np.numCurr
	}
	if np.numCurr+1 == end {
		if np.signWrote && d.is(nfBracket) {
			if np.sign == '+' {
				np.out = append(np.out, ' ')
			} else {
				np.out = append(np.out, '>')
			}
		} else if d.is(nfLSign) && d.lsign == lsignPost {
			np.out = append(np.out, signChar(np.sign))
		}
	}
	np.numCurr++
}

func signChar(sign byte) byte {
	if sign == '-' {
		return '-'
	}
	return '+'
}
