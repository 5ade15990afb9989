// SPDX-License-Identifier: GPL-2.0
/*
 * TCP MD5 signatures (RFC 2385), as Linux's TCP_MD5SIG: keys per socket
 * and peer address (with a prefix length through TCP_MD5SIG_EXT); every
 * segment to such a peer is signed, every segment from it checked, and
 * one without the option, with the option where no key expects it, or
 * with a wrong signature, is dropped and counted (TCPMD5NotFound,
 * TCPMD5Unexpected, TCPMD5Failure).
 *
 * Few sockets have keys (BGP sessions), so the keys live in a table of
 * their own, found by the socket, and struct xtcp_sock spends one bit on
 * them (md5).  A socket's keys are replaced whole on each change, under
 * RCU, so the receive path reads them without the socket's lock.
 *
 * The signature is MD5 over TCP's pseudo-header (protocol 6: XTCP's
 * segments are TCP's), the TCP header without options and with a zero
 * checksum, the payload, and the key (RFC 2385 2.0).
 */
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/hashtable.h>
#include <net/ip.h>

#include "xtcp.h"

struct xtcp_md5_key {
	__be32	addr;		/* the peer's address, its first prefixlen bits */
	u8	prefixlen;
	u8	keylen;
	u8	key[TCP_MD5SIG_MAXKEYLEN];
};

struct xtcp_md5_keys {
	struct hlist_node	node;	/* in xtcp_md5_table */
	const struct sock	*sk;
	struct rcu_head		rcu;
	unsigned int		n;
	struct xtcp_md5_key	key[];
};

/* As many as Linux's default optmem budget holds, about. */
#define XTCP_MD5_MAX_KEYS	256

static DEFINE_HASHTABLE(xtcp_md5_table, 6);
static DEFINE_SPINLOCK(xtcp_md5_lock);	/* writers of the table */
static DEFINE_MUTEX(xtcp_md5_tfm_mutex);
static struct crypto_shash *xtcp_md5_tfm;

/* sk's keys, or NULL.  Under rcu_read_lock(). */
static struct xtcp_md5_keys *xtcp_md5_keys_of(const struct sock *sk)
{
	struct xtcp_md5_keys *k;

	hash_for_each_possible_rcu(xtcp_md5_table, k, node, (unsigned long)sk)
		if (k->sk == sk)
			return k;
	return NULL;
}

static bool xtcp_md5_match(const struct xtcp_md5_key *k, __be32 addr)
{
	u32 mask = k->prefixlen ? ~0U << (32 - k->prefixlen) : 0;

	return !((ntohl(k->addr) ^ ntohl(addr)) & mask);
}

/* The key for @addr, the longest prefix's.  Under rcu_read_lock(). */
static const struct xtcp_md5_key *xtcp_md5_find(const struct sock *sk,
						__be32 addr)
{
	const struct xtcp_md5_key *best = NULL;
	struct xtcp_md5_keys *k = xtcp_md5_keys_of(sk);
	unsigned int i;

	for (i = 0; k && i < k->n; i++)
		if (xtcp_md5_match(&k->key[i], addr) &&
		    (!best || k->key[i].prefixlen > best->prefixlen))
			best = &k->key[i];
	return best;
}

bool xtcp_md5_key_for(const struct sock *sk, __be32 addr)
{
	bool ret;

	if (!xtcp_sk(sk)->md5)
		return false;
	rcu_read_lock();
	ret = xtcp_md5_find(sk, addr);
	rcu_read_unlock();
	return ret;
}

/* Put @keys (NULL: none) in place of sk's, and free the old ones. */
static void xtcp_md5_replace(struct sock *sk, struct xtcp_md5_keys *keys)
{
	struct xtcp_md5_keys *old;

	spin_lock_bh(&xtcp_md5_lock);
	old = xtcp_md5_keys_of(sk);
	if (old)
		hash_del_rcu(&old->node);
	if (keys)
		hash_add_rcu(xtcp_md5_table, &keys->node, (unsigned long)sk);
	spin_unlock_bh(&xtcp_md5_lock);
	if (old)
		kfree_rcu(old, rcu);
	xtcp_sk(sk)->md5 = !!keys;
}

