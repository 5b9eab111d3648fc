/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim.h: the few kernel types and helpers that kmod/flow.c (with
 * kmod/veer.h) and the kernel's lib/rhashtable.c and lib/siphash.c use,
 * implemented for a single-threaded userspace process on x86-64.
 *
 * Every header under shim/ includes this one; the kernel files themselves
 * are compiled unmodified.  What each helper costs here, compared with the
 * kernel on x86-64 (see README.md):
 *
 *  - atomics, spinlocks and bit spinlocks are real locked instructions
 *    (__atomic builtins), as in the kernel; preempt/BH/IRQ toggles and
 *    lockdep are no-ops (the kernel's are a per-CPU increment or less);
 *  - RCU readers are free (as with the kernel's non-preemptible RCU);
 *    call_rcu() queues the callback until kshim_quiescent();
 *  - this_cpu_*() are plain increments (the kernel's are one %gs-relative
 *    instruction);
 *  - kmem caches are dense bump allocators with a free list (like a slab),
 *    in 2 MiB transparent huge pages (the kernel's direct map is mapped
 *    with huge pages); large kvmalloc()s (vmalloc in the kernel) get 4 KiB
 *    pages;
 *  - ktime_get() reads the TSC and scales it (the kernel's TSC clocksource
 *    does the same plus a seqcount read);
 *  - work items are queued and run by kshim_run_work() (the harness calls
 *    it where a workqueue would have run: after insertions).
 */
#ifndef KSHIM_H
#define KSHIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <errno.h>
#include <x86intrin.h>
#include <linux/types.h>	/* uapi __u8 ... __be32 (shim/linux/types.h) */
#include <asm/byteorder.h>	/* uapi: __LITTLE_ENDIAN_BITFIELD */

/* ---- Kconfig ---- */
#define CONFIG_64BIT 1
#define CONFIG_X86_64 1
#define CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS 1
#define CONFIG_DCACHE_WORD_ACCESS 1
#define CONFIG_NF_CONNTRACK_MARK 1
#define CONFIG_HZ 250
#define BITS_PER_LONG 64

#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x) ___is_defined(x)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define IS_ENABLED(option) __is_defined(option)
#define IS_BUILTIN(option) __is_defined(option)

/* ---- types ---- */
typedef __u8 u8;
typedef __s8 s8;
typedef __u16 u16;
typedef __s16 s16;
typedef __u32 u32;
typedef __s32 s32;
typedef __u64 u64;
typedef __s64 s64;
typedef s64 ktime_t;
typedef unsigned int gfp_t;
typedef u64 u64_stats_t;
typedef unsigned long phys_addr_t;

#define GFP_KERNEL	0x1u
#define GFP_ATOMIC	0x2u
#define GFP_NOWAIT	0x4u
#define __GFP_NOWARN	0x8u
#define __GFP_ZERO	0x10u
#define __GFP_NOFAIL	0x20u

/* ---- compiler ---- */
#define __read_mostly
#define __ro_after_init
#define __init
#define __exit
#define __rcu
#define __percpu
#define __force
#define __user
#define __iomem
#define __bitwise
#define __must_check __attribute__((warn_unused_result))
#define __acquires(x)
#define __releases(x)
#define __acquire(x) (void)0
#define __release(x) (void)0
#define __cond_lock(x, c) (c)
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define SINGLE_DEPTH_NESTING 1
#define L1_CACHE_BYTES 64
#define SMP_CACHE_BYTES 64
#define ____cacheline_aligned __attribute__((aligned(64)))
#define ____cacheline_aligned_in_smp ____cacheline_aligned
#define __cacheline_aligned ____cacheline_aligned
#define noinline __attribute__((noinline))
#define __aligned(x) __attribute__((aligned(x)))
#define __packed __attribute__((packed))
#define __maybe_unused __attribute__((unused))
#define __always_unused __attribute__((unused))
#define __cold __attribute__((cold))
#define __pure __attribute__((pure))
#define __visible
#define __randomize_layout
#define fallthrough __attribute__((__fallthrough__))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define barrier() __asm__ __volatile__("" ::: "memory")
#define smp_rmb() barrier()
#define smp_wmb() barrier()
#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_mb__before_atomic() barrier()
#define smp_mb__after_atomic() barrier()
#define smp_store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#define smp_load_acquire(p) __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) do { *(volatile __typeof__(x) *)&(x) = (v); } while (0)
#define data_race(x) (x)
#define cpu_relax() _mm_pause()

#define EXPORT_SYMBOL(x) extern int kshim_export_dummy
#define EXPORT_SYMBOL_GPL(x) extern int kshim_export_dummy
#define MODULE_LICENSE(x) extern int kshim_export_dummy

#ifndef offsetof
#define offsetof(t, m) __builtin_offsetof(t, m)
#endif
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define sizeof_field(t, m) sizeof(((t *)0)->m)
#define struct_size(p, member, n) \
	(sizeof(*(p)) + sizeof(*(p)->member) * (size_t)(n))
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)
#define BUG() abort()
#define BUG_ON(c) do { if (unlikely(c)) abort(); } while (0)
#define WARN_ON(c) ({ int __w = !!(c); if (unlikely(__w)) \
	fprintf(stderr, "kshim: WARN_ON(%s) at %s:%d\n", #c, __FILE__, __LINE__); \
	unlikely(__w); })
