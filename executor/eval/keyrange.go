package eval

import (
	"io"
	"unicode/utf8"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// KeyRange is a planner.KeyLookup with its expressions evaluated: the
// rows whose key starts with Eq and whose next key column satisfies the
// rest. TableAccess.Lookup encodes it into key ranges.
type KeyRange struct {
	// Eq are the leading key columns' values (never NULL).
	Eq []types.Datum
	// In, when non-nil, lists the values the next key column may take
	// (never NULL; possibly repeated): the union of one lookup per value.
	In []types.Datum
	// Lower and Upper bound the next key column (values never NULL); all
	// hold, so the tightest of each counts. Any bound excludes NULLs.
	Lower, Upper []Bound
	// Reverse reads the keys in descending order.
	Reverse bool
	// IndexOnly returns rows decoded from the secondary index's entries
	// alone (planner.KeyLookup.IndexOnly): only the columns the index
	// holds are set, the others are NULL.
	IndexOnly bool
}

// Bound is one bound of a KeyRange.
type Bound struct {
	Value     types.Datum
	Inclusive bool
}

// keyRange evaluates k. empty reports that no row can match (a NULL
// value or bound, an IN list of NULLs).
func (c *evalCtx) keyRange(k *planner.KeyLookup) (r *KeyRange, empty bool, err error) {
	// Key values are constants, parameters or outer references: no input
	// row is visible to them.
	saved := c.row
	c.row = nil
	defer func() { c.row = saved }()
	r = &KeyRange{Reverse: k.Reverse, IndexOnly: k.IndexOnly}
	if len(k.Values) > 0 {
		r.Eq = make([]types.Datum, len(k.Values))
		for i, e := range k.Values {
			v, err := c.eval(e)
			if err != nil || v == nil {
				return nil, v == nil, err
			}
			r.Eq[i] = v
		}
	}
	if k.In != nil {
		r.In = make([]types.Datum, 0, len(k.In))
		for _, e := range k.In {
			v, err := c.eval(e)
			if err != nil {
				return nil, false, err
			}
			if v != nil {
				r.In = append(r.In, v)
			}
		}
		if len(r.In) == 0 {
			return nil, true, nil
		}
	}
	if k.InArray != nil {
		if empty, err := c.keyArray(k.InArray, r); empty || err != nil {
			return nil, empty, err
		}
	}
	bounds := func(bs []planner.KeyBound, out *[]Bound) (bool, error) {
		for _, b := range bs {
			v, err := c.eval(b.Value)
			if err != nil || v == nil {
				return v == nil, err
			}
			*out = append(*out, Bound{Value: v, Inclusive: b.Inclusive})
		}
		return false, nil
	}
	if empty, err = bounds(k.Lower, &r.Lower); empty || err != nil {
		return nil, empty, err
	}
	if empty, err = bounds(k.Upper, &r.Upper); empty || err != nil {
		return nil, empty, err
	}
	for _, l := range k.Like {
		p, err := c.eval(l.Pattern)
		if err != nil || p == nil {
			return nil, p == nil, err
		}
		esc, err := c.eval(l.Escape)
		if err != nil {
			return nil, false, err
		}
		escape, _ := esc.(string)
		lo, hi, exact, ok := LikePrefixRange(p.(string), escape, esc == nil)
		switch {
		case !ok:
		case exact:
			r.Lower = append(r.Lower, Bound{Value: lo, Inclusive: true})
			r.Upper = append(r.Upper, Bound{Value: lo, Inclusive: true})
		default:
			r.Lower = append(r.Lower, Bound{Value: lo, Inclusive: true})
			if hi != "" {
				r.Upper = append(r.Upper, Bound{Value: hi, Inclusive: false})
			}
		}
	}
	return r, false, nil
}

// LikePrefixRange returns the range [lo, hi) of strings that every match
// of the LIKE pattern lies in, as PostgreSQL's like_fixed_prefix finds
// it: lo is the pattern's literal prefix (up to its first unescaped % or
// _) and hi the least string above every string that starts with it (""
// = none). A pattern without wildcards matches only itself: exact is set
// and the range is the one string lo. An escape character at the very
// end ends the prefix there and counts as exact too, as in PostgreSQL, so
// only rows equal to the prefix are tested (LIKE raises its error for a
// row only when the row's text reaches that escape). ok is false when the
// pattern gives no range: no literal prefix, or an escape LIKE rejects
// (evaluating the filter reports that, the lookup must not hide it).
// noEscape means ESCAPE NULL, under which LIKE is NULL and nothing
// matches; it gives no range either (the filter drops every row).
func LikePrefixRange(pattern, escape string, noEscape bool) (lo, hi string, exact, ok bool) {
	if noEscape || utf8.RuneCountInString(escape) > 1 {
		return "", "", false, false
	}
	esc := rune(-1)
	if escape != "" {
		esc, _ = utf8.DecodeRuneInString(escape)
	}
	prefix := make([]byte, 0, len(pattern))
	for i := 0; i < len(pattern); {
		r, n := utf8.DecodeRuneInString(pattern[i:])
		switch {
		case r == '%' || r == '_':
			return likeRange(prefix, false)
		case r == esc:
			if i+n >= len(pattern) {
				return likeRange(prefix, true)
			}
			_, n2 := utf8.DecodeRuneInString(pattern[i+n:])
			prefix = append(prefix, pattern[i+n:i+n+n2]...)
			i += n + n2
			continue
		}
		prefix = append(prefix, pattern[i:i+n]...)
		i += n
	}
	return likeRange(prefix, true)
}

// likeRange is the range of strings that start with prefix, or with
// exact just prefix.
func likeRange(prefix []byte, exact bool) (lo, hi string, isExact, ok bool) {
	if exact {
		// An empty pattern matches the empty string only.
		return string(prefix), "", true, true
	}
	if len(prefix) == 0 {
		return "", "", false, false
	}
	// Strings order bytewise: the successor of the prefix increments its
	// last byte below 0xff and drops what follows.
	for j := len(prefix) - 1; j >= 0; j-- {
		if prefix[j] != 0xff {
			succ := append(prefix[:j:j], prefix[j]+1)
			return string(prefix), string(succ), false, true
		}
	}
	return string(prefix), "", false, true
}

// emptyRows is a lookup that matches nothing.
type emptyRows struct{}

func (emptyRows) Next() ([]types.Datum, error) { return nil, io.EOF }
func (emptyRows) Key() string                  { return "" }
func (emptyRows) Close()                       {}
