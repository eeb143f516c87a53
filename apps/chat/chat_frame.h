/*
 * Client frames of the chat's WebSocket (plain C + jansson).
 */

#ifndef __H_AGORA_CHAT_FRAME_H
#define __H_AGORA_CHAT_FRAME_H

#include <stddef.h>

#include <jansson.h>

json_t	*chat_frame_parse(const void *, size_t, const char **);

#endif /* !__H_AGORA_CHAT_FRAME_H */
