// SPDX-License-Identifier: GPL-2.0
/*
 * flowmicro: host-side microbenchmark of veer's flow record lookup and
 * per-packet update at a million records.
 *
 * This file includes kmod/flow.c itself (unmodified, with kmod/veer.h; by
 * default run.sh builds it from a HEAD export, see README.md), so
 * the code measured is the module's: the key built from the conntrack
 * tuple, the rhashtable parameters and SipHash hash function, and
 * veer_flow_packet() with its TCP profile update.  The rhashtable is the
 * kernel's own lib/rhashtable.c and the hash the kernel's lib/siphash.c,
 * compiled unmodified against shim/ (see README.md for what the shims cost
 * compared with the kernel).
 *
 * Baseline, same process, same records, same key and hash: a plain
 * open-addressing table (linear probing, load <= 1/2, 16-byte slots holding
 * the 32-bit hash and the record pointer), and veer_flow_packet()'s
 * steady-state path looking records up there instead (the module's own
 * veer_flow_account() and veer_flow_mark_replied() after the lookup).
 *
 * Usage: flowmicro [-n RECORDS] [-o OPS] [-r RUNS] [--callgrind]
 *
 * Each run times every operation once per table, in alternating order; the
 * report gives the median ns/op and the median of the per-run ratios.  With
 * --callgrind (under valgrind --tool=callgrind --instr-atstart=no) each
 * operation runs once per table with instrumentation on only around it, and
 * its counts are dumped under the operation's name.
 */
#include <time.h>
#include <getopt.h>
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION do { } while (0)
#define CALLGRIND_STOP_INSTRUMENTATION do { } while (0)
#define CALLGRIND_ZERO_STATS do { } while (0)
#define CALLGRIND_DUMP_STATS_AT(s) do { (void)(s); } while (0)
#endif

/* The module's sources: the work tree's, or a HEAD export (run.sh). */
#ifndef VEER_FLOW_C
#define VEER_FLOW_C "../../../kmod/flow.c"
#endif
#include VEER_FLOW_C

/* ---- what flow.c calls in the module's other files ---- */

struct veer_service *veer_service_match(struct veer_net *vn, u16 family,
					const union nf_inet_addr *daddr,
					u8 proto, __be16 dport)
{
	return NULL;	/* every flow is tracked through track-all */
}

/* The module returns at once when nobody listens (genl_has_listeners). */
void veer_flow_event(struct veer_net *vn, const struct veer_flow *f,
		     enum veer_flow_event ev)
{
}

/* Level 0 only: aggregates are not involved. */
void veer_agg_init(void) { }
int veer_agg_net_init(struct veer_net *vn) { return 0; }
void veer_agg_net_exit(struct veer_net *vn) { }
u8 veer_agg_attach(struct veer_net *vn, struct veer_flow *f, u32 mark) { return 0; }
void veer_agg_detach(struct veer_net *vn, struct veer_flow *f) { }
void veer_agg_fold(struct veer_flow *f, u64 packets, u64 bytes) { }
void veer_agg_note_age(struct veer_flow *f, u32 age_ms) { }
void veer_agg_gc(struct veer_net *vn) { }

siphash_key_t kshim_ct_id_seed = { { 0x0123456789abcdefULL, 0xfedcba9876543210ULL } };

struct nf_conntrack_tuple_hash *
nf_conntrack_find_get(struct net *net, const struct nf_conntrack_zone *zone,
		      const struct nf_conntrack_tuple *tuple)
{
	return NULL;
}

/* ---- the baseline: open addressing over the same records ---- */

struct oa_slot {
	u32 hash;
	struct veer_flow *f;
};

static struct oa_slot *oa;
static u64 oa_mask;

static inline u32 oa_hash(const struct veer_flow_key *k)
{
	return veer_flow_hash(k, sizeof(*k), 0);
}

static void oa_init(u64 records)
{
	u64 n = roundup_pow_of_two(2 * records);

	/* As a kernel table of this size would be: kvzalloc (vmalloc). */
	oa = kvzalloc(n * sizeof(*oa), GFP_KERNEL);
	if (!oa) {
		fprintf(stderr, "flowmicro: out of memory\n");
		exit(1);
	}
	oa_mask = n - 1;
}

static void oa_insert(struct veer_flow *f)
{
	u32 h = oa_hash(&f->key);
	u64 i = h & oa_mask;

	while (oa[i].f)
		i = (i + 1) & oa_mask;
	oa[i].hash = h;
	oa[i].f = f;
}

