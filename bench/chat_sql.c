/*
 * The chat's message statement as the site runs it (CHAT_SQL_POST),
 * printed for bench/chat_sql.sh to run in pgbench beside a plain INSERT.
 */

#include <stdio.h>

#include "chat/chat.h"

int
main(void)
{
	puts(CHAT_SQL_POST);
	return (0);
}
