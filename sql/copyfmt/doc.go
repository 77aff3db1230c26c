// Package copyfmt frames PostgreSQL COPY data in the text, csv and binary
// formats, independently of SQL types: fields are raw bytes (text forms in
// text and csv, binary forms in binary) and the caller converts them with
// sql/types.
//
// ParseOptions validates COPY's option list as PostgreSQL 15's
// ProcessCopyOptions does, with the same checks in the same order and the
// same SQLSTATEs and messages. Decoder reads COPY FROM data; Encoder writes
// COPY TO data.
//
// The Decoder follows PostgreSQL 15's copyfromparse.c closely, because
// clients depend on its corner cases: the first line fixes the line ending
// style (\n, \r or \r\n) and another one later is an error; in text mode a
// backslash-period followed by the end of line ends the data wherever it
// appears in the line (PostgreSQL 15 behaviour, relaxed only in 18), in csv
// mode only at the start of a line; what follows the end marker is ignored;
// the null marker is matched against the raw field before de-escaping; in
// csv only an unquoted field can be NULL. Input must be valid UTF-8 without
// NUL bytes (the server encoding is UTF8): the error surfaces when the line
// scanner reaches the bad byte, as in PostgreSQL.
//
// Speed: pgbench -i loads its accounts through COPY FROM text, one short
// line per CopyData. The Decoder keeps its own read buffer and, for a
// '\n'-terminated ASCII line with no backslash, carriage return or (csv)
// quote, returns fields that are slices of that buffer without copying;
// other lines go through the general scanner and a reused de-escaping
// buffer. In steady state Next allocates nothing.
//
// Errors are *pgerror.Error. Decoder.ErrorContext and Decoder.FieldContext
// give the CONTEXT line PostgreSQL would attach ("COPY t, line 3: "..."").
//
// Not done: the ENCODING option is validated but no transcoding happens
// (data is taken as UTF-8).
package copyfmt