#define WARN_ON_ONCE(c) WARN_ON(c)
#define WARN(c, ...) ({ int __w = !!(c); if (unlikely(__w)) \
	fprintf(stderr, "kshim: " __VA_ARGS__); unlikely(__w); })
#define WARN_ONCE(c, ...) WARN(c, __VA_ARGS__)
#define pr_warn(...) fprintf(stderr, __VA_ARGS__)
#define pr_err(...) fprintf(stderr, __VA_ARGS__)
#define pr_info(...) ((void)0)
#define pr_debug(...) ((void)0)
#define might_sleep() ((void)0)
#define might_sleep_if(c) ((void)0)
#define cond_resched() ((void)0)

#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp_t(t, v, lo, hi) min_t(t, max_t(t, v, lo), hi)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define U8_MAX 0xffU
#define U16_MAX 0xffffU
#define U32_MAX 0xffffffffU
#define S32_MAX 0x7fffffff
#define U64_MAX 0xffffffffffffffffULL
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)

static inline int ilog2_ul(unsigned long v) { return 63 - __builtin_clzl(v); }
#define ilog2(v) ilog2_ul(v)
static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << (64 - __builtin_clzl(n - 1));
}
static inline unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1UL << ilog2_ul(n);
}
static inline bool is_power_of_2(unsigned long n)
{
	return n && !(n & (n - 1));
}
static inline u32 rol32(u32 w, unsigned int s) { return (w << (s & 31)) | (w >> ((-s) & 31)); }
static inline u64 rol64(u64 w, unsigned int s) { return (w << (s & 63)) | (w >> ((-s) & 63)); }
static inline u32 ror32(u32 w, unsigned int s) { return (w >> (s & 31)) | (w << ((-s) & 31)); }
static inline u64 div64_ul(u64 a, unsigned long b) { return a / b; }
static inline u64 div_u64(u64 a, u32 b) { return a / b; }
static inline u64 div64_u64(u64 a, u64 b) { return a / b; }

