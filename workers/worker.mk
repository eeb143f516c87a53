# The job worker and agora-ctl: plain make and cc (not kodev).
# Included from the top-level Makefile.

# Hardened like kodev's prod flavor: the worker decodes untrusted images.
WORKER_HARDEN = -D_FORTIFY_SOURCE=2 -fstack-protector-strong
WORKER_LDFLAGS = -Wl,-z,relro,-z,now
WORKER_CFLAGS ?= -O2 -g $(WORKER_HARDEN)
WORKER_WARN = -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
	-Wshadow -Wpointer-arith -Wsign-compare -Wno-unused-parameter
WORKER_CPPFLAGS = -Iapps -I/usr/include/postgresql \
	$(shell pkg-config --cflags vips)
WORKER_LIBS = -lpthread -lhiredis -ljansson -lsodium -lcurl -lpq \
	$(shell pkg-config --libs vips) \
	-lopencv_objdetect -lopencv_imgproc -lopencv_core -lstdc++
# The cat detector's shim is the one C++ file: OpenCV has no C API.
WORKER_CXXFLAGS = -O2 -g $(WORKER_HARDEN) -Wall -Wextra -I/usr/include/opencv4

WORKER_SRCS = workers/worker_main.c workers/worker_config.c \
	workers/worker_log.c workers/worker_queue.c workers/worker_db.c \
	workers/worker_outbox.c workers/worker_loop.c workers/mbuf.c \
	workers/worker_heartbeat.c \
	workers/mail_message.c workers/mail_templates.c workers/mail_reset.c \
	workers/job_email.c \
	workers/job_thumbnail.c workers/job_moderate.c workers/job_publish.c \
	workers/job_media_purge.c workers/job_cat.c workers/worker_sweep.c \
	apps/core/envfile.c \
	apps/core/job_payload.c
WORKER_HDRS = workers/worker.h apps/core/queue_lua.h apps/core/envfile.h \
	apps/core/job_payload.h workers/cat_shim.h

build/cat_shim.o: workers/cat_shim.cpp workers/cat_shim.h
	@mkdir -p build
	$(CXX) $(WORKER_CXXFLAGS) $(EXTRA_CFLAGS) -c -o $@ workers/cat_shim.cpp

build/agora-worker: $(WORKER_SRCS) $(WORKER_HDRS) build/cat_shim.o
	@mkdir -p build
	$(CC) $(WORKER_CFLAGS) $(WORKER_WARN) $(EXTRA_CFLAGS) \
	    $(WORKER_CPPFLAGS) -o $@ $(WORKER_SRCS) build/cat_shim.o \
	    $(WORKER_LDFLAGS) $(WORKER_LIBS)

build/agora-ctl: workers/agora_ctl.c
	@mkdir -p build
	$(CC) $(WORKER_CFLAGS) $(WORKER_WARN) $(EXTRA_CFLAGS) -o $@ \
	    workers/agora_ctl.c $(WORKER_LDFLAGS) -lsodium

.PHONY: worker
worker: build/agora-worker build/agora-ctl
