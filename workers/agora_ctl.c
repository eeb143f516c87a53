/*
 * agora-ctl: small operator commands that need the same cryptography as
 * the site.
 *
 *   agora-ctl hash-password    read a password on stdin (one line), print
 *                              its Argon2id hash (libsodium string form)
 */

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#define PASSWORD_MAX	(128 * 4)

static int	hash_password(void);
static void	usage(void);

int
main(int argc, char **argv)
{
	if (sodium_init() == -1) {
		fprintf(stderr, "agora-ctl: libsodium failed to initialise\n");
		return (1);
	}

	if (argc == 2 && strcmp(argv[1], "hash-password") == 0)
		return (hash_password());

	usage();
	return (2);
}

static int
hash_password(void)
{
	char		pw[PASSWORD_MAX + 2];
	char		hash[crypto_pwhash_STRBYTES];
	size_t		len;

	if (fgets(pw, sizeof(pw), stdin) == NULL) {
		fprintf(stderr, "agora-ctl: no password on stdin\n");
		return (1);
	}

	len = strcspn(pw, "\r\n");
	pw[len] = '\0';
	if (len < 8 || len > PASSWORD_MAX) {
		fprintf(stderr, "agora-ctl: password must have 8 to 128 "
		    "characters\n");
		sodium_memzero(pw, sizeof(pw));
		return (1);
	}

	if (crypto_pwhash_str(hash, pw, len,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		fprintf(stderr, "agora-ctl: out of memory while hashing\n");
		sodium_memzero(pw, sizeof(pw));
		return (1);
	}

	sodium_memzero(pw, sizeof(pw));
	printf("%s\n", hash);

	return (0);
}

static void
usage(void)
{
	fprintf(stderr, "usage: agora-ctl hash-password < password\n");
}
