package executor

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/neuroquantumdb/nqdb/sql/copyfmt"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Encode writes the rows of a COPY ... TO in its format: the header (if
// any), each row, then the trailer, one emit call each (the server sends
// every call as one CopyData message, as PostgreSQL does). The slice
// passed to emit is reused by the next call. It returns the rows written.
func (co *CopyOut) Encode(fo *types.FormatOpts, emit func([]byte) error) (int64, error) {
	defer co.Rows.Close()
	binary := co.Options.Format == copyfmt.Binary
	names := make([]string, len(co.Columns))
	for i, col := range co.Columns {
		names[i] = col.Name
	}
	enc := copyfmt.NewEncoder(co.Options)
	enc.SetColumns(names)
	if h := enc.AppendHeader(nil); len(h) > 0 {
		if err := emit(h); err != nil {
			return 0, err
		}
	}
	fields := make([][]byte, len(co.Columns))
	offs := make([]int, 0, len(co.Columns)+1)
	var scratch, line []byte
	var n int64
	for {
		row, err := co.Rows.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, err
		}
		scratch, offs = scratch[:0], offs[:0]
		for i, d := range row {
			offs = append(offs, len(scratch))
			if d == nil {
				continue
			}
			if binary {
				if scratch, err = types.AppendBinary(scratch, co.Columns[i].Type, d); err != nil {
					return n, err
				}
			} else {
				scratch = types.AppendText(scratch, co.Columns[i].Type, d, fo)
			}
		}
		offs = append(offs, len(scratch))
		// Slice only once scratch stops growing: appends may move it.
		for i, d := range row {
			if d == nil {
				fields[i] = nil
			} else {
				fields[i] = scratch[offs[i]:offs[i+1]:offs[i+1]]
			}
		}
		line = enc.AppendRow(line[:0], fields)
		if err := emit(line); err != nil {
			return n, err
		}
		n++
	}
	if t := enc.AppendTrailer(nil); len(t) > 0 {
		if err := emit(t); err != nil {
			return n, err
		}
	}
	return n, nil
}

// copyServerSide runs COPY ... FROM|TO 'file' and FROM|TO PROGRAM
// 'command': the server reads or writes the file, or runs the command with
// sh -c, itself. PostgreSQL allows this to superusers (and members of
// pg_read_server_files and friends); nqdb's one role is a superuser. A
// relative file name is read from the data directory, as PostgreSQL's
// working directory is; COPY TO needs an absolute one.
func (s *Session) copyServerSide(ctx context.Context, n *parser.Copy, outer *parser.Statement) (*Result, error) {
	name := n.File
	if !n.Program && !filepath.IsAbs(name) {
		if !n.From {
			return nil, pgerror.New(pgerror.InvalidName, "relative path not allowed for COPY to file")
		}
		if s.engine.dataDir != "" {
			name = filepath.Join(s.engine.dataDir, name)
		}
	}
	res, err := s.copyStdio(ctx, n, outer)
	if err != nil {
		return nil, err
	}
	var rows int64
	switch {
	case res.CopyIn != nil && n.Program:
		rows, err = copyFromProgram(ctx, n.File, res.CopyIn)
	case res.CopyIn != nil:
		rows, err = copyFromFile(ctx, name, n.File, res.CopyIn)
	case n.Program:
		rows, err = copyToProgram(n.File, res.CopyOut, s.FormatOpts())
	default:
		rows, err = copyToFile(name, res.CopyOut, s.FormatOpts())
	}
	if err != nil {
		return nil, err
	}
	return &Result{tag: "COPY " + strconv.FormatInt(rows, 10)}, nil
}

func copyFromFile(ctx context.Context, path, shown string, ci *CopyIn) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, withCopyHint(fileError(err, "could not open file \"%s\" for reading: %s", shown), err, "COPY FROM", "read")
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return 0, pgerror.New(pgerror.WrongObjectType, "\"%s\" is a directory", shown)
	}
	return ci.Load(ctx, bufio.NewReaderSize(f, 1<<16))
}

