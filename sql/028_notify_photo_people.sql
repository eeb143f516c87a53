-- Photos tell the people they name: a tag of you on a photo and an
-- @mention in a caption are notifications like the others, in the
-- inbox, live, and mailed by preference through notify_email_due()
-- (batched, not when read), instead of an email of their own.
--
-- A tag is made by the photo's owner, when the photo is already out; it
-- names nobody's words, so its email is not held.  A caption's mention
-- is made with the photo, before the moderate job read the caption, so
-- its email waits with the photo's held jobs (moderation_held_jobs,
-- kind 'photo') until that job clears it.  A photo hidden by moderation
-- loses both; approved, it gets them again.  Untagging or deleting the
-- photo removes them (foreign keys).

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
	CHECK (kind IN ('comment', 'reply', 'mention', 'dm', 'like',
	    'moderation', 'follow', 'tag'));
ALTER TABLE notification_prefs DROP CONSTRAINT notification_prefs_kind_check;
ALTER TABLE notification_prefs ADD CONSTRAINT notification_prefs_kind_check
	CHECK (kind IN ('comment', 'reply', 'mention', 'dm', 'like', 'follow',
	    'tag'));

ALTER TABLE notifications ADD COLUMN tag_photo_id bigint;
ALTER TABLE notifications ADD CONSTRAINT notifications_tag_fkey
	FOREIGN KEY (tag_photo_id, user_id)
	REFERENCES photo_people (photo_id, user_id) ON DELETE CASCADE;
CREATE INDEX notifications_tag_idx ON notifications (tag_photo_id, user_id)
	WHERE tag_photo_id IS NOT NULL;

-- Defaults: comments, mentions, direct messages and tags of you by
-- email, the rest in the site.
CREATE OR REPLACE FUNCTION notify_channel(p_user bigint, p_kind text)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT coalesce((SELECT channel FROM notification_prefs
	    WHERE user_id = p_user AND kind = p_kind),
	    CASE WHEN p_kind IN ('comment', 'mention', 'dm', 'tag')
	    THEN 'email' ELSE 'site' END)
$$;

-- `p_actor`, the photo's owner, tagged `p_user` on photo `p_photo`
-- (the photo_people row exists).  The recipients.
CREATE FUNCTION notify_tag(p_photo bigint, p_user bigint, p_actor bigint)
RETURNS SETOF bigint
LANGUAGE sql AS $$
	INSERT INTO notifications (user_id, actor_id, kind, app, photo_id,
	    tag_photo_id, subject, excerpt, link)
	SELECT u.id, p_actor, 'tag', 'photos', p.id, p.id, 'a photo',
	       left(p.caption, 300), '/photos/' || p.id
	  FROM photos p, users u
	 WHERE p.id = p_photo AND u.id = p_user AND u.id <> p_actor
	   AND NOT u.banned AND NOT p.hidden
	   AND notify_channel(u.id, 'tag') <> 'off'
	RETURNING user_id
$$;

-- The people a caption @mentions: `p_owner` posted photo `p_photo` (it
-- may be inserted by the same statement) with `p_caption`.  The
-- recipients.
CREATE FUNCTION notify_caption(p_photo bigint, p_owner bigint,
    p_caption text) RETURNS SETOF bigint
LANGUAGE sql AS $$
	INSERT INTO notifications (user_id, actor_id, kind, app, photo_id,
	    subject, excerpt, link)
	SELECT m.id, p_owner, 'mention', 'photos', p_photo, 'a photo caption',
	       left(p_caption, 300), '/photos/' || p_photo
	  FROM notify_mentioned(p_caption) AS m(id)
	 WHERE m.id <> p_owner AND notify_channel(m.id, 'mention') <> 'off'
	RETURNING user_id
$$;

-- The caption's mention waits for the moderate job as the caption does.
CREATE OR REPLACE FUNCTION notify_email_queue() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	args	jsonb := jsonb_build_object('notification', NEW.id);
BEGIN
	IF NEW.kind = 'moderation' OR
	    notify_channel(NEW.user_id, NEW.kind) <> 'email' THEN
		RETURN NULL;
	END IF;
	IF NEW.comment_id IS NOT NULL THEN
		INSERT INTO moderation_held_jobs (kind, item_id, type, queue,
		    args)
		VALUES ('comment', NEW.comment_id, 'notify_email', 'default',
		    args);
	ELSIF NEW.photo_comment_id IS NOT NULL THEN
		INSERT INTO moderation_held_jobs (kind, item_id, type, queue,
		    args)
		VALUES ('photo_comment', NEW.photo_comment_id, 'notify_email',
		    'default', args);
	ELSIF NEW.kind = 'mention' AND NEW.app = 'photos' AND
	    NEW.photo_id IS NOT NULL AND NOT EXISTS (SELECT 1
	    FROM photos p WHERE p.id = NEW.photo_id AND p.caption_cleared) THEN
		INSERT INTO moderation_held_jobs (kind, item_id, type, queue,
		    args)
		VALUES ('photo', NEW.photo_id, 'notify_email', 'default', args);
	ELSE
		INSERT INTO job_outbox (type, queue, args)
		VALUES ('notify_email', 'default', args);
	END IF;
	RETURN NULL;