/* ---- errors ---- */
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) unlikely((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long e) { return (void *)e; }
static inline long PTR_ERR(const void *p) { return (long)p; }
static inline bool IS_ERR(const void *p) { return IS_ERR_VALUE((unsigned long)p); }
static inline bool IS_ERR_OR_NULL(const void *p) { return !p || IS_ERR(p); }
static inline void *ERR_CAST(const void *p) { return (void *)p; }

/* ---- byte order, unaligned ---- */
#define cpu_to_le64(x) ((u64)(x))
#define le64_to_cpu(x) ((u64)(x))
#define cpu_to_le32(x) ((u32)(x))
#define le32_to_cpu(x) ((u32)(x))
#define le16_to_cpu(x) ((u16)(x))
#define le64_to_cpup(p) (*(const u64 *)(p))
#define le32_to_cpup(p) (*(const u32 *)(p))
#define le16_to_cpup(p) (*(const u16 *)(p))
#define ntohl(x) __builtin_bswap32(x)
#define htonl(x) __builtin_bswap32(x)
#define ntohs(x) __builtin_bswap16(x)
#define htons(x) __builtin_bswap16(x)
#define cpu_to_be16(x) __builtin_bswap16(x)
#define cpu_to_be32(x) __builtin_bswap32(x)
#define be16_to_cpu(x) __builtin_bswap16(x)
#define be32_to_cpu(x) __builtin_bswap32(x)
static inline u16 get_unaligned_be16(const void *p) { u16 v; memcpy(&v, p, 2); return __builtin_bswap16(v); }
static inline u32 get_unaligned_be32(const void *p) { u32 v; memcpy(&v, p, 4); return __builtin_bswap32(v); }
static inline u64 get_unaligned_le64(const void *p) { u64 v; memcpy(&v, p, 8); return v; }
static inline u32 get_unaligned_le32(const void *p) { u32 v; memcpy(&v, p, 4); return v; }
static inline u16 get_unaligned_le16(const void *p) { u16 v; memcpy(&v, p, 2); return v; }
static inline u32 __get_unaligned_cpu32(const void *p) { u32 v; memcpy(&v, p, 4); return v; }

/* ---- bits ---- */
#define BIT(n) (1UL << (n))
#define NULLS_MARKER(value) (1UL | (((long)(value)) << 1))
#define is_a_nulls(p) ((unsigned long)(p) & 1)
static inline bool test_bit(long nr, const volatile unsigned long *addr)
{
	return (addr[nr / 64] >> (nr % 64)) & 1;
}
static inline void set_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_or(&addr[nr / 64], 1UL << (nr % 64), __ATOMIC_RELAXED);
}
static inline void clear_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_and(&addr[nr / 64], ~(1UL << (nr % 64)), __ATOMIC_RELAXED);
}

/* ---- atomics ---- */
typedef struct { int counter; } atomic_t;
typedef struct { s64 counter; } atomic64_t;
typedef struct { long counter; } atomic_long_t;
#define ATOMIC_INIT(i) { (i) }
#define atomic_read(v) READ_ONCE((v)->counter)
#define atomic_set(v, i) WRITE_ONCE((v)->counter, (i))
#define atomic_inc(v) ((void)__atomic_fetch_add(&(v)->counter, 1, __ATOMIC_RELAXED))
#define atomic_dec(v) ((void)__atomic_fetch_sub(&(v)->counter, 1, __ATOMIC_RELAXED))
#define atomic_add(i, v) ((void)__atomic_fetch_add(&(v)->counter, (i), __ATOMIC_RELAXED))
#define atomic_sub(i, v) ((void)__atomic_fetch_sub(&(v)->counter, (i), __ATOMIC_RELAXED))
#define atomic_inc_return(v) __atomic_add_fetch(&(v)->counter, 1, __ATOMIC_SEQ_CST)
#define atomic_dec_return(v) __atomic_sub_fetch(&(v)->counter, 1, __ATOMIC_SEQ_CST)
#define atomic_dec_and_test(v) (atomic_dec_return(v) == 0)
#define atomic_xchg(v, n) __atomic_exchange_n(&(v)->counter, (n), __ATOMIC_SEQ_CST)
#define atomic64_read(v) READ_ONCE((v)->counter)
#define atomic64_set(v, i) WRITE_ONCE((v)->counter, (i))
#define atomic64_inc(v) ((void)__atomic_fetch_add(&(v)->counter, 1, __ATOMIC_RELAXED))
#define atomic_long_read(v) READ_ONCE((v)->counter)
#define atomic_long_inc(v) ((void)__atomic_fetch_add(&(v)->counter, 1, __ATOMIC_RELAXED))
#define atomic_long_dec(v) ((void)__atomic_fetch_sub(&(v)->counter, 1, __ATOMIC_RELAXED))
#define cmpxchg(p, o, n) __sync_val_compare_and_swap(p, o, n)
#define xchg(p, n) __atomic_exchange_n(p, n, __ATOMIC_SEQ_CST)

