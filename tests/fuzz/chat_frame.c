/*
 * chat_frame_parse (apps/chat/chat_frame.c): a WebSocket text frame as
 * the chat reads it, then the rules the handlers apply to its members
 * (apps/core/rules.c), on whatever the frame holds.
 */

#include "core/core.h"
#include "chat/chat_frame.h"
#include "fuzz.h"

static void
check_text(json_t *frame, const char *key)
{
	json_t		*v;
	const char	*s;

	if (!json_is_string(v = json_object_get(frame, key)))
		return;
	s = json_string_value(v);
	/* A NUL inside would let "ping\u0000x" pass as "ping". */
	FUZZ_CHECK(strlen(s) == json_string_length(v), "NUL in %s", key);
	FUZZ_CHECK(core_utf8_valid(s, strlen(s)), "%s is not UTF-8", key);
	(void)core_utf8_len(s);
	(void)core_text_clean(s, 1);
	(void)core_text_clean(s, 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	json_t		*frame, *again;
	const char	*type, *type2;
	char		*text;

	if ((frame = chat_frame_parse(data, len, &type)) == NULL) {
		FUZZ_CHECK(type == NULL, "type without a frame");
		return (0);
	}
	FUZZ_CHECK(json_is_object(frame) && type != NULL, "not a frame");
	FUZZ_CHECK(type == json_string_value(json_object_get(frame, "type")),
	    "type is not the frame's");

	check_text(frame, "type");
	check_text(frame, "body");
	check_text(frame, "ref");

	/* What the server sends back from a frame reads as the same. */
	text = json_dumps(frame, JSON_COMPACT);
	FUZZ_CHECK(text != NULL, "frame does not print");
	again = chat_frame_parse(text, strlen(text), &type2);
	FUZZ_CHECK(again != NULL && !strcmp(type, type2) &&
	    json_equal(frame, again), "reprinted frame differs: %s", text);
	json_decref(again);
	free(text);
	json_decref(frame);

	return (0);
}
