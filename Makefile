# Agora: `make run` serves the site on http://127.0.0.1:8888 with its job
# worker; `make test` runs every suite against a separate stack.

.PHONY: run test build worker ctl deps stop clean bench install run-prod

run:
	@scripts/run.sh

test:
	@scripts/test.sh

build:
	@scripts/build.sh dev

# The production build laid out for systemd and nginx (scripts/install.sh).
PREFIX ?= /opt/agora
SYSCONFDIR ?= /etc
UNITDIR ?= /etc/systemd/system
install:
	@PREFIX="$(PREFIX)" SYSCONFDIR="$(SYSCONFDIR)" UNITDIR="$(UNITDIR)" \
	    DESTDIR="$(DESTDIR)" scripts/install.sh

# The dev data served as production serves it: https://127.0.0.1:8443.
run-prod:
	@scripts/run-prod.sh

deps:
	@scripts/deps.sh

stop:
	@scripts/services.sh stop dev

clean:
	@scripts/kodev.sh clean >/dev/null
	rm -rf build var/.built-flavor

include conf/warnings.mk
include lib/lib.mk
include workers/worker.mk
-include tests/unit/unit.mk
-include tests/fuzz/fuzz.mk

# Backups of the dev site: `make backup` (var/backups/<time>), and
# `make restore BACKUP=var/backups/<time> DB=agora_restored MEDIA=var/restored`.
.PHONY: backup restore
backup:
	@scripts/backup.sh dev

restore:
	@test -n "$(BACKUP)" -a -n "$(DB)" -a -n "$(MEDIA)" || \
	    { echo "make restore BACKUP=<dir> DB=<new database> MEDIA=<new dir>"; exit 2; }
	@scripts/restore.sh dev "$(BACKUP)" "$(DB)" "$(MEDIA)"