typedef struct { atomic_t refs; } refcount_t;
static inline void refcount_set(refcount_t *r, int n) { atomic_set(&r->refs, n); }
static inline unsigned int refcount_read(const refcount_t *r) { return atomic_read(&r->refs); }
static inline void refcount_inc(refcount_t *r) { atomic_inc(&r->refs); }
static inline bool refcount_dec_and_test(refcount_t *r) { return atomic_dec_and_test(&r->refs); }
static inline bool refcount_inc_not_zero(refcount_t *r)
{
	int old = atomic_read(&r->refs);
	do {
		if (!old)
			return false;
	} while (!__atomic_compare_exchange_n(&r->refs.counter, &old, old + 1, false,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return true;
}

/* ---- preemption, BHs, IRQs, lockdep: no-ops ---- */
#define preempt_disable() barrier()
#define preempt_enable() barrier()
#define local_bh_disable() barrier()
#define local_bh_enable() barrier()
#define local_irq_save(f) do { (f) = 0; barrier(); } while (0)
#define local_irq_restore(f) do { (void)(f); barrier(); } while (0)
struct lock_class_key { int dummy; } __attribute__((unused));
struct lockdep_map { int dummy; };
#define lockdep_init_map(...) ((void)0)
#define lock_map_acquire(m) ((void)0)
#define lock_map_release(m) ((void)0)
#define lock_acquire_exclusive(...) ((void)0)
#define lock_release(...) ((void)0)
#define lockdep_is_held(l) 1
#define lockdep_assert_held(l) ((void)0)
#define lockdep_rcu_suspicious(...) ((void)0)
#define debug_locks 0

/* ---- locks ---- */
typedef struct { int locked; } spinlock_t;
#define __SPIN_LOCK_UNLOCKED(x) { 0 }
#define DEFINE_SPINLOCK(x) spinlock_t x = { 0 }
static inline void spin_lock_init(spinlock_t *l) { l->locked = 0; }
static inline void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		_mm_pause();
}
static inline void spin_unlock(spinlock_t *l) { __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE); }
static inline bool spin_trylock(spinlock_t *l) { return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE); }
#define spin_lock_bh(l) spin_lock(l)
#define spin_unlock_bh(l) spin_unlock(l)
#define spin_lock_nested(l, s) spin_lock(l)
#define spin_lock_irqsave(l, f) do { (f) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, f) spin_unlock(l)

static inline void bit_spin_lock(int bitnum, unsigned long *addr)
{
	while (__atomic_fetch_or(addr, 1UL << bitnum, __ATOMIC_ACQUIRE) & (1UL << bitnum))
		_mm_pause();
}
static inline void bit_spin_unlock(int bitnum, unsigned long *addr)
{
	__atomic_fetch_and(addr, ~(1UL << bitnum), __ATOMIC_RELEASE);
}
static inline int bit_spin_is_locked(int bitnum, unsigned long *addr)
{
	return !!(READ_ONCE(*addr) & (1UL << bitnum));
}

struct mutex { int locked; };
#define mutex_init(m) ((m)->locked = 0)
#define mutex_lock(m) ((m)->locked = 1)
#define mutex_unlock(m) ((m)->locked = 0)
#define mutex_is_locked(m) ((m)->locked)
#define mutex_destroy(m) ((void)0)

