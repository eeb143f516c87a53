/*
 * The search's statements.  One statement answers a search: a branch
 * per kind of item (posts, comments, photos, chat messages, people,
 * rooms), each matched on its GIN-indexed tsvector, kept to what the
 * viewer may see by the agora_*_visible functions the pages use too
 * (sql/013_search.sql), without what the viewer blocked or muted
 * (agora_shown, sql/023_blocks.sql), ranked by search_score (ts_rank_cd with
 * recency) and cut at the cursor; then the best page of them all, and
 * ts_headline for those rows only.
 *
 * Parameters: $1 the text (websearch_to_tsquery), $2 viewer (0:
 * anonymous), $3 privileged view, $4 kinds (1 << SEARCH_KIND_*), $5
 * author's name, $6 room name, $7 tags (text[]), $8 and $9 first and
 * last day, $10 $11 $12 the cursor (score, kind, id) or NULL, $13 rows
 * (one more than a page), $14 the newest matches of each kind ranked.
 */

#include <stdio.h>
#include <string.h>

#include "search/search.h"

#define V		"$2::bigint"
#define A		"$3::bool"
#define KINDS(k)	"($4::int & " #k ") <> 0"
#define AUTHOR(u)	"($5::text IS NULL OR " u ".username = $5::text)"
#define ROOMLESS	"$6::text IS NULL"
#define TAGLESS		"cardinality($7::text[]) = 0"
#define DATES(at)							\
	"($8::date IS NULL OR " at " >= $8::date) AND"			\
	" ($9::date IS NULL OR " at " < $9::date + 1)"
#define UNFILTERED							\
	"$5::text IS NULL AND " ROOMLESS " AND " TAGLESS		\
	" AND $8::date IS NULL AND $9::date IS NULL"

/*
 * The query as the planner sees it: a constant (the statement runs
 * with its parameters bound), so the tsvector statistics estimate how
 * many rows match and the plan is chosen to suit: the GIN index for a
 * rare word, the newest rows first for a common one.
 */
#define TSQ	"websearch_to_tsquery(search_config(), $1::text)"
#define STSQ	"websearch_to_tsquery('simple', $1::text)"

/*
 * A branch: `inner` is the newest matches of one kind the viewer may see
 * (at most $14: a common word ranks the newest of its matches, not all
 * of them), with their tsvector as `tsv`; they are ranked, cut at the
 * cursor, and the best $13 go on.
 */
#define BRANCH(RANK, q, inner)						\
	"(SELECT h.* FROM (SELECT c.kind, c.id, " RANK(q) " AS score,"	\
	"  c.title, c.doc, c.link, c.author, c.at, c.place, c.rid"	\
	"  FROM f, (SELECT " inner " LIMIT $14) c) h"			\
	" WHERE $10::float8 IS NULL OR (h.score, h.kind, h.id) <"	\
	" ($10::float8, $11::int, $12::bigint)"				\
	" ORDER BY h.score DESC, h.kind DESC, h.id DESC LIMIT $13)"

/* The headline's marks: control characters no text can hold. */
#define HL_OPTS								\
	"E'StartSel=\\001, StopSel=\\002, MaxWords=35, MinWords=12, "	\
	"ShortWord=2, MaxFragments=2, FragmentDelimiter=\" … \"'"
#define HL_ALL	"E'StartSel=\\001, StopSel=\\002, HighlightAll=true'"
#define HL_DOC(d)							\
	"left(translate(" d ", E'\\001\\002', '  '), 20000)"

/*
 * `MATCH(tsv)` and `RANK(q)`: with words, the match on the index and
 * ts_rank_cd with recency; with filters only, every item the filters
 * keep (an exclusion still applies), newest first.
 */