static inline struct veer_flow *oa_lookup(const struct veer_flow_key *k)
{
	u32 h = oa_hash(k);
	u64 i;

	for (i = h & oa_mask;; i = (i + 1) & oa_mask) {
		struct veer_flow *f = oa[i].f;

		if (!f)
			return NULL;
		if (oa[i].hash == h && !memcmp(&f->key, k, sizeof(*k)))
			return f;
	}
}

/*
 * veer_flow_packet()'s path for a known flow, with oa_lookup() in place of
 * the rhashtable: the same key, then the module's own accounting.
 */
static void oa_flow_packet(struct veer_net *vn, struct sk_buff *skb,
			   struct nf_conn *ct, enum ip_conntrack_info ctinfo,
			   unsigned int thoff)
{
	enum ip_conntrack_dir dir = CTINFO2DIR(ctinfo);
	struct veer_flow_key key;
	struct veer_flow *f;

	veer_flow_key_from_ct(ct, &key);
	f = oa_lookup(&key);
	if (!f || f->ct != ct || READ_ONCE(f->dead))
		abort();	/* every flow is known here */
	veer_flow_account(vn, f, ct, skb, dir, thoff);
	if (dir == IP_CT_DIR_REPLY && !READ_ONCE(f->replied))
		veer_flow_mark_replied(vn, f);
}

/* ---- workload ---- */

static struct veer_net *vn;
static struct nf_conn **cts;		/* in a random order */
static struct veer_flow_key *keys_hit;	/* keys of cts[], same order */
static struct veer_flow_key *keys_miss;
static struct veer_flow **recs;		/* records of cts[], same order */
static struct veer_flow_profile **profs;
static u64 n_rec, n_ops;
static struct sk_buff skb;
static unsigned char pkt[64];
static volatile uintptr_t sink;

#define THOFF 20

static void put_be32(u8 *p, u32 v)
{
	v = htonl(v);
	memcpy(p, &v, sizeof(v));
}

static void make_segment(void)
{
	struct tcphdr *th = (struct tcphdr *)(pkt + THOFF);
	u8 *o = pkt + THOFF + sizeof(*th);

	/* An ACK with NOP NOP TS, as Linux sends: 20 + 20 + 12 bytes. */
	th->source = htons(40000);
	th->dest = htons(443);
	th->seq = htonl(1000);
	th->ack_seq = htonl(1);
	th->doff = 8;
	th->ack = 1;
	th->window = htons(512);
	o[0] = TCPOPT_NOP;
	o[1] = TCPOPT_NOP;
	o[2] = TCPOPT_TIMESTAMP;
	o[3] = TCPOLEN_TIMESTAMP;
	put_be32(o + 4, 1234);
	put_be32(o + 8, 5678);
	skb.data = pkt;
	skb.len = THOFF + 32;
}

static struct nf_conn *make_ct(struct kmem_cache *cache, u64 i, __be16 dport)
{
	struct nf_conn *ct = kmem_cache_zalloc(cache, GFP_KERNEL);
	struct nf_conntrack_tuple *t;

	if (!ct)
		return NULL;
	t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	t->src.l3num = NFPROTO_IPV4;
	t->src.u3.ip = htonl(0x0a000000u + (u32)(i >> 4));	/* 10.x.y.z */
	t->src.u.all = htons(40000 + (i & 15));
	t->dst.u3.ip = htonl(0xc0000201u);			/* 192.0.2.1 */
	t->dst.u.all = dport;
	t->dst.protonum = IPPROTO_TCP;
	t->dst.dir = IP_CT_DIR_ORIGINAL;
	ct->tuplehash[IP_CT_DIR_REPLY].tuple.dst.dir = IP_CT_DIR_REPLY;
	nf_ct_zone_init(&ct->zone, 0, NF_CT_DEFAULT_ZONE_DIR, 0);
	ct->status = (1UL << IPS_CONFIRMED_BIT) | (1UL << IPS_SEEN_REPLY_BIT);
	ct->proto.tcp.state = TCP_CONNTRACK_ESTABLISHED;
	ct->proto.tcp.seen[0].flags = IP_CT_TCP_FLAG_WINDOW_SCALE | IP_CT_TCP_FLAG_SACK_PERM;
	ct->proto.tcp.seen[1].flags = IP_CT_TCP_FLAG_WINDOW_SCALE | IP_CT_TCP_FLAG_SACK_PERM;
	ct->proto.tcp.seen[0].td_scale = 7;
	ct->proto.tcp.seen[1].td_scale = 7;
	return ct;
}