/* ---- lists ---- */
struct list_head { struct list_head *next, *prev; };
struct hlist_node { struct hlist_node *next, **pprev; };
struct hlist_nulls_node { struct hlist_nulls_node *next, **pprev; };
#define LIST_HEAD_INIT(n) { &(n), &(n) }
#define LIST_HEAD(n) struct list_head n = LIST_HEAD_INIT(n)
static inline void INIT_LIST_HEAD(struct list_head *l) { l->next = l; l->prev = l; }
static inline void __list_add(struct list_head *n, struct list_head *p, struct list_head *x)
{
	x->prev = n;
	n->next = x;
	n->prev = p;
	WRITE_ONCE(p->next, n);
}
static inline void list_add(struct list_head *n, struct list_head *h) { __list_add(n, h, h->next); }
static inline void list_add_tail(struct list_head *n, struct list_head *h) { __list_add(n, h->prev, h); }
static inline void __list_del(struct list_head *p, struct list_head *n) { n->prev = p; WRITE_ONCE(p->next, n); }
static inline void list_del(struct list_head *e)
{
	__list_del(e->prev, e->next);
	e->next = (void *)0x100;
	e->prev = (void *)0x122;
}
static inline void list_del_init(struct list_head *e) { __list_del(e->prev, e->next); INIT_LIST_HEAD(e); }
static inline void list_move_tail(struct list_head *e, struct list_head *h)
{
	__list_del(e->prev, e->next);
	list_add_tail(e, h);
}
static inline int list_empty(const struct list_head *h) { return READ_ONCE(h->next) == h; }
static inline void list_splice_init(struct list_head *l, struct list_head *h)
{
	if (!list_empty(l)) {
		struct list_head *first = l->next, *last = l->prev, *at = h->next;
		first->prev = h;
		h->next = first;
		last->next = at;
		at->prev = last;
		INIT_LIST_HEAD(l);
	}
}
#define list_entry(p, t, m) container_of(p, t, m)
#define list_first_entry(p, t, m) list_entry((p)->next, t, m)
#define list_first_entry_or_null(p, t, m) \
	({ struct list_head *__h = (p), *__n = READ_ONCE(__h->next); \
	   __n != __h ? list_entry(__n, t, m) : NULL; })
#define list_next_entry(pos, m) list_entry((pos)->m.next, __typeof__(*(pos)), m)
#define list_for_each_entry(pos, h, m) \
	for (pos = list_first_entry(h, __typeof__(*pos), m); &pos->m != (h); \
	     pos = list_next_entry(pos, m))
#define list_for_each_entry_safe(pos, n, h, m) \
	for (pos = list_first_entry(h, __typeof__(*pos), m), n = list_next_entry(pos, m); \
	     &pos->m != (h); pos = n, n = list_next_entry(n, m))
#define list_for_each_entry_rcu(pos, h, m, ...) list_for_each_entry(pos, h, m)
#define list_add_rcu list_add
#define list_add_tail_rcu list_add_tail
#define list_del_rcu list_del

/* ---- RCU ---- */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};
typedef void (*rcu_callback_t)(struct rcu_head *head);
#define rcu_read_lock() barrier()
#define rcu_read_unlock() barrier()
#define rcu_read_lock_bh() barrier()
#define rcu_read_unlock_bh() barrier()
#define rcu_read_lock_held() 1
#define rcu_read_lock_bh_held() 1
#define rcu_read_lock_any_held() 1
#define rcu_dereference_raw(p) READ_ONCE(p)
#define rcu_dereference(p) READ_ONCE(p)
#define rcu_dereference_bh(p) READ_ONCE(p)
#define rcu_dereference_check(p, c) READ_ONCE(p)
#define rcu_dereference_bh_check(p, c) READ_ONCE(p)
#define rcu_dereference_protected(p, c) (p)
#define rcu_access_pointer(p) READ_ONCE(p)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v) WRITE_ONCE(p, v)
#define RCU_POINTER_INITIALIZER(p, v) .p = (v)
void call_rcu(struct rcu_head *head, rcu_callback_t func);
void rcu_barrier(void);
void synchronize_rcu(void);
static inline void rcu_head_init(struct rcu_head *rhp) { rhp->func = (rcu_callback_t)~0L; }
static inline bool rcu_head_after_call_rcu(struct rcu_head *rhp, rcu_callback_t f)
{
	return rhp->func == f;
}
#define kfree_rcu(p, f) kfree(p)

/* ---- memory ---- */
struct kmem_cache;
void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void kfree(const void *p);
/* Large kv*alloc()s come from vmalloc in the kernel: 4 KiB pages here too. */
void *kvmalloc(size_t size, gfp_t gfp);
void *kvzalloc(size_t size, gfp_t gfp);
#define kcalloc(n, s, g) kzalloc((n) * (s), g)
#define kvmalloc_array(n, s, g) kvmalloc((n) * (s), g)
#define kvfree(p) kfree(p)
#define vfree(p) kfree(p)
#define SLAB_HWCACHE_ALIGN 0x1u
#define SLAB_PANIC 0x2u
#define SLAB_ACCOUNT 0x4u
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned int flags,
				     void (*ctor)(void *));
