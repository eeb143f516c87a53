/*
 * Decoding a client frame of /chat/ws (plain C, no Kore): the bytes of a
 * text frame, straight from the client.
 */

#include <stddef.h>

#include <jansson.h>

#include "chat/chat_frame.h"

/*
 * A frame is a JSON object, without duplicate members, whose "type" is
 * a string.  Returns the object, to json_decref(), with `*type` pointing
 * into it; NULL when the bytes are not such a frame.
 */
json_t *
chat_frame_parse(const void *data, size_t len, const char **type)
{
	json_t		*frame;
	json_error_t	 err;

	*type = NULL;
	frame = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (frame == NULL || !json_is_object(frame) ||
	    (*type = json_string_value(json_object_get(frame, "type"))) ==
	    NULL) {
		json_decref(frame);
		return (NULL);
	}

	return (frame);
}
