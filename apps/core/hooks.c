/*
 * Kore's entry points: configuration in the parent before the workers
 * fork, per-worker set-up after the sandbox is in place, and the module
 * init that `load ./app.so init` names.
 */

#include <stdlib.h>
#include <time.h>

#include <sodium.h>

#include <kore/hooks.h>

#include "core/core.h"

int	init(int);

/*
 * Parent, before fork and before the sandbox: read the configuration,
 * register the database, load the timezone (glibc's tzset would need a
 * stat() the worker filter refuses) and prepare what every worker shares.
 */
void
kore_parent_configure(int argc, char **argv)
{
	if (sodium_init() == -1)
		fatal("libsodium failed to initialise");

	setenv("TZ", "UTC", 1);
	tzset();

	core_config_load();
	if (!kore_pgsql_register(CORE_DB_NAME, core_cfg.database_url))
		fatal("cannot register the database");

	core_password_init();
}

/* Each worker, sandboxed: libsodium picks its CSPRNG (getrandom). */
void
kore_worker_configure(void)
{
	if (sodium_init() == -1)
		fatal("libsodium failed to initialise in a worker");
}

int
init(int state)
{
	return (KORE_RESULT_OK);
}
