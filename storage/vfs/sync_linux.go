//go:build linux

package vfs

import (
	"os"

	"golang.org/x/sys/unix"
)

// datasync is fdatasync(2): it skips flushing metadata that reading the data
// back does not need (timestamps), saving a journal commit per sync.
// It goes through SyscallConn rather than Fd, which would switch the file
// to blocking mode.
func datasync(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		for {
			serr = unix.Fdatasync(int(fd))
			if serr != unix.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	if serr != nil {
		return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: serr}
	}
	return nil
}
