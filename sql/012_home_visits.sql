-- The home page says what is new since a user's previous visit to it.
ALTER TABLE users ADD COLUMN home_seen_at timestamptz;
