"""seccomp_exec.py SYSCALLS -- PROGRAM ARGS...: runs PROGRAM with the comma-separated SYSCALLS
refused with EPERM, as systemd's SystemCallFilter=~... with SystemCallErrorNumber=EPERM refuses
them, so a test can run a daemon under its unit's filter without systemd. Debian's
python3-seccomp; run with /usr/bin/python3."""
import errno
import os
import sys

import seccomp


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit("usage: seccomp_exec.py SYSCALLS -- PROGRAM ARGS...")
    f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in sys.argv[1].split(","):
        f.add_rule(seccomp.ERRNO(errno.EPERM), name)
    # no_new_privs, as NoNewPrivileges=yes: what the filter needs without CAP_SYS_ADMIN
    f.set_attr(seccomp.Attr.CTL_NNP, True)
    f.load()
    os.execvp(sys.argv[3], sys.argv[3:])


if __name__ == "__main__":
    main()