/*
 * The thread's CPU time, not the wall clock: on a shared machine (this one
 * runs QEMU guests) a phase is often descheduled, and that is not its cost.
 */
static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static void *xcalloc(size_t n, size_t s)
{
	void *p = calloc(n, s);

	if (!p) {
		fprintf(stderr, "flowmicro: out of memory\n");
		exit(1);
	}
	return p;
}

static double setup(void)
{
	struct kmem_cache *ct_cache;
	u64 i, t0, t1;

	make_segment();
	if (veer_flow_init())
		exit(1);
	vn = xcalloc(1, sizeof(*vn));
	vn->counters = xcalloc(1, sizeof(*vn->counters));
	vn->cfg.flow_max = U32_MAX;
	vn->cfg.track_all = 1;
	if (veer_flow_net_init(vn)) {
		fprintf(stderr, "flowmicro: veer_flow_net_init failed\n");
		exit(1);
	}
	kshim_net_generic = vn;

	/* Like nf_conntrack's cache: SLAB_HWCACHE_ALIGN. */
	ct_cache = kmem_cache_create("nf_conn", sizeof(struct nf_conn), 8,
				     SLAB_HWCACHE_ALIGN, NULL);
	cts = xcalloc(n_rec, sizeof(*cts));
	recs = xcalloc(n_rec, sizeof(*recs));
	profs = xcalloc(n_rec, sizeof(*profs));
	keys_hit = xcalloc(n_ops, sizeof(*keys_hit));
	keys_miss = xcalloc(n_ops, sizeof(*keys_miss));
	for (i = 0; i < n_rec; i++) {
		cts[i] = make_ct(ct_cache, i, htons(443));
		if (!cts[i]) {
			fprintf(stderr, "flowmicro: out of memory\n");
			exit(1);
		}
	}

	/* Insertion through the module's own path: the first packet. */
	t0 = now_ns();
	for (i = 0; i < n_rec; i++) {
		veer_flow_packet(vn, &skb, cts[i], IP_CT_ESTABLISHED, THOFF);
		kshim_run_work();	/* rhashtable's deferred resize */
	}
	t1 = now_ns();
	kshim_quiescent();
	if ((u64)atomic_read(&vn->n_flows) != n_rec) {
		fprintf(stderr, "flowmicro: %d records for %llu flows\n",
			atomic_read(&vn->n_flows), (unsigned long long)n_rec);
		exit(1);
	}

	/* Visit order: a random permutation, so that records, cts and
	 * buckets are all touched at random, as packets of many flows do. */
	for (i = n_rec - 1; i > 0; i--) {
		u64 j = (((u64)get_random_u32() << 32) | get_random_u32()) % (i + 1);
		struct nf_conn *tmp = cts[i];

		cts[i] = cts[j];
		cts[j] = tmp;
	}
	oa_init(n_rec);
	for (i = 0; i < n_rec; i++) {
		struct veer_flow_key k;

		veer_flow_key_from_ct(cts[i], &k);
		recs[i] = veer_flow_lookup(vn, &k);
		if (!recs[i]) {
			fprintf(stderr, "flowmicro: record %llu missing\n", (unsigned long long)i);
			exit(1);
		}
		oa_insert(recs[i]);
		profs[i] = recs[i]->prof;
	}
	for (i = 0; i < n_ops; i++) {
		struct nf_conn *ct = cts[i % n_rec];

		veer_flow_key_from_ct(ct, &keys_hit[i]);
		keys_miss[i] = keys_hit[i];
		keys_miss[i].dport = htons(444);
	}
	return (double)(t1 - t0) / n_rec;
}

/* ---- operations ---- */

enum table { RHT, OA, NTABLES };
static const char *const table_name[NTABLES] = { "rhashtable", "open-addr" };

static void op_hit(enum table t)
{
	uintptr_t acc = 0;
	u64 i;

	rcu_read_lock();
	if (t == RHT)
		for (i = 0; i < n_ops; i++)
			acc += (uintptr_t)veer_flow_lookup(vn, &keys_hit[i]);
	else
		for (i = 0; i < n_ops; i++)
			acc += (uintptr_t)oa_lookup(&keys_hit[i]);
	rcu_read_unlock();
	sink = acc;
}

