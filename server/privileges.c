/* After this, batond holds its bound sockets and nothing else of root's: zone files, the
 * geoip-database and the state-file are read (and written) as the user. */
#include "autoconfig.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "baton/log.h"
#include "server/privileges.h"

int privileges_drop(const char *username, const char *const *owned)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(username);
	if (pw == NULL) {
		int err = errno ? -errno : -ENOENT;

		log_err("username %s: no such user%s%s", username, errno ? ": " : "",
			errno ? strerror(errno) : "");
		return err;
	}
	for (const char *const *p = owned; p != NULL && *p != NULL; p++)
		if (chown(*p, pw->pw_uid, pw->pw_gid) < 0 && errno != ENOENT)
			log_warn("username %s: cannot hand %s over: %s", username, *p,
				 strerror(errno));
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		int err = -errno;

		log_err("username %s: cannot switch to uid %u gid %u: %s", username,
			(unsigned)pw->pw_uid, (unsigned)pw->pw_gid, strerror(-err));
		return err;
	}
	if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		log_err("username %s: root could be regained after the switch", username);
		return -EPERM;
	}
	log_info("running as %s (uid %u, gid %u)", username, (unsigned)pw->pw_uid,
		 (unsigned)pw->pw_gid);
	return 0;
}