static struct xtcp_md5_keys *xtcp_md5_alloc(const struct sock *sk,
					    unsigned int n, gfp_t gfp)
{
	struct xtcp_md5_keys *k = kzalloc(struct_size(k, key, n), gfp);

	if (k) {
		k->sk = sk;
		k->n = n;
	}
	return k;
}

/* The digest is made on first use: sockets without keys never pay. */
static int xtcp_md5_tfm_get(void)
{
	struct crypto_shash *tfm;
	int err = 0;

	mutex_lock(&xtcp_md5_tfm_mutex);
	if (!xtcp_md5_tfm) {
		tfm = crypto_alloc_shash("md5", 0, 0);
		/* Linux's answer when it cannot have one either. */
		if (IS_ERR(tfm))
			err = -ENOMEM;
		else	/* Pairs with xtcp_md5_hash()'s acquire. */
			smp_store_release(&xtcp_md5_tfm, tfm);
	}
	mutex_unlock(&xtcp_md5_tfm_mutex);
	return err;
}

/*
 * setsockopt(TCP_MD5SIG or TCP_MD5SIG_EXT), as Linux's
 * tcp_v4_parse_md5_keys(): a key of 1 to 80 bytes for an address (or,
 * with TCP_MD5SIG_FLAG_PREFIX, a prefix), replacing one for the same;
 * length 0 deletes it (ENOENT if there is none).  Only the default VRF:
 * an interface index must name an L3 master device, which XTCP does
 * not route through, so it is EINVAL as for a device that is none.
 */
int xtcp_md5_setsockopt(struct sock *sk, int optname, sockptr_t optval,
			unsigned int optlen)
{
	struct sockaddr_in *sin;
	struct xtcp_md5_keys *old, *keys;
	struct tcp_md5sig cmd;
	unsigned int i, n, at;
	u8 prefixlen = 32;
	__be32 addr;
	int err;

	if (optlen < sizeof(cmd))
		return -EINVAL;
	if (copy_from_sockptr(&cmd, optval, sizeof(cmd)))
		return -EFAULT;
	sin = (struct sockaddr_in *)&cmd.tcpm_addr;
	if (sin->sin_family != AF_INET)
		return -EINVAL;
	if (optname == TCP_MD5SIG_EXT &&
	    (cmd.tcpm_flags & TCP_MD5SIG_FLAG_PREFIX)) {
		prefixlen = cmd.tcpm_prefixlen;
		if (prefixlen > 32)
			return -EINVAL;
	}
	if (optname == TCP_MD5SIG_EXT && cmd.tcpm_ifindex &&
	    (cmd.tcpm_flags & TCP_MD5SIG_FLAG_IFINDEX))
		return -EINVAL;
	if (cmd.tcpm_keylen > TCP_MD5SIG_MAXKEYLEN)
		return -EINVAL;
	/* Kept as given: a key is replaced or deleted by the same. */
	addr = sin->sin_addr.s_addr;
	if (cmd.tcpm_keylen) {
		err = xtcp_md5_tfm_get();
		if (err)
			return err;
	}

	lock_sock(sk);
	rcu_read_lock();
	old = xtcp_md5_keys_of(sk);
	n = old ? old->n : 0;
	for (at = 0; at < n; at++)
		if (old->key[at].addr == addr &&
		    old->key[at].prefixlen == prefixlen)
			break;
	rcu_read_unlock();
	/* The old keys cannot go meanwhile: only we, locked, replace them. */
	if (!cmd.tcpm_keylen) {
		err = -ENOENT;
		if (at == n)
			goto out;
		keys = n > 1 ? xtcp_md5_alloc(sk, n - 1, sk->sk_allocation) :
			       NULL;
		err = -ENOMEM;
		if (n > 1 && !keys)
			goto out;
		for (i = 0; i < n; i++)
			if (i != at)
				keys->key[i - (i > at)] = old->key[i];
	} else {
		err = -ENOMEM;
		if (at == n && n >= XTCP_MD5_MAX_KEYS)
			goto out;
		keys = xtcp_md5_alloc(sk, at == n ? n + 1 : n,
				      sk->sk_allocation);
		if (!keys)
			goto out;
		for (i = 0; i < n; i++)
			keys->key[i] = old->key[i];
		keys->key[at].addr = addr;
		keys->key[at].prefixlen = prefixlen;
		keys->key[at].keylen = cmd.tcpm_keylen;
		memcpy(keys->key[at].key, cmd.tcpm_key, cmd.tcpm_keylen);
		/* Each segment is signed: no super-segments (GSO) any more. */
		xtcp_sk(sk)->gso_ok = 0;
	}
	xtcp_md5_replace(sk, keys);
	err = 0;
out:
	release_sock(sk);
	return err;
}

