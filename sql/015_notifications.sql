-- Notifications: one inbox for what concerns a user, whichever app it
-- comes from.  A row is made in the transaction of the event that
-- causes it, by the statement that stores the event (the notify_*
-- functions below, called from its CTEs; they return the recipients, so
-- the site can tell their open pages at once) or by a trigger for what
-- moderation does.  Never for the user's own action; never for a
-- comment while moderation holds it (flagged, hidden): it is removed
-- when the comment is flagged and made again when an admin approves
-- it.  Deleting the cause removes the notification (the foreign keys
-- cascade; a chat message is deleted by a flag, so a trigger does it).

CREATE TABLE notifications (
	id		bigserial PRIMARY KEY,
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	actor_id	bigint REFERENCES users (id) ON DELETE CASCADE,
	kind		text NOT NULL CHECK (kind IN ('comment', 'mention',
			    'dm', 'like', 'moderation')),
	app		text NOT NULL CHECK (app IN ('blog', 'photos', 'chat')),
	-- The cause (one or two of these), for the cascades.
	post_id		bigint REFERENCES posts (id) ON DELETE CASCADE,
	comment_id	bigint REFERENCES comments (id) ON DELETE CASCADE,
	photo_id	bigint REFERENCES photos (id) ON DELETE CASCADE,
	photo_comment_id bigint REFERENCES photo_comments (id)
			    ON DELETE CASCADE,
	message_id	bigint REFERENCES chat_messages (id) ON DELETE CASCADE,
	room_id		bigint REFERENCES chat_rooms (id) ON DELETE CASCADE,
	like_photo_id	bigint,
	queue_id	bigint REFERENCES moderation_queue (id)
			    ON DELETE CASCADE,
	decision	text CHECK (decision IN ('approved', 'rejected')),
	-- What the inbox shows: where (a post's title, a room's name),
	-- the words (an excerpt), the exact place (a local path).
	subject		text NOT NULL DEFAULT ''
			CHECK (char_length(subject) <= 200),
	excerpt		text NOT NULL DEFAULT ''
			CHECK (char_length(excerpt) <= 300),
	link		text NOT NULL CHECK (link ~ '^/[^/]'),
	created_at	timestamptz NOT NULL DEFAULT now(),
	read_at		timestamptz,
	FOREIGN KEY (like_photo_id, actor_id)
	    REFERENCES photo_likes (photo_id, user_id) ON DELETE CASCADE,
	CHECK (actor_id IS NULL OR actor_id <> user_id)
);

-- The inbox, newest first (keyset cursor), and the unread count.
CREATE INDEX notifications_user_idx
	ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id)
	INCLUDE (kind, like_photo_id) WHERE read_at IS NULL;
-- The cascades and the removals by cause.
CREATE INDEX notifications_comment_idx ON notifications (comment_id)
	WHERE comment_id IS NOT NULL;
CREATE INDEX notifications_photo_comment_idx
	ON notifications (photo_comment_id) WHERE photo_comment_id IS NOT NULL;
CREATE INDEX notifications_message_idx ON notifications (message_id)
	WHERE message_id IS NOT NULL;
CREATE INDEX notifications_post_idx ON notifications (post_id)
	WHERE post_id IS NOT NULL;
CREATE INDEX notifications_photo_idx ON notifications (photo_id)
	WHERE photo_id IS NOT NULL;
CREATE INDEX notifications_room_idx ON notifications (room_id)
	WHERE room_id IS NOT NULL;
CREATE INDEX notifications_like_idx ON notifications (like_photo_id, actor_id)
	WHERE like_photo_id IS NOT NULL;
CREATE INDEX notifications_queue_idx ON notifications (queue_id)
	WHERE queue_id IS NOT NULL;

-- The unread count as the bell shows it: a photo's likes are one.
CREATE FUNCTION notify_unread(p_user bigint) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT count(DISTINCT CASE WHEN kind = 'like' THEN -like_photo_id
	    ELSE id END)
	  FROM notifications WHERE user_id = p_user AND read_at IS NULL
$$;

-- The users @mentioned in `p_body` (as chat_mentions_offline reads
-- them: a name not inside a word), at most 20, none banned.
CREATE FUNCTION notify_mentioned(p_body text) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
	SELECT u.id FROM users u
	 WHERE NOT u.banned AND u.username IN (
		SELECT lower(m[1]) FROM regexp_matches(p_body,
		    '(?:^|[^A-Za-z0-9_])@([A-Za-z0-9_]{3,32})(?![A-Za-z0-9_])',
		    'g') AS m LIMIT 20)