#define SEARCH_SQL(MATCH, RANK)						\
	"WITH f AS MATERIALIZED (SELECT " TSQ " AS q, " STSQ " AS sq"	\
	"), h AS (" BRANCH(RANK, "q",					\
	"1 AS kind, p.id, p.search_tsv AS tsv, p.title, p.body AS doc," \
	"  '/blog/' || p.id || '-' || p.slug AS link,"			\
	"  u.username AS author, p.listed_at AS at,"			\
	"  ''::text AS place, NULL::bigint AS rid"			\
	"  FROM posts p JOIN users u ON u.id = p.author_id"		\
	" WHERE " KINDS(2) " AND " ROOMLESS " AND " TAGLESS		\
	"   AND " MATCH("p.search_tsv")					\
	"   AND agora_post_visible(p.status, p.author_id, u.banned, "	\
	      V ", " A ")"						\
	"   AND agora_shown(p.author_id, " V ")"			\
	"   AND " AUTHOR("u") " AND " DATES("p.listed_at")		\
	" ORDER BY p.id DESC")						\
	" UNION ALL " BRANCH(RANK, "q",					\
	"2 AS kind, c.id, c.search_tsv AS tsv, pp.title, c.body AS doc," \
	"  '/blog/' || pp.id || '-' || pp.slug || '#c' || c.id AS link," \
	"  u.username AS author, c.created_at AS at, pp.title AS place," \
	"  NULL::bigint AS rid"						\
	"  FROM comments c JOIN users u ON u.id = c.author_id"		\
	"  JOIN posts pp ON pp.id = c.post_id"				\
	"  JOIN users pu ON pu.id = pp.author_id"			\
	" WHERE " KINDS(4) " AND " ROOMLESS " AND " TAGLESS		\
	"   AND " MATCH("c.search_tsv")					\
	"   AND agora_comment_visible(c.hidden, c.author_id, u.banned, " \
	      V ", " A ")"						\
	"   AND agora_post_visible(pp.status, pp.author_id, pu.banned, " \
	      V ", " A ")"						\
	"   AND " AUTHOR("u") " AND " DATES("c.created_at")		\
	" ORDER BY c.id DESC")						\
	" UNION ALL " BRANCH(RANK, "q",					\
	"3 AS kind, p.id, p.search_tsv AS tsv, 'Photo' AS title,"	\
	"  p.caption || CASE WHEN p.tag_text = '' THEN '' ELSE ' #' ||"	\
	"  replace(p.tag_text, ' ', ' #') END AS doc,"			\
	"  '/photos/' || p.id AS link, u.username AS author,"		\
	"  p.created_at AS at, ''::text AS place, NULL::bigint AS rid"	\
	"  FROM photos p JOIN media_files m ON m.id = p.media_id"	\
	"  JOIN users u ON u.id = p.owner_id"				\
	" WHERE " KINDS(8) " AND " ROOMLESS				\
	"   AND " MATCH("p.search_tsv")					\
	"   AND agora_photo_visible(p.hidden, m.status, p.owner_id,"	\
	"       u.banned, " V ", " A ")"				\
	"   AND agora_shown(p.owner_id, " V ")"				\
	"   AND (" TAGLESS " OR p.id IN (SELECT t.photo_id"		\
	"        FROM photo_tags t WHERE t.tag = ANY ($7::text[])"	\
	"        GROUP BY t.photo_id"					\
	"        HAVING count(*) = cardinality($7::text[])))"		\
	"   AND " AUTHOR("u") " AND " DATES("p.created_at")		\
	" ORDER BY p.id DESC")						\
	" UNION ALL " BRANCH(RANK, "q",					\
	"4 AS kind, m.id, m.search_tsv AS tsv, ''::text AS title,"	\
	"  m.body AS doc, '/chat?room=' || r.id || '#m' || m.id AS link," \
	"  u.username AS author, m.created_at AS at, ''::text AS place," \
	"  r.id AS rid"							\
	"  FROM chat_messages m JOIN chat_rooms r ON r.id = m.room_id"	\
	"  JOIN users u ON u.id = m.author_id"				\
	" WHERE " KINDS(16) " AND " TAGLESS				\
	"   AND " MATCH("m.search_tsv")					\
	"   AND " V " <> 0 AND agora_room_readable(r.id, r.kind, " V ")" \
	"   AND agora_message_visible(m.deleted, u.banned)"		\
	"   AND agora_shown(m.author_id, " V ")"			\
	"   AND ($6::text IS NULL OR (r.kind = 'public' AND"		\
	"        lower(r.name) = lower($6::text)))"			\
	"   AND " AUTHOR("u") " AND " DATES("m.created_at")		\
	" ORDER BY m.id DESC")						\
	" UNION ALL " BRANCH(WORDS_RANK, "sq",				\
	"5 AS kind, u.id, u.search_tsv AS tsv, u.username AS title,"	\
	"  u.username AS doc, '/blog/u/' || u.username AS link,"	\
	"  u.username AS author, u.created_at AS at, ''::text AS place," \
	"  NULL::bigint AS rid"						\
	"  FROM users u"						\
	" WHERE " KINDS(32) " AND " UNFILTERED				\
	"   AND u.search_tsv @@ " STSQ					\
	"   AND agora_user_visible(u.banned, " A ")"			\
	" ORDER BY u.id DESC")						\
	" UNION ALL " BRANCH(WORDS_RANK, "sq",				\
	"6 AS kind, r.id, r.search_tsv AS tsv, '#' || r.name AS title,"	\
	"  r.name AS doc, '/chat?room=' || r.id AS link,"		\
	"  coalesce(cu.username, '') AS author, r.created_at AS at,"	\
	"  ''::text AS place, r.id AS rid"				\
	"  FROM chat_rooms r LEFT JOIN users cu ON cu.id = r.created_by" \
	" WHERE " KINDS(64) " AND " UNFILTERED " AND r.kind = 'public'" \
	"   AND r.search_tsv @@ " STSQ " AND " V " <> 0"		\
	"   AND agora_room_readable(r.id, r.kind, " V ")"		\
	" ORDER BY r.id DESC")						\
	"), pg AS ("							\
	"  SELECT * FROM h ORDER BY score DESC, kind DESC, id DESC"	\
	"   LIMIT $13"							\
	")"								\
	"SELECT numnode(f.q), pg.kind, pg.id,"				\
	"  pg.score || '_' || pg.kind || '_' || pg.id,"			\
	"  CASE pg.kind"						\
	"   WHEN 1 THEN ts_headline(search_config(),"			\
	"    " HL_DOC("pg.title") ", f.q, " HL_ALL ")"			\
	"   WHEN 4 THEN (SELECT CASE r.kind WHEN 'public' THEN"	\
	"    '#' || r.name ELSE 'Conversation with ' || coalesce((SELECT" \
	"    ou.username FROM chat_members cm JOIN users ou ON"		\
	"    ou.id = cm.user_id WHERE cm.room_id = r.id AND"		\
	"    cm.user_id <> " V " LIMIT 1), 'yourself') END"		\
	"    FROM chat_rooms r WHERE r.id = pg.rid)"			\
	"   ELSE pg.title END,"						\
	"  CASE WHEN pg.kind >= 5 THEN ts_headline('simple', "		\
	     HL_DOC("pg.doc") ", f.sq, " HL_ALL ")"			\
	"   ELSE ts_headline(search_config(), " HL_DOC("pg.doc") ","	\
	"    f.q, " HL_OPTS ") END,"					\
	"  pg.link, pg.author, " CORE_SQL_TS("pg.at") ", pg.place"	\
	"  FROM f LEFT JOIN pg ON true"					\
	" ORDER BY pg.score DESC, pg.kind DESC, pg.id DESC"

