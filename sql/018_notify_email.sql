-- Notification email by preference: each kind in the site, by email
-- (if still unread a few minutes later, at most one email per
-- conversation or item within that time), in a daily digest of what is
-- unread, or off.
--
-- A notification whose channel is email queues a notify_email job with
-- it (the trigger below): in the outbox, or, when it quotes a comment,
-- held with the comment's other jobs until moderation clears it
-- (sql/009_held_notifications.sql).  The job (workers/job_notify.c)
-- calls notify_email_due(), which waits until the notification is old
-- enough and the last email of its thread far enough back, then mails
-- in one email every notification of the thread still unread and not
-- yet mailed, or nothing at all when it was read meanwhile.  The digest
-- (notify_digest_due) gathers per user what is unread in the kinds set
-- to digest.  The emails are email jobs in the outbox, so they leave
-- once and only if the statement commits.

ALTER TABLE notification_prefs
	DROP CONSTRAINT notification_prefs_check,
	DROP CONSTRAINT notification_prefs_channel_check,
	ADD CONSTRAINT notification_prefs_channel_check
	    CHECK (channel IN ('site', 'email', 'digest', 'off'));

-- The digest is read from the users who chose it.
CREATE INDEX notification_prefs_digest_idx ON notification_prefs (user_id)
	WHERE channel = 'digest';

ALTER TABLE notifications
	ADD COLUMN emailed_at timestamptz,
	ADD COLUMN digested_at timestamptz;

-- Defaults: comments, mentions and direct messages by email, likes in
-- the site.
CREATE OR REPLACE FUNCTION notify_channel(p_user bigint, p_kind text)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT coalesce((SELECT channel FROM notification_prefs
	    WHERE user_id = p_user AND kind = p_kind),
	    CASE WHEN p_kind IN ('comment', 'mention', 'dm') THEN 'email'
	    ELSE 'site' END)
$$;

-- What one email may gather: notifications of one kind about one
-- conversation (a room) or one item (a post, a photo).
CREATE FUNCTION notify_thread(n notifications) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT n.kind || ':' || CASE
	    WHEN n.room_id IS NOT NULL THEN 'room:' || n.room_id
	    WHEN n.post_id IS NOT NULL THEN 'post:' || n.post_id
	    WHEN n.photo_id IS NOT NULL THEN 'photo:' || n.photo_id
	    ELSE 'n:' || n.id END
$$;

-- When the user's last email about a thread went.
CREATE INDEX notifications_emailed_idx ON notifications (user_id, emailed_at)
	WHERE emailed_at IS NOT NULL;

CREATE FUNCTION notify_email_queue() RETURNS trigger
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
	ELSE
		INSERT INTO job_outbox (type, queue, args)
		VALUES ('notify_email', 'default', args);
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER notifications_email AFTER INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION notify_email_queue();

-- A notification as one line of an email: who, what, the words, where.
CREATE FUNCTION notify_email_item(p_actor bigint, p_kind text,
    p_subject text, p_excerpt text, p_link text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'who', coalesce((SELECT username FROM users WHERE id = p_actor),
		'Agora'),
	    'what', CASE p_kind
		WHEN 'comment' THEN 'commented on “' || p_subject || '”'
		WHEN 'mention' THEN 'mentioned you' || CASE
		    WHEN p_subject <> '' THEN ' in ' || p_subject ELSE '' END
		WHEN 'dm' THEN 'sent you a direct message'
		WHEN 'like' THEN 'liked ' || p_subject
		ELSE p_subject END,
	    'excerpt', p_excerpt,
	    'path', p_link)
$$;

-- The reason an email of kind `p_kind` was sent, for its footer.
CREATE FUNCTION notify_kind_label(p_kind text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE p_kind
	    WHEN 'comment' THEN 'comments on your posts and photos'
	    WHEN 'mention' THEN 'mentions of you'
	    WHEN 'dm' THEN 'direct messages'
	    WHEN 'like' THEN 'likes of your photos'
	    ELSE 'notifications' END
$$;

-- Whether a notification quotes a comment that moderation still holds
-- (its jobs wait in moderation_held_jobs): not to be mailed yet.
CREATE FUNCTION notify_held(n notifications) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM moderation_held_jobs h
	    WHERE (h.kind = 'comment' AND h.item_id = n.comment_id)
	       OR (h.kind = 'photo_comment' AND h.item_id = n.photo_comment_id))
