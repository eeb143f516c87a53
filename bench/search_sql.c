/*
 * The search's statements as the site runs them (apps/search/
 * search_store.c), printed for bench/search.sh to EXPLAIN ANALYZE:
 *   search_sql words|filters
 */

#include "search/search_store.c"

int
core_db_run(struct http_request *req, struct core_db *db, const char *q,
    int n, const char **params)
{
	return (CORE_OK);
}

const char *
core_num(struct core_num *n, int64_t v)
{
	return ("");
}

int
core_db_rows(struct core_db *db)
{
	return (0);
}

int
core_db_isnull(struct core_db *db, int row, int col)
{
	return (0);
}

int
main(int argc, char **argv)
{
	if (argc != 2)
		return (1);
	puts(strcmp(argv[1], "filters") ? sql_search_words :
	    sql_search_filters);

	return (0);
}
