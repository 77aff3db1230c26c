package copyfmt

import (
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// Format is the COPY data format.
type Format int

// The three COPY formats.
const (
	Text Format = iota
	CSV
	Binary
)

// String returns the format's name as COPY spells it.
func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case Binary:
		return "binary"
	}
	return "text"
}

// Opt is one COPY option as written; the SQL parser produces them. Name is
// lower case (format, freeze, delimiter, null, header, quote, escape,
// force_quote, force_not_null, force_null, encoding); Value is the unquoted
// value and HasValue says whether one was given at all (HEADER alone has
// none). A parenthesised column list (FORCE_QUOTE (a, b)) comes as IsList
// with the names in List; FORCE_QUOTE * comes as Value "*" without IsList.
type Opt struct {
	Name, Value string
	HasValue    bool
	IsList      bool
	List        []string
}

// Options are COPY's validated options with PostgreSQL's defaults filled in.
type Options struct {
	Format    Format
	Delimiter byte
	// Null is the NULL marker: `\N` in text, the empty string in csv.
	Null string
	// Quote and Escape are set in csv mode only (Escape defaults to Quote).
	Quote, Escape byte
	// Header is HEADER true (or MATCH); HeaderMatch is HEADER MATCH (COPY
	// FROM only): the header line's names must equal the column names.
	Header, HeaderMatch bool
	ForceQuote          []string
	ForceQuoteAll       bool
	ForceNotNull        []string
	ForceNull           []string
	Freeze              bool
	// Encoding is the ENCODING option's canonical PostgreSQL name ("" when
	// not given). The codec does no transcoding: see the package doc.
	Encoding string
}

func errConflicting() error {
	return pgerror.New(pgerror.SyntaxError, "conflicting or redundant options")
}

// optString is PostgreSQL's defGetString: the option must have a value.
func optString(o Opt) (string, error) {
	if !o.HasValue {
		return "", pgerror.New(pgerror.SyntaxError, "%s requires a parameter", o.Name)
	}
	if o.IsList {
		// defGetString on a List node is an internal error in PostgreSQL
		// ("unrecognized node type"); a syntax error is the useful answer.
		return "", pgerror.New(pgerror.SyntaxError, "%s requires a parameter", o.Name)
	}
	return o.Value, nil
}

// optBool is PostgreSQL's defGetBoolean. The parser gives numbers and
// strings alike as Value, so "0" and "1" are taken as the integers they
// almost always are.
func optBool(o Opt) (bool, error) {
	if !o.HasValue {
		return true, nil
	}
	if !o.IsList {
		switch strings.ToLower(o.Value) {
		case "0", "false", "off":
			return false, nil
		case "1", "true", "on":
			return true, nil
		}
	}
	return false, pgerror.New(pgerror.SyntaxError, "%s requires a Boolean value", o.Name)
}

