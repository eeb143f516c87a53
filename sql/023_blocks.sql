-- Blocking and muting (apps/people/people_block.c).  A user blocks
-- another: no conversation either way, the blocked person's comments
-- and (like a mute) posts, photos and chat messages are hidden from the
-- blocker, the blocked person cannot notify the blocker (mentions,
-- comments, likes, follows, direct messages: no notification, so no
-- email) and sees the blocker's profile without its activity.  A mute
-- only hides the muted person's posts, photos, comments and chat
-- messages from the one who muted them, and keeps their notifications
-- away; the muted person notices nothing.  One row per (user, other, kind): both may exist at once.
--
-- The rules are the functions below, called by the pages' statements,
-- the chat's socket and the search alike (beside the agora_*_visible
-- functions of sql/013_search.sql).

CREATE TABLE user_blocks (
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	other_id	bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind		text NOT NULL CHECK (kind IN ('block', 'mute')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, other_id, kind),
	CHECK (user_id <> other_id)
);

-- Who blocked a user (agora_blocked's other direction); the settings'
-- lists newest first.
CREATE INDEX user_blocks_other_idx ON user_blocks (other_id, user_id)
	WHERE kind = 'block';
CREATE INDEX user_blocks_time_idx
	ON user_blocks (user_id, kind, created_at DESC, other_id);

-- Whether `p_viewer` sees what `p_author` made in lists, feeds, the
-- home page, the search and the live chat: not when the viewer blocked
-- or muted them.  Anonymous viewers (0) and one's own things: always.
CREATE FUNCTION agora_shown(p_author bigint, p_viewer bigint)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT p_viewer = 0 OR p_author = p_viewer OR NOT EXISTS (
	    SELECT 1 FROM user_blocks b
	     WHERE b.user_id = p_viewer AND b.other_id = p_author)
$$;

-- Whether either of two users blocked the other: no conversation, no
-- notification between them.
CREATE FUNCTION agora_blocked(p_a bigint, p_b bigint)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT EXISTS (SELECT 1 FROM user_blocks b
	     WHERE b.kind = 'block' AND ((b.user_id = p_a AND b.other_id = p_b)
		OR (b.user_id = p_b AND b.other_id = p_a)))
$$;

-- Whether `p_viewer` sees the activity on `p_owner`'s profile (their
-- posts, photos and rooms): not when the owner blocked the viewer.
CREATE FUNCTION agora_profile_shown(p_owner bigint, p_viewer bigint)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT p_viewer = 0 OR NOT EXISTS (SELECT 1 FROM user_blocks b
	     WHERE b.kind = 'block' AND b.user_id = p_owner
	       AND b.other_id = p_viewer)
$$;

-- A comment, as before (sql/013_search.sql), and not by someone the
-- viewer blocked or muted: on the viewer's own posts and photos, on
-- everyone else's and in the search.
CREATE OR REPLACE FUNCTION agora_comment_visible(p_hidden boolean,
    p_author bigint, p_author_banned boolean, p_viewer bigint,
    p_all boolean)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT p_all OR p_author = p_viewer OR
	    (NOT p_hidden AND NOT p_author_banned AND
	     agora_shown(p_author, p_viewer))
$$;

-- Never a notification between two people one of whom blocked the
-- other, nor from someone the user muted (it would point at what they
-- do not see), whichever statement or trigger makes it; a row refused
-- here queues no email either (notifications_email runs after insert).
CREATE FUNCTION notify_unblocked() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.actor_id IS NOT NULL AND
	    (NOT agora_shown(NEW.actor_id, NEW.user_id) OR
	     agora_blocked(NEW.user_id, NEW.actor_id)) THEN
		RETURN NULL;
	END IF;
	RETURN NEW;
END $$;

CREATE TRIGGER notifications_unblocked BEFORE INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION notify_unblocked();
