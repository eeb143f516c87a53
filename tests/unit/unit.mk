# C unit tests (cmocka) of pure core code, built with AddressSanitizer and
# UBSan.  Included from the top-level Makefile: `make unit`.

UNIT_CFLAGS = -g -O1 -Wall -Wextra -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-Iapps -I/usr/include/postgresql -DKORE_USE_PGSQL -DKORE_USE_TASKS
UNIT_LIBS = -lcmocka -lsodium -ljansson -lcmark

UNIT_TESTS = build/unit/test_escape build/unit/test_token \
	build/unit/test_rules build/unit/test_markdown build/unit/test_image \
	build/unit/test_form

build/unit/test_escape: tests/unit/test_escape.c apps/core/escape.c \
    tests/unit/kore_stub.c apps/core/core.h
build/unit/test_token: tests/unit/test_token.c apps/core/token.c \
    tests/unit/kore_stub.c apps/core/core.h
build/unit/test_rules: tests/unit/test_rules.c apps/core/rules.c \
    tests/unit/kore_stub.c apps/core/core.h
build/unit/test_markdown: tests/unit/test_markdown.c apps/blog/markdown.c \
    apps/blog/markdown.h
build/unit/test_image: tests/unit/test_image.c apps/core/image_probe.c \
    apps/core/image_probe.h
build/unit/test_form: tests/unit/test_form.c apps/core/urlencode.c \
    apps/core/rules.c tests/unit/kore_stub.c apps/core/core.h

$(UNIT_TESTS):
	@mkdir -p build/unit
	$(CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(UNIT_LIBS)

.PHONY: unit
unit: $(UNIT_TESTS)
	@pass=0; fail=0; \
	for t in $(UNIT_TESTS); do \
		out=$$($$t 2>&1); rc=$$?; echo "$$out"; \
		p=$$(echo "$$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p'); \
		f=$$(echo "$$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p'); \
		pass=$$((pass + $${p:-0})); fail=$$((fail + $${f:-0})); \
		if [ $$rc != 0 ] && [ -z "$$f" ]; then fail=$$((fail + 1)); fi; \
	done; \
	echo "unit: $$pass passed, $$fail failed"; \
	[ $$fail = 0 ]