END $$;

-- Whether the moderate job (or an admin) has let the photo's caption
-- out: its held jobs went to the outbox.  Set by moderation_release().
ALTER TABLE photos ADD COLUMN caption_cleared boolean NOT NULL DEFAULT false;
UPDATE photos SET caption_cleared = true
 WHERE NOT EXISTS (SELECT 1 FROM moderation_held_jobs h
    WHERE h.kind = 'photo' AND h.item_id = photos.id);

CREATE OR REPLACE FUNCTION moderation_release(p_kind text, p_item bigint)
RETURNS SETOF job_outbox
LANGUAGE sql AS $$
	WITH c AS (
		UPDATE photos SET caption_cleared = true
		 WHERE p_kind = 'photo' AND id = p_item AND NOT caption_cleared
	), h AS (
		DELETE FROM moderation_held_jobs
		 WHERE kind = p_kind AND item_id = p_item RETURNING *
	)
	INSERT INTO job_outbox (type, queue, args, request_id)
	SELECT type, queue, args, request_id FROM h ORDER BY id
	RETURNING *
$$;

CREATE OR REPLACE FUNCTION notify_held(n notifications) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM moderation_held_jobs h
	    WHERE (h.kind = 'comment' AND h.item_id = n.comment_id)
	       OR (h.kind = 'photo_comment' AND h.item_id = n.photo_comment_id)
	       OR (h.kind = 'photo' AND h.item_id = n.photo_id AND
		   n.kind = 'mention' AND n.photo_comment_id IS NULL AND
		   h.type = 'notify_email'))
$$;

-- A photo hidden by moderation names nobody; approved, it does again.
CREATE FUNCTION notify_photo_hidden() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.hidden = OLD.hidden THEN
		RETURN NULL;
	END IF;
	IF NEW.hidden THEN
		DELETE FROM notifications WHERE photo_id = NEW.id
		   AND kind IN ('tag', 'mention') AND photo_comment_id IS NULL;
	ELSE
		PERFORM notify_caption(NEW.id, NEW.owner_id, NEW.caption);
		PERFORM notify_tag(NEW.id, pp.user_id, NEW.owner_id)
		   FROM photo_people pp WHERE pp.photo_id = NEW.id;
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER photos_notify AFTER UPDATE OF hidden ON photos
    FOR EACH ROW EXECUTE FUNCTION notify_photo_hidden();

-- The words of an email line and of a subject, and the footer's reason.
CREATE OR REPLACE FUNCTION notify_email_item(p_actor bigint, p_kind text,
    p_subject text, p_excerpt text, p_link text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'who', coalesce((SELECT username FROM users WHERE id = p_actor),
		'Agora'),
	    'what', CASE p_kind
		WHEN 'comment' THEN 'commented on “' || p_subject || '”'
		WHEN 'reply' THEN 'replied to your comment on “' ||
		    p_subject || '”'
		WHEN 'mention' THEN 'mentioned you' || CASE
		    WHEN p_subject <> '' THEN ' in ' || p_subject ELSE '' END
		WHEN 'dm' THEN 'sent you a direct message'
		WHEN 'like' THEN 'liked ' || p_subject
		WHEN 'tag' THEN 'tagged you in a photo'
		WHEN 'follow' THEN 'started following you'
		ELSE p_subject END,
	    'excerpt', p_excerpt,
	    'path', p_link)
$$;

