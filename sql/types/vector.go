package types

import (
	"encoding/binary"
	"math"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// The catalog's own types: int2vector and oidvector (pg_index.indkey,
// pg_proc.proargtypes, ...), xid and cid (transaction and command ids),
// tid (a row's physical address, ctid), aclitem (one privilege grant) and
// pg_node_tree (a stored expression). Catalog columns are typed with them
// so that clients that look at the column type (or print the value) see
// what PostgreSQL 15 sends.
//
// int2vector and oidvector are arrays in every respect but two: their
// text form is the elements separated by spaces ("2 3"), and they are
// subscripted from 0 (indkey[0]). Their datum is an *Array whose lower
// bound is 0 (LowerOff -1); the bound travels with the value, so a cast to
// int2[]/oid[] (binary coercible in PostgreSQL) keeps it and prints as
// "[0:1]={2,3}", as PostgreSQL does. Subscripts, array_lower/upper/dims and
// generate_subscripts read it from the datum (Array.Lower).
//
// xid and cid are int64 datums in 0..2^32-1; tid is TidVal; aclitem and
// pg_node_tree are strings holding their text form.

// OIDs of the catalog types (pg_type.dat).
const (
	OidTid             OID = 27
	OidXid             OID = 28
	OidCid             OID = 29
	OidInt2Vector      OID = 22
	OidOidVector       OID = 30
	OidPgNodeTree      OID = 194
	OidAclitem         OID = 1033
	OidCharArray       OID = 1002
	OidInt2VectorArray OID = 1006
	OidTidArray        OID = 1010
	OidXidArray        OID = 1011
	OidCidArray        OID = 1012
	OidOidVectorArray  OID = 1013
	OidAclitemArray    OID = 1034
)

// CatInternal is typcategory 'Z', internal-use types (pg_node_tree).
const CatInternal Category = 'Z'

// Catalog types; see the comment above.
var (
	Int2Vector = &T{OID: OidInt2Vector, Name: "int2vector", SQLName: "int2vector", Len: -1, Category: CatArray, Elem: Int2}
	OidVector  = &T{OID: OidOidVector, Name: "oidvector", SQLName: "oidvector", Len: -1, Category: CatArray, Elem: Oid}
	Xid        = &T{OID: OidXid, Name: "xid", SQLName: "xid", Len: 4, Category: CatUser}
	Cid        = &T{OID: OidCid, Name: "cid", SQLName: "cid", Len: 4, Category: CatUser}
	Tid        = &T{OID: OidTid, Name: "tid", SQLName: "tid", Len: 6, Category: CatUser}
	Aclitem    = &T{OID: OidAclitem, Name: "aclitem", SQLName: "aclitem", Len: 12, Category: CatUser}
	PgNodeTree = &T{OID: OidPgNodeTree, Name: "pg_node_tree", SQLName: "pg_node_tree", Len: -1, Category: CatInternal}

	CharArray       = arrayOf(OidCharArray, Char)
	Int2VectorArray = arrayOf(OidInt2VectorArray, Int2Vector)
	OidVectorArray  = arrayOf(OidOidVectorArray, OidVector)
	TidArray        = arrayOf(OidTidArray, Tid)
	XidArray        = arrayOf(OidXidArray, Xid)
	CidArray        = arrayOf(OidCidArray, Cid)
	AclitemArray    = arrayOf(OidAclitemArray, Aclitem)
)

// Registered here rather than in types.go's list: this file's init runs
// after types.go's (file order), and the lists there are shared.
func init() {
	for _, t := range []*T{Int2Vector, OidVector, Xid, Cid, Tid, Aclitem, PgNodeTree,
		CharArray, Int2VectorArray, OidVectorArray, TidArray, XidArray, CidArray, AclitemArray} {
		byOID[t.OID] = t
		byName[t.Name] = t
	}
}

// TidVal is a tid: a block number and a 1-based line pointer offset.
type TidVal struct {
	Block  uint32
	Offset uint16
}

// IsVector reports whether t is int2vector or oidvector, the array types
// subscripted from 0 and printed with spaces.
func IsVector(t *T) bool { return t.OID == OidInt2Vector || t.OID == OidOidVector }

// Lower is the array's lower bound: 1 unless the value is (or was cast
// from) an int2vector or oidvector, or was read with explicit bounds.
func (a *Array) Lower() int64 { return 1 + a.LowerOff }

// Upper is the array's upper bound (Lower-1 when empty).
func (a *Array) Upper() int64 { return a.Lower() + int64(len(a.Elems)) - 1 }

// NewVector makes an int2vector or oidvector datum (t is Int2Vector or
// OidVector) of int64 elements: lower bound 0, no NULLs.
func NewVector(t *T, elems []int64) *Array {
	a := &Array{Elem: t.Elem, Elems: make([]any, len(elems)), LowerOff: -1}
	for i, e := range elems {
		a.Elems[i] = e
	}
	return a
}

// appendVectorText is int2vectorout / oidvectorout: elements separated by
// single spaces.
func appendVectorText(buf []byte, a *Array) []byte {
	for i, e := range a.Elems {
		if i > 0 {
			buf = append(buf, ' ')
		}
		if v, ok := e.(int64); ok {
			buf = appendInt(buf, v)
		}
	}
	return buf
}

// parseInt2Vector is int2vectorin (PostgreSQL 15): elements are strtol
// numbers separated by spaces; errors quote the rest of the input from the
// bad element on, as PostgreSQL does.
func parseInt2Vector(s string) (Datum, error) {
	a := &Array{Elem: Int2, LowerOff: -1, Elems: make([]any, 0, countFields(s))}
	i, n := 0, len(s)
	for {
		for i < n && isSpace(s[i]) {
			i++
		}
		if i >= n {
			break
		}
		rest := s[i:]
		v, end, ok, rng := strtolPrefix(s, i)
		if !ok {
			return nil, errSyntax("smallint", rest)
		}
		if rng || v < math.MinInt16 || v > math.MaxInt16 {
			return nil, pgerror.New(pgerror.NumericValueOutOfRange, "value \"%s\" is out of range for type smallint", rest)
		}
		if end < n && s[end] != ' ' {
			return nil, errSyntax("smallint", rest)
		}
		a.Elems = append(a.Elems, v)
		i = end
	}
	return a, nil
}

// parseOidVector is oidvectorin: oidin's rules for each element (strtoul,
// negative int32 values wrap), whitespace between them.
func parseOidVector(s string) (Datum, error) {
	a := &Array{Elem: Oid, LowerOff: -1, Elems: make([]any, 0, countFields(s))}
	i, n := 0, len(s)
	for {
		for i < n && isSpace(s[i]) {
			i++
		}
		if i >= n {
			break
		}
		rest := s[i:]
		j := i
		neg := false
		if s[j] == '-' || s[j] == '+' {
			neg = s[j] == '-'
			j++
		}
		start := j
		var acc uint64
		over := false
		for j < n && s[j] >= '0' && s[j] <= '9' {
			if acc > (math.MaxUint64-9)/10 {
				over = true
			} else {
				acc = acc*10 + uint64(s[j]-'0')
			}
			j++
		}
		if j == start {
			return nil, errSyntax("oid", rest)
		}
		if over || !neg && acc > math.MaxUint32 || neg && acc > 1<<31 {
			return nil, pgerror.New(pgerror.NumericValueOutOfRange, "value \"%s\" is out of range for type oid", rest)
		}
		v := int64(acc)
		if neg {
			v = int64(uint32(-int64(acc)))
		}
		a.Elems = append(a.Elems, v)
		i = j
	}
	return a, nil
}

// countFields counts the whitespace-separated words of s, so that a
// vector's elements are allocated once.
func countFields(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		sp := isSpace(s[i])
		if !sp && !in {
			n++
		}
		in = !sp
	}
	return n
}

