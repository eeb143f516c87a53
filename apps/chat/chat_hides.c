/*
 * Whom a chat connection's user blocked or muted (sql/023_blocks.sql):
 * their messages, edits and typing are not sent to that connection.
 * The set is read when the socket opens and kept current by the
 * events apps/people publishes on CORE_HIDES_CHANNEL.
 */

#include <stdlib.h>

#include "chat/chat.h"

#define STR(x)		#x
#define XSTR(x)		STR(x)

/* $1 user: everyone they blocked or muted. */
const char chat_sql_hides[] =
	"SELECT DISTINCT other_id FROM user_blocks WHERE user_id = $1"
	" ORDER BY other_id LIMIT " XSTR(LIMIT_BLOCKS_ALIVE);

static int	id_cmp(const void *, const void *);

/*
 * Fill `h` with the ids in column 0 of `db` (chat_sql_hides' answer,
 * sorted).  `h` owns its array; chat_hides_free releases it.
 */
void
chat_hides_load(struct chat_hides *h, struct core_db *db)
{
	int		i, n;

	h->ids = NULL;
	h->n = h->cap = 0;
	if ((n = core_db_rows(db)) <= 0)
		return;
	h->ids = kore_calloc((size_t)n, sizeof(*h->ids));
	h->cap = (size_t)n;
	for (i = 0; i < n; i++)
		h->ids[h->n++] = core_db_int(db, i, 0);
}

/* Whether `id` is in `h`. */
int
chat_hides_has(const struct chat_hides *h, int64_t id)
{
	if (h->n == 0 || id <= 0)
		return (0);

	return (bsearch(&id, h->ids, h->n, sizeof(*h->ids), id_cmp) != NULL);
}

/* Add (`on`) or remove `id`, keeping `h` sorted. */
void
chat_hides_set(struct chat_hides *h, int64_t id, int on)
{
	size_t		i, j;

	for (i = 0; i < h->n && h->ids[i] < id; i++)
		;
	if (i < h->n && h->ids[i] == id) {
		if (!on) {
			for (j = i; j + 1 < h->n; j++)
				h->ids[j] = h->ids[j + 1];
			h->n--;
		}
		return;
	}
	if (!on)
		return;

	if (h->n == h->cap) {
		h->cap = h->cap == 0 ? 8 : h->cap * 2;
		h->ids = kore_realloc(h->ids, h->cap * sizeof(*h->ids));
	}
	for (j = h->n; j > i; j--)
		h->ids[j] = h->ids[j - 1];
	h->ids[i] = id;
	h->n++;
}

void
chat_hides_free(struct chat_hides *h)
{
	kore_free(h->ids);
	h->ids = NULL;
	h->n = h->cap = 0;
}

static int
id_cmp(const void *a, const void *b)
{
	int64_t		x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y ? -1 : x > y);
}
