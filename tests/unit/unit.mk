# C unit tests (cmocka) of pure code, built with AddressSanitizer and
# UBSan into build/unit/, with conf/warnings.mk's flags.  Included from
# the top-level Makefile (after conf/warnings.mk):
#
#	make unit		build and run every test
#	make -f tests/unit/unit.mk unit
#
# Each test prints cmocka's own summary; the last line sums them up as
# "unit: N passed, M failed" and the target fails when M > 0.  A test that
# dies (a sanitizer report, a crash) without a cmocka summary counts as
# one failure.

UNIT_CC ?= cc
UNIT_CFLAGS = -g -O1 $(AGORA_WARN) \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
UNIT_CPPFLAGS = -Iapps -Ilib -Iworkers -I/usr/include/postgresql \
	-DKORE_USE_PGSQL -DKORE_USE_TASKS
UNIT_LIBS = -lcmocka -lsodium -ljansson -lcmark

UNIT_TESTS = build/unit/test_escape build/unit/test_token \
	build/unit/test_rules build/unit/test_markdown build/unit/test_image \
	build/unit/test_form build/unit/test_mail build/unit/test_blog_json \
	build/unit/test_detect build/unit/test_search_query \
	build/unit/test_unsubscribe build/unit/test_blog_tags \
	build/unit/test_totp

.PHONY: unit
unit: $(UNIT_TESTS)
	@pass=0; fail=0; \
	for t in $(UNIT_TESTS); do \
		out=$$(CMOCKA_MESSAGE_OUTPUT=stdout $$t 2>&1); rc=$$?; \
		printf '%s\n' "$$out"; \
		p=$$(printf '%s\n' "$$out" | sed -n \
		    's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' | head -1); \
		f=$$(printf '%s\n' "$$out" | sed -n \
		    's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' | head -1); \
		pass=$$((pass + $${p:-0})); fail=$$((fail + $${f:-0})); \
		if [ $$rc -ne 0 ] && [ $${f:-0} -eq 0 ]; then \
			echo "unit: $$t exited with status $$rc"; \
			fail=$$((fail + 1)); \
		fi; \
	done; \
	echo "unit: $$pass passed, $$fail failed"; \
	[ $$fail -eq 0 ]

build/unit/test_escape: tests/unit/test_escape.c apps/core/escape.c \
    apps/core/timefmt.c apps/core/avatar.c lib/escape.c lib/escape.h tests/unit/kore_stub.c apps/core/core.h
build/unit/test_token: tests/unit/test_token.c apps/core/token.c \
    tests/unit/kore_stub.c apps/core/core.h
build/unit/test_rules: tests/unit/test_rules.c apps/core/rules.c \
    tests/unit/kore_stub.c apps/core/core.h
build/unit/test_markdown: tests/unit/test_markdown.c apps/blog/markdown.c \
    apps/blog/markdown.h
build/unit/test_image: tests/unit/test_image.c lib/image_probe.c \
    lib/image_probe.h
build/unit/test_form: tests/unit/test_form.c apps/core/urlencode.c \
    apps/core/rules.c tests/unit/kore_stub.c apps/core/core.h
build/unit/test_mail: tests/unit/test_mail.c workers/mail_message.c \
    workers/mbuf.c workers/worker.h lib/job_payload.h
build/unit/test_unsubscribe: tests/unit/test_unsubscribe.c \
    lib/unsubscribe.c lib/unsubscribe.h
build/unit/test_detect: tests/unit/test_detect.c workers/detect_decode.c \
    workers/detect.h
# The real accessors of apps/core/db.c over results built with libpq.
build/unit/test_blog_json: tests/unit/test_blog_json.c apps/blog/blog_json.c \
    apps/blog/markdown.c apps/blog/tags.c apps/core/db.c tests/unit/db_stub.c \
    tests/unit/kore_stub.c apps/blog/blog.h apps/core/core.h
build/unit/test_blog_json: UNIT_LIBS += -lpq
build/unit/test_blog_tags: tests/unit/test_blog_tags.c apps/blog/tags.c \
    apps/blog/tags.h
build/unit/test_search_query: tests/unit/test_search_query.c \
    apps/search/search_query.c apps/search/search_query.h lib/escape.c \
    lib/escape.h

build/unit/test_totp: tests/unit/test_totp.c lib/totp.c lib/totp.h
build/unit/test_totp: UNIT_LIBS += -lcrypto -lqrencode

$(UNIT_TESTS): tests/unit/unit.mk conf/warnings.mk
	@mkdir -p build/unit
	$(UNIT_CC) $(UNIT_CFLAGS) $(UNIT_CPPFLAGS) -o $@ $(filter %.c,$^) \
	    $(UNIT_LIBS)
