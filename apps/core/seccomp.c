/*
 * The workers' system call filter, added to Kore's own allow-list.
 *
 * Kore 4.1.0's list predates glibc 2.36: without these lines a worker is
 * killed (SIGSYS) by stat() (accesslog, filemap), by starting a task
 * thread (clone3, rseq) and by saving uploads atomically (rename, fsync).
 * clone3 is refused with ENOSYS so that glibc falls back to clone, which
 * Kore's task support already allows with the flags threads need.
 */

#include <sys/types.h>

#include <errno.h>
#include <stddef.h>

#include <kore/seccomp.h>

KORE_SECCOMP_FILTER("agora",
	KORE_SYSCALL_DENY(clone3, ENOSYS),
	KORE_SYSCALL_ALLOW(rseq),
	KORE_SYSCALL_ALLOW(newfstatat),
	KORE_SYSCALL_ALLOW(rename),
	KORE_SYSCALL_ALLOW(renameat),
	KORE_SYSCALL_ALLOW(renameat2),
	KORE_SYSCALL_ALLOW(fsync),
	KORE_SYSCALL_ALLOW(fdatasync),
	KORE_SYSCALL_ALLOW(unlinkat),
	KORE_SYSCALL_ALLOW(getdents64),
#if defined(AGORA_SANITIZE)
	/* AddressSanitizer's runtime, in the test build only. */
	KORE_SYSCALL_ALLOW(sigaltstack),
	KORE_SYSCALL_ALLOW(prctl),
	KORE_SYSCALL_ALLOW(sched_getaffinity),
	KORE_SYSCALL_ALLOW(getpid),
	KORE_SYSCALL_ALLOW(gettid),
	KORE_SYSCALL_ALLOW(tgkill),
	KORE_SYSCALL_ALLOW(rt_sigaction),
	KORE_SYSCALL_ALLOW(rt_sigprocmask),
	KORE_SYSCALL_ALLOW(mremap),
	KORE_SYSCALL_ALLOW(pread64),
	KORE_SYSCALL_ALLOW(readlinkat),
	KORE_SYSCALL_ALLOW(getdents64),
	KORE_SYSCALL_ALLOW(write),
	KORE_SYSCALL_ALLOW(exit_group),
	/*
	 * LeakSanitizer's check as a worker stops: a helper process
	 * that inherits this filter stops the worker's threads with
	 * ptrace and reads their registers while the worker waits.
	 */
	KORE_SYSCALL_ALLOW(sched_yield),
	KORE_SYSCALL_ALLOW(getppid),
	KORE_SYSCALL_ALLOW(getdents),
	KORE_SYSCALL_ALLOW(ptrace),
	KORE_SYSCALL_ALLOW(wait4),
#endif
);
