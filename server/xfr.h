/* The AXFR (RFC 5936) and IXFR (RFC 1995) responder over TCP: who may transfer (provide-xfr,
 * TSIG), then the exported zone (server/export.h) as a stream of messages that tcp.c asks for
 * one at a time as its output drains, so a large zone is never buffered whole. Main thread. */
#ifndef BATON_XFR_H
#define BATON_XFR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct export;
struct xfr;

/* Most bytes of records per message before the next one starts: NSD's 16 KiB, so a message
 * stays well under the 64 KiB TCP limit with its TSIG. */
#define XFR_MESSAGE_TARGET 16384

/* Answers the AXFR or IXFR request `msg` from `peer`. Either writes one message into `out`
 * (`cap` bytes) and returns its length, with *stream NULL: FORMERR, REFUSED (no provide-xfr
 * entry matches, or the zone is not exported), NOTAUTH with a TSIG error, or an IXFR answered
 * by the SOA alone; or returns 0 with a new transfer in *stream (free with xfr_free()).
 * Returns 0 with *stream NULL when nothing is to be sent. */
size_t xfr_begin(struct export *e, const uint8_t *msg, size_t len,
		 const struct sockaddr_storage *peer, uint8_t *out, size_t cap,
		 struct xfr **stream);

/* The next message of the transfer into `out` (at least 65535 bytes): its length; 0 once the
 * closing SOA was sent; -ESTALE when the zone was replaced, or an IXFR's serial moved on,
 * under it (the caller closes the connection: the client retries), -ENOMEM. */
int xfr_next(struct xfr *x, uint8_t *out, size_t cap);

/* Logs the transfer's outcome and frees it; NULL is a no-op. */
void xfr_free(struct xfr *x);

#endif
