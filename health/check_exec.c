/* exec checks: run the check's program without a shell, in a process group of its own; up when
 * it exits 0, and the first line it prints is the reason. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "baton/addr_text.h"
#include "health/probe.h"

/* The part of the first output line kept for the reason: "exit 255: " and this fit in
 * PROBE_REASON_MAX. */
#define LINE_KEEP 148
#define READ_CHUNK 512
/* A program that prints without pause must not keep the loop from other work: this many reads
 * per wake-up, then the (level-triggered) event brings us back. */
#define READS_PER_WAKE 16

struct exec_probe {
	struct event_base *base;
	struct event *ev_out; /* the pipe that is the child's stdout and stderr */
	struct event *ev_exit; /* the child's pidfd, readable once it has exited */
	int out_fd;
	int pidfd;
	pid_t pid; /* also its process group; 0 when nothing was started */
	bool eof; /* the pipe reached end of file: no process holds it any more */
	bool reaped;
	bool status_lost; /* someone else reaped it */
	int how, status; /* si_code and si_status from waitid() */
	bool line_done;
	size_t line_len;
	char line[LINE_KEEP + 1];
	struct probe_report report;
};

static void exec_free(struct exec_probe *p)
{
	if (p->ev_out != NULL)
		event_free(p->ev_out);
	if (p->ev_exit != NULL)
		event_free(p->ev_exit);
	probe_report_fini(&p->report);
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->pidfd >= 0)
		close(p->pidfd);
	free(p);
}

static void release(void *state)
{
	exec_free(state);
}

static void finish(struct exec_probe *p)
{
	probe_report_finish(&p->report);
}

static bool is_ours(const char *var)
{
	return strncmp(var, "BATON_CHECK=", 12) == 0 || strncmp(var, "BATON_ADDRESS=", 14) == 0 ||
	       strncmp(var, "BATON_PORT=", 11) == 0;
}

/* Our environment, less any BATON_* variables inherited from whoever started us, plus this
 * check's. One allocation: the pointer array, then the text of our variables. */
static char **make_env(const struct zone_check *check, const struct sockaddr_storage *addr)
{
	char text[ADDR_TEXT_MAX];
	size_t n = 0, k = 0, text_size;
	char **env, *s;

	addr_text(addr, text);
	while (environ[n] != NULL)
		n++;
	/* The names, '=', the values (a port has at most 5 digits) and three NULs. */
	text_size = sizeof("BATON_CHECK=BATON_ADDRESS=BATON_PORT=65535") + 3 + strlen(check->name) +
		    strlen(text);
	env = malloc((n + 4) * sizeof(*env) + text_size);
	if (env == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!is_ours(environ[i]))
			env[k++] = environ[i];
	s = (char *)(env + n + 4);
	env[k++] = s;
	s += sprintf(s, "BATON_CHECK=%s", check->name) + 1;
	env[k++] = s;
	s += sprintf(s, "BATON_ADDRESS=%s", text) + 1;
	if (check->port != 0) {
		env[k++] = s;
		sprintf(s, "BATON_PORT=%u", check->port);
	}
	env[k] = NULL;
	return env;
}

/* posix_spawn(3) rather than fork: safe in batond, whose other threads may hold locks, and
 * glibc reports a failed exec as its return value. The child gets a process group of its own so
 * cancel can kill whatever it started, stdin from /dev/null, the pipe as stdout and stderr, no
 * other descriptor of ours, an empty signal mask and default dispositions (batond ignores
 * SIGPIPE, and ignored signals survive execve(2)). Returns 0 or a positive errno. */
