/*
 * Kore's entry points: configuration in the parent before the workers
 * fork, per-worker set-up after the sandbox is in place, and the module
 * init that `load ./app.so init` names.
 */

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include <kore/hooks.h>

#include "core/core.h"

#if defined(AGORA_SANITIZE)
#include <sanitizer/lsan_interface.h>
#endif

int	init(int);


/*
 * Parent, before fork and before the sandbox: read the configuration,
 * create the media directories, register the database, load the
 * timezone (glibc's tzset would need a stat() the worker filter refuses)
 * and prepare what every worker shares (the password tasks, the table
 * that spreads connections).
 */
void
kore_parent_configure(int argc, char **argv)
{
	if (sodium_init() == -1)
		fatal("libsodium failed to initialise");

	setenv("TZ", "UTC", 1);
	tzset();

	core_config_load();
	core_media_prepare();
	if (!kore_pgsql_register(CORE_DB_NAME, core_cfg.database_url))
		fatal("cannot register the database");

	core_password_init();
	core_spread_init();
}

/*
 * Each worker, sandboxed: libsodium picks its CSPRNG (getrandom); the
 * metrics start counting; the credential cache and the revocations that
 * empty it start.
 */
void
kore_worker_configure(void)
{
	if (sodium_init() == -1)
		fatal("libsodium failed to initialise in a worker");
	core_metrics_start();
	core_credcache_init();
	core_bellcache_init();
	core_spread_start();
	core_revoke_start();
#if defined(AGORA_SANITIZE)
	/*
	 * Test build only: once Kore's own clean-up has run, leave without
	 * the shared libraries' destructors.  Under the AddressSanitizer
	 * runtime a worker that ran task threads can deadlock in
	 * libp11-kit's destructor (freelocale waits forever on glibc's
	 * locale lock), turning a clean stop into a hang.  The handler
	 * must be libc's own _exit (it receives the exit status first):
	 * Kore unloads this module before the worker exits.
	 */
	(void)on_exit((void (*)(int, void *))(void (*)(void))_exit, NULL);
#endif
}

#if defined(AGORA_SANITIZE)
/*
 * Test build only: LeakSanitizer's check of a worker as it stops, before
 * Kore's clean-up and the on_exit() above (which skips LeakSanitizer's
 * own check at exit).  A leak is reported in the log, where the test run
 * looks for it.
 */
void
kore_worker_teardown(void)
{
	if (__lsan_do_recoverable_leak_check())
		kore_log(LOG_ERR, "LeakSanitizer: leaks in this worker");
	else
		kore_log(LOG_NOTICE, "leak check: no leaks");
}
#endif

int
init(int state)
{
	return (KORE_RESULT_OK);
}
