package eval

import (
	"crypto/md5"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
	"github.com/google/uuid"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

func init() {
	impls[planner.FnVersion] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return VersionString, nil
	}
	impls[planner.FnCurrentSetting] = fnCurrentSetting
	impls[planner.FnSetConfig] = fnSetConfig
	impls[planner.FnPgSleep] = fnPgSleep
	impls[planner.FnNow] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return types.TimestampTZVal(toPGMicros(c.envOrDefault().TransactionTimestamp())), nil
	}
	impls[planner.FnStatementTimestamp] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return types.TimestampTZVal(toPGMicros(c.envOrDefault().StatementTimestamp())), nil
	}
	impls[planner.FnClockTimestamp] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return types.TimestampTZVal(toPGMicros(time.Now())), nil
	}
	impls[planner.FnLocalTimestamp] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		us := toPGMicros(c.envOrDefault().TransactionTimestamp())
		return types.TimestampVal(utcToLocal(us, c.opts)), nil
	}
	impls[planner.FnCurrentDate] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		us := utcToLocal(toPGMicros(c.envOrDefault().TransactionTimestamp()), c.opts)
		return types.DateVal(floorDiv(us, 86400e6)), nil
	}
	impls[planner.FnCurrentUser] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return c.envOrDefault().CurrentUser(), nil
	}
	impls[planner.FnSessionUser] = impls[planner.FnCurrentUser]
	impls[planner.FnCurrentDatabase] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return c.envOrDefault().Database(), nil
	}
	impls[planner.FnCurrentSchema] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return "public", nil
	}
	impls[planner.FnBackendPID] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return int64(c.envOrDefault().BackendPID()), nil
	}
	impls[planner.FnPgTypeof] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		t := x.Args[0].Type()
		if dc, ok := x.Args[0].(*planner.Call); ok && dc.Fn.Domain != nil {
			t = dc.Fn.Domain.Type // a value cast to a domain is of the domain
		}
		if x.T.OID == types.OidRegtype {
			return int64(t.OID), nil
		}
		return t.SQLName, nil
	}
	impls[planner.FnGenRandomUUID] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return types.UUIDVal(uuid.New()), nil
	}
	impls[planner.FnRandom] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return rand.Float64(), nil
	}

	impls[planner.FnCeil] = mathFn(math.Ceil, apd.RoundCeiling)
	impls[planner.FnFloor] = mathFn(math.Floor, apd.RoundFloor)
	impls[planner.FnRound] = fnRound
	impls[planner.FnTrunc] = fnTrunc
	impls[planner.FnSqrt] = fnSqrt
	impls[planner.FnExp] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		switch v := a[0].(type) {
		case float64:
			r := math.Exp(v)
			if math.IsInf(r, 0) && !math.IsInf(v, 0) {
				return nil, cp(errOverflow)
			}
			if r == 0 && !math.IsInf(v, 0) {
				return nil, cp(errUnderflow)
			}
			return r, nil
		case *apd.Decimal:
			return numFn(v, func(c *apd.Context, d, x *apd.Decimal) (apd.Condition, error) { return c.Exp(d, x) })
		}
		return nil, badArgs(x)
	}
	impls[planner.FnLn] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return logFn(x, a[0], math.Log, func(c *apd.Context, d, x *apd.Decimal) (apd.Condition, error) { return c.Ln(d, x) })
	}
	impls[planner.FnLog10] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return logFn(x, a[0], math.Log10, func(c *apd.Context, d, x *apd.Decimal) (apd.Condition, error) { return c.Log10(d, x) })
	}
	impls[planner.FnLog2] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		base, v := a[0].(*apd.Decimal), a[1].(*apd.Decimal)
		for _, d := range []*apd.Decimal{base, v} {
			if d.IsZero() {
				return nil, pgerror.New("2201E", "cannot take logarithm of zero")
			}
			if d.Negative {
				return nil, pgerror.New("2201E", "cannot take logarithm of a negative number")
			}
		}
		ctx := apd.BaseContext.WithPrecision(60)
		lb, lv, r := new(apd.Decimal), new(apd.Decimal), new(apd.Decimal)
		if _, err := ctx.Ln(lb, base); err != nil {
			return nil, numErr(err)
		}
		if _, err := ctx.Ln(lv, v); err != nil {
			return nil, numErr(err)
		}
		if lb.IsZero() {
			return nil, cp(errDivZero)
		}
		if _, err := ctx.Quo(r, lv, lb); err != nil {
			return nil, numErr(err)
		}
		w := 0
		if !r.IsZero() {
			w = int(r.NumDigits()) + int(r.Exponent) - 1
		}
		rscale := max(16-w, dscale(base), dscale(v), 0)
		return numRound(r, int64(min(rscale, 1000)), apd.RoundHalfUp)
	}
	impls[planner.FnSign] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		switch v := a[0].(type) {
		case float64:
			switch {
			case v > 0:
				return 1.0, nil
			case v < 0:
				return -1.0, nil
			}
			return 0.0, nil
		case *apd.Decimal:
			if v.Form == apd.NaN {
				return v, nil
			}
			return apd.New(int64(v.Sign()), 0), nil
		}
		return nil, badArgs(x)
	}
	impls[planner.FnPi] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return math.Pi, nil
	}

	impls[planner.FnCharLength] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return int64(utf8.RuneCountInString(a[0].(string))), nil
	}
	impls[planner.FnOctetLength] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		switch v := a[0].(type) {
		case string:
			return int64(len(v)), nil
		case []byte:
			return int64(len(v)), nil
		}
		return nil, badArgs(x)
	}
	impls[planner.FnUpper] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return strings.ToUpper(a[0].(string)), nil
	}
	impls[planner.FnLower] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return strings.ToLower(a[0].(string)), nil
	}
	impls[planner.FnSubstr] = fnSubstr
	impls[planner.FnStrpos] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		s, sub := a[0].(string), a[1].(string)
		i := strings.Index(s, sub)
		if i < 0 {
			return int64(0), nil
		}
		return int64(utf8.RuneCountInString(s[:i]) + 1), nil
	}
	impls[planner.FnBtrim] = trimFn(true, true)
	impls[planner.FnLtrim] = trimFn(true, false)
	impls[planner.FnRtrim] = trimFn(false, true)
	impls[planner.FnReplace] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if a[1].(string) == "" {
			return a[0], nil
		}
		return strings.ReplaceAll(a[0].(string), a[1].(string), a[2].(string)), nil
	}
	impls[planner.FnConcatFn] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		var buf []byte
		for i, v := range a {
			if v != nil {
				buf = types.AppendText(buf, x.Args[i].Type(), v, c.opts)
			}
		}
		return string(buf), nil
	}
	impls[planner.FnConcatWS] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if a[0] == nil {
			return nil, nil
		}
		sep := a[0].(string)
		var buf []byte
		first := true
		for i := 1; i < len(a); i++ {
			if a[i] == nil {
				continue
			}
			if !first {
				buf = append(buf, sep...)
			}
			first = false
			buf = types.AppendText(buf, x.Args[i].Type(), a[i], c.opts)
		}
		return string(buf), nil
	}
	impls[planner.FnLeft] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		r := []rune(a[0].(string))
		n := int(a[1].(int64))
		if n < 0 {
			n = max(len(r)+n, 0)
		}
		return string(r[:min(n, len(r))]), nil
	}
	impls[planner.FnRight] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		r := []rune(a[0].(string))
		n := int(a[1].(int64))
		if n < 0 {
			n = max(len(r)+n, 0)
		}
		return string(r[len(r)-min(n, len(r)):]), nil
	}
	impls[planner.FnRepeat] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		s, n := a[0].(string), a[1].(int64)
		if n <= 0 || s == "" {
			return "", nil
		}
		if int64(len(s))*n > 1<<30-1 {
			return nil, pgerror.New(pgerror.ProgramLimitExceeded, "requested length too large")
		}
		return strings.Repeat(s, int(n)), nil
	}
	impls[planner.FnLpad] = padFn(true)
	impls[planner.FnRpad] = padFn(false)
	impls[planner.FnMd5] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		var sum [16]byte
		switch v := a[0].(type) {
		case string:
			sum = md5.Sum([]byte(v))
		case []byte:
			sum = md5.Sum(v)
		}
		return hex.EncodeToString(sum[:]), nil
	}
	impls[planner.FnReverse] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		r := []rune(a[0].(string))
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return string(r), nil
	}
	impls[planner.FnInitcap] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		r := []rune(a[0].(string))
		inWord := false
		for i, ch := range r {
			if inWord {
				r[i] = unicode.ToLower(ch)
			} else {
				r[i] = unicode.ToUpper(ch)
			}
			inWord = unicode.IsLetter(ch) || unicode.IsDigit(ch)
		}
		return string(r), nil
	}
	impls[planner.FnSplitPart] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		s, sep, n := a[0].(string), a[1].(string), a[2].(int64)
		if n == 0 {
			return nil, pgerror.New(pgerror.InvalidParameterValue, "field position must not be zero")
		}
		var parts []string
		if sep == "" {
			parts = []string{s}
		} else {
			parts = strings.Split(s, sep)
		}
		if n < 0 {
			n = int64(len(parts)) + n + 1
		}
		if n < 1 || n > int64(len(parts)) {
			return "", nil
		}
		return parts[n-1], nil
	}
	impls[planner.FnChr] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		n := a[0].(int64)
		if n == 0 {
			return nil, pgerror.New(pgerror.ProgramLimitExceeded, "null character not permitted")
		}
		if n < 0 || n > unicode.MaxRune || (n >= 0xD800 && n <= 0xDFFF) {
			return nil, pgerror.New(pgerror.ProgramLimitExceeded, "requested character too large for encoding: %d", n)
		}
		return string(rune(n)), nil
	}
	impls[planner.FnASCII] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		s := a[0].(string)
		if s == "" {
			return int64(0), nil
		}
		r, _ := utf8.DecodeRuneInString(s)
		return int64(r), nil
	}
	impls[planner.FnToHex] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		v := a[0].(int64)
		if x.Args[0].Type().OID == types.OidInt4 {
			return strconv.FormatUint(uint64(uint32(v)), 16), nil
		}
		return strconv.FormatUint(uint64(v), 16), nil
	}
	impls[planner.FnArrayCat] = fnArrayCat
	impls[planner.FnArrayToString] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if a[0] == nil || a[1] == nil {
			return nil, nil
		}
		arr, sep := a[0].(*types.Array), a[1].(string)
		var null *string
		if len(a) > 2 && a[2] != nil {
			s := a[2].(string)
			null = &s
		}
		var buf []byte
		first := true
		for _, e := range arr.Elems {
			if e == nil && null == nil {
				continue
			}
			if !first {
				buf = append(buf, sep...)
			}
			first = false
			if e == nil {
				buf = append(buf, *null...)
			} else {
				buf = types.AppendText(buf, arr.Elem, e, c.opts)
			}
		}
		return string(buf), nil
	}
	impls[planner.FnArrayLength] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		arr := a[0].(*types.Array)
		if a[1].(int64) != 1 || arrayNoDims(arr) {
			return nil, nil
		}
		return int64(len(arr.Elems)), nil
	}
	impls[planner.FnArrayUpper] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		arr := a[0].(*types.Array)
		if a[1].(int64) != 1 || arrayNoDims(arr) {
			return nil, nil
		}
		return arr.Upper(), nil
	}
	impls[planner.FnArrayLower] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		arr := a[0].(*types.Array)
		if a[1].(int64) != 1 || arrayNoDims(arr) {
			return nil, nil
		}
		return arr.Lower(), nil
	}
	impls[planner.FnCardinality] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return int64(len(a[0].(*types.Array).Elems)), nil
	}
	impls[planner.FnCurrentSchemas] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if a[0].(bool) {
			return &types.Array{Elem: types.Name, Elems: []any{"pg_catalog", "public"}}, nil
		}
		return &types.Array{Elem: types.Name, Elems: []any{"public"}}, nil
	}
	impls[planner.FnLike] = likeFn(false, false)
	impls[planner.FnNotLike] = likeFn(false, true)
	impls[planner.FnILike] = likeFn(true, false)
	impls[planner.FnNotILike] = likeFn(true, true)
	impls[planner.FnDatePlusInt] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		d, n := a[0], a[1]
		if _, ok := d.(int64); ok {
			d, n = n, d
		}
		return dateAdd(d.(types.DateVal), n.(int64))
	}
	impls[planner.FnDateMinusInt] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return dateAdd(a[0].(types.DateVal), -a[1].(int64))
	}
	impls[planner.FnDateMinusDate] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		l, r := a[0].(types.DateVal), a[1].(types.DateVal)
		if isInfDate(l) || isInfDate(r) {
			return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "cannot subtract infinite dates")
		}
		return int64(l) - int64(r), nil
	}
}