static int spawn(struct exec_probe *p, const struct zone_check *check, char **env, int out)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int err;

	sigemptyset(&none);
	sigfillset(&all);
	err = posix_spawn_file_actions_init(&fa);
	if (err != 0)
		return err;
	err = posix_spawnattr_init(&attr);
	if (err != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return err;
	}
	/* The dup2s first: should the pipe be fd 0 (a daemon with stdin closed), opening
	 * /dev/null last still leaves it on 1 and 2. */
	err = posix_spawn_file_actions_adddup2(&fa, out, STDOUT_FILENO);
	if (err == 0)
		err = posix_spawn_file_actions_adddup2(&fa, out, STDERR_FILENO);
	if (err == 0)
		err = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	if (err == 0)
		err = posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
	if (err == 0)
		err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
							      POSIX_SPAWN_SETSIGMASK |
							      POSIX_SPAWN_SETSIGDEF);
	if (err == 0)
		err = posix_spawnattr_setpgroup(&attr, 0);
	if (err == 0)
		err = posix_spawnattr_setsigmask(&attr, &none);
	if (err == 0)
		err = posix_spawnattr_setsigdefault(&attr, &all);
	if (err == 0)
		err = posix_spawn(&p->pid, check->argv[0], &fa, &attr, check->argv, env);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return err;
}