static void op_miss(enum table t)
{
	uintptr_t acc = 0;
	u64 i;

	rcu_read_lock();
	if (t == RHT)
		for (i = 0; i < n_ops; i++)
			acc += (uintptr_t)veer_flow_lookup(vn, &keys_miss[i]);
	else
		for (i = 0; i < n_ops; i++)
			acc += (uintptr_t)oa_lookup(&keys_miss[i]);
	rcu_read_unlock();
	if (acc)
		abort();
	sink = acc;
}

/*
 * conntrack has just looked the entry up when veer's hook runs: its tuple
 * and state are in cache.  Touch them first (the "ct-touch" row measures
 * this alone).
 */
static inline void touch_ct(const struct nf_conn *ct)
{
	sink += ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.dst.protonum +
		READ_ONCE(ct->proto.tcp.state);
}

static void op_update(enum table t)
{
	u64 i;

	rcu_read_lock();
	if (t == RHT)
		for (i = 0; i < n_ops; i++) {
			struct nf_conn *ct = cts[i % n_rec];

			touch_ct(ct);
			veer_flow_packet(vn, &skb, ct, IP_CT_ESTABLISHED, THOFF);
		}
	else
		for (i = 0; i < n_ops; i++) {
			struct nf_conn *ct = cts[i % n_rec];

			touch_ct(ct);
			oa_flow_packet(vn, &skb, ct, IP_CT_ESTABLISHED, THOFF);
		}
	rcu_read_unlock();
}

/* Records above level 0 carry no profile: counters and TCP state only. */
static void set_profiles(bool on)
{
	u64 i;

	for (i = 0; i < n_rec; i++)
		recs[i]->prof = on ? profs[i] : NULL;
}

static void profiles_off(void)
{
	set_profiles(false);
}

static void profiles_on(void)
{
	set_profiles(true);
}

static void op_touch(enum table t)
{
	u64 i;

	(void)t;
	for (i = 0; i < n_ops; i++)
		touch_ct(cts[i % n_rec]);
}

static void op_flowhash(enum table t)
{
	u64 acc = 0, i;

	(void)t;
	for (i = 0; i < n_ops; i++)
		acc += veer_flow_hash(&keys_hit[i], sizeof(keys_hit[i]), 0);
	sink = acc;
}

/* The reference PRFs below, under their own keys. */
static siphash_key_t skey = { { 0x452821e638d01377ULL, 0xbe5466cf34e90c6cULL } };

static void op_hash40(enum table t)
{
	u64 acc = 0, i;

	(void)t;
	for (i = 0; i < n_ops; i++)
		acc += siphash(&keys_hit[i], sizeof(keys_hit[i]), &skey);
	sink = acc;
}

/* What an IPv4-only key would cost to hash: 16 bytes in two words. */
static void op_hash16(enum table t)
{
	u64 acc = 0, i;

	(void)t;
	for (i = 0; i < n_ops; i++) {
		const struct veer_flow_key *k = &keys_hit[i];
		u64 a = (u64)k->saddr.ip << 32 | k->daddr.ip;
		u64 b = (u64)k->sport << 48 | (u64)k->dport << 32 |
			(u64)k->zone << 16 | (u64)k->family << 8 | k->proto;

		acc += siphash_2u64(a, b, &skey);
	}
	sink = acc;
}

/* Hashing the ct pointer instead (a table keyed by conntrack entry). */
static void op_hash8(enum table t)
{
	u64 acc = 0, i;

	(void)t;
	for (i = 0; i < n_ops; i++)
		acc += siphash_1u64((unsigned long)cts[i % n_rec], &skey);
	sink = acc;
}

/* The kernel's hash-table PRF (SipHash-1-3 on 64-bit) over the same key. */
static hsiphash_key_t hkey = { { 0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL } };

static void op_hhash40(enum table t)
{
	u64 acc = 0, i;

	(void)t;
	for (i = 0; i < n_ops; i++)
		acc += hsiphash(&keys_hit[i], sizeof(keys_hit[i]), &hkey);
	sink = acc;
}

struct op {
	const char *name;
	const char *what;
	void (*fn)(enum table t);
	bool both;		/* per table; otherwise a reference figure */
	void (*pre)(void);	/* untimed, before and after */
	void (*post)(void);
};

