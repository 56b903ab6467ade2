/* After this, a program holds its open sockets and the capabilities it named, nothing else of
 * root's: zone files, keys and state are read (and written) as the user, and what it runs
 * (exec checks, hooks, fencing commands) starts with no capability at all. Raw capget/capset
 * rather than libcap: two system calls are not worth a dependency. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "baton/log.h"
#include "baton/privileges.h"

struct cap_sets {
	uint64_t effective, permitted, inheritable;
};

static int caps_get(struct cap_sets *s)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	s->effective = (uint64_t)data[1].effective << 32 | data[0].effective;
	s->permitted = (uint64_t)data[1].permitted << 32 | data[0].permitted;
	s->inheritable = (uint64_t)data[1].inheritable << 32 | data[0].inheritable;
	return 0;
}

static int caps_set(const struct cap_sets *s)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {
		{ (uint32_t)s->effective, (uint32_t)s->permitted, (uint32_t)s->inheritable },
		{ (uint32_t)(s->effective >> 32), (uint32_t)(s->permitted >> 32),
		  (uint32_t)(s->inheritable >> 32) },
	};

	return syscall(SYS_capset, &hdr, data) < 0 ? -errno : 0;
}

/* Whether the kernel lets this process open an unprivileged ICMP ping socket. */
static bool ping_socket_allowed(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Names for the log, in capabilities(7)'s spelling; others print as a number. */
static void caps_text(uint64_t caps, char *buf, size_t size)
{
	static const struct {
		int cap;
		const char *name;
	} names[] = {
		{ CAP_NET_BIND_SERVICE, "cap_net_bind_service" },
		{ CAP_NET_ADMIN, "cap_net_admin" },
		{ CAP_NET_RAW, "cap_net_raw" },
	};
	size_t used = 0;

	buf[0] = '\0';
	for (int cap = 0; cap < 64 && used < size; cap++) {
		const char *name = NULL;
		char number[16];

		if (!(caps & PRIVILEGES_CAP(cap)))
			continue;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (names[i].cap == cap)
				name = names[i].name;
		if (name == NULL) {
			snprintf(number, sizeof(number), "cap_%d", cap);
			name = number;
		}
		used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? "," : "", name);
	}
	if (used == 0)
		snprintf(buf, size, "none");
}

/* chown() as root of a path in a folder the user may write, such as the state folder, is
 * what CVE-2020-28935 (NSD, Unbound) was: the user plants a link there and root hands over
 * whatever it points at. So the path is opened without following a link (O_PATH also opens a
 * socket), the file is checked through that descriptor and changed through it: a symbolic
 * link, anything but a regular file or a socket, or a hard link to a file of someone else's
 * is refused, and start-up stops. Returns 0 (a missing path too) or -errno, logged. */
static int hand_over(const struct privileges *p, const char *path, const struct passwd *pw)
{
	const char *why = NULL;
	struct stat st;
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC), rc = 0;

	if (fd < 0)
		rc = errno == ENOENT ? 0 : -errno;
	else if (fstat(fd, &st) < 0)
		rc = -errno;
	else if (S_ISLNK(st.st_mode))
		why = "is a symbolic link, which is never followed there: remove it, or name the "
		      "file it points at";
	else if (!S_ISREG(st.st_mode) && !S_ISSOCK(st.st_mode))
		why = "is neither a regular file nor a socket: remove it";
	else if (st.st_uid == pw->pw_uid && st.st_gid == pw->pw_gid)
		rc = 0; /* the user's already */
	else if (st.st_nlink > 1)
		why = "is a hard link to a file of another user's: remove it";
	else if (fchownat(fd, "", pw->pw_uid, pw->pw_gid, AT_EMPTY_PATH) < 0)
		log_warn("%s: username %s: cannot hand %s over: %s", p->program, p->username, path,
			 strerror(errno));
	if (fd >= 0)
		close(fd);
	if (why != NULL) {
		log_err("%s: username %s: %s %s", p->program, p->username, path, why);
		rc = -EPERM;
	} else if (rc < 0) {
		log_err("%s: username %s: cannot hand %s over: %s", p->program, p->username, path,
			strerror(-rc));
	}
	return rc;
}

