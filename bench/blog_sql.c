/*
 * The blog index's statement as the site runs it (BLOG_SQL_INDEX),
 * printed for bench/signed_in.sh to run in pgbench beside the site.
 */

#include <stdio.h>

#include "blog/blog.h"

int
main(void)
{
	puts(BLOG_SQL_INDEX);
	return (0);
}
