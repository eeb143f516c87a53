-- Site-wide search (apps/search) on PostgreSQL's full-text search, and
-- the one definition of who may see what that the pages and the search
-- both use.
--
-- Who sees what: the agora_*_visible functions below.  They are plain
-- SQL expressions (inlined by the planner, so an index on a column they
-- read still serves), called by the blog, photos and chat statements
-- and by the search statement alike: a rule changed here changes
-- everywhere at once.  A viewer of 0 is anonymous; `p_all` is a
-- privileged view (an admin on the pages; an admin who asked for held
-- items in the search).
--
-- The index: a generated tsvector column and a GIN index per searched
-- table, so an insert, an edit, a deletion or a moderation decision is
-- searchable (or not) in the transaction that makes it.  Visibility is
-- never indexed: it is applied at query time by the functions above,
-- so a post sent back to review or a user banned disappears at once.
--
-- The text search configuration of prose (posts, comments, captions,
-- messages) is search_config(): 'english' unless the database has
-- agora.search_config set when this migration runs
-- (ALTER DATABASE agora SET agora.search_config = 'french').  Names and
-- tags use 'simple' (no stemming, no stop words), so that a prefix
-- query (as-you-type suggestions) matches them.

-- ---------------------------------------------------------------- who sees what

-- A blog post: published by a user who is not banned; always to its
-- author; everything to a privileged view.
CREATE FUNCTION agora_post_visible(p_status text, p_author bigint,
    p_author_banned boolean, p_viewer bigint, p_all boolean)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT p_all OR p_author = p_viewer OR
	    (p_status = 'approved' AND NOT p_author_banned)
$$;

-- A comment (blog or photo), on an item the viewer may see: not held
-- or rejected (hidden) and not by a banned user; always to its author.
CREATE FUNCTION agora_comment_visible(p_hidden boolean, p_author bigint,
    p_author_banned boolean, p_viewer bigint, p_all boolean)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT p_all OR p_author = p_viewer OR
	    (NOT p_hidden AND NOT p_author_banned)
$$;

-- A photo: processed, not hidden by moderation, its owner not banned;
-- always to its owner.
CREATE FUNCTION agora_photo_visible(p_hidden boolean, p_media_status text,
    p_owner bigint, p_owner_banned boolean, p_viewer bigint,
    p_all boolean)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT p_all OR p_owner = p_viewer OR
	    (NOT p_hidden AND p_media_status = 'ready' AND NOT p_owner_banned)
$$;

-- A chat room: public rooms to every signed-in user, a conversation to
-- its two members only (admins included: no privileged view).
CREATE FUNCTION agora_room_readable(p_room bigint, p_kind text,
    p_viewer bigint)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT p_kind = 'public' OR EXISTS (SELECT 1 FROM chat_members cm
	    WHERE cm.room_id = p_room AND cm.user_id = p_viewer)
$$;

-- A chat message in a readable room: not deleted (by its author or by
-- moderation), its author not banned.  No privileged view: the chat
-- shows admins what it shows its members.
CREATE FUNCTION agora_message_visible(p_deleted boolean,
    p_author_banned boolean)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT NOT p_deleted AND NOT p_author_banned
$$;

-- A person: anyone not banned.
CREATE FUNCTION agora_user_visible(p_banned boolean, p_all boolean)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT p_all OR NOT p_banned
$$;

-- ---------------------------------------------------------------- the index

DO $$
DECLARE
	cfg	text := coalesce(nullif(current_setting('agora.search_config',
		    true), ''), 'english');
BEGIN
	PERFORM cfg::regconfig;		-- an unknown configuration fails here
	EXECUTE format('CREATE FUNCTION search_config() RETURNS regconfig'
	    ' LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
	    format('SELECT %L::regconfig', cfg));
END $$;

-- The #tags of a photo (from its caption and the cat detector) as one
-- text, kept by photo_tags' trigger, so that the photo's own vector can
-- be a generated column.
ALTER TABLE photos ADD COLUMN tag_text text NOT NULL DEFAULT '';

CREATE FUNCTION photos_tag_text() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	pid	bigint;
BEGIN
	pid := CASE TG_OP WHEN 'DELETE' THEN OLD.photo_id ELSE NEW.photo_id END;
	UPDATE photos SET tag_text = coalesce((SELECT string_agg(t.tag, ' '
	    ORDER BY t.tag) FROM photo_tags t WHERE t.photo_id = pid), '')
	 WHERE id = pid;
	RETURN NULL;
END $$;

CREATE TRIGGER photo_tags_text AFTER INSERT OR DELETE ON photo_tags
    FOR EACH ROW EXECUTE FUNCTION photos_tag_text();

UPDATE photos p SET tag_text = coalesce((SELECT string_agg(t.tag, ' '
    ORDER BY t.tag) FROM photo_tags t WHERE t.photo_id = p.id), '');

-- Title above body; a tag above the caption's words.
ALTER TABLE posts ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
	setweight(to_tsvector(search_config(), title), 'A') ||
	setweight(to_tsvector(search_config(), body), 'B')) STORED;

ALTER TABLE comments ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
	to_tsvector(search_config(), body)) STORED;

ALTER TABLE photos ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
	setweight(to_tsvector('simple', tag_text), 'A') ||
	setweight(to_tsvector(search_config(), caption), 'B')) STORED;

ALTER TABLE chat_messages ADD COLUMN search_tsv tsvector
    GENERATED ALWAYS AS (to_tsvector(search_config(), body)) STORED;

-- A name is found whole and by its parts (alice_smith: alice, smith).
ALTER TABLE users ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
	to_tsvector('simple', replace(username, '_', ' ')) ||
	array_to_tsvector(ARRAY[username])) STORED;

ALTER TABLE chat_rooms ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
	to_tsvector('simple', coalesce(name, ''))) STORED;

CREATE INDEX posts_search_idx ON posts USING gin (search_tsv);
CREATE INDEX comments_search_idx ON comments USING gin (search_tsv);
CREATE INDEX photos_search_idx ON photos USING gin (search_tsv);
CREATE INDEX chat_messages_search_idx ON chat_messages
    USING gin (search_tsv);
CREATE INDEX users_search_idx ON users USING gin (search_tsv);
CREATE INDEX chat_rooms_search_idx ON chat_rooms USING gin (search_tsv);

-- from:user over the items by an author.
CREATE INDEX comments_author_idx ON comments (author_id, id);
CREATE INDEX chat_messages_author_idx ON chat_messages (author_id, id);

-- The rank of a hit: ts_rank_cd with recency, as one number that does
-- not move with the clock (so a cursor stays valid): ln(rank) plus one
-- per 30 days of age, i.e. rank * e^(t / 30 days).  A newer hit
-- outranks an older one of the same rank; a much better match outranks
-- a somewhat newer one.
CREATE FUNCTION search_score(p_rank real, p_at timestamptz)
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT round((ln(greatest(p_rank, 1e-6)) +
	    extract(epoch FROM p_at) / 2592000.0)::numeric, 9)::double precision
$$;