$$;

-- A comment `p_comment` by `p_actor` on blog post `p_item` ('blog') or
-- photo `p_item` ('photos'): the item's author is told, and those it
-- @mentions.  The recipients.
CREATE FUNCTION notify_comment(p_app text, p_comment bigint, p_item bigint,
    p_actor bigint, p_body text) RETURNS SETOF bigint
LANGUAGE sql AS $$
	WITH i AS (
		SELECT p.author_id AS owner, p.title AS subject,
		       '/blog/' || p.id || '-' || p.slug || '#c' || p_comment
		       AS link
		  FROM posts p WHERE p_app = 'blog' AND p.id = p_item
		UNION ALL
		SELECT p.owner_id, 'your photo',
		       '/photos/' || p.id || '#c' || p_comment
		  FROM photos p WHERE p_app = 'photos' AND p.id = p_item
	), r AS (
		SELECT i.owner AS uid, 'comment' AS kind FROM i
		UNION
		SELECT m, 'mention' FROM i, notify_mentioned(p_body) m
		 WHERE m <> i.owner
	)
	INSERT INTO notifications (user_id, actor_id, kind, app, post_id,
	    comment_id, photo_id, photo_comment_id, subject, excerpt, link)
	SELECT r.uid, p_actor, r.kind, p_app,
	       CASE p_app WHEN 'blog' THEN p_item END,
	       CASE p_app WHEN 'blog' THEN p_comment END,
	       CASE p_app WHEN 'photos' THEN p_item END,
	       CASE p_app WHEN 'photos' THEN p_comment END,
	       left(i.subject, 200), left(p_body, 300), i.link
	  FROM r, i WHERE r.uid <> p_actor
	RETURNING user_id
$$;

-- A chat message: the other member of a conversation is told (dm); in
-- a public room, those it @mentions.  The recipients.
CREATE FUNCTION notify_message(p_message bigint, p_room bigint,
    p_actor bigint, p_body text) RETURNS SETOF bigint
LANGUAGE sql AS $$
	WITH r AS (
		SELECT cm.user_id AS uid, 'dm' AS kind
		  FROM chat_rooms k JOIN chat_members cm ON cm.room_id = k.id
		 WHERE k.id = p_room AND k.kind = 'dm'
		UNION ALL
		SELECT m, 'mention' FROM chat_rooms k, notify_mentioned(p_body) m
		 WHERE k.id = p_room AND k.kind = 'public'
	)
	INSERT INTO notifications (user_id, actor_id, kind, app, message_id,
	    room_id, subject, excerpt, link)
	SELECT r.uid, p_actor, r.kind, 'chat', p_message, p_room,
	       coalesce('#' || k.name, ''), left(p_body, 300),
	       '/chat?room=' || p_room || '#m' || p_message
	  FROM r, chat_rooms k WHERE k.id = p_room AND r.uid <> p_actor
	RETURNING user_id
$$;

-- A like of photo `p_photo` by `p_actor`: its owner is told.
CREATE FUNCTION notify_like(p_photo bigint, p_actor bigint)
RETURNS SETOF bigint
LANGUAGE sql AS $$
	INSERT INTO notifications (user_id, actor_id, kind, app, photo_id,
	    like_photo_id, subject, excerpt, link)
	SELECT p.owner_id, p_actor, 'like', 'photos', p.id, p.id,
	       'your photo', left(p.caption, 300), '/photos/' || p.id
	  FROM photos p WHERE p.id = p_photo AND p.owner_id <> p_actor
	RETURNING user_id
$$;

-- Who was notified about item (`p_kind`, `p_item`) of the moderation
-- queue in this transaction: what a decision made, for the live event.
CREATE FUNCTION notify_recipients(p_kind text, p_item bigint)
RETURNS bigint[]
LANGUAGE sql VOLATILE AS $$
	SELECT coalesce(array_agg(DISTINCT n.user_id), '{}')
	  FROM notifications n
	 WHERE n.created_at = now() AND CASE p_kind
		WHEN 'post' THEN n.post_id = p_item
		WHEN 'comment' THEN n.comment_id = p_item
		WHEN 'photo' THEN n.photo_id = p_item
		WHEN 'photo_comment' THEN n.photo_comment_id = p_item
		WHEN 'chat_message' THEN n.message_id = p_item
		ELSE false END
