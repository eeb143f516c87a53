# The one list of warning flags for every C compile: the site
# (conf/build.conf's top cflags= lines hold the same words, which
# scripts/build.sh checks), lib/, the worker, the unit and fuzz tests.
# One flag a line so scripts can read it.

AGORA_WARN += -std=gnu11
AGORA_WARN += -Wall
AGORA_WARN += -Wextra
AGORA_WARN += -Wmissing-declarations
AGORA_WARN += -Wshadow
AGORA_WARN += -Wstrict-prototypes
AGORA_WARN += -Wmissing-prototypes
AGORA_WARN += -Wpointer-arith
AGORA_WARN += -Wcast-qual
AGORA_WARN += -Wsign-compare
AGORA_WARN += -Wno-unused-parameter
