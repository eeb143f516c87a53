-- A new account's photos and comments wait for a moderator, as its
-- posts already do (sql/026): until its owner is a member, what it
-- posts is seen by others only once approved.  Admins can turn this off
-- (hold_new_accounts); then the moderate job checks them afterwards, as
-- it checks members'.  An unverified address holds first, with its own
-- reason (sql/024); verifying it moves what waited to this reason while
-- the account is still new.
ALTER TABLE site_settings DROP CONSTRAINT site_settings_name_check;
ALTER TABLE site_settings ADD CONSTRAINT site_settings_name_check
	CHECK (name IN ('require_2fa_admins', 'require_verified_email',
	    'hold_new_accounts'));

CREATE FUNCTION new_hold_reason() RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT 'New accounts'' photos and comments wait for a moderator.'::text
$$;

-- Whether what `p_user` posts now waits because the account is new.
CREATE FUNCTION new_hold(p_user bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT value FROM site_settings
	    WHERE name = 'hold_new_accounts'), true)
	   AND user_trust(p_user) = 'new'
$$;

-- Why what `p_user` posts now waits for a moderator, or NULL.
CREATE FUNCTION post_hold_reason(p_user bigint) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN email_hold(p_user) THEN email_hold_reason()
	    WHEN new_hold(p_user) THEN new_hold_reason() END
$$;

CREATE OR REPLACE FUNCTION email_hold_photo() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF post_hold_reason(NEW.owner_id) IS NOT NULL THEN
		NEW.hidden := true;
	END IF;
	RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION email_hold_queue() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	who	bigint;
	why	text;
BEGIN
	who := CASE TG_ARGV[0] WHEN 'photo' THEN
	    (to_jsonb(NEW) ->> 'owner_id')::bigint ELSE
	    (to_jsonb(NEW) ->> 'author_id')::bigint END;
	why := post_hold_reason(who);
	IF why IS NOT NULL THEN
		PERFORM moderation_flag(TG_ARGV[0], NEW.id, why, 'review',
		    NULL);
	END IF;
	RETURN NULL;
END $$;

-- As in sql/024, but while the account is still new (and the site holds
-- new accounts) what waited for the address waits for a moderator now.
CREATE OR REPLACE FUNCTION email_verified_release(p_user bigint,
    p_rid text, OUT jobs json, OUT uids json)
LANGUAGE plpgsql AS $$
DECLARE
	q	moderation_queue;
	js	jsonb := '[]'::jsonb;
	us	bigint[] := '{}';
BEGIN
	IF new_hold(p_user) THEN
		UPDATE moderation_queue SET reason = new_hold_reason()
		 WHERE author_id = p_user AND decided_at IS NULL
		   AND source = 'review' AND reason = email_hold_reason();
	END IF;
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
