# The job worker and agora-ctl: plain make and cc (not kodev), one object
# per source under build/worker/ with its dependencies (-MMD -MP).
# Included from the top-level Makefile after conf/warnings.mk and
# lib/lib.mk.

# Hardened like kodev's prod flavor: the worker decodes untrusted images.
WORKER_HARDEN = -D_FORTIFY_SOURCE=2 -fstack-protector-strong
WORKER_LDFLAGS = -Wl,-z,relro,-z,now
WORKER_CFLAGS ?= -O2 -g $(WORKER_HARDEN)
WORKER_CPPFLAGS = -Ilib -Iworkers -I/usr/include/postgresql \
	$(shell pkg-config --cflags vips)
WORKER_LIBS = -lpthread -lhiredis -ljansson -lsodium -lcurl -lpq -larchive \
	$(shell pkg-config --libs vips) \
	-lopencv_dnn -lopencv_core -lstdc++
# The object detector's shim is the one C++ file: OpenCV has no C API.
WORKER_CXXFLAGS = -O2 -g $(WORKER_HARDEN) -Wall -Wextra -I/usr/include/opencv4

WORKER_SRCS = workers/worker_main.c workers/worker_config.c \
	workers/worker_log.c workers/worker_queue.c workers/worker_db.c \
	workers/worker_outbox.c workers/worker_loop.c workers/mbuf.c \
	workers/worker_heartbeat.c \
	workers/mail_message.c workers/mail_templates.c workers/mail_link.c \
	workers/job_email.c workers/job_notify.c \
	workers/job_thumbnail.c workers/job_moderate.c workers/job_publish.c \
	workers/job_media_purge.c workers/job_export.c workers/job_blog_publish.c workers/job_detect.c workers/detect_decode.c \
	workers/worker_sweep.c \
	$(LIB_SRCS)
WORKER_OBJS = $(patsubst %.c,build/worker/%.o,$(WORKER_SRCS)) \
	build/worker/workers/detect_shim.o
CTL_OBJS = build/worker/workers/agora_ctl.o

build/worker/%.o: %.c conf/warnings.mk workers/worker.mk
	@mkdir -p $(dir $@)
	$(CC) $(WORKER_CFLAGS) $(AGORA_WARN) $(EXTRA_CFLAGS) \
	    $(WORKER_CPPFLAGS) -MMD -MP -c -o $@ $<

build/worker/%.o: %.cpp workers/worker.mk
	@mkdir -p $(dir $@)
	$(CXX) $(WORKER_CXXFLAGS) $(EXTRA_CFLAGS) -MMD -MP -c -o $@ $<

build/agora-worker: $(WORKER_OBJS)
	$(CC) $(WORKER_CFLAGS) $(EXTRA_CFLAGS) -o $@ $(WORKER_OBJS) \
	    $(WORKER_LDFLAGS) $(WORKER_LIBS)

build/agora-ctl: $(CTL_OBJS)
	$(CC) $(WORKER_CFLAGS) $(EXTRA_CFLAGS) -o $@ $(CTL_OBJS) \
	    $(WORKER_LDFLAGS) -lsodium

-include $(WORKER_OBJS:.o=.d) $(CTL_OBJS:.o=.d)

.PHONY: worker
worker: build/agora-worker build/agora-ctl