/*
 * A passive open: the child takes its listener's key for the peer.
 * Without memory for it the child must not be made at all: it would
 * talk unsigned to a peer that must be authenticated (-ENOMEM).
 */
int xtcp_md5_inherit(const struct sock *parent, struct sock *child)
{
	const struct xtcp_md5_key *key;
	struct xtcp_md5_keys *keys = NULL;
	int err = 0;

	if (!xtcp_sk(parent)->md5)
		return 0;
	rcu_read_lock();
	key = xtcp_md5_find(parent, inet_sk(child)->inet_daddr);
	if (key) {
		keys = xtcp_md5_alloc(child, 1, GFP_ATOMIC);
		if (keys)
			keys->key[0] = *key;
		else
			err = -ENOMEM;
	}
	rcu_read_unlock();
	if (keys)
		xtcp_md5_replace(child, keys);
	return err;
}

/* The socket is freed: its keys go with it. */
void xtcp_md5_forget(struct sock *sk)
{
	if (xtcp_sk(sk)->md5)
		xtcp_md5_replace(sk, NULL);
}

/*
 * The signature of the segment whose TCP header is at @th in @skb, from
 * @saddr to @daddr, its TCP length (header, options, payload) @len.
 */
static int xtcp_md5_hash(u8 *out, const struct xtcp_md5_key *key,
			 __be32 saddr, __be32 daddr, const struct tcphdr *th,
			 struct sk_buff *skb, unsigned int len)
{
	/* Pairs with xtcp_md5_tfm_get()'s release: the transform whole. */
	struct crypto_shash *tfm = smp_load_acquire(&xtcp_md5_tfm);
	struct {
		__be32	saddr, daddr;
		u8	pad, protocol;
		__be16	len;
	} __packed ph = {
		.saddr = saddr,
		.daddr = daddr,
		.protocol = IPPROTO_TCP,
		.len = htons(len),
	};
	unsigned int from, consumed = 0;
	struct tcphdr hdr = *th;
	struct skb_seq_state st;
	const u8 *data;
	u32 n;
	int err;

	if (!tfm)
		return -ENOKEY;
	{
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		hdr.check = 0;
		err = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, (u8 *)&ph, sizeof(ph)) ?:
		      crypto_shash_update(desc, (u8 *)&hdr, sizeof(hdr));
		/* The payload, wherever the skb keeps it. */
		from = (const u8 *)th - skb->data + th->doff * 4;
		skb_prepare_seq_read(skb, from, skb->len, &st);
		while (!err && (n = skb_seq_read(consumed, &data, &st))) {
			err = crypto_shash_update(desc, data, n);
			consumed += n;
		}
		skb_abort_seq_read(&st);
		err = err ?: crypto_shash_update(desc, key->key, key->keylen) ?:
		      crypto_shash_final(desc, out);
		shash_desc_zero(desc);
	}
	return err;
}

/*
 * Sign the segment just built in @skb (its header at skb->data, the
 * signature's room at @sig), if the socket has a key for its peer.
 */
