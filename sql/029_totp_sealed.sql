-- TOTP keys are stored sealed by the site (apps/core/twofactor.c,
-- core_totp_seal: a 24-byte nonce, the 16-byte MAC and the 20-byte key
-- under XSalsa20-Poly1305).  A key stored before, 20 bytes, is still
-- read as it is.
ALTER TABLE user_totp DROP CONSTRAINT user_totp_secret_check;
ALTER TABLE user_totp ADD CONSTRAINT user_totp_secret_check
	CHECK (length(secret) IN (20, 60));
