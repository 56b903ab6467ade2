/* Interface addresses and link state over a raw NETLINK_ROUTE socket (rtnetlink(7)): the
 * requests baton-vip makes are few and synchronous, so no library sits in between. */
#ifndef BATON_VIP_NETLINK_H
#define BATON_VIP_NETLINK_H

#include <stdbool.h>

#include "health/vip/conf.h"

/* Adds `a` to interface `ifindex`. IPv6 is added without Duplicate Address Detection
 * (IFA_F_NODAD): a VIP that moves is expected on the link, and DAD would hold it tentative,
 * unusable, for a second. Returns 1 when added, 0 when it was already there, or -errno. */
int vip_netlink_add(int ifindex, const struct vip_addr *a);

/* Removes it. Returns 1 when removed, 0 when it was not there, or -errno. */
int vip_netlink_del(int ifindex, const struct vip_addr *a);

/* Is the link administratively up and carrier on (IFF_UP and IFF_RUNNING)? -errno if unknown. */
int vip_netlink_link_is_up(int ifindex);

/* A socket that becomes readable on any link change (RTNLGRP_LINK), non-blocking; read it
 * with vip_netlink_drain(). Returns the fd or -errno. */
int vip_netlink_monitor_open(void);

/* Discards what is queued on a monitor socket: the caller re-reads the states it tracks. */
void vip_netlink_drain(int fd);

#endif
