# libFuzzer targets for every parser that reads outside bytes, built
# with clang, AddressSanitizer (LeakSanitizer included) and UBSan into
# build/fuzz/.  Included from the top-level Makefile:
#
#	make fuzz			every target, FUZZ_SECONDS (60) each,
#					FUZZ_JOBS (2) at a time
#	make fuzz FUZZ_SECONDS=3600	longer
#	make fuzz FUZZ_TARGETS=markdown	one target (or a few)
#	make fuzz-build			build only
#
# Each run starts from the committed seeds (tests/fuzz/corpus/<target>/)
# plus what earlier runs found (build/fuzz/corpus/<target>/, not
# committed).  Any crash, leak, sanitizer report, failed check or hang
# fails the run; the input is kept as build/fuzz/<target>-crash-... and
# the log as build/fuzz/<target>.log.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 2
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer $(AGORA_WARN) -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_CPPFLAGS = -Iapps -Ilib -Iworkers -Itests/fuzz \
	-I/usr/include/postgresql -DKORE_USE_PGSQL -DKORE_USE_TASKS

FUZZ_ALL = form urldecode image_probe markdown cursor job_payload \
	chat_frame envfile mail_header multipart search_query
FUZZ_TARGETS ?= $(FUZZ_ALL)

FUZZ_STUB = tests/unit/kore_stub.c apps/core/rules.c
FUZZ_SRCS_form = apps/core/urlencode.c $(FUZZ_STUB)
FUZZ_SRCS_urldecode = apps/core/urlencode.c $(FUZZ_STUB)
FUZZ_SRCS_image_probe = lib/image_probe.c
FUZZ_SRCS_markdown = apps/blog/markdown.c
FUZZ_LIBS_markdown = -lcmark
FUZZ_SRCS_cursor = apps/core/cursor.c
FUZZ_SRCS_job_payload = lib/job_payload.c $(FUZZ_STUB)
FUZZ_LIBS_job_payload = -ljansson
FUZZ_SRCS_chat_frame = apps/chat/chat_frame.c $(FUZZ_STUB)
FUZZ_LIBS_chat_frame = -ljansson
FUZZ_SRCS_search_query = apps/search/search_query.c lib/escape.c
FUZZ_SRCS_envfile = lib/envfile.c
FUZZ_SRCS_mail_header = workers/mail_message.c workers/mail_templates.c \
	workers/mbuf.c lib/escape.c
FUZZ_LIBS_mail_header = -lsodium -ljansson

# Kore's own request parsers, built from the source the kore package
# ships (the same version the site links), around stubs of the rest.
FUZZ_KORE_SRC = /usr/share/kore/src
FUZZ_KORE_OBJS = $(patsubst %,build/fuzz/kore/%.o,http buf mem utils pool)
FUZZ_SRCS_multipart = tests/fuzz/kore_http_stub.c apps/core/rules.c \
	lib/image_probe.c $(FUZZ_KORE_OBJS)
FUZZ_LIBS_multipart = -lcrypto

build/fuzz/kore/%.o: $(FUZZ_KORE_SRC)/%.c tests/fuzz/fuzz.mk
	@mkdir -p build/fuzz/kore
	$(FUZZ_CC) -g -O1 -w -fno-omit-frame-pointer \
	    -fsanitize=fuzzer-no-link,address,undefined \
	    -fno-sanitize-recover=all -I/usr/include/kore \
	    $(FUZZ_CPPFLAGS) -c -o $@ $<

FUZZ_BINS = $(FUZZ_ALL:%=build/fuzz/%)
FUZZ_HDRS = tests/fuzz/fuzz.h apps/core/core.h lib/envfile.h lib/escape.h \
	lib/image_probe.h lib/job_payload.h apps/blog/markdown.h \
	apps/chat/chat_frame.h apps/search/search_query.h workers/worker.h

.SECONDEXPANSION:
$(FUZZ_BINS): build/fuzz/%: tests/fuzz/%.c $$(FUZZ_SRCS_$$*) $(FUZZ_HDRS) \
    tests/fuzz/fuzz.mk conf/warnings.mk
	@mkdir -p build/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -o $@ \
	    tests/fuzz/$*.c $(FUZZ_SRCS_$*) $(FUZZ_LIBS_$*)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_TARGETS:%=build/fuzz/%)

fuzz: fuzz-build
	@FUZZ_SECONDS="$(FUZZ_SECONDS)" FUZZ_JOBS="$(FUZZ_JOBS)" \
	    tests/fuzz/run.sh $(FUZZ_TARGETS)
