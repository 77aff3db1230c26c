package vfs

import (
	"os"
	"sync/atomic"
)

// Injector decides, before each operation, whether it fails: a non-nil
// error is returned instead of doing the operation. name is the file's
// name as opened (for Rename, the old name).
type Injector func(op Op, name string) error

// WithErrors wraps fs so that every operation first asks inj; a nil inj
// passes everything through.
func WithErrors(fs FS, inj Injector) FS {
	return &errFS{fs: fs, inj: inj}
}

// OnNth returns an Injector that fails the nth (1-based) operation op
// with err (ErrInjected if err is nil), on any file, and passes everything
// else through. It is safe for concurrent use.
func OnNth(op Op, n int64, err error) Injector {
	if err == nil {
		err = ErrInjected
	}
	var count atomic.Int64
	return func(o Op, _ string) error {
		if o == op && count.Add(1) == n {
			return err
		}
		return nil
	}
}

// AfterNth returns an Injector that fails the nth operation op and every
// operation of any kind after it, as a disk that went away would.
func AfterNth(op Op, n int64, err error) Injector {
	if err == nil {
		err = ErrInjected
	}
	var count atomic.Int64
	var failed atomic.Bool
	return func(o Op, _ string) error {
		if failed.Load() {
			return err
		}
		if o == op && count.Add(1) >= n {
			failed.Store(true)
			return err
		}
		return nil
	}
}

type errFS struct {
	fs  FS
	inj Injector
}

func (e *errFS) check(op Op, name string) error {
	if e.inj == nil {
		return nil
	}
	return e.inj(op, name)
}

func (e *errFS) OpenFile(name string, flag int, perm os.FileMode) (File, error) {
	op := OpOpen
	if flag&os.O_CREATE != 0 {
		op = OpCreate
	}
	if err := e.check(op, name); err != nil {
		return nil, err
	}
	f, err := e.fs.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &errFile{f: f, name: name, e: e}, nil
}

func (e *errFS) Remove(name string) error {
	if err := e.check(OpRemove, name); err != nil {
		return err
	}
	return e.fs.Remove(name)
}

func (e *errFS) Rename(oldname, newname string) error {
	if err := e.check(OpRename, oldname); err != nil {
		return err
	}
	return e.fs.Rename(oldname, newname)
}

func (e *errFS) MkdirAll(dir string, perm os.FileMode) error {
	if err := e.check(OpMkdir, dir); err != nil {
		return err
	}
	return e.fs.MkdirAll(dir, perm)
}

func (e *errFS) ReadDir(dir string) ([]string, error) {
	if err := e.check(OpReadDir, dir); err != nil {
		return nil, err
	}
	return e.fs.ReadDir(dir)
}

func (e *errFS) Exists(name string) (bool, error) {
	if err := e.check(OpExists, name); err != nil {
		return false, err
	}
	return e.fs.Exists(name)
}

func (e *errFS) SyncDir(dir string) error {
	if err := e.check(OpSyncDir, dir); err != nil {
		return err
	}
	return e.fs.SyncDir(dir)
}

type errFile struct {
	f    File
	name string
	e    *errFS
}

func (f *errFile) ReadAt(p []byte, off int64) (int, error) {
	if err := f.e.check(OpRead, f.name); err != nil {
		return 0, err
	}
	return f.f.ReadAt(p, off)
}

func (f *errFile) WriteAt(p []byte, off int64) (int, error) {
	if err := f.e.check(OpWrite, f.name); err != nil {
		return 0, err
	}
	return f.f.WriteAt(p, off)
}

func (f *errFile) Sync() error {
	if err := f.e.check(OpSync, f.name); err != nil {
		return err
	}
	return f.f.Sync()
}

func (f *errFile) Truncate(size int64) error {
	if err := f.e.check(OpTruncate, f.name); err != nil {
		return err
	}
	return f.f.Truncate(size)
}

func (f *errFile) Size() (int64, error) {
	if err := f.e.check(OpSize, f.name); err != nil {
		return 0, err
	}
	return f.f.Size()
}

func (f *errFile) Close() error {
	if err := f.e.check(OpClose, f.name); err != nil {
		// Release the real file anyway so a test does not leak it.
		f.f.Close()
		return err
	}
	return f.f.Close()
}