// strtolPrefix reads a C strtol(s[i:], &end, 10) number: optional sign,
// decimal digits. ok is false when there are no digits; rng reports
// overflow of a 64-bit long (ERANGE).
func strtolPrefix(s string, i int) (v int64, end int, ok, rng bool) {
	n := len(s)
	neg := false
	if i < n && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var acc uint64
	for i < n && s[i] >= '0' && s[i] <= '9' {
		if acc > (1<<63)/10 {
			rng = true
		} else {
			acc = acc*10 + uint64(s[i]-'0')
		}
		i++
	}
	if i == start {
		return 0, start, false, false
	}
	if !neg && acc > math.MaxInt64 || neg && acc > 1<<63 {
		rng = true
	}
	if neg {
		return -int64(acc), i, true, rng
	}
	return int64(acc), i, true, rng
}

// parseXid is xidin and cidin: (uint32) strtoul(s, NULL, 0), which never
// fails: junk reads as 0, a trailing suffix is ignored, "0x" prefixes hex
// and a leading 0 octal, and a minus sign negates in unsigned arithmetic.
func parseXid(s string) Datum {
	i, n := 0, len(s)
	for i < n && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < n && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	base := uint64(10)
	if i+1 < n && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && i+2 < n && hexVal(s[i+2]) < 16 {
		base, i = 16, i+2
	} else if i < n && s[i] == '0' {
		base = 8
	}
	var acc uint64
	over := false
	for ; i < n; i++ {
		d := uint64(hexVal(s[i]))
		if d >= base {
			break
		}
		if acc > (math.MaxUint64-d)/base {
			over = true
		}
		acc = acc*base + d
	}
	if over {
		acc = math.MaxUint64
	} else if neg {
		acc = -acc
	}
	return int64(uint32(acc))
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'z':
		return c - 'a' + 10
	case c >= 'A' && c <= 'Z':
		return c - 'A' + 10
	}
	return 255
}

