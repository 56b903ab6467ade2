/* `batonctl drill SITE`: the failure drill. Drains SITE, asks batond over DNS until every
 * FAILOVER name that used it answers without it, undrains, and prints what moved and when. */
#ifndef BATON_DRILL_H
#define BATON_DRILL_H

#define DRILL_TIMEOUT_DEFAULT_S 60

/* Runs the drill against the batond listening on the control socket `socket`:
 *
 *   1. `failovers SITE`: the names that list SITE, the other sites of each and their state;
 *   2. asks each name's A and AAAA over UDP (the address the reply gives);
 *   3. stops without draining unless every name has another usable site;
 *   4. `drain SITE`, then asks every 50 ms until no answer holds SITE's addresses, for at most
 *      `timeout_s` seconds; SIGINT, SIGTERM and SIGHUP end this step early;
 *   5. `undrain SITE`, always once step 4 began.
 *
 * Prints each name's move and a summary to stdout, problems to stderr. Returns the exit
 * status: 0 when every name moved and had a healthy standby, 1 when a standby was not
 * healthy (nothing drained), a name did not move in time, the drill was interrupted or the
 * undrain failed, 2 when the drill could not run (batond unreachable, SITE unknown, in no
 * FAILOVER, or drained already). */
int drill_run(const char *socket, const char *site, unsigned timeout_s);

#endif
