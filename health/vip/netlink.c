/* Address and link requests on NETLINK_ROUTE, one request and its ack at a time. */
#include "autoconfig.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "health/vip/netlink.h"

#define REQUEST_MAX 256
#define REPLY_MAX 8192

struct request {
	struct nlmsghdr h;
	union {
		struct ifaddrmsg ifa;
		struct ifinfomsg ifi;
	} body;
	uint8_t attrs[REQUEST_MAX];
};

static void add_attr(struct request *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((uint8_t *)r + NLMSG_ALIGN(r->h.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Sends `r` and reads until its ack (or, with `info`, its RTM_NEWLINK answer). */
static int transact(struct request *r, struct ifinfomsg *info)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	uint8_t buf[REPLY_MAX] __attribute__((aligned(NLMSG_ALIGNTO)));
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int rc = -EIO;
	ssize_t n;

	if (fd < 0)
		return -errno;
	r->h.nlmsg_seq = 1;
	if (sendto(fd, r, r->h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		rc = -errno;
		goto out;
	}
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != r->h.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				rc = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
				goto out;
			}
			if (info != NULL && h->nlmsg_type == RTM_NEWLINK) {
				memcpy(info, NLMSG_DATA(h), sizeof(*info));
				rc = 0;
				goto out;
			}
		}
	}
	if (n < 0)
		rc = -errno;
out:
	close(fd);
	return rc;
}

static int address(int type, int flags, int ifindex, const struct vip_addr *a)
{
	struct request r;
	size_t alen = a->family == AF_INET6 ? 16 : 4;
	uint32_t ifa_flags = a->family == AF_INET6 ? IFA_F_NODAD : 0;

	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(r.body.ifa));
	r.h.nlmsg_type = (unsigned short)type;
	r.h.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags);
	r.body.ifa.ifa_family = (unsigned char)a->family;
	r.body.ifa.ifa_prefixlen = a->prefix;
	r.body.ifa.ifa_flags = (unsigned char)ifa_flags;
	r.body.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	r.body.ifa.ifa_index = (unsigned)ifindex;
	add_attr(&r, IFA_LOCAL, a->addr, alen);
	add_attr(&r, IFA_ADDRESS, a->addr, alen);
	if (type == RTM_NEWADDR)
		add_attr(&r, IFA_FLAGS, &ifa_flags, sizeof(ifa_flags));
	return transact(&r, NULL);
}

int vip_netlink_add(int ifindex, const struct vip_addr *a)
{
	int rc = address(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, a);

	return rc == -EEXIST ? 0 : rc == 0 ? 1 : rc;
}

int vip_netlink_del(int ifindex, const struct vip_addr *a)
{
	int rc = address(RTM_DELADDR, 0, ifindex, a);

	return rc == -EADDRNOTAVAIL || rc == -ENOENT ? 0 : rc == 0 ? 1 : rc;
}

int vip_netlink_link_is_up(int ifindex)
{
	struct request r;
	struct ifinfomsg info;
	int rc;

	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(r.body.ifi));
	r.h.nlmsg_type = RTM_GETLINK;
	r.h.nlmsg_flags = NLM_F_REQUEST;
	r.body.ifi.ifi_family = AF_UNSPEC;
	r.body.ifi.ifi_index = ifindex;
	rc = transact(&r, &info);
	if (rc < 0)
		return rc;
	return (info.ifi_flags & IFF_UP) && (info.ifi_flags & IFF_RUNNING);
}

int vip_netlink_monitor_open(void)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

void vip_netlink_drain(int fd)
{
	uint8_t buf[REPLY_MAX];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		continue;
}
