-- Chat: public rooms and direct conversations, messages, read positions
-- and a per-user token bucket for posting.
--
-- Message ids and versions are taken while the room's row is locked (see
-- chat_room_lock in apps/chat), so within a room they grow in commit
-- order: a client that has seen id N (or version V) and asks for what
-- came after it never misses a message that commits later.

CREATE TABLE chat_rooms (
	id		bigserial PRIMARY KEY,
	kind		text NOT NULL CHECK (kind IN ('public', 'dm')),
	name		text CHECK (char_length(name) BETWEEN 1 AND 64),
	dm_key		text UNIQUE,
	created_by	bigint REFERENCES users (id) ON DELETE SET NULL,
	archived	boolean NOT NULL DEFAULT false,
	created_at	timestamptz NOT NULL DEFAULT now(),
	CHECK ((kind = 'public') = (name IS NOT NULL)),
	CHECK ((kind = 'dm') = (dm_key IS NOT NULL))
);

CREATE UNIQUE INDEX chat_rooms_name_idx ON chat_rooms (lower(name))
	WHERE kind = 'public';

-- The two people of a direct conversation (public rooms have no list).
CREATE TABLE chat_members (
	room_id		bigint NOT NULL REFERENCES chat_rooms (id) ON DELETE CASCADE,
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (room_id, user_id)
);

CREATE INDEX chat_members_user_idx ON chat_members (user_id);

CREATE SEQUENCE chat_version_seq;

CREATE TABLE chat_messages (
	id		bigserial PRIMARY KEY,
	room_id		bigint NOT NULL REFERENCES chat_rooms (id) ON DELETE CASCADE,
	author_id	bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	body		text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
	created_at	timestamptz NOT NULL DEFAULT now(),
	edited_at	timestamptz,
	deleted		boolean NOT NULL DEFAULT false,
	version		bigint NOT NULL DEFAULT nextval('chat_version_seq')
);

CREATE INDEX chat_messages_room_idx ON chat_messages (room_id, id);
CREATE INDEX chat_messages_version_idx ON chat_messages (room_id, version);

-- How far each user has read each room: unread counts.
CREATE TABLE chat_reads (
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	room_id		bigint NOT NULL REFERENCES chat_rooms (id) ON DELETE CASCADE,
	last_read_id	bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (user_id, room_id)
);

-- Posting allowance: up to 10 messages at once, one more each second.
CREATE TABLE chat_buckets (
	user_id		bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	tokens		double precision NOT NULL,
	updated_at	timestamptz NOT NULL DEFAULT now()
);

-- Take one token from the user's bucket; false when it is empty.
CREATE FUNCTION chat_take_token(p_user bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
	t	double precision;
BEGIN
	INSERT INTO chat_buckets AS k (user_id, tokens) VALUES (p_user, 10)
	ON CONFLICT (user_id) DO NOTHING;
	SELECT least(10, k.tokens + extract(epoch FROM now() - k.updated_at))
	  INTO t FROM chat_buckets k WHERE k.user_id = p_user FOR UPDATE;
	IF t < 1 THEN
		RETURN false;
	END IF;
	UPDATE chat_buckets SET tokens = t - 1, updated_at = now()
	 WHERE user_id = p_user;
	RETURN true;
END $$;

-- Reported messages reach the moderation queue: approving keeps the
-- message, rejecting deletes it (the text stays for the record, never
-- shown again), tells its author and, through the publish job, the
-- clients connected to the room.
CREATE FUNCTION moderation_preview_chat_message(p_item bigint,
    OUT author_id bigint, OUT title text, OUT body text, OUT link text)
LANGUAGE sql STABLE AS $$
	SELECT m.author_id,
	       CASE r.kind WHEN 'public' THEN 'Message in #' || r.name
	                   ELSE 'Direct message' END,
	       left(m.body, 500), '/chat?room=' || r.id || '#m' || m.id
	  FROM chat_messages m JOIN chat_rooms r ON r.id = m.room_id
	 WHERE m.id = p_item
$$;

CREATE FUNCTION moderation_apply_chat_message(p_item bigint,
    p_decision text, p_reason text, p_rid text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	m	chat_messages;
	u	users;
BEGIN
	IF p_decision = 'approved' THEN
		RETURN '[]'::json;
	END IF;
	PERFORM 1 FROM chat_rooms r JOIN chat_messages x ON x.room_id = r.id
	  WHERE x.id = p_item FOR UPDATE OF r;
	UPDATE chat_messages
	   SET deleted = true, version = nextval('chat_version_seq')
	 WHERE id = p_item AND NOT deleted RETURNING * INTO m;
	IF NOT FOUND THEN
		RETURN '[]'::json;
	END IF;
	SELECT * INTO u FROM users WHERE id = m.author_id;
	RETURN json_build_array(enqueue_job('email', 'critical',
	    jsonb_build_object('template', 'item_rejected', 'to', u.email,
		'username', u.username, 'what', 'chat message',
		'reason', coalesce(p_reason, ''),
		'path', '/chat?room=' || m.room_id),
	    p_rid),
	    enqueue_job('publish', 'critical', jsonb_build_object(
		'channel', 'agora:chat', 'event', jsonb_build_object(
		    'type', 'deleted', 'room_id', m.room_id, 'id', m.id,
		    'version', m.version)),
	    p_rid));
END $$;
