/*
 * The queue's scripts live in lib/queue_lua.h; this name is kept for the
 * programs built against the checkout that include "core/queue_lua.h"
 * (the side-by-side queue benchmark in ../shared/peers/queue builds its
 * enqueuer that way).
 */

#include "../../lib/queue_lua.h"
