// Package vfs puts all of the storage engine's file I/O behind one small
// interface, as pebble's vfs does, so that tests can run the engine on an
// in-memory file system, simulate power loss (MemFS.Crash) and inject I/O
// errors (WithErrors) without touching the pager, the WAL or the B+tree.
//
// OS is the real file system. Its File.Sync has fdatasync semantics (data
// and the metadata needed to read it back, such as the file size, are
// durable; timestamps need not be), which is all a database needs and is
// cheaper than fsync. Namespace changes (create, remove, rename) become
// durable only after SyncDir on the parent directory.
//
// MemFS keeps, for every file, the bytes as last synced next to the current
// bytes, which is enough to model what a disk may hold after a crash: see
// MemFS.Crash for the model and its simplifications.
package vfs