$$;

-- A comment flagged (hidden) loses its notifications; approved, it
-- gets them again.  One function per table: a trigger function may
-- name only its own table's columns.
CREATE FUNCTION notify_comment_hidden() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.hidden = OLD.hidden THEN
		RETURN NULL;
	END IF;
	IF NEW.hidden THEN
		DELETE FROM notifications WHERE comment_id = NEW.id
		   AND kind IN ('comment', 'mention');
	ELSE
		PERFORM notify_comment('blog', NEW.id, NEW.post_id,
		    NEW.author_id, NEW.body);
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER comments_notify AFTER UPDATE OF hidden ON comments
    FOR EACH ROW EXECUTE FUNCTION notify_comment_hidden();

CREATE FUNCTION notify_photo_comment_hidden() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.hidden = OLD.hidden THEN
		RETURN NULL;
	END IF;
	IF NEW.hidden THEN
		DELETE FROM notifications WHERE photo_comment_id = NEW.id
		   AND kind IN ('comment', 'mention');
	ELSE
		PERFORM notify_comment('photos', NEW.id, NEW.photo_id,
		    NEW.author_id, NEW.body);
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER photo_comments_notify AFTER UPDATE OF hidden
    ON photo_comments
    FOR EACH ROW EXECUTE FUNCTION notify_photo_comment_hidden();

-- A chat message deleted (by its author or by moderation) is no news.
CREATE FUNCTION notify_message_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM notifications WHERE message_id = NEW.id
	   AND kind IN ('dm', 'mention');
	RETURN NULL;
END $$;

CREATE TRIGGER chat_messages_notify AFTER UPDATE OF deleted ON chat_messages
    FOR EACH ROW WHEN (NEW.deleted AND NOT OLD.deleted)
    EXECUTE FUNCTION notify_message_deleted();

-- A decision on an item tells its author (not when they decided it
-- themselves), linked to the item and removed with it.
CREATE FUNCTION notify_decided() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	app	text;
BEGIN
	IF NEW.author_id IS NULL OR NEW.author_id = NEW.decided_by OR
	    NEW.link IS NULL OR NEW.link !~ '^/[^/]' THEN
		RETURN NULL;
	END IF;
	app := CASE NEW.kind WHEN 'post' THEN 'blog' WHEN 'comment' THEN 'blog'
	    WHEN 'chat_message' THEN 'chat' ELSE 'photos' END;
	INSERT INTO notifications (user_id, actor_id, kind, app, post_id,
	    comment_id, photo_id, photo_comment_id, message_id, queue_id,
	    decision, subject, excerpt, link)
	SELECT NEW.author_id, NULL, 'moderation', app,
	       (SELECT id FROM posts WHERE NEW.kind = 'post' AND id = NEW.item_id),
	       (SELECT id FROM comments
		 WHERE NEW.kind = 'comment' AND id = NEW.item_id),
	       (SELECT id FROM photos
		 WHERE NEW.kind = 'photo' AND id = NEW.item_id),
	       (SELECT id FROM photo_comments
		 WHERE NEW.kind = 'photo_comment' AND id = NEW.item_id),
	       (SELECT id FROM chat_messages
		 WHERE NEW.kind = 'chat_message' AND id = NEW.item_id),
	       NEW.id, NEW.decision, left(CASE NEW.kind
		   WHEN 'post' THEN 'your post “' ||
		       coalesce(NEW.preview_title, '') || '”'
		   WHEN 'comment' THEN 'your comment'
		   WHEN 'photo' THEN 'your photo'
		   WHEN 'photo_comment' THEN 'your comment on a photo'
		   WHEN 'chat_message' THEN 'your message'
		   ELSE 'your ' || replace(NEW.kind, '_', ' ') END, 200),
	       left(coalesce(NEW.decision_reason, ''), 300), NEW.link;
	RETURN NULL;
END $$;

CREATE TRIGGER moderation_queue_notify AFTER UPDATE OF decided_at
    ON moderation_queue
    FOR EACH ROW WHEN (OLD.decided_at IS NULL AND NEW.decided_at IS NOT NULL)
    EXECUTE FUNCTION notify_decided();

