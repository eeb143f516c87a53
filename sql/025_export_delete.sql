-- A user's data export and the deletion of their account.
--
-- An export is a row here and an `export` job (workers/job_export.c)
-- that writes <media>/exports/export-<id>.zip, served only to its user
-- for a day (apps/people/people_export.c), then removed by the worker's
-- sweep, as is the file of a user who is gone.

CREATE TABLE data_exports (
	id		bigserial PRIMARY KEY,
	user_id		bigint REFERENCES users (id) ON DELETE SET NULL,
	state		text NOT NULL DEFAULT 'queued'
			CHECK (state IN ('queued', 'building', 'ready',
			    'failed', 'expired')),
	file		text CHECK (file ~ '^export-[0-9]+\.zip$'),
	bytes		bigint,
	created_at	timestamptz NOT NULL DEFAULT now(),
	ready_at	timestamptz,
	expires_at	timestamptz
);

CREATE INDEX data_exports_user_idx ON data_exports (user_id, created_at);
-- One export at a time.
CREATE UNIQUE INDEX data_exports_busy_idx ON data_exports (user_id)
	WHERE state IN ('queued', 'building');
CREATE INDEX data_exports_file_idx ON data_exports (expires_at)
	WHERE file IS NOT NULL;

-- Who anonymised content belongs to once its author deleted their
-- account: one row, id -1 (ids of real users are positive), that
-- nobody can sign in as (its hash is no Argon2id string) and whose
-- profile does not exist (people_store.c asks for u.id > 0).
INSERT INTO users (id, username, email, password_hash, display_name)
VALUES (-1, 'deleted', 'deleted@invalid', '!', 'deleted user');

-- Usernames nobody may take until `until`: those of deleted accounts
-- for a while (so nobody signs up as someone who just left) and the
-- placeholder's, for ever.
CREATE TABLE username_holds (
	username	text PRIMARY KEY,
	until		timestamptz NOT NULL
);

INSERT INTO username_holds VALUES ('deleted', 'infinity');

CREATE FUNCTION users_username_held() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM username_holds h
	    WHERE h.username = NEW.username AND h.until > now()) THEN
		RAISE EXCEPTION 'username % is held', NEW.username
		    USING ERRCODE = 'check_violation',
		    CONSTRAINT = 'users_username_held';
	END IF;
	RETURN NEW;
END $$;

-- Sign-up and any rename: the site answers 422.
CREATE TRIGGER users_username_held
    BEFORE INSERT OR UPDATE OF username ON users
    FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM -1)
    EXECUTE FUNCTION users_username_held();

