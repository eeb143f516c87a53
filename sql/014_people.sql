-- People: the greeting of a visit, profiles, the sessions list and
-- tokens that expire.

-- The home page greets "Welcome back" only someone who was away: a visit
-- is a run of home views less than 30 minutes apart.  home_since is the
-- last home view of the previous visit (what is new is counted since
-- then), NULL during an account's first visit.
ALTER TABLE users ADD COLUMN home_since timestamptz;

-- What a person says about themselves on /u/{username}; plain text,
-- limits checked by the site (apps/core/people_rules.c) and here.
ALTER TABLE users
	ADD COLUMN display_name	text NOT NULL DEFAULT ''
		CHECK (char_length(display_name) <= 50),
	ADD COLUMN bio		text NOT NULL DEFAULT ''
		CHECK (char_length(bio) <= 500),
	ADD COLUMN website	text NOT NULL DEFAULT ''
		CHECK (website = '' OR (char_length(website) <= 200 AND
		    website ~ '^https?://'));

-- The sessions list on /settings: when and from where each was last
-- used (updated at most once a minute).
ALTER TABLE sessions
	ADD COLUMN last_seen_at	timestamptz NOT NULL DEFAULT now(),
	ADD COLUMN address	text NOT NULL DEFAULT ''
		CHECK (char_length(address) <= 64),
	ADD COLUMN user_agent	text NOT NULL DEFAULT ''
		CHECK (char_length(user_agent) <= 256);

-- An API token may expire; NULL never.
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
