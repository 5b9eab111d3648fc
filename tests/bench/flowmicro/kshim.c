// SPDX-License-Identifier: GPL-2.0
/*
 * kshim.c: the runtime behind shim/kshim.h (one thread, one "CPU").
 */
#include <time.h>
#include <sys/mman.h>
#include <kshim.h>

volatile unsigned long jiffies = 1000000;
u64 kshim_tsc_mult;
void *kshim_net_generic;
static struct workqueue_struct *kshim_wq_dummy;
struct workqueue_struct *system_wq, *system_power_efficient_wq;

/* ---- RCU: callbacks wait for kshim_quiescent() ---- */

static struct rcu_head *rcu_pending;

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	head->func = func;
	head->next = rcu_pending;
	rcu_pending = head;
}

void kshim_quiescent(void)
{
	while (rcu_pending) {
		struct rcu_head *h = rcu_pending;

		rcu_pending = NULL;
		while (h) {
			struct rcu_head *next = h->next;

			h->func(h);
			h = next;
		}
	}
}

void rcu_barrier(void)
{
	kshim_quiescent();
}

void synchronize_rcu(void)
{
	kshim_quiescent();
}

/* ---- work: queued, run by kshim_run_work() ---- */

static struct work_struct *work_head, **work_tail = &work_head;

bool kshim_queue_work(struct work_struct *w)
{
	if (w->pending)
		return false;
	w->pending = true;
	w->next = NULL;
	*work_tail = w;
	work_tail = &w->next;
	return true;
}

bool kshim_cancel_work(struct work_struct *w)
{
	struct work_struct **p;

	if (!w->pending)
		return false;
	for (p = &work_head; *p; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			if (!*p)
				work_tail = p;
			break;
		}
	}
	w->pending = false;
	return true;
}

void kshim_run_work(void)
{
	while (work_head) {
		struct work_struct *w = work_head;

		work_head = w->next;
		if (!work_head)
			work_tail = &work_head;
		w->pending = false;
		w->func(w);
	}
}

/* ---- memory ---- */

void *kmalloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	return malloc(size ? size : 1);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	return calloc(1, size ? size : 1);
}

void kfree(const void *p)
{
	free((void *)p);
}

#define KSHIM_HUGE (2UL << 20)

/* Keep large areas on small pages even where THP is "always". */
static void small_pages(void *p, size_t size)
{
	uintptr_t a = ((uintptr_t)p + 4095) & ~4095UL;
	uintptr_t e = ((uintptr_t)p + size) & ~4095UL;

	if (size >= KSHIM_HUGE && e > a)
		madvise((void *)a, e - a, MADV_NOHUGEPAGE);
}

void *kvmalloc(size_t size, gfp_t gfp)
{
	void *p = kmalloc(size, gfp);

	if (p)
		small_pages(p, size);
	return p;
}

void *kvzalloc(size_t size, gfp_t gfp)
{
	void *p = kzalloc(size, gfp);

	if (p)
		small_pages(p, size);
	return p;
}

/* A slab: objects packed in 2 MiB chunks, a LIFO free list. */
struct kmem_cache {
	const char *name;
	unsigned int objsize;
	unsigned int size;
	void *free;
	char *chunk;
	size_t left;
};

#define KSHIM_CHUNK KSHIM_HUGE

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned int flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *c = calloc(1, sizeof(*c));

	(void)ctor;
	if (!c)
		return NULL;
	if (align < sizeof(void *))
		align = sizeof(void *);
	if (flags & SLAB_HWCACHE_ALIGN)
		align = max(align, 64u);
	c->name = name;
	c->objsize = size;
	c->size = (size + align - 1) / align * align;
	return c;
}

void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp)
{
	void *p;

	(void)gfp;
	if (c->free) {
		p = c->free;
		c->free = *(void **)p;
		return p;
	}
	if (c->left < c->size) {
		c->chunk = aligned_alloc(KSHIM_HUGE, KSHIM_CHUNK);
		if (!c->chunk)
			return NULL;
		madvise(c->chunk, KSHIM_CHUNK, MADV_HUGEPAGE);
		c->left = KSHIM_CHUNK;
	}
	p = c->chunk;
	c->chunk += c->size;
	c->left -= c->size;
	return p;
}

void *kmem_cache_zalloc(struct kmem_cache *c, gfp_t gfp)
{
	void *p = kmem_cache_alloc(c, gfp);

	if (p)
		memset(p, 0, c->objsize);
	return p;
}

void kmem_cache_free(struct kmem_cache *c, void *p)
{
	*(void **)p = c->free;
	c->free = p;
}

unsigned int kmem_cache_size(struct kmem_cache *c)
{
	return c->objsize;
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	free(c);	/* chunks are left to the process's exit */
}

/* ---- random: deterministic, so that runs are comparable ---- */

static u64 rnd_state = 0x9e3779b97f4a7c15ULL;

u32 get_random_u32(void)
{
	u64 x = rnd_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rnd_state = x;
	return (u32)((x * 0x2545f4914f6cdd1dULL) >> 32);
}

void get_random_bytes(void *buf, size_t n)
{
	u8 *p = buf;

	while (n--)
		*p++ = (u8)get_random_u32();
}

/* ---- the TSC, scaled to nanoseconds as a TSC clocksource does ---- */

static u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

__attribute__((constructor)) static void kshim_init(void)
{
	u64 t0 = mono_ns(), c0 = __rdtsc(), t1, c1;

	do {
		t1 = mono_ns();
	} while (t1 - t0 < 20000000ULL);
	c1 = __rdtsc();
	kshim_tsc_mult = (u64)(((unsigned __int128)(t1 - t0) << 32) / (c1 - c0 ?: 1));
	system_wq = system_power_efficient_wq = kshim_wq_dummy;
}