func isInfDate(d types.DateVal) bool { return d == math.MinInt32 || d == math.MaxInt32 }

func dateAdd(d types.DateVal, n int64) (types.Datum, error) {
	if isInfDate(d) {
		return d, nil
	}
	r := int64(d) + n
	// PostgreSQL's date range ends at 5874897-12-31 and starts at 4714-11-24 BC.
	if r < -2451545 || r > 2145031948 {
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "date out of range")
	}
	return types.DateVal(r), nil
}

// defaultEnv serves Run calls made without an Env (tests, constant folding).
type defaultEnv struct{}

func (defaultEnv) Setting(name string) (string, error) {
	return "", pgerror.New(pgerror.UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
}
func (defaultEnv) SetSetting(name, value string, local bool) (string, error) {
	return "", pgerror.New(pgerror.UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
}
func (defaultEnv) FormatOpts() *types.FormatOpts   { return nil }
func (defaultEnv) StatementTimestamp() time.Time   { return time.Now() }
func (defaultEnv) TransactionTimestamp() time.Time { return time.Now() }
func (defaultEnv) CurrentUser() string             { return "postgres" }
func (defaultEnv) Database() string                { return "postgres" }
func (defaultEnv) BackendPID() int32               { return 0 }

func (c *evalCtx) envOrDefault() Env {
	if c.env == nil {
		return defaultEnv{}
	}
	return c.env
}

func fnCurrentSetting(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	v, err := c.envOrDefault().Setting(a[0].(string))
	if err != nil {
		if len(a) > 1 && a[1].(bool) && pgerror.Code(err) == pgerror.UndefinedObject {
			return nil, nil
		}
		return nil, err
	}
	return v, nil
}

func fnSetConfig(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	if a[0] == nil {
		return nil, pgerror.New(pgerror.NullValueNotAllowed, "SET requires parameter name")
	}
	val := ""
	if a[1] != nil {
		val = a[1].(string)
	}
	local := a[2] != nil && a[2].(bool)
	return c.envOrDefault().SetSetting(a[0].(string), val, local)
}

// fnPgSleep sleeps, waking for cancellation; the error it returns for a
// cancelled context is mapped to 57014 by mapCtxErr.
func fnPgSleep(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	secs := a[0].(float64)
	if err := c.ctx.Err(); err != nil {
		return nil, mapCtxErr(err)
	}
	if !(secs > 0) {
		return types.Datum(""), nil
	}
	d := time.Duration(secs * float64(time.Second))
	if secs > 1e9 {
		d = time.Duration(math.MaxInt64)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return "", nil
	case <-c.ctx.Done():
		return nil, mapCtxErr(c.ctx.Err())
	}
}

func mathFn(f func(float64) float64, mode apd.Rounder) implFn {
	return func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		switch v := a[0].(type) {
		case float64:
			return f(v), nil
		case *apd.Decimal:
			if v.Form != apd.Finite {
				return v, nil
			}
			// Ceil and Floor, not Quantize: Quantize rounds a value whose
			// digits all fall away (|v| < 0.1) to zero in every mode.
			ctx := apd.BaseContext.WithPrecision(1000)
			d := new(apd.Decimal)
			var err error
			if mode == apd.RoundCeiling {
				_, err = ctx.Ceil(d, v)
			} else {
				_, err = ctx.Floor(d, v)
			}
			if err != nil {
				return nil, numErr(err)
			}
			if d.Exponent > 0 {
				if _, err := ctx.Quantize(d, d, 0); err != nil {
					return nil, numErr(err)
				}
			}
			if d.IsZero() {
				d.Negative = false
			}
			return d, nil
		}
		return nil, badArgs(x)
	}
}

func fnRound(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	switch v := a[0].(type) {
	case float64:
		return math.RoundToEven(v), nil
	case *apd.Decimal:
		scale := int64(0)
		if len(a) > 1 {
			scale = a[1].(int64)
		}
		return numRound(v, scale, apd.RoundHalfUp)
	}
	return nil, badArgs(x)
}

func fnTrunc(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	switch v := a[0].(type) {
	case float64:
		return math.Trunc(v), nil
	case *apd.Decimal:
		scale := int64(0)
		if len(a) > 1 {
			scale = a[1].(int64)
		}
		return numRound(v, scale, apd.RoundDown)
	}
	return nil, badArgs(x)
}

// numRound rounds to scale digits after the point; a negative scale rounds
// left of it, and the result keeps scale max(scale, 0) as PostgreSQL does.
func numRound(v *apd.Decimal, scale int64, mode apd.Rounder) (types.Datum, error) {
	if v.Form != apd.Finite {
		return v, nil
	}
	scale = max(min(scale, 1000), -1000)
	ctx := apd.BaseContext.WithPrecision(2100)
	ctx.Rounding = mode
	d := new(apd.Decimal)
	if _, err := ctx.Quantize(d, v, int32(-scale)); err != nil {
		return nil, numErr(err)
	}
	if scale < 0 {
		if _, err := ctx.Quantize(d, d, 0); err != nil {
			return nil, numErr(err)
		}
	}
	if d.IsZero() {
		d.Negative = false
	}
	return d, nil
}

func fnSqrt(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	switch v := a[0].(type) {
	case float64:
		if v < 0 {
			return nil, pgerror.New("2201F", "cannot take square root of a negative number")
		}
		return math.Sqrt(v), nil
	case *apd.Decimal:
		if v.Negative && !v.IsZero() {
			return nil, pgerror.New("2201F", "cannot take square root of a negative number")
		}
		if v.Form != apd.Finite {
			return v, nil
		}
		// sqrt_var's result scale: at least 16 significant digits.
		w := 0
		if !v.IsZero() {
			w, _ = nbaseWeight(v)
		}
		sweight := (w+1)*4/2 - 1
		rscale := max(16-sweight, dscale(v), 0)
		rscale = min(rscale, 1000)
		ctx := apd.BaseContext.WithPrecision(uint32(rscale + sweight + 30))
		r := new(apd.Decimal)
		if _, err := ctx.Sqrt(r, v); err != nil {
			return nil, numErr(err)
		}
		return numRound(r, int64(rscale), apd.RoundHalfUp)
	}
	return nil, badArgs(x)
}

func numFn(v *apd.Decimal, f func(*apd.Context, *apd.Decimal, *apd.Decimal) (apd.Condition, error)) (types.Datum, error) {
	ctx := apd.BaseContext.WithPrecision(40)
	r := new(apd.Decimal)
	if _, err := f(ctx, r, v); err != nil {
		return nil, numErr(err)
	}
	return numRound(r, int64(max(17-int(r.NumDigits()+int64(r.Exponent)), dscale(v))), apd.RoundHalfUp)
}

func logFn(x *planner.Call, v types.Datum, f func(float64) float64, nf func(*apd.Context, *apd.Decimal, *apd.Decimal) (apd.Condition, error)) (types.Datum, error) {
	switch v := v.(type) {
	case float64:
		if v == 0 {
			return nil, pgerror.New("2201E", "cannot take logarithm of zero")
		}
		if v < 0 {
			return nil, pgerror.New("2201E", "cannot take logarithm of a negative number")
		}
		return f(v), nil
	case *apd.Decimal:
		if v.IsZero() {
			return nil, pgerror.New("2201E", "cannot take logarithm of zero")
		}
		if v.Negative {
			return nil, pgerror.New("2201E", "cannot take logarithm of a negative number")
		}
		return numFn(v, nf)
	}
	return nil, badArgs(x)
}

// fnSubstr is substr(s, from [, count]) with PostgreSQL's handling of
// starts before 1 and negative counts.
func fnSubstr(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	s := a[0].(string)
	start := a[1].(int64)
	r := []rune(s)
	end := int64(len(r)) + 1
	if len(a) > 2 {
		n := a[2].(int64)
		if n < 0 {
			return nil, pgerror.New("22011", "negative substring length not allowed")
		}
		if start+n < end && start+n >= start {
			end = start + n
		}
	}
	if start < 1 {
		start = 1
	}
	if start >= end || start > int64(len(r)) {
		return "", nil
	}
	return string(r[start-1 : end-1]), nil
}

func trimFn(left, right bool) implFn {
	return func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		s := a[0].(string)
		chars := " "
		if len(a) > 1 {
			chars = a[1].(string)
		}
		if left {
			s = strings.TrimLeft(s, chars)
		}
		if right {
			s = strings.TrimRight(s, chars)
		}
		return s, nil
	}
}