/* Starts the program. Returns 0, or -1 with p->report.result saying why. */
static int launch(struct exec_probe *p, const struct zone_check *check,
		  const struct sockaddr_storage *addr)
{
	char **env = make_env(check, addr);
	int fds[2], err;

	if (env == NULL || pipe2(fds, O_CLOEXEC) < 0) {
		probe_result_set(&p->report.result, false, "%s: %s", env ? "pipe" : "environment",
				 strerror(errno));
		free(env);
		return -1;
	}
	err = spawn(p, check, env, fds[1]);
	close(fds[1]);
	free(env);
	p->out_fd = fds[0];
	if (err != 0) {
		p->pid = 0;
		probe_result_set(&p->report.result, false, "exec %s: %s", check->argv[0],
				 strerror(err));
		return -1;
	}
	/* Only our end is non-blocking: the child's writes must block on a full pipe. */
	fcntl(p->out_fd, F_SETFL, fcntl(p->out_fd, F_GETFL) | O_NONBLOCK);
	/* A pidfd (pidfd_open(2), Linux >= 5.3) turns the child's exit into an event on the loop,
	 * without a SIGCHLD handler that would take children from other parts of the process. */
	p->pidfd = pidfd_open(p->pid, 0);
	if (p->pidfd < 0) {
		err = errno;
		/* Only on an old kernel or out of descriptors: a SIGKILLed child goes at once, so
		 * this wait is short. */
		kill(-p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
		p->pid = 0; /* reaped: its number may be reused */
		probe_result_set(&p->report.result, false, "pidfd_open: %s", strerror(err));
		return -1;
	}
	return 0;
}

/* Once both the output has ended and the exit status is in, the probe is complete: a program
 * that closes stdout but keeps running is still running, and output still in the pipe after the
 * exit (from the program's own children) is still its output. */
static void maybe_finish(struct exec_probe *p)
{
	const char *sep = p->line_len ? ": " : "";

	if (!p->eof || !p->reaped)
		return;
	p->line[p->line_len] = '\0';
	if (p->status_lost)
		probe_result_set(&p->report.result, false,
				 "exit status lost (is SIGCHLD ignored?)%s%s", sep, p->line);
	else if (p->how == CLD_EXITED)
		probe_result_set(&p->report.result, p->status == 0, "exit %d%s%s", p->status, sep,
				 p->line);
	else
		probe_result_set(&p->report.result, false, "killed by signal %d", p->status);
	finish(p);
}

/* Keeps the first line, or its first LINE_KEEP bytes, with control characters (escape
 * sequences would garble a terminal showing the log) turned into spaces. */
static void keep_line(struct exec_probe *p, const char *buf, size_t len)
{
	for (size_t i = 0; i < len && !p->line_done; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n' || p->line_len == LINE_KEEP)
			p->line_done = true;
		else if (c != '\r')
			p->line[p->line_len++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
}

/* Reads what the program prints (all of it, so it never blocks on a full pipe) until end of
 * file, which comes when every process holding the pipe has closed it or exited. */
static void on_output(evutil_socket_t fd, short what, void *arg)
{
	struct exec_probe *p = arg;
	char buf[READ_CHUNK];

	(void)what;
	for (int i = 0; i < READS_PER_WAKE; i++) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n > 0) {
			keep_line(p, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		/* End of file; any other error also means no more output. */
		p->eof = true;
		event_del(p->ev_out);
		maybe_finish(p);
		return;
	}
}

static void on_exited(evutil_socket_t fd, short what, void *arg)
{
	struct exec_probe *p = arg;
	siginfo_t si;
	int rc;

	(void)what;
	memset(&si, 0, sizeof(si));
	do
		rc = waitid(P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG);
	while (rc < 0 && errno == EINTR);
	if (rc == 0 && si.si_pid == 0) {
		/* Not exited after all; the pidfd says so again when it has. */
		event_add(p->ev_exit, NULL);
		return;
	}
	/* ECHILD: the kernel reaped it for us because SIGCHLD is ignored (wait(2), NOTES). */
	p->status_lost = rc < 0;
	p->how = si.si_code;
	p->status = si.si_status;
	p->reaped = true;
	maybe_finish(p);
}

/* A pidfd is readable once its process has exited (pidfd_open(2)), so this waitid() returns at
 * once; blocking mode makes sure it does reap. */
static void reap(evutil_socket_t fd, short what, void *arg)
{
	siginfo_t si;

	(void)what;
	(void)arg;
	while (waitid(P_PIDFD, (id_t)fd, &si, WEXITED) < 0 && errno == EINTR)
		;
	close(fd);
}

/* Kills the program and everything it started: it leads its own process group, and the group's
 * id stays reserved while any member, or the unreaped leader, exists. Then reaps the leader, now
 * if it is already gone, else from the loop, by an event that owns only the pidfd: the probe's
 * memory goes now and `done` can never be reached. */
static void kill_and_reap(struct exec_probe *p)
{
	siginfo_t si;
	int rc;

	if (p->pid <= 0)
		return;
	kill(-p->pid, SIGKILL);
	if (p->reaped || p->pidfd < 0)
		return;
	memset(&si, 0, sizeof(si));
	rc = waitid(P_PIDFD, (id_t)p->pidfd, &si, WEXITED | WNOHANG);
	if ((rc == 0 && si.si_pid != 0) || (rc < 0 && errno == ECHILD))
		return; /* reaped now, or by the kernel (SIGCHLD ignored) */
	if (event_base_once(p->base, p->pidfd, EV_READ, reap, NULL, NULL) == 0) {
		p->pidfd = -1; /* the event's now */
		return;
	}
	/* Out of memory for the event: wait here; a SIGKILLed process goes at once unless it is
	 * stuck in the kernel. */
	reap(p->pidfd, EV_READ, NULL);
	p->pidfd = -1;
}

static void *exec_start(struct event_base *base, const struct zone_check *check,
			const struct sockaddr_storage *addr, probe_done_fn *done, void *arg,
			const char **why)
{
	struct exec_probe *p = calloc(1, sizeof(*p));

	if (p == NULL)
		goto nomem;
	p->base = base;
	p->out_fd = p->pidfd = -1;
	if (probe_report_init(&p->report, base, done, arg, release, p) < 0)
		goto nomem;
	if (launch(p, check, addr) < 0) {
		/* No such program, no descriptors: a result, reported from the loop because
		 * `done` must not run inside start(). */
		probe_report_finish_later(&p->report);
		return p;
	}
	p->ev_out = event_new(base, p->out_fd, EV_READ | EV_PERSIST, on_output, p);
	p->ev_exit = event_new(base, p->pidfd, EV_READ, on_exited, p);
	if (p->ev_out == NULL || p->ev_exit == NULL || event_add(p->ev_out, NULL) < 0 ||
	    event_add(p->ev_exit, NULL) < 0)
		goto nomem;
	return p;
nomem:
	if (p != NULL) {
		kill_and_reap(p);
		exec_free(p);
	}
	*why = "out of memory";
	return NULL;
}

static void exec_cancel(void *state)
{
	struct exec_probe *p = state;

	/* The events go first: the pidfd may be handed to the reaping event. */
	if (p->ev_exit != NULL) {
		event_free(p->ev_exit);
		p->ev_exit = NULL;
	}
	kill_and_reap(p);
	exec_free(p);
}

const struct probe_kind probe_exec = { "exec", exec_start, exec_cancel };
