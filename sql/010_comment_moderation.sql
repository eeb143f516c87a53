-- The blog's and the photos' comments are moderated alike: a decision
-- sets the comment's hidden flag and a rejection tells its author.  That
-- second half is written once here, and the two apps' functions are
-- redefined on top of it with only their table and link of their own.

-- After a decision on a comment by `p_author` shown at `p_path`: nothing
-- for an approval, the item_rejected email for a rejection.  The jobs
-- enqueued, as moderation_apply_* return them.
CREATE FUNCTION moderation_comment_decided(p_author bigint, p_path text,
    p_decision text, p_reason text, p_rid text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	u	users;
BEGIN
	IF p_decision = 'approved' THEN
		RETURN '[]'::json;
	END IF;
	SELECT * INTO u FROM users WHERE id = p_author;
	RETURN json_build_array(enqueue_job('email', 'critical',
	    jsonb_build_object('template', 'item_rejected', 'to', u.email,
		'username', u.username, 'what', 'comment',
		'reason', coalesce(p_reason, ''),
		'path', p_path),
	    p_rid));
END $$;

CREATE OR REPLACE FUNCTION moderation_apply_comment(p_item bigint,
    p_decision text, p_reason text, p_rid text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	c	comments;
BEGIN
	UPDATE comments SET hidden = (p_decision <> 'approved')
	 WHERE id = p_item RETURNING * INTO c;
	IF NOT FOUND THEN
		RETURN '[]'::json;
	END IF;
	RETURN moderation_comment_decided(c.author_id, '/blog/' || c.post_id,
	    p_decision, p_reason, p_rid);
END $$;

CREATE OR REPLACE FUNCTION moderation_apply_photo_comment(p_item bigint,
    p_decision text, p_reason text, p_rid text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	c	photo_comments;
BEGIN
	UPDATE photo_comments SET hidden = (p_decision <> 'approved')
	 WHERE id = p_item RETURNING * INTO c;
	IF NOT FOUND THEN
		RETURN '[]'::json;
	END IF;
	RETURN moderation_comment_decided(c.author_id,
	    '/photos/' || c.photo_id, p_decision, p_reason, p_rid);
END $$;
