#!/usr/bin/env bash
# Create the `admin` account on first run, with a random password saved
# (mode 0600) in var/admin-password (dev) or var/test/admin-password.
#   scripts/admin.sh dev|test
set -euo pipefail
. "$(dirname "$0")/env.sh" "$1"
cd "$AGORA_ROOT"

if [ "$AGORA_ENV_NAME" = dev ]; then
	pwfile=var/admin-password
else
	pwfile=var/test/admin-password
fi

exists=$(psql -X -At -c "SELECT count(*) FROM users WHERE username = 'admin'")
if [ "$exists" != 0 ] && [ -s "$pwfile" ]; then
	[ "$AGORA_ENV_NAME" = dev ] &&
	    echo "admin: log in as 'admin' with the password in $pwfile"
	exit 0
fi

password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
hash=$(printf '%s\n' "$password" | build/agora-ctl hash-password)
psql -X -q -v ON_ERROR_STOP=1 -v h="$hash" <<-'SQL'
INSERT INTO users (username, email, password_hash, role, email_verified_at)
VALUES ('admin', 'admin@localhost', :'h', 'admin', now())
ON CONFLICT (username) DO UPDATE
   SET password_hash = EXCLUDED.password_hash, role = 'admin', banned = false;
SQL
(umask 077; printf '%s\n' "$password" >"$pwfile")
chmod 600 "$pwfile"

if [ "$AGORA_ENV_NAME" = dev ]; then
	echo "admin: created 'admin' with password: $password"
	echo "admin: (saved in $pwfile)"
fi