-- What each user wants of each kind: in the site only, in the site and
-- by email (where the site sends one: comments on one's items, chat
-- mentions), or nothing.  No row: the default.  Moderation decisions
-- are not a choice: they are always in the inbox, and mailed as before.
CREATE TABLE notification_prefs (
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind		text NOT NULL
			CHECK (kind IN ('comment', 'mention', 'dm', 'like')),
	channel		text NOT NULL CHECK (channel IN ('site', 'email', 'off')),
	PRIMARY KEY (user_id, kind),
	CHECK (channel <> 'email' OR kind IN ('comment', 'mention'))
);

CREATE FUNCTION notify_channel(p_user bigint, p_kind text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT coalesce((SELECT channel FROM notification_prefs
	    WHERE user_id = p_user AND kind = p_kind),
	    CASE WHEN p_kind IN ('comment', 'mention') THEN 'email'
	    ELSE 'site' END)
$$;

CREATE OR REPLACE FUNCTION notify_comment(p_app text, p_comment bigint,
    p_item bigint, p_actor bigint, p_body text) RETURNS SETOF bigint
LANGUAGE sql AS $$
	WITH i AS (
		SELECT p.author_id AS owner, p.title AS subject,
		       '/blog/' || p.id || '-' || p.slug || '#c' || p_comment
		       AS link
		  FROM posts p WHERE p_app = 'blog' AND p.id = p_item
		UNION ALL
		SELECT p.owner_id, 'your photo',
		       '/photos/' || p.id || '#c' || p_comment
		  FROM photos p WHERE p_app = 'photos' AND p.id = p_item
	), r AS (
		SELECT i.owner AS uid, 'comment' AS kind FROM i
		UNION
		SELECT m, 'mention' FROM i, notify_mentioned(p_body) m
		 WHERE m <> i.owner
	)
	INSERT INTO notifications (user_id, actor_id, kind, app, post_id,
	    comment_id, photo_id, photo_comment_id, subject, excerpt, link)
	SELECT r.uid, p_actor, r.kind, p_app,
	       CASE p_app WHEN 'blog' THEN p_item END,
	       CASE p_app WHEN 'blog' THEN p_comment END,
	       CASE p_app WHEN 'photos' THEN p_item END,
	       CASE p_app WHEN 'photos' THEN p_comment END,
	       left(i.subject, 200), left(p_body, 300), i.link
	  FROM r, i
	 WHERE r.uid <> p_actor AND notify_channel(r.uid, r.kind) <> 'off'
	RETURNING user_id
$$;

CREATE OR REPLACE FUNCTION notify_message(p_message bigint, p_room bigint,
    p_actor bigint, p_body text) RETURNS SETOF bigint
LANGUAGE sql AS $$
	WITH r AS (
		SELECT cm.user_id AS uid, 'dm' AS kind
		  FROM chat_rooms k JOIN chat_members cm ON cm.room_id = k.id
		 WHERE k.id = p_room AND k.kind = 'dm'
		UNION ALL
		SELECT m, 'mention' FROM chat_rooms k, notify_mentioned(p_body) m
		 WHERE k.id = p_room AND k.kind = 'public'
	)
	INSERT INTO notifications (user_id, actor_id, kind, app, message_id,
	    room_id, subject, excerpt, link)
	SELECT r.uid, p_actor, r.kind, 'chat', p_message, p_room,
	       coalesce('#' || k.name, ''), left(p_body, 300),
	       '/chat?room=' || p_room || '#m' || p_message
	  FROM r, chat_rooms k
	 WHERE k.id = p_room AND r.uid <> p_actor
	   AND notify_channel(r.uid, r.kind) <> 'off'
	RETURNING user_id
$$;

CREATE OR REPLACE FUNCTION notify_like(p_photo bigint, p_actor bigint)
RETURNS SETOF bigint
LANGUAGE sql AS $$
	INSERT INTO notifications (user_id, actor_id, kind, app, photo_id,
	    like_photo_id, subject, excerpt, link)
	SELECT p.owner_id, p_actor, 'like', 'photos', p.id, p.id,
	       'your photo', left(p.caption, 300), '/photos/' || p.id
	  FROM photos p
	 WHERE p.id = p_photo AND p.owner_id <> p_actor
	   AND notify_channel(p.owner_id, 'like') <> 'off'
	RETURNING user_id
$$;