#define WORDS_MATCH(t)		t " @@ " TSQ
#define WORDS_RANK(q)		"search_score(ts_rank_cd(c.tsv, f." q "), c.at)"
#define FILTER_MATCH(t)		"(numnode(" TSQ ") = 0 OR " t " @@ " TSQ ")"
#define FILTER_RANK(q)		"search_score(1, c.at)"

static const char sql_search_words[] = SEARCH_SQL(WORDS_MATCH, WORDS_RANK);
static const char sql_search_filters[] =
	SEARCH_SQL(FILTER_MATCH, FILTER_RANK);

/*
 * $1 a name prefix ([a-z0-9_] and non-ASCII, search_prefix: nothing to
 * quote in a tsquery or a LIKE but _), $2 viewer, $3 rows of each kind.
 * People, public rooms (signed in) and photo tags that begin with it;
 * the prefix is one lexeme, as a whole name is in users.search_tsv.
 */
static const char sql_suggest[] =
	"WITH t AS (SELECT ('''' || $1 || ''':*')::tsquery AS q)"
	"(SELECT 'person', u.username, '/blog/u/' || u.username"
	"   FROM t, users u WHERE u.search_tsv @@ t.q"
	"    AND agora_user_visible(u.banned, false)"
	"  ORDER BY length(u.username), u.username LIMIT $3)"
	" UNION ALL "
	"(SELECT 'room', '#' || r.name, '/chat?room=' || r.id"
	"   FROM t, chat_rooms r WHERE r.kind = 'public'"
	"    AND r.search_tsv @@ t.q AND $2::bigint <> 0"
	"  ORDER BY length(r.name), lower(r.name) LIMIT $3)"
	" UNION ALL "
	"(SELECT 'tag', '#' || g.tag, '/search?in=photos&q=%23' || g.tag"
	"   FROM (SELECT x.tag, count(*) AS n FROM photo_tags x"
	"          WHERE x.tag LIKE replace($1, '_', '\\_') || '%'"
	"          GROUP BY x.tag ORDER BY n DESC, x.tag LIMIT $3) g)";