// parseTid is tidin (PostgreSQL 15), quirks included: the block number
// starts after the first '(' (or any ',') and runs to the next ',', the
// offset after that ',' and ends at ')'; each is a C strtoul / strtol
// number, so leading whitespace and signs are accepted, a block of -1
// wraps, and whatever follows the ')' is ignored.
func parseTid(s string) (Datum, error) {
	bad := func() error { return errSyntax("tid", s) }
	var coord [2]int
	k := 0
	for p := 0; p < len(s) && k < 2 && s[p] != ')'; p++ {
		if s[p] == ',' || s[p] == '(' && k == 0 {
			coord[k] = p + 1
			k++
		}
	}
	if k < 2 {
		return nil, bad()
	}
	// Block: strtoul, which may read no digits at all (then 0).
	i := coord[0]
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var acc uint64
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		d := uint64(s[i] - '0')
		if acc > (math.MaxUint64-d)/10 {
			return nil, bad() // ERANGE
		}
		acc = acc*10 + d
		i++
	}
	if i == start {
		i, acc, neg = coord[0], 0, false // no conversion: endptr is the start
	}
	if i >= len(s) || s[i] != ',' {
		return nil, bad()
	}
	if neg {
		acc = -acc
	}
	blk := uint32(acc)
	if acc != uint64(blk) && acc != uint64(int64(int32(blk))) {
		return nil, bad()
	}
	v, end, ok, rng := strtolPrefix(s, skipSpace(s, coord[1]))
	if !ok {
		end, v = coord[1], 0
	}
	if rng || end >= len(s) || s[end] != ')' || v < 0 || v > math.MaxUint16 {
		return nil, bad()
	}
	return TidVal{Block: blk, Offset: uint16(v)}, nil
}

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

func appendTid(buf []byte, v TidVal) []byte {
	buf = append(buf, '(')
	buf = appendInt(buf, int64(v.Block))
	buf = append(buf, ',')
	buf = appendInt(buf, int64(v.Offset))
	return append(buf, ')')
}

