package vfs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// File is an open file. ReadAt and WriteAt may be called concurrently from
// several goroutines (as with *os.File); the other methods must not race
// with writes to the same range unless the caller orders them.
type File interface {
	io.ReaderAt
	io.WriterAt
	// Sync makes the file's data durable (fdatasync semantics).
	Sync() error
	// Truncate changes the file's size; growing it fills with zeros.
	Truncate(size int64) error
	// Size reports the file's current size in bytes.
	Size() (int64, error)
	// Close releases the file. Unsynced data is not made durable by Close.
	Close() error
}

// FS is a file system: the operations the storage engine needs and no more.
// Names are slash- or OS-separated paths as accepted by path/filepath.
type FS interface {
	// OpenFile opens name with os.O_* flags (O_RDONLY, O_RDWR, O_CREATE,
	// O_EXCL, O_TRUNC are honoured; O_APPEND is not supported).
	OpenFile(name string, flag int, perm os.FileMode) (File, error)
	// Remove deletes a file or an empty directory.
	Remove(name string) error
	// Rename renames a file, replacing newname if it exists.
	Rename(oldname, newname string) error
	// MkdirAll creates dir and any missing parents.
	MkdirAll(dir string, perm os.FileMode) error
	// ReadDir returns the names (not paths) of dir's entries, sorted.
	ReadDir(dir string) ([]string, error)
	// Exists reports whether name exists (file or directory).
	Exists(name string) (bool, error)
	// SyncDir makes the creations, removals and renames of dir's entries
	// durable.
	SyncDir(dir string) error
}

// Op names a file system operation for an Injector.
type Op uint8

// The operations an Injector sees.
const (
	OpOpen     Op = iota // OpenFile of an existing file without O_CREATE
	OpCreate             // OpenFile with O_CREATE
	OpRead               // File.ReadAt
	OpWrite              // File.WriteAt
	OpSync               // File.Sync
	OpTruncate           // File.Truncate
	OpSize               // File.Size
	OpClose              // File.Close
	OpRemove             // FS.Remove
	OpRename             // FS.Rename (name is the old name)
	OpMkdir              // FS.MkdirAll
	OpReadDir            // FS.ReadDir
	OpExists             // FS.Exists
	OpSyncDir            // FS.SyncDir
)

var opNames = [...]string{
	OpOpen: "open", OpCreate: "create", OpRead: "read", OpWrite: "write", OpSync: "sync",
	OpTruncate: "truncate", OpSize: "size", OpClose: "close", OpRemove: "remove",
	OpRename: "rename", OpMkdir: "mkdir", OpReadDir: "readdir", OpExists: "exists",
	OpSyncDir: "syncdir",
}

// String returns the operation's lower-case name.
func (op Op) String() string {
	if int(op) < len(opNames) {
		return opNames[op]
	}
	return fmt.Sprintf("Op(%d)", uint8(op))
}

// ErrInjected is the error returned by injected faults (wrapped or as is).
var ErrInjected = errors.New("vfs: injected error")

// DiskFull returns an injected error that also satisfies
// errors.Is(err, syscall.ENOSPC), as a real full disk would.
func DiskFull() error {
	return diskFullError{}
}

type diskFullError struct{}

func (diskFullError) Error() string { return "vfs: injected error: no space left on device" }

func (diskFullError) Is(target error) bool {
	return target == ErrInjected || target == syscall.ENOSPC
}