func copyToFile(path string, co *CopyOut, fo *types.FormatOpts) (int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		co.Rows.Close()
		return 0, withCopyHint(fileError(err, "could not open file \"%s\" for writing: %s", path), err, "COPY TO", "write")
	}
	w := bufio.NewWriterSize(f, 1<<16)
	n, err := co.Encode(fo, func(b []byte) error { _, err := w.Write(b); return err })
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		var pe *pgerror.Error
		if errors.As(err, &pe) {
			return n, err
		}
		return n, fileError(err, "could not write to COPY file: %[2]s", path)
	}
	return n, nil
}

func copyFromProgram(ctx context.Context, command string, ci *CopyIn) (int64, error) {
	cmd := exec.Command("/bin/sh", "-c", command)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, programError(command, err, "could not execute command \"%s\": %s")
	}
	if err := cmd.Start(); err != nil {
		return 0, programError(command, err, "could not execute command \"%s\": %s")
	}
	n, lerr := ci.Load(ctx, bufio.NewReaderSize(out, 1<<16))
	if lerr != nil {
		// The rows are not wanted any more: stop the program.
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return n, lerr
	}
	if err := cmd.Wait(); err != nil {
		return n, programFailed(command, err)
	}
	return n, nil
}

func copyToProgram(command string, co *CopyOut, fo *types.FormatOpts) (int64, error) {
	cmd := exec.Command("/bin/sh", "-c", command)
	in, err := cmd.StdinPipe()
	if err != nil {
		co.Rows.Close()
		return 0, programError(command, err, "could not execute command \"%s\": %s")
	}
	if err := cmd.Start(); err != nil {
		co.Rows.Close()
		return 0, programError(command, err, "could not execute command \"%s\": %s")
	}
	w := bufio.NewWriterSize(in, 1<<16)
	n, err := co.Encode(fo, func(b []byte) error { _, err := w.Write(b); return err })
	if err == nil {
		err = w.Flush()
	}
	_ = in.Close()
	werr := cmd.Wait()
	var pe *pgerror.Error
	switch {
	case errors.As(err, &pe):
		return n, err
	case werr != nil:
		return n, programFailed(command, werr)
	case err != nil:
		return n, programError(command, err, "could not write to COPY program: %[2]s")
	}
	return n, nil
}

// fileError is PostgreSQL's errcode_for_file_access: a missing file is
// 58P01, a permission problem 42501, anything else 58030.
func fileError(err error, format, name string) *pgerror.Error {
	code := pgerror.IOError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		code = pgerror.UndefinedFile
	case errors.Is(err, fs.ErrPermission):
		code = pgerror.InsufficientPrivilege
	}
	return pgerror.New(code, format, name, errnoText(err))
}

// withCopyHint adds PostgreSQL's hint for a file COPY could not open
// because it is missing or not allowed: the user may have meant psql's
// client-side \copy.
func withCopyHint(e *pgerror.Error, err error, what, verb string) *pgerror.Error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return e.WithHint("%s instructs the PostgreSQL server process to %s a file. You may want a client-side facility such as psql's \\copy.", what, verb)
	}
	return e
}

// errnoText is strerror's text for err, as PostgreSQL's %m prints it.
func errnoText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		return string(s[0]-'a'+'A') + s[1:]
	}
	return err.Error()
}

func programError(command string, err error, format string) error {
	return pgerror.New(pgerror.IOError, format, command, errnoText(err))
}

// programFailed reports a program that exited unsuccessfully, with
// PostgreSQL's wording (wait_result_to_str) in the detail.
func programFailed(command string, err error) error {
	detail := err.Error()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if st, ok := ee.Sys().(syscall.WaitStatus); ok && st.Signaled() {
			detail = "child process was terminated by signal " + strconv.Itoa(int(st.Signal())) + ": " + st.Signal().String()
		} else {
			detail = "child process exited with exit code " + strconv.Itoa(ee.ExitCode())
		}
	}
	return pgerror.New(pgerror.ExternalRoutineException, "program \"%s\" failed", command).WithDetail("%s", detail)
}