// aclRights is PostgreSQL 15's ACL_ALL_RIGHTS_STR, in output order.
const aclRights = "arwdDxtXUCTcsA"

// parseAclitem is aclitemin for the common forms: grantee=privileges/
// grantor, an empty grantee meaning PUBLIC and "*" after a privilege its
// grant option. The value is kept in aclitemout's form (privileges in
// canonical order), since aclitem has no other use here than being shown.
func parseAclitem(s string) (Datum, error) {
	i, n := 0, len(s)
	for i < n && isSpace(s[i]) {
		i++
	}
	readName := func() string {
		var out []byte
		inQuote := false
		for i < n {
			c := s[i]
			if c == '"' {
				if inQuote && i+1 < n && s[i+1] == '"' {
					out = append(out, '"')
					i += 2
					continue
				}
				inQuote = !inQuote
				i++
				continue
			}
			if !inQuote && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c >= 0x80) {
				break
			}
			out = append(out, c)
			i++
		}
		return string(out)
	}
	grantee := readName()
	for i < n && isSpace(s[i]) {
		i++
	}
	if i >= n || s[i] != '=' {
		if grantee != "group" && grantee != "user" {
			return nil, pgerror.New(pgerror.InvalidTextRepresentation, "unrecognized key word: \"%s\"", grantee).
				WithHint("ACL key word must be \"group\" or \"user\".")
		}
		return nil, pgerror.New(pgerror.FeatureNotSupported, "aclitem input with \"%s\" is not supported", grantee)
	}
	i++
	var priv, grant [len(aclRights)]bool
	for i < n && s[i] != '/' && !isSpace(s[i]) {
		k := -1
		for j := 0; j < len(aclRights); j++ {
			if aclRights[j] == s[i] {
				k = j
				break
			}
		}
		if k < 0 {
			return nil, pgerror.New(pgerror.InvalidTextRepresentation, "invalid mode character: must be one of \"%s\"", aclRights)
		}
		priv[k] = true
		i++
		if i < n && s[i] == '*' {
			grant[k] = true
			i++
		}
	}
	for i < n && isSpace(s[i]) {
		i++
	}
	grantor := "postgres" // PostgreSQL defaults to the bootstrap superuser
	if i < n && s[i] == '/' {
		i++
		for i < n && isSpace(s[i]) {
			i++
		}
		grantor = readName()
		if grantor == "" {
			return nil, pgerror.New(pgerror.InvalidTextRepresentation, "a name must follow the \"/\" sign")
		}
	}
	for i < n && isSpace(s[i]) {
		i++
	}
	if i != n {
		return nil, pgerror.New(pgerror.InvalidTextRepresentation, "extra garbage at the end of the ACL specification")
	}
	out := appendAclName(nil, grantee)
	out = append(out, '=')
	for k := range priv {
		if priv[k] {
			out = append(out, aclRights[k])
			if grant[k] {
				out = append(out, '*')
			}
		}
	}
	out = append(out, '/')
	out = appendAclName(out, grantor)
	return string(out), nil
}

// appendAclName is putid: a role name, double-quoted when it holds
// anything but letters, digits and underscores.
func appendAclName(buf []byte, name string) []byte {
	safe := true
	for k := 0; k < len(name); k++ {
		c := name[k]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80) {
			safe = false
			break
		}
	}
	if safe {
		return append(buf, name...)
	}
	buf = append(buf, '"')
	for k := 0; k < len(name); k++ {
		if name[k] == '"' {
			buf = append(buf, '"')
		}
		buf = append(buf, name[k])
	}
	return append(buf, '"')
}

func errNodeTreeInput() error {
	return pgerror.New(pgerror.FeatureNotSupported, "cannot accept a value of type pg_node_tree")
}