static int switch_user(const struct privileges *p, bool keep_caps)
{
	struct passwd *pw;
	int err;

	errno = 0;
	pw = getpwnam(p->username);
	if (pw == NULL) {
		err = errno ? -errno : -ENOENT;
		log_err("%s: username %s: no such user%s%s", p->program, p->username,
			errno ? ": " : "", errno ? strerror(errno) : "");
		return err;
	}
	for (const char *const *path = p->owned; path != NULL && *path != NULL; path++) {
		err = hand_over(p, *path, pw);
		if (err < 0)
			return err;
	}
	/* Without it, setuid() away from root empties the permitted set too. */
	if (keep_caps && prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0)
		return -errno;
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		err = -errno;
		log_err("%s: username %s: cannot switch to uid %u gid %u: %s", p->program,
			p->username, (unsigned)pw->pw_uid, (unsigned)pw->pw_gid, strerror(-err));
		return err;
	}
	if (keep_caps)
		prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L);
	return 0;
}

/* Out of the bounding set goes everything not kept, so not even a set-uid program run by a
 * hook can bring a capability back. Needs CAP_SETPCAP in the effective set. */
static void narrow_bounding_set(uint64_t keep)
{
	for (int cap = 0; cap < 64; cap++) {
		if (keep & PRIVILEGES_CAP(cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, (unsigned long)cap, 0L, 0L, 0L) < 0 && errno == EINVAL)
			break; /* past the kernel's last capability */
	}
}

static int limit_caps(const struct privileges *p, uint64_t *kept)
{
	struct cap_sets now, want = { 0 };
	int rc = caps_get(&now);

	if (rc < 0)
		return rc;
	want.permitted = p->keep & now.permitted;
	if (p->icmp && (now.permitted & PRIVILEGES_CAP(CAP_NET_RAW)) && !ping_socket_allowed())
		want.permitted |= PRIVILEGES_CAP(CAP_NET_RAW);
	want.effective = want.permitted;
	if (now.permitted & PRIVILEGES_CAP(CAP_SETPCAP)) {
		struct cap_sets raised = now;

		raised.effective = now.permitted;
		if (caps_set(&raised) == 0)
			narrow_bounding_set(want.permitted);
	}
	/* Nothing to give up (a unit that grants none): no capset, which a system-call filter
	 * such as systemd's ~@privileged may refuse. */
	if (now.effective != want.effective || now.permitted != want.permitted ||
	    now.inheritable != 0) {
		rc = caps_set(&want);
		if (rc < 0)
			return rc;
	}
	/* Empty already, since ambient needs inheritable; said outright for older kernels. */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0L, 0L, 0L);
	*kept = want.permitted;
	return 0;
}

int privileges_drop(const struct privileges *p)
{
	uint64_t kept = 0;
	char caps[160];
	int rc;

	if (p->username != NULL) {
		rc = switch_user(p, p->keep != 0 || p->icmp);
		if (rc < 0)
			return rc;
	} else if (geteuid() == 0) {
		log_info("%s: running as root (set a username to drop it)", p->program);
		return 0;
	}
	rc = limit_caps(p, &kept);
	if (rc < 0) {
		log_err("%s: cannot give up capabilities: %s%s", p->program, strerror(-rc),
			rc == -EPERM
				? " (a system-call filter refusing capset? allow capset: it can "
				  "only lower capabilities)"
				: "");
		return rc;
	}
	if (getuid() != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		log_err("%s: root could be regained after the switch", p->program);
		return -EPERM;
	}
	caps_text(kept, caps, sizeof(caps));
	log_info("%s: running as uid %u gid %u, capabilities %s%s", p->program, (unsigned)getuid(),
		 (unsigned)getgid(), caps,
		 kept & ~p->keep & PRIVILEGES_CAP(CAP_NET_RAW)
			 ? " (for icmp checks: net.ipv4.ping_group_range leaves this group out)"
			 : "");
	return 0;
}