-- Delete account p_user: p_mode 'delete' removes what they made,
-- 'anonymise' gives it to the placeholder (-1).  Either way the direct
-- conversations stay with the other side (the placeholder takes the
-- member's place), follows, likes, notifications they caused, sessions
-- and tokens go with the row, the username is held for p_hold, and the
-- images nobody uses any more are withdrawn with a media_purge job
-- each (inserted here; the caller pushes the rows it returns).
CREATE FUNCTION account_delete(p_user bigint, p_mode text,
    p_hold interval, p_request text)
RETURNS SETOF job_outbox
LANGUAGE plpgsql AS $$
DECLARE
	u	users;
	shas	text[];
BEGIN
	SELECT * INTO u FROM users WHERE id = p_user AND id > 0 FOR UPDATE;
	IF NOT FOUND THEN
		RETURN;
	END IF;

	IF p_mode = 'anonymise' THEN
		UPDATE posts SET author_id = -1 WHERE author_id = p_user;
		UPDATE comments SET author_id = -1 WHERE author_id = p_user;
		UPDATE photos SET owner_id = -1 WHERE owner_id = p_user;
		UPDATE photo_comments SET author_id = -1
		 WHERE author_id = p_user;
		UPDATE chat_messages SET author_id = -1
		 WHERE author_id = p_user;
		UPDATE media_files SET user_id = NULL
		 WHERE user_id = p_user AND id IS DISTINCT FROM u.avatar_media_id;
	ELSE
		-- The photos' images go with them; blog images that no post
		-- names any more are the blog images sweep's.
		WITH p AS (
			DELETE FROM photos WHERE owner_id = p_user
			RETURNING media_id
		)
		UPDATE media_files SET withdrawn = true
		 WHERE id IN (SELECT media_id FROM p);
		DELETE FROM posts WHERE author_id = p_user;
		-- Others' replies to their comments stay, as comments.
		UPDATE comments SET parent_id = NULL
		 WHERE author_id <> p_user AND parent_id IN (
		     SELECT id FROM comments WHERE author_id = p_user);
		DELETE FROM comments WHERE author_id = p_user;
		DELETE FROM photo_comments WHERE author_id = p_user;
		DELETE FROM chat_messages WHERE author_id = p_user;
	END IF;

	-- The placeholder takes their place in direct conversations, so
	-- the other side keeps the room (unless it is already there).
	UPDATE chat_members m SET user_id = -1
	 WHERE m.user_id = p_user AND NOT EXISTS (SELECT 1 FROM chat_members x
	     WHERE x.room_id = m.room_id AND x.user_id = -1);

	UPDATE media_files SET withdrawn = true
	 WHERE id = u.avatar_media_id
	    OR (user_id = p_user AND p_mode = 'delete'
	        AND NOT EXISTS (SELECT 1 FROM photos f
	            WHERE f.media_id = media_files.id));
	SELECT array_agg(DISTINCT sha256) INTO shas FROM media_files
	 WHERE withdrawn AND (id = u.avatar_media_id OR user_id = p_user);
	UPDATE users SET avatar_media_id = NULL WHERE id = p_user;
	DELETE FROM media_files
	 WHERE withdrawn AND user_id = p_user
	   AND NOT EXISTS (SELECT 1 FROM photos f WHERE f.media_id = media_files.id);

	INSERT INTO username_holds (username, until)
	VALUES (u.username, now() + p_hold)
	ON CONFLICT (username) DO UPDATE SET until = EXCLUDED.until;

	DELETE FROM users WHERE id = p_user;

	RETURN QUERY
	WITH j AS (
		INSERT INTO job_outbox (type, queue, args, request_id)
		SELECT 'media_purge', 'default',
		       jsonb_build_object('sha256', s), p_request
		  FROM unnest(coalesce(shas, '{}')) AS s
		RETURNING *
	)
	SELECT * FROM j;
END $$;

-- What a data export holds of user p_user, as one JSON document: their
-- profile, posts (with revisions), comments, photos, the chat messages
-- they wrote (never the other side's) and their follows.  The photos'
-- files are named photos/<id>.<format> in the archive.
CREATE FUNCTION export_document(p_user bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
SELECT jsonb_build_object(
  'format', 'agora-export-1',
  'exported_at', now(),
  'profile', (SELECT jsonb_build_object('id', u.id, 'username', u.username,
      'email', u.email, 'display_name', u.display_name, 'bio', u.bio,
      'website', u.website, 'created_at', u.created_at)
    FROM users u WHERE u.id = p_user),
  'posts', coalesce((SELECT jsonb_agg(jsonb_build_object('id', p.id,
      'title', p.title, 'slug', p.slug, 'body', p.body,
      'status', p.status, 'tags', to_jsonb(p.tags),
      'created_at', p.created_at, 'updated_at', p.updated_at,
      'revisions', coalesce((SELECT jsonb_agg(jsonb_build_object(
          'id', r.id, 'title', r.title, 'body', r.body,
          'created_at', r.created_at) ORDER BY r.id)
        FROM post_revisions r WHERE r.post_id = p.id), '[]'))
      ORDER BY p.id)
    FROM posts p WHERE p.author_id = p_user), '[]'),
  'comments', coalesce((SELECT jsonb_agg(jsonb_build_object('id', c.id,
      'post_id', c.post_id, 'parent_id', c.parent_id, 'body', c.body,
      'created_at', c.created_at) ORDER BY c.id)
    FROM comments c WHERE c.author_id = p_user), '[]'),
  'photo_comments', coalesce((SELECT jsonb_agg(jsonb_build_object(
      'id', c.id, 'photo_id', c.photo_id, 'body', c.body,
      'created_at', c.created_at) ORDER BY c.id)
    FROM photo_comments c WHERE c.author_id = p_user), '[]'),
  'photos', coalesce((SELECT jsonb_agg(jsonb_build_object('id', p.id,
      'caption', p.caption, 'alt_text', p.alt_text,
      'created_at', p.created_at,
      'file', 'photos/' || p.id || '.' ||
          CASE m.format WHEN 'jpeg' THEN 'jpg' ELSE m.format END)
      ORDER BY p.id)
    FROM photos p JOIN media_files m ON m.id = p.media_id
   WHERE p.owner_id = p_user), '[]'),
  'chat_messages', coalesce((SELECT jsonb_agg(jsonb_build_object(
      'id', m.id, 'room_id', m.room_id, 'room_kind', r.kind,
      'room', CASE WHEN r.kind = 'public' THEN r.name ELSE
          (SELECT o.username FROM chat_members x JOIN users o
              ON o.id = x.user_id
            WHERE x.room_id = r.id AND x.user_id <> p_user LIMIT 1) END,
      'body', m.body, 'created_at', m.created_at,
      'edited_at', m.edited_at) ORDER BY m.id)
    FROM chat_messages m JOIN chat_rooms r ON r.id = m.room_id
   WHERE m.author_id = p_user AND NOT m.deleted), '[]'),
  'following', coalesce((SELECT jsonb_agg(u.username ORDER BY u.username)
    FROM follows f JOIN users u ON u.id = f.followee_id
   WHERE f.follower_id = p_user), '[]'),
  'followers', coalesce((SELECT jsonb_agg(u.username ORDER BY u.username)
    FROM follows f JOIN users u ON u.id = f.follower_id
   WHERE f.followee_id = p_user), '[]'))
$$;