$$;

-- The notify_email job of notification `p_id`, `p_delay` seconds being
-- "a few minutes".  Returns the outbox rows it made: the same job again
-- for later (too early), an email job, or none (read, mailed with
-- another, its kind no longer mailed, gone).
CREATE FUNCTION notify_email_due(p_id bigint, p_delay int)
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

	subj := CASE
	    WHEN cnt = 1 AND n.kind = 'comment' THEN
		who || ' commented on "' || n.subject || '"'
	    WHEN cnt = 1 AND n.kind = 'mention' THEN
		who || ' mentioned you' || CASE WHEN n.subject <> ''
		THEN ' in ' || n.subject ELSE '' END
	    WHEN cnt = 1 AND n.kind = 'dm' THEN
		who || ' sent you a direct message'
	    WHEN cnt = 1 THEN who || ' liked ' || n.subject
	    WHEN n.kind = 'dm' THEN cnt || ' new direct messages'
	    WHEN n.kind = 'comment' THEN
		cnt || ' new comments on "' || n.subject || '"'
	    WHEN n.kind = 'mention' THEN cnt || ' new mentions of you'
	    ELSE cnt || ' new likes of ' || n.subject END;

	RETURN QUERY INSERT INTO job_outbox (type, queue, args)
	SELECT 'email', 'default', jsonb_build_object('template', 'notify',
	    'to', u.email, 'username', u.username, 'user_id', u.id,
	    'subject', left(subj, 200), 'items', items, 'count', cnt::text,
	    'unsubscribe', n.kind, 'reason', notify_kind_label(n.kind),
	    'path', n.link)
	  FROM users u WHERE u.id = n.user_id AND NOT u.banned
	RETURNING *;
END $$;

-- The digests due: for each user with a kind set to digest, what is
-- unread of those kinds, made before `p_before` and in no digest yet,
-- in one email (at most the 50 newest listed, all counted).  Rows
-- another run is mailing are skipped.
CREATE FUNCTION notify_digest_due(p_before timestamptz)
RETURNS SETOF job_outbox
LANGUAGE sql AS $$
	WITH c AS (
		UPDATE notifications n SET digested_at = now()
		  FROM notification_prefs p
		 WHERE p.channel = 'digest' AND n.user_id = p.user_id
		   AND n.kind = p.kind AND n.read_at IS NULL
		   AND n.digested_at IS NULL AND n.created_at < p_before
		   AND NOT notify_held(n)
		RETURNING n.*
	), r AS (
		SELECT c.*, row_number() OVER (PARTITION BY c.user_id
		    ORDER BY c.created_at DESC, c.id DESC) AS nr
		  FROM c
	), g AS (
		SELECT user_id, count(*) AS cnt,
		       jsonb_agg(notify_email_item(actor_id, kind, subject,
			   excerpt, link) ORDER BY created_at DESC, id DESC)
			   FILTER (WHERE nr <= 50) AS items
		  FROM r GROUP BY user_id
	)
	INSERT INTO job_outbox (type, queue, args)
	SELECT 'email', 'default', jsonb_build_object('template', 'digest',
	    'to', u.email, 'username', u.username, 'user_id', u.id,
	    'subject', 'Your Agora digest: ' || g.cnt || ' unread',
	    'items', g.items, 'count', g.cnt::text,
	    'more', CASE WHEN g.cnt > 50 THEN (g.cnt - 50)::text ELSE '' END,
	    'unsubscribe', 'digest',
	    'reason', 'a daily digest of what is unread',
	    'path', '/notifications?unread=1')
	  FROM g JOIN users u ON u.id = g.user_id WHERE NOT u.banned
	RETURNING *
$$;

-- The one-click unsubscribe: user `p_user` wants no more email of kind
-- `p_kind` ('digest': none of the kinds in the digest).  The kinds it
-- changes to the site only; the count of them.
CREATE FUNCTION notify_unsubscribe(p_user bigint, p_kind text)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	cnt	int;
BEGIN
	WITH k AS (
		SELECT unnest(ARRAY['comment', 'mention', 'dm', 'like']) AS kind
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
