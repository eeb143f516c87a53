/*
 * agora-worker
 *
 *   agora-worker [-c concurrency]
 *	Run the job worker: a supervisor and `concurrency` processes
 *	(default AGORA_WORKER_CONCURRENCY, 2) that take jobs from Redis.
 *	SIGTERM or SIGINT: every process finishes the job in hand, takes
 *	no new one and exits; the supervisor exits 0 once all are gone.
 *
 *   agora-worker enqueue <type> <queue> <args-json> [delay-ms]
 *	Put one job on the queue (operators, tests, benchmarks).
 *
 *   agora-worker thumbnail <image> <thumb.jpg> <display.jpg> [runs]
 *	Make the two copies of one image, as the thumbnail job does, and
 *	print the original's upright size and the time each run took
 *	(re-generation, benchmarks).
 *
 *   agora-worker detect <image> [runs]
 *	Print what the object detector sees in one image as JSON (label,
 *	score, box as fractions), as the photo_detect job stores it, and
 *	how long the last run took on stderr (checks, benchmarks).
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "worker.h"

#define CHILDREN_MAX	64

volatile sig_atomic_t	worker_quit;

static pid_t		children[CHILDREN_MAX];

static int	supervise(int);
static pid_t	spawn(int);
static int	child_main(int);
static int	cmd_enqueue(int, char **);
static int	cmd_thumbnail(int, char **);
static int	cmd_detect(int, char **);
static void	on_signal(int);
static void	signals_setup(void);
static void	usage(void);

int
main(int argc, char **argv)
{
	int		ch, concurrency;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sodium_init() == -1) {
		fprintf(stderr, "agora-worker: libsodium failed\n");
		return (1);
	}
	worker_config_load();

	if (argc >= 2 && !strcmp(argv[1], "enqueue"))
		return (cmd_enqueue(argc - 2, argv + 2));

	concurrency = wcfg.concurrency;
	while ((ch = getopt(argc, argv, "c:")) != -1) {
		switch (ch) {
		case 'c':
			concurrency = atoi(optarg);
			if (concurrency < 1 || concurrency > CHILDREN_MAX) {
				usage();
				return (2);
			}
			break;
		default:
			usage();
			return (2);
		}
	}

	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "thumbnail")) {
		thumbnail_init(argv[0]);
		return (cmd_thumbnail(argc - 2, argv + 2));
	}

	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "detect")) {
		thumbnail_init(argv[0]);
		return (cmd_detect(argc - 2, argv + 2));
	}

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		worker_log("fatal", "libcurl failed to initialise");
		return (1);
	}
	thumbnail_init(argv[0]);

	return (supervise(concurrency));
}

/* Milliseconds since the epoch. */
u_int64_t
worker_now_ms(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return ((u_int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static int
supervise(int n)
{
	pid_t		pid;
	int		i, status, alive, forwarded;

	signals_setup();
	forwarded = 0;
	worker_log("info", "starting %d worker process%s", n, n == 1 ? "" :
	    "es");
	worker_log("info", "smtp: TLS %s", wcfg.smtp_tls);

	for (i = 0; i < n; i++)
		children[i] = spawn(i);

	for (;;) {
		if (worker_quit && !forwarded) {
			for (i = 0; i < n; i++) {
				if (children[i] > 0)
					kill(children[i], SIGTERM);
			}
			forwarded = 1;
		}

		pid = waitpid(-1, &status, 0);
		if (pid == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			worker_log("error", "waitpid: %s", strerror(errno));
			break;
		}

		for (i = 0; i < n; i++) {
			if (children[i] != pid)
				continue;
			children[i] = 0;
			if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
			    worker_quit)
				break;
			worker_log(worker_quit ? "info" : "error",
			    "worker process %d ended (%s %d)", (int)pid,
			    WIFSIGNALED(status) ? "signal" : "status",
			    WIFSIGNALED(status) ? WTERMSIG(status) :
			    WEXITSTATUS(status));
			if (!worker_quit) {
				sleep(1);
				children[i] = spawn(i);
			}
			break;
		}

		for (alive = 0, i = 0; i < n; i++)
			alive += children[i] > 0;
		if (worker_quit && alive == 0)
			break;
	}

	worker_log("info", "stopped");
	return (0);
}

static pid_t
spawn(int slot)
{
	pid_t		pid;

	if ((pid = fork()) == -1) {
		worker_log("error", "fork: %s", strerror(errno));
		return (0);
	}

	if (pid == 0)
		_exit(child_main(slot));

	return (pid);
}

static int
child_main(int slot)
{
	struct worker	w;
	char		host[64];

	memset(&w, 0, sizeof(w));
	if (gethostname(host, sizeof(host)) == -1)
		(void)snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	(void)snprintf(w.name, sizeof(w.name), "%.40s:%d:%d", host,
	    (int)getpid(), slot);

	return (worker_loop(&w));
}

/* enqueue <type> <queue> <args-json> [delay-ms] */
static int
cmd_enqueue(int argc, char **argv)
{
	struct worker	 w;
	json_t		*args;
	json_error_t	 err;
	char		*text;
	long long	 delay;
	int		 prio;

	if (argc < 3 || argc > 4) {
		usage();
		return (2);
	}

	if ((prio = core_job_prio(argv[1])) == -1) {
		fprintf(stderr, "agora-worker: queue is critical, default or "
		    "bulk\n");
		return (2);
	}

	if ((args = json_loads(argv[2], 0, &err)) == NULL ||
	    !json_is_object(args)) {
		fprintf(stderr, "agora-worker: args must be a JSON object\n");
		return (2);
	}

	delay = (argc == 4) ? strtoll(argv[3], NULL, 10) : 0;
	if (delay < 0)
		delay = 0;

	memset(&w, 0, sizeof(w));
	if (queue_connect(&w) == -1)
		return (1);

	text = json_dumps(args, JSON_COMPACT);
	json_decref(args);
	if (queue_enqueue(&w, argv[0], argv[1], prio,
	    worker_now_ms() + delay, text) == -1) {
		free(text);
		return (1);
	}
	free(text);

	return (0);
}

static int
cmd_thumbnail(int argc, char **argv)
{
	struct timespec	a, b;
	char		err[512];
	int		width, height, runs, i;

	runs = (argc == 4) ? atoi(argv[3]) : 1;
	if (runs < 1 || runs > 1000) {
		usage();
		return (2);
	}

	for (i = 0; i < runs; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (thumbnail_make(argv[0], argv[1], argv[2], &width, &height,
		    err, sizeof(err)) == -1) {
			fprintf(stderr, "agora-worker: %s\n", err);
			return (1);
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		printf("%dx%d %.1f ms\n", width, height,
		    (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
	}

	return (0);
}

static int
cmd_detect(int argc, char **argv)
{
	struct timespec	a, b;
	json_t		*found;
	char		 err[512], *out;
	int		 runs, i;

	runs = (argc == 2) ? atoi(argv[1]) : 1;
	if (runs < 1 || runs > 1000) {
		usage();
		return (2);
	}

	found = NULL;
	for (i = 0; i < runs; i++) {
		json_decref(found);
		clock_gettime(CLOCK_MONOTONIC, &a);
		if ((found = detect_file(argv[0], err, sizeof(err))) == NULL) {
			fprintf(stderr, "agora-worker: %s: %s\n", argv[0], err);
			return (1);
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
	}
	out = json_dumps(found, JSON_COMPACT | JSON_REAL_PRECISION(4));
	json_decref(found);
	if (out == NULL)
		return (1);
	printf("%s\n", out);
	free(out);
	fprintf(stderr, "%.1f ms\n", (b.tv_sec - a.tv_sec) * 1e3 +
	    (b.tv_nsec - a.tv_nsec) / 1e6);

	return (0);
}

static void
on_signal(int sig)
{
	worker_quit = 1;
}

static void
signals_setup(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART in the supervisor: waitpid must see EINTR. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static void
usage(void)
{
	fprintf(stderr, "usage: agora-worker [-c concurrency]\n"
	    "       agora-worker enqueue type queue args-json [delay-ms]\n"
	    "       agora-worker thumbnail image thumb.jpg display.jpg "
	    "[runs]\n"
	    "       agora-worker detect image [runs]\n");
}