void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp);
void *kmem_cache_zalloc(struct kmem_cache *c, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *c, void *p);
unsigned int kmem_cache_size(struct kmem_cache *c);
void kmem_cache_destroy(struct kmem_cache *c);
#define KMEM_CACHE(s, f) kmem_cache_create(#s, sizeof(struct s), __alignof__(struct s), (f), NULL)

/* ---- random ---- */
void get_random_bytes(void *buf, size_t n);
u32 get_random_u32(void);
static inline u32 prandom_u32_max(u32 ceil) { return (u32)(((u64)get_random_u32() * ceil) >> 32); }

/* ---- time ---- */
#define HZ CONFIG_HZ
extern volatile unsigned long jiffies;
#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)
static inline unsigned long msecs_to_jiffies(unsigned int m) { return DIV_ROUND_UP((unsigned long)m * HZ, 1000); }
static inline unsigned int jiffies_to_msecs(unsigned long j) { return (unsigned int)(j * (1000 / HZ)); }
#define NSEC_PER_SEC 1000000000LL
#define NSEC_PER_MSEC 1000000LL
#define NSEC_PER_USEC 1000LL
#define USEC_PER_SEC 1000000LL
#define MSEC_PER_SEC 1000LL
extern u64 kshim_tsc_mult;	/* ns per TSC tick, << 32 */
static inline ktime_t ktime_get(void)
{
	return (ktime_t)(((unsigned __int128)__rdtsc() * kshim_tsc_mult) >> 32);
}
#define ktime_sub(a, b) ((a) - (b))
#define ktime_add(a, b) ((a) + (b))
#define ktime_to_ns(k) ((s64)(k))
#define ns_to_ktime(n) ((ktime_t)(n))
#define ktime_to_us(k) ((s64)(k) / 1000)
static inline s64 ktime_us_delta(ktime_t later, ktime_t earlier) { return (later - earlier) / 1000; }

/* ---- work ---- */
struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);
struct work_struct {
	work_func_t func;
	struct work_struct *next;
	bool pending;
};
struct delayed_work { struct work_struct work; };
struct workqueue_struct;
extern struct workqueue_struct *system_wq, *system_power_efficient_wq;
#define INIT_WORK(w, f) do { (w)->func = (f); (w)->next = NULL; (w)->pending = false; } while (0)
#define INIT_DELAYED_WORK(w, f) INIT_WORK(&(w)->work, f)
#define to_delayed_work(w) container_of(w, struct delayed_work, work)
bool kshim_queue_work(struct work_struct *w);
bool kshim_cancel_work(struct work_struct *w);
void kshim_run_work(void);
#define schedule_work(w) kshim_queue_work(w)
#define queue_work(q, w) kshim_queue_work(w)
#define queue_delayed_work(q, w, d) kshim_queue_work(&(w)->work)
#define mod_delayed_work(q, w, d) kshim_queue_work(&(w)->work)
#define cancel_work_sync(w) kshim_cancel_work(w)
#define cancel_delayed_work_sync(w) kshim_cancel_work(&(w)->work)
#define flush_work(w) kshim_run_work()

/* ---- per-CPU: one CPU ---- */
#define this_cpu_inc(x) ((x)++)
#define this_cpu_add(x, n) ((x) += (n))
#define per_cpu_ptr(p, cpu) (p)
#define this_cpu_ptr(p) (p)
#define smp_processor_id() 0
#define for_each_possible_cpu(c) for ((c) = 0; (c) < 1; (c)++)

/* ---- misc forward declarations ---- */
struct net;
struct proc_dir_entry;
struct idr { int dummy; };
struct u64_stats_sync { int dummy; };
struct genl_info;
struct sk_buff;

/* The harness calls this where RCU would have a grace period. */
void kshim_quiescent(void);

#endif /* KSHIM_H */
