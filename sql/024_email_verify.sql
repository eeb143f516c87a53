-- Verified email addresses, and changing one's address.
--
-- An account's address is verified when its owner opened a link mailed
-- to it: the welcome mail's, a resent one, or the confirmation of a new
-- address.  Accounts made before this migration count as verified.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
UPDATE users SET email_verified_at = created_at;

-- One mailed link each: 'verify' (the account's own address, 48 hours)
-- or 'change' (a new address, 24 hours; the account's address becomes
-- `email` when it is used).  As with password resets the site stores
-- the request, the email job makes the token and stores its hash
-- (workers/mail_verify.c), so the link exists only in the message.  A
-- link works once; a newer link of the same kind replaces the older.
CREATE TABLE email_tokens (
	id		bigserial PRIMARY KEY,
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind		text NOT NULL CHECK (kind IN ('verify', 'change')),
	email		text NOT NULL CHECK (length(email) <= 254),
	token_hash	bytea UNIQUE CHECK (length(token_hash) = 32),
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	used_at		timestamptz
);

CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, kind);

-- require_verified_email: what an unverified account posts (photos,
-- comments) waits for a moderator, or for the address to be verified.
-- On unless an admin turned it off.
ALTER TABLE site_settings DROP CONSTRAINT site_settings_name_check;
ALTER TABLE site_settings ADD CONSTRAINT site_settings_name_check
	CHECK (name IN ('require_2fa_admins', 'require_verified_email'));

-- The reason on the queue of what waits for its author's address; a
-- verification releases the items held for that reason alone.
CREATE FUNCTION email_hold_reason() RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT 'The author has not verified their email address yet.'::text
$$;

-- Whether what user `p_user` posts now waits for a moderator because
-- their address is not verified.  Admins never wait.
CREATE FUNCTION email_hold(p_user bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT value FROM site_settings
	    WHERE name = 'require_verified_email'), true)
	   AND EXISTS (SELECT 1 FROM users WHERE id = p_user
	    AND email_verified_at IS NULL AND role <> 'admin')
$$;

-- A new photo of an unverified owner is hidden from others at once
-- (comments are hidden by moderation_flag, which also withdraws their
-- notifications), then queued for review.
CREATE FUNCTION email_hold_photo() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF email_hold(NEW.owner_id) THEN
		NEW.hidden := true;
	END IF;
	RETURN NEW;
END $$;

CREATE TRIGGER photos_email_hold BEFORE INSERT ON photos
    FOR EACH ROW EXECUTE FUNCTION email_hold_photo();

CREATE FUNCTION email_hold_queue() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	who	bigint;
BEGIN
	who := CASE TG_ARGV[0] WHEN 'photo' THEN
	    (to_jsonb(NEW) ->> 'owner_id')::bigint ELSE
	    (to_jsonb(NEW) ->> 'author_id')::bigint END;
	IF email_hold(who) THEN
		PERFORM moderation_flag(TG_ARGV[0], NEW.id, email_hold_reason(),
		    'review', NULL);
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER photos_email_queue AFTER INSERT ON photos
    FOR EACH ROW EXECUTE FUNCTION email_hold_queue('photo');
CREATE TRIGGER comments_email_queue AFTER INSERT ON comments
    FOR EACH ROW EXECUTE FUNCTION email_hold_queue('comment');
CREATE TRIGGER photo_comments_email_queue AFTER INSERT ON photo_comments
    FOR EACH ROW EXECUTE FUNCTION email_hold_queue('photo_comment');

-- The address of `p_user` is verified now: approve what waited for that
-- alone (a flag of the moderate job or a report keeps its item in the
-- queue).  The jobs the decisions enqueued, as moderation_decide
-- returns them, and the users they notified, for the site to tell.
CREATE FUNCTION email_verified_release(p_user bigint, p_rid text,
    OUT jobs json, OUT uids json)
LANGUAGE plpgsql AS $$
DECLARE
	q	moderation_queue;
	js	jsonb := '[]'::jsonb;
	us	bigint[] := '{}';
BEGIN
	FOR q IN SELECT * FROM moderation_queue
	    WHERE author_id = p_user AND decided_at IS NULL
	      AND source = 'review' AND reason = email_hold_reason()
	    ORDER BY id
	LOOP
		js := js || coalesce(moderation_decide(q.id, 'approved',
		    'The email address was verified.', NULL, p_rid)::jsonb,
		    '[]'::jsonb);
		us := us || notify_recipients(q.kind, q.item_id);
	END LOOP;
	jobs := js::json;
	uids := coalesce((SELECT json_agg(DISTINCT x) FROM unnest(us) x),
	    '[]'::json);
END $$;