CREATE FUNCTION notify_email_subject(p_kind text, p_count int, p_who text,
    p_subject text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT left(CASE
	    WHEN p_count = 1 AND p_kind = 'comment' THEN
		p_who || ' commented on "' || p_subject || '"'
	    WHEN p_count = 1 AND p_kind = 'mention' THEN
		p_who || ' mentioned you' || CASE WHEN p_subject <> ''
		THEN ' in ' || p_subject ELSE '' END
	    WHEN p_count = 1 AND p_kind = 'dm' THEN
		p_who || ' sent you a direct message'
	    WHEN p_count = 1 AND p_kind = 'tag' THEN
		p_who || ' tagged you in a photo'
	    WHEN p_count = 1 THEN p_who || ' liked ' || p_subject
	    WHEN p_kind = 'dm' THEN p_count || ' new direct messages'
	    WHEN p_kind = 'comment' THEN
		p_count || ' new comments on "' || p_subject || '"'
	    WHEN p_kind = 'mention' THEN p_count || ' new mentions of you'
	    WHEN p_kind = 'tag' THEN p_count || ' new tags of you in photos'
	    ELSE p_count || ' new likes of ' || p_subject END, 200)
$$;

CREATE OR REPLACE FUNCTION notify_kind_label(p_kind text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE p_kind
	    WHEN 'comment' THEN 'comments on your posts and photos'
	    WHEN 'mention' THEN 'mentions of you'
	    WHEN 'dm' THEN 'direct messages'
	    WHEN 'like' THEN 'likes of your photos'
	    WHEN 'tag' THEN 'tags of you in photos'
	    ELSE 'notifications' END
$$;

-- As sql/018_notify_email.sql's, the subject from notify_email_subject().
CREATE OR REPLACE FUNCTION notify_email_due(p_id bigint, p_delay int)
RETURNS SETOF job_outbox
LANGUAGE plpgsql AS $$
DECLARE
	n	notifications;
	th	text;
	last	timestamptz;
	due	timestamptz;
	items	jsonb;
	cnt	int;
	who	text;
	subj	text;
BEGIN
	SELECT * INTO n FROM notifications WHERE id = p_id;
	IF NOT FOUND OR n.kind = 'moderation' THEN
		RETURN;
	END IF;
	th := notify_thread(n);
	-- One decision at a time per user and thread.
	PERFORM pg_advisory_xact_lock(hashtextextended(
	    'notify:' || n.user_id || ':' || th, 0));
	SELECT * INTO n FROM notifications WHERE id = p_id;
	IF NOT FOUND OR n.read_at IS NOT NULL OR n.emailed_at IS NOT NULL OR
	    notify_channel(n.user_id, n.kind) <> 'email' THEN
		RETURN;
	END IF;

	-- An email longer ago than the delay cannot hold this one back.
	SELECT max(x.emailed_at) INTO last FROM notifications x
	 WHERE x.user_id = n.user_id
	   AND x.emailed_at > now() - make_interval(secs => p_delay)
	   AND notify_thread(x) = th;
	due := greatest(n.created_at, coalesce(last, '-infinity')) +
	    make_interval(secs => p_delay);
	IF due > now() THEN
		RETURN QUERY INSERT INTO job_outbox (type, queue, args, run_at)
		    VALUES ('notify_email', 'default',
		    jsonb_build_object('notification', p_id), due)
		    RETURNING *;
		RETURN;
	END IF;

	WITH b AS (
		UPDATE notifications x SET emailed_at = now()
		 WHERE x.user_id = n.user_id AND x.read_at IS NULL
		   AND x.emailed_at IS NULL AND x.kind = n.kind
		   AND x.created_at <= now() AND notify_thread(x) = th
		   AND NOT notify_held(x)
		RETURNING x.*
	)
	SELECT jsonb_agg(notify_email_item(b.actor_id, b.kind, b.subject,
	       b.excerpt, b.link) ORDER BY b.created_at, b.id), count(*)
	  INTO items, cnt FROM b;
	IF cnt = 0 THEN
		RETURN;
	END IF;
	who := coalesce((SELECT username FROM users WHERE id = n.actor_id),
	    'Someone');

	subj := notify_email_subject(n.kind, cnt, who, n.subject);

	RETURN QUERY INSERT INTO job_outbox (type, queue, args)
	SELECT 'email', 'default', jsonb_build_object('template', 'notify',
	    'to', u.email, 'username', u.username, 'user_id', u.id,
	    'subject', subj, 'items', items, 'count', cnt::text,
	    'unsubscribe', n.kind, 'reason', notify_kind_label(n.kind),
	    'path', n.link)
	  FROM users u WHERE u.id = n.user_id AND NOT u.banned
	RETURNING *;
END $$;

-- As sql/018_notify_email.sql's, with tags.
CREATE OR REPLACE FUNCTION notify_unsubscribe(p_user bigint, p_kind text)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	cnt	int;
BEGIN
	WITH k AS (
		SELECT unnest(ARRAY['comment', 'mention', 'dm', 'like',
		    'tag']) AS kind
	), w AS (
		SELECT u.id, k.kind FROM users u, k
		 WHERE u.id = p_user AND CASE p_kind
		     WHEN 'digest' THEN notify_channel(u.id, k.kind) = 'digest'
		     ELSE k.kind = p_kind AND
			 notify_channel(u.id, k.kind) IN ('email', 'digest')
		     END
	), i AS (
		INSERT INTO notification_prefs (user_id, kind, channel)
		SELECT id, kind, 'site' FROM w
		ON CONFLICT (user_id, kind) DO UPDATE SET channel = 'site'
		RETURNING 1
	)
	SELECT count(*) INTO cnt FROM i;
	RETURN cnt;
END $$;
