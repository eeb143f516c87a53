-- Keep each post's count of visible comments on the post itself, so the
-- blog index reads one column instead of counting per post per request.

ALTER TABLE posts ADD COLUMN comment_count integer NOT NULL DEFAULT 0;

CREATE FUNCTION posts_count_comments() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		UPDATE posts SET comment_count = (SELECT count(*) FROM comments
		    WHERE post_id = NEW.post_id AND NOT hidden)
		 WHERE id = NEW.post_id;
	END IF;
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		UPDATE posts SET comment_count = (SELECT count(*) FROM comments
		    WHERE post_id = OLD.post_id AND NOT hidden)
		 WHERE id = OLD.post_id AND (TG_OP = 'DELETE' OR
		       OLD.post_id <> NEW.post_id);
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER comments_count AFTER INSERT OR DELETE OR UPDATE OF hidden,
    post_id ON comments FOR EACH ROW EXECUTE FUNCTION posts_count_comments();

UPDATE posts p SET comment_count = (SELECT count(*) FROM comments c
    WHERE c.post_id = p.id AND NOT c.hidden);
