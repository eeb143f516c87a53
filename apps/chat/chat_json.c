/*
 * The chat's JSON shapes (messages, rooms) and its input rules.
 */

#include <string.h>

#include "chat/chat.h"

/* Message `row` of `db`, whose message columns start at column `col`. */
json_t *
chat_message_json(struct core_db *db, int row, int col)
{
	json_t		*o;
	const char	*edited;
	char		 url[128];

	o = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:b, s:I}",
	    "id", (json_int_t)core_db_int(db, row, col + CHAT_COL_ID),
	    "room_id", (json_int_t)core_db_int(db, row, col + CHAT_COL_ROOM),
	    "author_id",
	    (json_int_t)core_db_int(db, row, col + CHAT_COL_AUTHOR_ID),
	    "author", core_db_value(db, row, col + CHAT_COL_AUTHOR),
	    "body", core_db_value(db, row, col + CHAT_COL_BODY),
	    "created_at", core_db_value(db, row, col + CHAT_COL_CREATED),
	    "deleted", core_db_bool(db, row, col + CHAT_COL_DELETED),
	    "version",
	    (json_int_t)core_db_int(db, row, col + CHAT_COL_VERSION));
	if (o == NULL)
		return (json_object());

	edited = core_db_value(db, row, col + CHAT_COL_EDITED);
	json_object_set_new(o, "edited_at",
	    *edited == '\0' ? json_null() : json_string(edited));
	json_object_set_new(o, "author_display_name", json_string(
	    core_db_value(db, row, col + CHAT_COL_AUTHOR_NAME)));
	core_avatar_url(core_db_value(db, row, col + CHAT_COL_AUTHOR_AVATAR), 0,
	    url, sizeof(url));
	json_object_set_new(o, "author_avatar_url",
	    *url == '\0' ? json_null() : json_string(url));

	return (o);
}

json_t *
chat_room_json(struct core_db *db, int row)
{
	json_t		*o;

	o = json_pack("{s:I, s:s, s:s, s:b, s:s, s:I, s:I}",
	    "id", (json_int_t)core_db_int(db, row, CHAT_RCOL_ID),
	    "kind", core_db_value(db, row, CHAT_RCOL_KIND),
	    "name", core_db_value(db, row, CHAT_RCOL_NAME),
	    "archived", core_db_bool(db, row, CHAT_RCOL_ARCHIVED),
	    "created_at", core_db_value(db, row, CHAT_RCOL_CREATED),
	    "last_message_id",
	    (json_int_t)core_db_int(db, row, CHAT_RCOL_LAST_ID),
	    "unread", (json_int_t)core_db_int(db, row, CHAT_RCOL_UNREAD));

	return (o != NULL ? o : json_object());
}

/*
 * A room name or a message: present, not only spaces, at most `max`
 * characters, no control characters (a message may have line breaks).
 * Returns 0, or -1 with field errors in *errors.
 */
int
chat_text_check(const char *text, size_t max, const char *field,
    json_t **errors)
{
	const char	*why;
	int		 multiline;

	why = NULL;
	multiline = !strcmp(field, "body");
	if (text == NULL || strspn(text, " \t\r\n") == strlen(text))
		why = multiline ? "Write a message." : "Give the room a name.";
	else if (core_utf8_len(text) > max)
		why = multiline ? "A message has at most 4,000 characters." :
		    "A room name has at most 64 characters.";
	else if (!core_text_clean(text, multiline))
		why = multiline ? "A message cannot hold control characters." :
		    "A room name is one line without control characters.";

	if (why == NULL) {
		*errors = NULL;
		return (0);
	}

	*errors = json_pack("{s:s}", field, why);
	return (-1);
}
