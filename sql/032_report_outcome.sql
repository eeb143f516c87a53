-- A report's outcome reaches whoever made it: when an admin decides an
-- item of the queue, everyone who reported it (moderation_reports,
-- sql/026_trust_audit.sql) gets a "report" notification saying what
-- became of it, in the inbox and live, never by email (like a decision
-- on one's own item, it is no choice).  Not to the admin who decided,
-- nor to the item's author (they get the decision itself), nor to a
-- reporter who is gone.  Removed with the queue row.

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
	CHECK (kind IN ('comment', 'reply', 'mention', 'dm', 'like',
	    'moderation', 'follow', 'tag', 'report'));

CREATE FUNCTION notify_reported() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO notifications (user_id, actor_id, kind, app, queue_id,
	    decision, subject, link)
	SELECT DISTINCT r.reporter_id, NULL::bigint, 'report',
	       CASE moderation_app(NEW.kind) WHEN 'blog' THEN 'blog'
	       WHEN 'chat' THEN 'chat' ELSE 'photos' END,
	       NEW.id, NEW.decision,
	       left(coalesce((moderation_label(NEW.kind, NEW.item_id)).label,
	       'an item'), 200),
	       CASE WHEN NEW.decision = 'approved' AND NEW.link ~ '^/[^/]'
	       THEN NEW.link ELSE '/notifications' END
	  FROM moderation_reports r
	 WHERE r.queue_id = NEW.id AND r.reporter_id IS NOT NULL
	   AND r.reporter_id IS DISTINCT FROM NEW.decided_by
	   AND r.reporter_id IS DISTINCT FROM NEW.author_id;
	RETURN NULL;
END $$;

CREATE TRIGGER moderation_queue_reported AFTER UPDATE OF decided_at
    ON moderation_queue
    FOR EACH ROW WHEN (OLD.decided_at IS NULL AND NEW.decided_at IS NOT NULL)
    EXECUTE FUNCTION notify_reported();

-- As sql/015_notifications.sql's, with the reporters told of the
-- decision, so the admin's answer is live for them too.
CREATE OR REPLACE FUNCTION notify_recipients(p_kind text, p_item bigint)
RETURNS bigint[]
LANGUAGE sql VOLATILE AS $$
	SELECT coalesce(array_agg(DISTINCT n.user_id), '{}')
	  FROM notifications n
	 WHERE n.created_at = now() AND (CASE p_kind
		WHEN 'post' THEN n.post_id = p_item
		WHEN 'comment' THEN n.comment_id = p_item
		WHEN 'photo' THEN n.photo_id = p_item
		WHEN 'photo_comment' THEN n.photo_comment_id = p_item
		WHEN 'chat_message' THEN n.message_id = p_item
		ELSE false END
	    OR (n.kind = 'report' AND n.queue_id IN (SELECT q.id
		FROM moderation_queue q
		WHERE q.kind = p_kind AND q.item_id = p_item)))
$$;