void xtcp_md5_sign(struct sock *sk, struct sk_buff *skb, u8 *sig)
{
	const struct inet_sock *inet = inet_sk(sk);
	const struct xtcp_md5_key *key;

	rcu_read_lock();
	key = xtcp_md5_find(sk, inet->inet_daddr);
	if (!key || xtcp_md5_hash(sig, key, inet->inet_saddr,
				  inet->inet_daddr, tcp_hdr(skb), skb,
				  skb->len))
		memset(sig, 0, XTCP_MD5_DIGEST_LEN);
	rcu_read_unlock();
}

/*
 * Whether sk drops the arriving @skb for its signature (Linux's
 * tcp_inbound_hash()): a key for the peer wants the option and a right
 * signature, no key wants no option, and two options or one of the
 * wrong size are always wrong.  The TCP header is pulled already.
 * xtcp_md5_inbound_drop() in xtcp.h calls it only for a socket with
 * keys or a segment with room for the option.
 */
bool __xtcp_md5_inbound_drop(struct sock *sk, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int optlen = th->doff * 4 - sizeof(*th);
	const struct xtcp_md5_key *key = NULL;
	u8 want[XTCP_MD5_DIGEST_LEN];
	const u8 *sig = NULL;
	bool drop = false;
	int at = -1;

	if (optlen >= XTCPOLEN_MD5SIG)
		at = xtcp_md5_option((const u8 *)(th + 1), optlen);
	if (at == -EINVAL)
		return true;
	if (at >= 0)
		sig = (const u8 *)(th + 1) + at;
	if (!sig && !xtcp_sk(sk)->md5)
		return false;

	rcu_read_lock();
	if (xtcp_sk(sk)->md5)
		key = xtcp_md5_find(sk, iph->saddr);
	if (!key && sig) {
		XTCP_INC_STATS(sk, XTCP_MIB_MD5UNEXPECTED);
		drop = true;
	} else if (key && !sig) {
		XTCP_INC_STATS(sk, XTCP_MIB_MD5NOTFOUND);
		drop = true;
	} else if (key &&
		   (xtcp_md5_hash(want, key, iph->saddr, iph->daddr, th, skb,
				  skb->len - ((const u8 *)th - skb->data)) ||
		    crypto_memneq(want, sig, sizeof(want)))) {
		XTCP_INC_STATS(sk, XTCP_MIB_MD5FAILURE);
		drop = true;
	}
	rcu_read_unlock();
	return drop;
}

/*
 * A RST in reply to @in, from @sk if a socket refuses it (Linux's
 * tcp_v4_send_reset()): signed with its key for the sender, if it has
 * one (20 bytes of options); unsigned (0); or, for a signed segment
 * that no socket takes, none at all (-1): no listener verified it.
 */
int xtcp_md5_reply_len(const struct sock *sk, const struct sk_buff *in)
{
	const struct tcphdr *th = tcp_hdr(in);
	unsigned int optlen = th->doff * 4 - sizeof(*th);

	if (!sk)
		return optlen >= XTCPOLEN_MD5SIG &&
		       xtcp_md5_option((const u8 *)(th + 1), optlen) >= 0 ?
		       -1 : 0;
	return xtcp_md5_key_for(sk, ip_hdr(in)->saddr) ?
	       XTCPOLEN_MD5SIG_ALIGNED : 0;
}

/* Sign that RST, built in @rst from @saddr to @daddr, at @sig. */
void xtcp_md5_reply_sign(const struct sock *sk, struct sk_buff *rst,
			 __be32 saddr, __be32 daddr, u8 *sig)
{
	const struct xtcp_md5_key *key;

	rcu_read_lock();
	key = xtcp_md5_find(sk, daddr);
	if (!key || xtcp_md5_hash(sig, key, saddr, daddr, tcp_hdr(rst), rst,
				  rst->len))
		memset(sig, 0, XTCP_MD5_DIGEST_LEN);
	rcu_read_unlock();
}

void xtcp_md5_exit(void)
{
	/* Every socket, and so every key, is gone: unload waits for them. */
	if (xtcp_md5_tfm)
		crypto_free_shash(xtcp_md5_tfm);
}