// appendCatalogText is the output function of the types in this file; ok
// is false for other types.
func appendCatalogText(buf []byte, t *T, d Datum) ([]byte, bool) {
	switch t.OID {
	case OidInt2Vector, OidOidVector:
		return appendVectorText(buf, d.(*Array)), true
	case OidXid, OidCid:
		return appendInt(buf, d.(int64)), true
	case OidTid:
		return appendTid(buf, d.(TidVal)), true
	case OidAclitem, OidPgNodeTree:
		return append(buf, d.(string)...), true
	}
	return buf, false
}

// parseCatalogText is the input function of the types in this file.
func parseCatalogText(t *T, s string) (Datum, bool, error) {
	switch t.OID {
	case OidInt2Vector:
		d, err := parseInt2Vector(s)
		return d, true, err
	case OidOidVector:
		d, err := parseOidVector(s)
		return d, true, err
	case OidXid, OidCid:
		return parseXid(s), true, nil
	case OidTid:
		d, err := parseTid(s)
		return d, true, err
	case OidAclitem:
		d, err := parseAclitem(s)
		return d, true, err
	case OidPgNodeTree:
		return nil, true, errNodeTreeInput()
	}
	return nil, false, nil
}

// appendCatalogBinary is the send function of the types in this file.
// aclitem has none in PostgreSQL.
func appendCatalogBinary(buf []byte, t *T, d Datum) ([]byte, bool, error) {
	switch t.OID {
	case OidInt2Vector, OidOidVector:
		// array_send of a one-dimensional array with lower bound 0,
		// empty vectors included (they keep their dimension).
		a := d.(*Array)
		buf = binary.BigEndian.AppendUint32(buf, 1)
		buf = binary.BigEndian.AppendUint32(buf, 0)
		buf = binary.BigEndian.AppendUint32(buf, t.Elem.OID)
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(a.Elems)))
		buf = binary.BigEndian.AppendUint32(buf, 0)
		for _, e := range a.Elems {
			v, _ := e.(int64)
			if t.OID == OidInt2Vector {
				buf = binary.BigEndian.AppendUint32(buf, 2)
				buf = binary.BigEndian.AppendUint16(buf, uint16(v))
			} else {
				buf = binary.BigEndian.AppendUint32(buf, 4)
				buf = binary.BigEndian.AppendUint32(buf, uint32(v))
			}
		}
		return buf, true, nil
	case OidXid, OidCid:
		return binary.BigEndian.AppendUint32(buf, uint32(d.(int64))), true, nil
	case OidTid:
		v := d.(TidVal)
		buf = binary.BigEndian.AppendUint32(buf, v.Block)
		return binary.BigEndian.AppendUint16(buf, v.Offset), true, nil
	case OidPgNodeTree, OidAclitem:
		// pg_node_tree_send is textsend. aclitem has no send function
		// (HasBinary is false, so no client gets this form); its text is
		// what rows of a table store (executor/rowcodec stores send forms).
		return append(buf, d.(string)...), true, nil
	}
	return buf, false, nil
}

// parseCatalogBinary is the receive function of the types in this file.
func parseCatalogBinary(t *T, b []byte) (Datum, bool, error) {
	switch t.OID {
	case OidInt2Vector, OidOidVector:
		d, err := parseVectorBinary(t, b)
		return d, true, err
	case OidXid, OidCid:
		if err := fixedLen(b, 4); err != nil {
			return nil, true, err
		}
		return int64(binary.BigEndian.Uint32(b)), true, nil
	case OidTid:
		if err := fixedLen(b, 6); err != nil {
			return nil, true, err
		}
		return TidVal{Block: binary.BigEndian.Uint32(b), Offset: binary.BigEndian.Uint16(b[4:])}, true, nil
	case OidPgNodeTree, OidAclitem:
		// PostgreSQL refuses both from clients (pg_node_tree_recv fails,
		// aclitem has no receive function); nqdb reads them back from its
		// own table rows, so the text is taken as it is. Clients cannot
		// send them: HasBinary is false for aclitem, and a pg_node_tree
		// parameter cannot be made in text either.
		if err := checkEncoding(b); err != nil {
			return nil, true, err
		}
		return string(b), true, nil
	}
	return nil, false, nil
}