static const struct op ops[] = {
	{ "lookup-hit", "veer_flow_lookup() of a present key", op_hit, true },
	{ "lookup-miss", "veer_flow_lookup() of an absent key", op_miss, true },
	{ "lookup+update", "veer_flow_packet(), level 0: key, lookup, counters, TCP profile", op_update, true },
	{ "lookup+update-l3", "veer_flow_packet(), no profile (level >= 1): key, lookup, counters", op_update, true,
	  profiles_off, profiles_on },
	{ "ct-touch", "reading the ct's tuple and state (included in the two above)", op_touch, false },
	{ "flow-hash", "veer_flow_hash() of the 40-byte key: the module's hash", op_flowhash, false },
	{ "siphash-40B", "siphash() (SipHash-2-4) of the 40-byte key, for comparison", op_hash40, false },
	{ "siphash-16B", "SipHash-2-4 of a 16-byte IPv4 key (siphash_2u64), for comparison", op_hash16, false },
	{ "siphash-8B", "SipHash-2-4 of the ct pointer (siphash_1u64), for comparison", op_hash8, false },
	{ "hsiphash-40B", "hsiphash() (SipHash-1-3) of the 40-byte key, for comparison", op_hhash40, false },
};
#define NOPS ARRAY_SIZE(ops)

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void usage(void)
{
	fprintf(stderr, "usage: flowmicro [-n RECORDS] [-o OPS] [-r RUNS] [--callgrind]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "callgrind", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int runs = 7, c, r;
	bool callgrind = false;
	double insert_ns;
	size_t o;

	n_rec = 1000000;
	n_ops = 0;
	while ((c = getopt_long(argc, argv, "n:o:r:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'n': n_rec = strtoull(optarg, NULL, 0); break;
		case 'o': n_ops = strtoull(optarg, NULL, 0); break;
		case 'r': runs = atoi(optarg); break;
		case 'c': callgrind = true; break;
		default: usage();
		}
	}
	if (!n_ops)
		n_ops = n_rec;
	if (n_rec < 16 || runs < 1 || optind != argc)
		usage();

	insert_ns = setup();
	printf("records %llu\n", (unsigned long long)n_rec);
	printf("ops_per_run %llu\n", (unsigned long long)n_ops);
	printf("rht_buckets %u\n", rht_dereference_rcu(vn->flows.tbl, &vn->flows)->size);
	printf("oa_slots %llu\n", (unsigned long long)(oa_mask + 1));
	printf("record_bytes %u+%u\n", kmem_cache_size(veer_flow_cache),
	       kmem_cache_size(veer_prof_cache));
	printf("insert_ns %.1f\n", insert_ns);

	if (callgrind) {
		/* Once per operation and table, counted alone. */
		for (o = 0; o < NOPS; o++) {
			int t;

			for (t = 0; t < (ops[o].both ? NTABLES : 1); t++) {
				char name[64];

				snprintf(name, sizeof(name), "%s/%s", ops[o].name,
					 ops[o].both ? table_name[t] : "-");
				if (ops[o].pre)
					ops[o].pre();
				CALLGRIND_START_INSTRUMENTATION;
				CALLGRIND_ZERO_STATS;
				ops[o].fn(t);
				CALLGRIND_DUMP_STATS_AT(name);
				CALLGRIND_STOP_INSTRUMENTATION;
				if (ops[o].post)
					ops[o].post();
				printf("callgrind %s %llu\n", name, (unsigned long long)n_ops);
			}
		}
		return 0;
	}

	{
		double ns[NOPS][NTABLES][runs], ratio[NOPS][runs];

		for (r = 0; r < runs; r++) {
			for (o = 0; o < NOPS; o++) {
				int k;

				for (k = 0; k < (ops[o].both ? NTABLES : 1); k++) {
					/* Alternate which table goes first. */
					int t = ops[o].both ? (k + r) % NTABLES : 0;
					u64 t0;

					if (ops[o].pre)
						ops[o].pre();
					t0 = now_ns();
					ops[o].fn(t);
					ns[o][t][r] = (double)(now_ns() - t0) / n_ops;
					if (ops[o].post)
						ops[o].post();
				}
				if (ops[o].both)
					ratio[o][r] = ns[o][RHT][r] / ns[o][OA][r];
			}
		}
		for (o = 0; o < NOPS; o++) {
			if (ops[o].both)
				printf("op %s %.1f %.1f %.3f %s\n", ops[o].name,
				       median(ns[o][RHT], runs), median(ns[o][OA], runs),
				       median(ratio[o], runs), ops[o].what);
			else
				printf("op %s %.1f - - %s\n", ops[o].name,
				       median(ns[o][0], runs), ops[o].what);
		}
		printf("runs %d\n", runs);
	}
	return 0;
}
