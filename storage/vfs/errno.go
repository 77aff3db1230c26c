package vfs

import "syscall"

// Errors MemFS returns where the OS would return these errnos.
const (
	syscallEISDIR    = syscall.EISDIR
	syscallENOTDIR   = syscall.ENOTDIR
	syscallENOTEMPTY = syscall.ENOTEMPTY
)
