# lib/: the code without Kore that the site, the worker and the tests
# share.  Included from the top-level Makefile.
#
# kodev compiles only src/, so the site links lib/ as an archive built
# here in its flavor (conf/build.conf names build/lib/<flavor>/libagora.a;
# scripts/build.sh runs `make lib LIB_FLAVOR=<flavor>` first).  The
# worker and the tests compile the same sources with their own flags.

LIB_SRCS = lib/envfile.c lib/escape.c lib/image_probe.c lib/job_payload.c \
	lib/logline.c lib/settings.c lib/unsubscribe.c
# Only the site's (the worker has no use for them): one-time passwords.
LIB_SITE_SRCS = lib/totp.c
LIB_CPPFLAGS = -Ilib

# As conf/build.conf's flavors.
LIB_FLAVOR ?= dev
LIB_CFLAGS_dev = -g -O1
LIB_CFLAGS_asan = -g -O1 -fno-omit-frame-pointer -DAGORA_SANITIZE \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
LIB_CFLAGS_prod = -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong

LIB_DIR = build/lib/$(LIB_FLAVOR)
LIB_OBJS = $(LIB_SRCS:lib/%.c=$(LIB_DIR)/%.o) \
	$(LIB_SITE_SRCS:lib/%.c=$(LIB_DIR)/%.o)
LIB_ARCHIVE = $(LIB_DIR)/libagora.a

$(LIB_DIR)/%.o: lib/%.c conf/warnings.mk lib/lib.mk
	@mkdir -p $(LIB_DIR)
	$(CC) -fPIC $(AGORA_WARN) $(LIB_CFLAGS_$(LIB_FLAVOR)) $(CFLAGS) \
	    $(LIB_CPPFLAGS) -MMD -MP -c -o $@ $<

$(LIB_ARCHIVE): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJS)

-include $(LIB_OBJS:.o=.d)

.PHONY: lib
lib: $(LIB_ARCHIVE)
