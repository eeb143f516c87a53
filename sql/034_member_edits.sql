-- A member's edit of a published post is published at once, as a
-- trusted user's is, and the moderate job reads every edit that was
-- published without review: one it flags takes the post back to review,
-- out of readers' sight, as for a member's new post (sql/026).  Admins'
-- edits are not sent to the job.  Before, a member's edit waited for an
-- admin, and a trusted user's was never read by the job.
--
-- blog_post_save (sql/019) with the editor's standing decided here:
-- `p_admin` is the editor's role.  Members and trusted users count as
-- privileged except on a post an admin rejected: that goes back to
-- review whoever edits it (before, a trusted user's resubmission
-- published it at once).
CREATE FUNCTION blog_post_update(p_post bigint, p_editor bigint,
    p_admin boolean, p_title text, p_body text, p_status text,
    p_restored bigint, p_rid text, p_tags text[], p_publish text,
    OUT id bigint, OUT slug text, OUT status text, OUT jobs json)
RETURNS SETOF record
LANGUAGE plpgsql AS $$
DECLARE
	lvl	text := user_trust(p_editor);
	was	posts;
	now_p	posts;
	priv	boolean;
	r	record;
BEGIN
	SELECT * INTO was FROM posts WHERE posts.id = p_post;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	priv := p_admin OR (lvl <> 'new' AND was.status <> 'rejected');
	FOR r IN SELECT * FROM blog_post_save(p_post, p_editor, priv,
	    p_title, p_body, p_status, p_restored, p_rid, p_tags, p_publish)
	LOOP
		id := r.id;
		slug := r.slug;
		status := r.status;
		jobs := r.jobs;
		SELECT * INTO now_p FROM posts WHERE posts.id = r.id;
		IF priv AND NOT p_admin AND now_p.status = 'approved' AND
		    now_p.live_revision IS DISTINCT FROM was.live_revision THEN
			jobs := (coalesce(jobs::jsonb, '[]'::jsonb) ||
			    jsonb_build_array(enqueue_job('moderate', 'default',
			    jsonb_build_object('kind', 'post', 'id', now_p.id,
			    'user_id', p_editor, 'text', now_p.title ||
			    E'\n\n' || blog_review_body(now_p.body,
			    now_p.tags)), p_rid)))::json;
		END IF;
		RETURN NEXT;
	END LOOP;
END $$;
