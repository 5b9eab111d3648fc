// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libveer: decoding of netlink extended acks (NLMSG_ERROR / NLMSG_DONE with
 * NLM_F_ACK_TLVS).  libnl 3.7 does not decode them, so we walk the TLVs
 * ourselves.  Pure code (no libnl), linked by the unit tests as is.
 *
 * Layout (net/netlink/af_netlink.c, netlink_ack() and netlink_dump_done()):
 *
 *   NLMSG_ERROR: struct nlmsghdr | struct nlmsgerr | [the rest of the
 *                request, unless NLM_F_CAPPED] | pad | TLVs (NLM_F_ACK_TLVS)
 *   NLMSG_DONE:  struct nlmsghdr | int error | pad | TLVs (NLM_F_ACK_TLVS)
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <linux/netlink.h>

#include "libveer.h"

static void copy_str(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t n;

	if (!dstlen)
		return;
	/* src may lack the NUL; never read past srclen. */
	n = strnlen(src, srclen);
	if (n >= dstlen)
		n = dstlen - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int veer_parse_ext_ack(const void *buf, size_t len, int *error,
		       char *msg, size_t msglen, uint32_t *offs)
{
	const struct nlmsghdr *nlh = buf;
	const unsigned char *p = buf;
	size_t mlen, hlen, off;
	int err;

	if (msg && msglen)
		msg[0] = '\0';
	if (offs)
		*offs = UINT32_MAX;
	if (error)
		*error = 0;

	if (!buf || len < NLMSG_HDRLEN)
		return -EBADMSG;
	mlen = nlh->nlmsg_len;
	if (mlen < NLMSG_HDRLEN || mlen > len)
		return -EBADMSG;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e;

		hlen = sizeof(struct nlmsgerr);
		if (mlen < NLMSG_HDRLEN + hlen)
			return -EBADMSG;
		e = (const struct nlmsgerr *)(p + NLMSG_HDRLEN);
		err = e->error;
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			/* The request is echoed after struct nlmsgerr. */
			if (e->msg.nlmsg_len < NLMSG_HDRLEN)
				return -EBADMSG;
			hlen += e->msg.nlmsg_len - NLMSG_HDRLEN;
		}
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		hlen = sizeof(int);
		if (mlen < NLMSG_HDRLEN + hlen) {
			/* Very old kernels sent an empty DONE. */
			err = 0;
			goto done;
		}
		memcpy(&err, p + NLMSG_HDRLEN, sizeof(err));
	} else {
		return -EBADMSG;
	}
	if (err > 0)
		err = -err;	/* never happens; be safe */

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		goto done;

	off = NLMSG_HDRLEN + NLMSG_ALIGN(hlen);
	if (off > mlen)
		return -EBADMSG;

	while (mlen - off >= NLA_HDRLEN) {
		const struct nlattr *nla = (const struct nlattr *)(p + off);
		size_t alen = nla->nla_len;
		const unsigned char *data = p + off + NLA_HDRLEN;

		if (alen < NLA_HDRLEN || alen > mlen - off)
			return -EBADMSG;
		switch (nla->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			if (msg && msglen)
				copy_str(msg, msglen, (const char *)data,
					 alen - NLA_HDRLEN);
			break;
		case NLMSGERR_ATTR_OFFS:
			if (offs && alen - NLA_HDRLEN == sizeof(uint32_t))
				memcpy(offs, data, sizeof(uint32_t));
			break;
		default:
			break;	/* policy, missing type, ...: not used */
		}
		off += NLA_ALIGN(alen);
		if (off > mlen)
			break;
	}
done:
	if (error)
		*error = err;
	return 0;
}