func padFn(left bool) implFn {
	return func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		s := []rune(a[0].(string))
		n := a[1].(int64)
		fill := []rune(" ")
		if len(a) > 2 {
			fill = []rune(a[2].(string))
		}
		if n <= 0 {
			return "", nil
		}
		if n > 1<<28 {
			return nil, pgerror.New(pgerror.ProgramLimitExceeded, "requested length too large")
		}
		if int64(len(s)) >= n || len(fill) == 0 {
			return string(s[:min(int64(len(s)), n)]), nil
		}
		pad := make([]rune, 0, n-int64(len(s)))
		for i := 0; int64(len(pad)) < n-int64(len(s)); i++ {
			pad = append(pad, fill[i%len(fill)])
		}
		if left {
			return string(pad) + string(s), nil
		}
		return string(s) + string(pad), nil
	}
}

// fnArrayCat is array || array, array || element and element || array;
// NULL arrays act as empty, a NULL element is appended as NULL.
func fnArrayCat(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	lt, rt := x.Args[0].Type(), x.Args[1].Type()
	out := &types.Array{Elem: x.T.Elem}
	add := func(t *types.T, v types.Datum) {
		if t.IsArray() {
			if v != nil {
				out.Elems = append(out.Elems, v.(*types.Array).Elems...)
			}
			return
		}
		out.Elems = append(out.Elems, v)
	}
	if lt.IsArray() && rt.IsArray() && a[0] == nil && a[1] == nil {
		return nil, nil
	}
	add(lt, a[0])
	add(rt, a[1])
	return out, nil
}