// ParseOptions validates COPY options exactly as PostgreSQL 15's
// ProcessCopyOptions does, in the same order, and fills in the defaults.
// from is true for COPY FROM.
func ParseOptions(opts []Opt, from bool) (Options, error) {
	var (
		o                                       Options
		formatSet, freezeSet, headerSet, encSet bool
		delim, null, quote, escape              *string
		forceQuoteSet, forceNotNullSet          bool
		forceNullSet                            bool
	)
	for _, opt := range opts {
		switch opt.Name {
		case "format":
			if formatSet {
				return o, errConflicting()
			}
			formatSet = true
			f, err := optString(opt)
			if err != nil {
				return o, err
			}
			switch f {
			case "text":
				o.Format = Text
			case "csv":
				o.Format = CSV
			case "binary":
				o.Format = Binary
			default:
				return o, pgerror.New(pgerror.InvalidParameterValue, "COPY format \"%s\" not recognized", f)
			}
		case "freeze":
			if freezeSet {
				return o, errConflicting()
			}
			freezeSet = true
			b, err := optBool(opt)
			if err != nil {
				return o, err
			}
			o.Freeze = b
		case "delimiter", "null", "quote", "escape":
			p := map[string]**string{"delimiter": &delim, "null": &null, "quote": &quote, "escape": &escape}[opt.Name]
			if *p != nil {
				return o, errConflicting()
			}
			s, err := optString(opt)
			if err != nil {
				return o, err
			}
			*p = &s
		case "header":
			if headerSet {
				return o, errConflicting()
			}
			headerSet = true
			if err := headerChoice(&o, opt, from); err != nil {
				return o, err
			}
		case "force_quote":
			if forceQuoteSet {
				return o, errConflicting()
			}
			forceQuoteSet = true
			switch {
			case opt.IsList:
				o.ForceQuote = opt.List
			case opt.HasValue && opt.Value == "*":
				o.ForceQuoteAll = true
			default:
				return o, errColumnList(opt.Name)
			}
		case "force_not_null", "force_null":
			set := &forceNotNullSet
			dst := &o.ForceNotNull
			if opt.Name == "force_null" {
				set, dst = &forceNullSet, &o.ForceNull
			}
			// PostgreSQL tests "list already set": an empty list cannot be
			// written, so a set flag is equivalent.
			if *set {
				return o, errConflicting()
			}
			if !opt.IsList {
				return o, errColumnList(opt.Name)
			}
			*set = true
			*dst = opt.List
		case "encoding":
			if encSet {
				return o, errConflicting()
			}
			s, err := optString(opt)
			if err != nil {
				return o, err
			}
			enc, ok := encodingByName(s)
			if !ok {
				return o, pgerror.New(pgerror.InvalidParameterValue, "argument to option \"%s\" must be a valid encoding name", opt.Name)
			}
			encSet = true
			o.Encoding = enc
		default:
			return o, pgerror.New(pgerror.SyntaxError, "option \"%s\" not recognized", opt.Name)
		}
	}
	csv, binary := o.Format == CSV, o.Format == Binary

	// These two come before the defaults are filled in.
	if binary && delim != nil {
		return o, pgerror.New(pgerror.SyntaxError, "cannot specify DELIMITER in BINARY mode")
	}
	if binary && null != nil {
		return o, pgerror.New(pgerror.SyntaxError, "cannot specify NULL in BINARY mode")
	}
	d := "\t"
	if csv {
		d = ","
	}
	if delim != nil {
		d = *delim
	}
	o.Null = `\N`
	if csv {
		o.Null = ""
	}
	if null != nil {
		o.Null = *null
	}
	q, e := "", ""
	if csv {
		q = `"`
		if quote != nil {
			q = *quote
		}
		e = q
		if escape != nil {
			e = *escape
		}
	}

	// A lone byte >= 0x80 is not a character in UTF-8; PostgreSQL never
	// sees one because the SQL text is verified first.
	if len(d) != 1 || d[0] >= 0x80 {
		return o, pgerror.New(pgerror.FeatureNotSupported, "COPY delimiter must be a single one-byte character")
	}
	if d[0] == '\r' || d[0] == '\n' {
		return o, pgerror.New(pgerror.InvalidParameterValue, "COPY delimiter cannot be newline or carriage return")
	}
	if strings.ContainsAny(o.Null, "\r\n") {
		return o, pgerror.New(pgerror.InvalidParameterValue, "COPY null representation cannot use newline or carriage return")
	}
	// Backslash would be ambiguous, and letters and digits have meanings
	// after a backslash in text mode.
	if !csv && strings.IndexByte(`\.abcdefghijklmnopqrstuvwxyz0123456789`, d[0]) >= 0 {
		return o, pgerror.New(pgerror.InvalidParameterValue, "COPY delimiter cannot be \"%s\"", d)
	}
	if binary && o.Header {
		return o, pgerror.New(pgerror.FeatureNotSupported, "cannot specify HEADER in BINARY mode")
	}
	if !csv && quote != nil {
		return o, pgerror.New(pgerror.FeatureNotSupported, "COPY quote available only in CSV mode")
	}
	if csv && (len(q) != 1 || q[0] >= 0x80) {
		return o, pgerror.New(pgerror.FeatureNotSupported, "COPY quote must be a single one-byte character")
	}
	if csv && d[0] == q[0] {
		return o, pgerror.New(pgerror.InvalidParameterValue, "COPY delimiter and quote must be different")
	}
	if !csv && escape != nil {
		return o, pgerror.New(pgerror.FeatureNotSupported, "COPY escape available only in CSV mode")
	}
	if csv && (len(e) != 1 || e[0] >= 0x80) {
		return o, pgerror.New(pgerror.FeatureNotSupported, "COPY escape must be a single one-byte character")
	}
	if !csv && forceQuoteSet {
		return o, pgerror.New(pgerror.FeatureNotSupported, "COPY force quote available only in CSV mode")
	}
	if forceQuoteSet && from {
		return o, pgerror.New(pgerror.FeatureNotSupported, "COPY force quote only available using COPY TO")
	}
	if !csv && forceNotNullSet {
		return o, pgerror.New(pgerror.FeatureNotSupported, "COPY force not null available only in CSV mode")
	}
	if forceNotNullSet && !from {
		return o, pgerror.New(pgerror.FeatureNotSupported, "COPY force not null only available using COPY FROM")
	}
	if !csv && forceNullSet {
		return o, pgerror.New(pgerror.FeatureNotSupported, "COPY force null available only in CSV mode")
	}
	if forceNullSet && !from {
		return o, pgerror.New(pgerror.FeatureNotSupported, "COPY force null only available using COPY FROM")
	}
	if strings.IndexByte(o.Null, d[0]) >= 0 {
		return o, pgerror.New(pgerror.FeatureNotSupported, "COPY delimiter must not appear in the NULL specification")
	}
	if csv && strings.IndexByte(o.Null, q[0]) >= 0 {
		return o, pgerror.New(pgerror.FeatureNotSupported, "CSV quote character must not appear in the NULL specification")
	}
	o.Delimiter = d[0]
	if csv {
		o.Quote, o.Escape = q[0], e[0]
	}
	return o, nil
}