// parseVectorBinary is int2vectorrecv / oidvectorrecv: array_recv, then
// the value must be one-dimensional, without NULLs, of the right element
// type and with lower bound 0.
func parseVectorBinary(t *T, b []byte) (Datum, error) {
	name := "int2vector"
	if t.OID == OidOidVector {
		name = "oidvector"
	}
	bad := func() error {
		return pgerror.New(pgerror.InvalidBinaryRepresentation, "invalid %s data", name)
	}
	if len(b) < 12 {
		return nil, errInsufficient()
	}
	ndim := int32(binary.BigEndian.Uint32(b))
	flags := int32(binary.BigEndian.Uint32(b[4:]))
	elemOID := binary.BigEndian.Uint32(b[8:])
	if ndim != 1 || flags != 0 || elemOID != t.Elem.OID {
		// array_recv's own checks come first in PostgreSQL; these are
		// the ones a well-formed array can still fail.
		if ndim < 0 || ndim > 6 || flags != 0 && flags != 1 {
			_, err := parseArrayBinary(&T{Elem: t.Elem}, b)
			if err != nil {
				return nil, err
			}
		}
		return nil, bad()
	}
	if len(b) < 20 {
		return nil, errInsufficient()
	}
	if int32(binary.BigEndian.Uint32(b[16:])) != 0 {
		return nil, bad()
	}
	// Reuse array_recv for the element walk, then move the bound.
	fixed := append([]byte(nil), b...)
	binary.BigEndian.PutUint32(fixed[16:], 1)
	d, err := parseArrayBinary(&T{Elem: t.Elem}, fixed)
	if err != nil {
		return nil, err
	}
	a := d.(*Array)
	for _, e := range a.Elems {
		if e == nil {
			return nil, bad()
		}
	}
	a.LowerOff = -1
	return a, nil
}

// compareCatalog orders oidvector (btoidvectorcmp: by length first, then
// element by element) and tid (block, then offset).
func compareCatalog(t *T, a, b Datum) int {
	if t.OID == OidTid {
		x, y := a.(TidVal), b.(TidVal)
		if c := cmpInt(int64(x.Block), int64(y.Block)); c != 0 {
			return c
		}
		return cmpInt(int64(x.Offset), int64(y.Offset))
	}
	x, y := a.(*Array), b.(*Array)
	if c := cmpInt(int64(len(x.Elems)), int64(len(y.Elems))); c != 0 {
		return c
	}
	for i := range x.Elems {
		ex, _ := x.Elems[i].(int64)
		ey, _ := y.Elems[i].(int64)
		if c := cmpInt(ex, ey); c != 0 {
			return c
		}
	}
	return 0
}

// canCastCatalog is CanCast for the types in this file; ok is false when
// the general rules apply.
func canCastCatalog(from, to *T) (implicit, explicit, ok bool) {
	switch {
	case IsVector(to) && !isStringType(from):
		// Nothing casts to a vector but its text input: int2[] to
		// int2vector is "cannot cast type smallint[] to int2vector".
		return false, false, true
	case IsVector(from) && to.Elem != nil:
		// find_coercion_pathway treats int2vector -> int2[] and oidvector
		// -> oid[] as binary coercible; to other arrays element-wise.
		imp, exp := CanCast(from.Elem, to.Elem)
		return imp, exp, true
	case from.OID == OidPgNodeTree && to.OID == OidText:
		return true, true, true // pg_cast: binary coercible, implicit
	case from.OID == OidXid || from.OID == OidCid || from.OID == OidTid || from.OID == OidAclitem || from.OID == OidPgNodeTree:
		// Only I/O conversion to the string types.
		return false, isStringType(to), true
	case to.OID == OidXid || to.OID == OidCid || to.OID == OidTid || to.OID == OidAclitem || to.OID == OidPgNodeTree:
		return false, isStringType(from) && to.OID != OidPgNodeTree, true
	}
	return false, false, false
}
