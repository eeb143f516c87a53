-- Lists show posts by when they were published, not when their first
-- draft was saved; and every item that enters the moderation queue, by
-- review, by the moderate job or by a report, carries a preview.

-- published_at: the first approval (a post inserted already approved is
-- published when it is created).  listed_at orders every list: the
-- publication time of published posts, the creation time of the others.
ALTER TABLE posts
	ADD COLUMN published_at timestamptz,
	ADD COLUMN listed_at timestamptz
	    GENERATED ALWAYS AS (coalesce(published_at, created_at)) STORED;

UPDATE posts SET published_at = created_at WHERE status = 'approved';

CREATE FUNCTION posts_published() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.status = 'approved' AND NEW.published_at IS NULL THEN
		NEW.published_at := CASE TG_OP WHEN 'INSERT'
		    THEN NEW.created_at ELSE now() END;
	END IF;
	RETURN NEW;
END $$;

CREATE TRIGGER posts_published BEFORE INSERT OR UPDATE OF status ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_published();

DROP INDEX posts_status_created_idx;
DROP INDEX posts_author_idx;
CREATE INDEX posts_status_listed_idx ON posts (status, listed_at DESC, id DESC);
CREATE INDEX posts_author_idx ON posts (author_id, listed_at DESC, id DESC);

-- Previews: an app may define moderation_preview_K(item) returning the
-- item's author, a title, a text and a link; moderation_flag() fills the
-- queue row from it when the row has none.
CREATE OR REPLACE FUNCTION moderation_flag(p_kind text, p_item bigint,
    p_reason text, p_source text, p_reporter bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	qid	bigint;
	pv	record;
BEGIN
	INSERT INTO moderation_queue (kind, item_id, reason, source,
	    reporter_id)
	VALUES (p_kind, p_item, left(p_reason, 1000), p_source, p_reporter)
	ON CONFLICT (kind, item_id) WHERE decided_at IS NULL
	DO UPDATE SET reason = left(moderation_queue.reason || ' ' ||
	    EXCLUDED.reason, 1000)
	RETURNING id INTO qid;
	IF to_regproc('moderation_preview_' || p_kind) IS NOT NULL THEN
		EXECUTE format('SELECT * FROM %I($1)',
		    'moderation_preview_' || p_kind) INTO pv USING p_item;
		UPDATE moderation_queue
		   SET author_id = coalesce(author_id, pv.author_id),
		       preview_title = coalesce(preview_title, pv.title),
		       preview_body = coalesce(preview_body, pv.body),
		       link = coalesce(link, pv.link)
		 WHERE id = qid;
	END IF;
	IF to_regproc('moderation_flagged_' || p_kind) IS NOT NULL THEN
		EXECUTE format('SELECT %I($1)', 'moderation_flagged_' || p_kind)
		  USING p_item;
	END IF;
	RETURN qid;
END $$;

CREATE FUNCTION moderation_preview_post(p_item bigint,
    OUT author_id bigint, OUT title text, OUT body text, OUT link text)
LANGUAGE sql STABLE AS $$
	SELECT p.author_id, p.title, left(p.body, 500), '/blog/' || p.id
	  FROM posts p WHERE p.id = p_item
$$;

CREATE FUNCTION moderation_preview_comment(p_item bigint,
    OUT author_id bigint, OUT title text, OUT body text, OUT link text)
LANGUAGE sql STABLE AS $$
	SELECT c.author_id, 'Comment on “' || p.title || '”',
	       left(c.body, 500),
	       '/blog/' || p.id || '-' || p.slug || '#c' || c.id
	  FROM comments c JOIN posts p ON p.id = c.post_id
	 WHERE c.id = p_item
$$;

-- Queue rows flagged before previews existed.
UPDATE moderation_queue q
   SET author_id = pv.author_id, preview_title = pv.title,
       preview_body = pv.body, link = pv.link
  FROM comments c, LATERAL moderation_preview_comment(c.id) pv
 WHERE q.kind = 'comment' AND q.item_id = c.id AND q.preview_body IS NULL;
