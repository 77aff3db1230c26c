package copyfmt

import "strconv"

// ErrorContext returns the CONTEXT line PostgreSQL attaches to the last
// error Next returned, rel being the relation's name as PostgreSQL prints it
// (the bare table name); "" when PostgreSQL prints none (binary header).
func (d *Decoder) ErrorContext(rel string) string {
	switch d.ctx {
	case ctxLine:
		return "COPY " + rel + ", line " + strconv.Itoa(d.lineno)
	case ctxLineText:
		if !d.lineValid {
			return "COPY " + rel + ", line " + strconv.Itoa(d.lineno)
		}
		return "COPY " + rel + ", line " + strconv.Itoa(d.lineno) + `: "` + limitPrintout(d.line) + `"`
	case ctxColumn:
		return "COPY " + rel + ", line " + strconv.Itoa(d.lineno) + ", column " + d.colName(d.errCol)
	}
	return ""
}

// FieldContext returns the CONTEXT for an error the caller raises while
// converting field i of the row Next last returned.
func (d *Decoder) FieldContext(rel string, i int) string {
	s := "COPY " + rel + ", line " + strconv.Itoa(d.lineno) + ", column " + d.colName(i)
	if d.o.Format == Binary {
		return s
	}
	if i >= len(d.fields) || d.fields[i] == nil {
		return s + ": null input"
	}
	return s + `: "` + limitPrintout(d.fields[i]) + `"`
}

func (d *Decoder) colName(i int) string {
	if i < len(d.names) {
		return d.names[i]
	}
	return "?column?"
}

// limitPrintout is limit_printout_length: at most 100 bytes, cut at a
// character boundary, then "...".
func limitPrintout(b []byte) string {
	const max = 100
	if len(b) <= max {
		return string(b)
	}
	n := max
	for n > 0 && b[n]&0xc0 == 0x80 {
		n--
	}
	return string(b[:n]) + "..."
}
