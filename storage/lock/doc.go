// Package lock is nqdb's lock manager: row locks (UPDATE, DELETE, SELECT FOR
// UPDATE / FOR SHARE) and the few object locks the engine takes (a table
// being dropped or rewritten). A transaction holds its locks until it ends
// and then drops them all with ReleaseAll, as PostgreSQL does. Keys are
// opaque strings; the engine builds them (tree id + encoded key), so this
// package knows nothing about tables or rows.
//
// # Modes and queueing
//
// There are two modes, Shared and Exclusive; only Shared/Shared is
// compatible. Each key has a holder set and a FIFO queue of waiters. A new
// request is granted at once only if it is compatible with the holders and
// with every queued request, so a waiting Exclusive request is not starved
// by a stream of Shared ones. The exception is an upgrade (a holder of
// Shared asking for Exclusive): it goes to the front of the queue and waits
// only for the other holders, because the waiters behind it are waiting for
// it anyway; queueing it behind them would be a certain deadlock. When
// holders leave, the queue is granted from the front for as long as the
// next request is compatible with the holders and with the requests still
// waiting ahead of it (PostgreSQL's ProcLockWakeup rule).
//
// # Hot path
//
// Locking a key nobody holds and releasing it is pgbench's hot path, so it
// takes two short critical sections and allocates nothing in the steady
// state: the key's shard (64 shards chosen by a hash of the key, each a
// mutex and a map from key to entry, with a free list of entries) and the
// transaction's shard (64 shards by transaction id, each a map to the
// transaction's list of held entries, also recycled). The two mutexes are
// never held together by that path, and no goroutine is started per lock.
// ReleaseAll walks the held list and needs no hashing: it keeps pointers
// to the entries, which stay valid while they have a holder.
//
// Mutex order: the detector mutex, then one key shard, then one
// transaction shard. A grant to a waiter records the key on the waiter's
// transaction inside the key shard's critical section, so a granted lock
// is always on its transaction's list, even before the waiting goroutine
// runs.
//
// # Deadlock detection
//
// A request that must wait puts itself in the key's queue and then, under
// one global detector mutex, searches the waits-for graph for a cycle
// through itself. A waiter has a hard edge to every other holder whose mode
// conflicts with its request and a soft edge to every request queued ahead
// of it that conflicts (it waits for that one because of FIFO order, not
// because of a held lock). Every new cycle passes through the request that
// closed it, so searching from the new waiter alone is enough; the
// requester that closes the cycle is the victim: it leaves the queue and
// gets a *DeadlockError. Exactly one victim per cycle follows from the
// serialisation: a second requester in the same cycle searches after the
// first has left the queue.
//
// Detection runs only when a request starts to wait. Holder-set changes
// cannot close a cycle: a grant only adds edges into the transaction that
// got the lock, which is no longer waiting and so has no edges out, and a
// release or cancellation only removes edges. Everything that ends a wait
// other than a plain grant (cancellation, victim removal, the queue jumps
// below) happens under the detector mutex, so a search never follows an
// edge that was gone before it started.
//
// A cycle that uses a soft edge need not be a deadlock: PostgreSQL would
// reorder the queue. When the cycle found contains a soft edge A->B and A's
// request is compatible with the current holders, A is granted ahead of B
// (a queue jump) and the search repeats. A cycle with no such edge is
// reported as a deadlock; in rare cases PostgreSQL's fuller queue
// rearrangement would have found a way out, and the victim simply retries.
//
// # Contract
//
// A transaction is used by one goroutine at a time: it does not call Lock
// concurrently with itself, nor ReleaseAll while one of its Lock calls is
// waiting. Every transaction that called Lock calls ReleaseAll when it
// ends, even if its only Lock call failed.
package lock
