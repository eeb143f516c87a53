/*
 * One-time passwords for two-factor sign-in (plain C): HOTP (RFC 4226)
 * and TOTP (RFC 6238) with HMAC-SHA1, 30-second steps and 6 digits, the
 * base32 of authenticator apps (RFC 4648, no padding), and a QR code of
 * the otpauth:// address drawn as SVG.
 */

#ifndef __H_AGORA_TOTP_H
#define __H_AGORA_TOTP_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define AGORA_TOTP_SECRET_BYTES	20	/* 160 bits, as RFC 4226 advises */
#define AGORA_TOTP_STEP		30	/* seconds */
#define AGORA_TOTP_DIGITS	6
/* The base32 of a secret: 32 characters and a NUL. */
#define AGORA_TOTP_B32_LEN	33

/* The code of counter `counter` (HOTP), as a number below 10^digits. */
u_int32_t	agora_hotp(const u_int8_t *, size_t, u_int64_t, int);
/* The step of Unix time `t`. */
u_int64_t	agora_totp_step(int64_t);
/*
 * The step in [step - window, step + window] whose code `code` (six
 * digits, nothing else) is, and above `after`, into *found: 0; -1 when
 * none is.
 */
int		agora_totp_match(const u_int8_t *, size_t, u_int64_t, int,
		    u_int64_t, const char *, u_int64_t *);
/* The base32 of `len` bytes into `out` (at least len * 8 / 5 + 2). */
void		agora_base32(const u_int8_t *, size_t, char *, size_t);
/*
 * The QR code of `text` as an SVG document of black squares (a
 * malloc'ed string; the caller frees it), or NULL.
 */
char		*agora_qr_svg(const char *);

#endif /* !__H_AGORA_TOTP_H */