/*
 * Run the search `s` (read and checked) as ctx's user into `db`.
 * CORE_OK: SEARCH_COL_* rows in `db`, the first one always there.
 */
int
search_run(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, struct search_req *s)
{
	struct core_num	 viewer, kinds, kind, rows, cands;
	const char	*params[14], *sql;
	char		 tags[SEARCH_TAGS_MAX * (SEARCH_TAG_MAX + 3) + 3];
	const char	*author;
	size_t		 len, n;
	int		 i;

	/* {a,b}: tags are [a-z0-9_], nothing to quote. */
	len = 0;
	tags[len++] = '{';
	for (i = 0; i < s->query.ntags; i++) {
		if (i > 0)
			tags[len++] = ',';
		n = strlen(s->query.tags[i]);
		memcpy(tags + len, s->query.tags[i], n);
		len += n;
	}
	tags[len++] = '}';
	tags[len] = '\0';

	author = s->query.from[0] != '\0' ? s->query.from : s->author;

	params[0] = s->query.text;
	params[1] = core_num(&viewer, ctx->user.id);
	params[2] = s->held ? "true" : "false";
	params[3] = core_num(&kinds, s->scope->kinds);
	params[4] = author;
	params[5] = s->query.room[0] != '\0' ? s->query.room : NULL;
	params[6] = tags;
	params[7] = s->from;
	params[8] = s->to;
	params[9] = s->cursor != NULL ? s->c_score : NULL;
	params[10] = s->cursor != NULL ? core_num(&kind, s->c_kind) : NULL;
	params[11] = s->cursor != NULL ? s->c_id : NULL;
	params[12] = core_num(&rows, s->limit + 1);
	params[13] = core_num(&cands, SEARCH_CANDIDATES);

	sql = s->query.words > 0 ? sql_search_words : sql_search_filters;

	return (core_db_run(req, db, sql, 14, params));
}

/* The rows of hits in a search's result (the first row may be none). */
int
search_hits(struct core_db *db)
{
	int		n;

	n = core_db_rows(db);
	if (n == 1 && core_db_isnull(db, 0, SEARCH_COL_KIND))
		return (0);

	return (n);
}

/* Suggestions for the name prefix `prefix` into `db` (SEARCH_SCOL_*). */
int
search_suggest_run(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, const char *prefix)
{
	struct core_num	 viewer, rows;
	const char	*params[3];

	params[0] = prefix;
	params[1] = core_num(&viewer, ctx->user.id);
	params[2] = core_num(&rows, SEARCH_SUGGEST_MAX);

	return (core_db_run(req, db, sql_suggest, 3, params));
}