// headerChoice is PostgreSQL 15's defGetCopyHeaderChoice.
func headerChoice(o *Options, opt Opt, from bool) error {
	if !opt.HasValue {
		o.Header = true
		return nil
	}
	if !opt.IsList {
		switch strings.ToLower(opt.Value) {
		case "1", "true", "on":
			o.Header = true
			return nil
		case "0", "false", "off":
			return nil
		case "match":
			if !from {
				return pgerror.New(pgerror.FeatureNotSupported, "cannot use \"%s\" with HEADER in COPY TO", opt.Value)
			}
			o.Header, o.HeaderMatch = true, true
			return nil
		}
	}
	return pgerror.New(pgerror.SyntaxError, "%s requires a Boolean value or \"match\"", opt.Name)
}

func errColumnList(name string) error {
	return pgerror.New(pgerror.InvalidParameterValue, "argument to option \"%s\" must be a list of column names", name)
}

// CheckColumns reports, as PostgreSQL's BeginCopyFrom/BeginCopyTo do, a
// FORCE_QUOTE, FORCE_NOT_NULL or FORCE_NULL column that is not among the
// COPY's columns (42P10). The caller first checks that the names exist in
// the table ("column ... does not exist"), which PostgreSQL does earlier.
func (o *Options) CheckColumns(names []string) error {
	check := func(list []string, what string) error {
		for _, n := range list {
			if indexOf(names, n) < 0 {
				return pgerror.New(pgerror.InvalidColumnReference, "%s column \"%s\" not referenced by COPY", what, n)
			}
		}
		return nil
	}
	if err := check(o.ForceQuote, "FORCE_QUOTE"); err != nil {
		return err
	}
	if err := check(o.ForceNotNull, "FORCE_NOT_NULL"); err != nil {
		return err
	}
	return check(o.ForceNull, "FORCE_NULL")
}

func indexOf(names []string, n string) int {
	for i, m := range names {
		if m == n {
			return i
		}
	}
	return -1
}

// flags maps a list of column names onto per-column flags.
func flags(names, list []string, all bool) []bool {
	if !all && len(list) == 0 {
		return nil
	}
	f := make([]bool, len(names))
	for i, n := range names {
		f[i] = all || indexOf(list, n) >= 0
	}
	return f
}

// encodingNames are PostgreSQL's pg_encname_tbl keys (already cleaned: lower
// case, alphanumerics only) with the canonical name each maps to.
var encodingNames = map[string]string{
	"abc": "WIN1258", "alt": "WIN866", "big5": "BIG5", "euccn": "EUC_CN", "eucjis2004": "EUC_JIS_2004",
	"eucjp": "EUC_JP", "euckr": "EUC_KR", "euctw": "EUC_TW", "gb18030": "GB18030", "gbk": "GBK",
	"iso88591": "LATIN1", "iso885910": "LATIN6", "iso885913": "LATIN7", "iso885914": "LATIN8",
	"iso885915": "LATIN9", "iso885916": "LATIN10", "iso88592": "LATIN2", "iso88593": "LATIN3",
	"iso88594": "LATIN4", "iso88595": "ISO_8859_5", "iso88596": "ISO_8859_6", "iso88597": "ISO_8859_7",
	"iso88598": "ISO_8859_8", "iso88599": "LATIN5", "johab": "JOHAB", "koi8": "KOI8R", "koi8r": "KOI8R",
	"koi8u": "KOI8U", "latin1": "LATIN1", "latin10": "LATIN10", "latin2": "LATIN2", "latin3": "LATIN3",
	"latin4": "LATIN4", "latin5": "LATIN5", "latin6": "LATIN6", "latin7": "LATIN7", "latin8": "LATIN8",
	"latin9": "LATIN9", "mskanji": "SJIS", "muleinternal": "MULE_INTERNAL", "shiftjis": "SJIS",
	"shiftjis2004": "SHIFT_JIS_2004", "sjis": "SJIS", "sqlascii": "SQL_ASCII", "tcvn": "WIN1258",
	"tcvn5712": "WIN1258", "uhc": "UHC", "unicode": "UTF8", "utf8": "UTF8", "vscii": "WIN1258",
	"win": "WIN1251", "win1250": "WIN1250", "win1251": "WIN1251", "win1252": "WIN1252",
	"win1253": "WIN1253", "win1254": "WIN1254", "win1255": "WIN1255", "win1256": "WIN1256",
	"win1257": "WIN1257", "win1258": "WIN1258", "win866": "WIN866", "win874": "WIN874",
	"win932": "SJIS", "win936": "GBK", "win949": "UHC", "win950": "BIG5", "windows1250": "WIN1250",
	"windows1251": "WIN1251", "windows1252": "WIN1252", "windows1253": "WIN1253",
	"windows1254": "WIN1254", "windows1255": "WIN1255", "windows1256": "WIN1256",
	"windows1257": "WIN1257", "windows1258": "WIN1258", "windows866": "WIN866",
	"windows874": "WIN874", "windows932": "SJIS", "windows936": "GBK", "windows949": "UHC",
	"windows950": "BIG5",
}

// encodingByName is pg_char_to_encoding: the name is cleaned of everything
// but letters and digits and compared case-insensitively.
func encodingByName(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteByte(c)
		}
	}
	e, ok := encodingNames[b.String()]
	return e, ok
}
