// SPDX-License-Identifier: GPL-2.0
/*
 * veerd-tracegen: synthetic request-rate traces for the forecasting bench.
 *
 *   veerd-tracegen KIND [-s SEED] [-n STEPS] [-b BASE]
 *
 * STEPS defaults to 6 h (2 days for diurnal); events are spread over the
 * whole length, 30-60 min apart (ramps 1-2 h).
 *
 * KIND is one of
 *   diurnal  two days of a daily cycle (base +- 60 %) with noise
 *   flash    flash crowds: a rise to 2-3.5x base over 30-120 s, a plateau
 *            of 1-5 min, an exponential decay of 2-10 min
 *   ramp     slow ramps to 1.6-2.2x base over 20-60 min, a hold, then a
 *            drop back (the operator rebalanced)
 *   step     step failures: the load jumps 1.5-2.5x at once (another host
 *            failed over here) for 5-20 min
 *   noise    stationary noise only
 *
 * One value per line (requests in that second), after a few '#' header
 * lines (kind, seed, step).  Every trace is a function of KIND and SEED
 * only: its own PRNG (xoshiro256** seeded by splitmix64), never libc's
 * rand(), so the same arguments give the same trace wherever libm rounds
 * exp/log/sin the same way (any glibc on x86-64).
 *
 * Noise: counts are Poisson around the rate, and the rate carries a
 * slow multiplicative AR(1) burstiness (3 %, 30 s correlation), which is
 * what real request rates look like at one-second resolution.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static uint64_t rng_next(struct rng *r)
{
	uint64_t res = rotl(r->s[1] * 5, 7) * 9, t = r->s[1] << 17;

	r->s[2] ^= r->s[0];
	r->s[3] ^= r->s[1];
	r->s[1] ^= r->s[2];
	r->s[0] ^= r->s[3];
	r->s[2] ^= t;
	r->s[3] = rotl(r->s[3], 45);
	return res;
}

static double uniform(struct rng *r)
{
	return (rng_next(r) >> 11) * 0x1.0p-53;
}

static double between(struct rng *r, double lo, double hi)
{
	return lo + (hi - lo) * uniform(r);
}

static double normal(struct rng *r)
{
	double u = uniform(r), v = uniform(r);

	return sqrt(-2 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

static long poisson(struct rng *r, double lambda)
{
	double l, p = 1;
	long k = 0;

	if (lambda <= 0)
		return 0;
	if (lambda > 50)
		return lround(fmax(0, lambda + sqrt(lambda) * normal(r)));
	l = exp(-lambda);
	do {
		k++;
		p *= uniform(r);
	} while (p > l);
	return k - 1;
}

/* Rate shapes: multiply the base rate at second t. */

struct event {
	double start, rise, hold, decay, mult;
};

#define MAX_EVENTS 256

struct gen {
	const char *kind;
	struct rng r;
	long n;
	double base;
	struct event ev[MAX_EVENTS];
	int nev;
};

/*
 * Events at random times, gap to 2 gap seconds apart, over the whole
 * trace but clear of its first and last half hour (the forecaster's
 * warm-up, and room for the last event to end).
 */
static void place_events(struct gen *g, double gap)
{
	double t = 1800;

	while (g->nev < MAX_EVENTS) {
		t += between(&g->r, gap, 2 * gap);
		if (t > g->n - 1800)
			break;
		g->ev[g->nev++].start = t;
	}
}

static double flash_shape(const struct event *e, double t)
{
	double x = t - e->start, peak = e->mult - 1;

	if (x < 0)
		return 0;
	/* Smooth (cubic) rise: crowds build up, they do not appear. */
	if (x < e->rise) {
		x /= e->rise;
		return peak * x * x * (3 - 2 * x);
	}
	x -= e->rise;
	if (x < e->hold)
		return peak;
	return peak * exp(-(x - e->hold) / e->decay);
}

static double ramp_shape(const struct event *e, double t)
{
	double x = t - e->start;

	if (x < 0 || x > e->rise + e->hold)
		return 0;
	if (x < e->rise)
		return (e->mult - 1) * x / e->rise;
	return e->mult - 1;
}

static double step_shape(const struct event *e, double t)
{
	double x = t - e->start;

	return x >= 0 && x < e->hold ? e->mult - 1 : 0;
}

static void setup(struct gen *g)
{
	int i;

	if (!strcmp(g->kind, "flash")) {
		place_events(g, 1800);
		for (i = 0; i < g->nev; i++) {
			g->ev[i].rise = between(&g->r, 30, 120);
			g->ev[i].hold = between(&g->r, 60, 300);
			g->ev[i].decay = between(&g->r, 120, 600);
			g->ev[i].mult = between(&g->r, 2, 3.5);
		}
	} else if (!strcmp(g->kind, "ramp")) {
		place_events(g, 3600);
		for (i = 0; i < g->nev; i++) {
			g->ev[i].rise = between(&g->r, 1200, 3600);
			g->ev[i].hold = between(&g->r, 300, 900);
			g->ev[i].mult = between(&g->r, 1.6, 2.2);
		}
	} else if (!strcmp(g->kind, "step")) {
		place_events(g, 1800);
		for (i = 0; i < g->nev; i++) {
			g->ev[i].hold = between(&g->r, 300, 1200);
			g->ev[i].mult = between(&g->r, 1.5, 2.5);
		}
	}
}

static double rate_at(struct gen *g, double t)
{
	double m = 1;
	int i;

	if (!strcmp(g->kind, "diurnal"))
		return g->base * (1 + 0.6 * sin(2 * M_PI * t / 86400 -
						 M_PI / 2) +
				  0.1 * sin(4 * M_PI * t / 86400));
	for (i = 0; i < g->nev; i++) {
		if (!strcmp(g->kind, "flash"))
			m += flash_shape(&g->ev[i], t);
		else if (!strcmp(g->kind, "ramp"))
			m += ramp_shape(&g->ev[i], t);
		else if (!strcmp(g->kind, "step"))
			m += step_shape(&g->ev[i], t);
	}
	return g->base * m;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: veerd-tracegen {diurnal|flash|ramp|step|noise} "
		"[-s SEED] [-n STEPS] [-b BASE]\n");
	return 2;
}

static bool known_kind(const char *k)
{
	static const char *const kinds[] = {
		"diurnal", "flash", "ramp", "step", "noise",
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(k, kinds[i]))
			return true;
	return false;
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	struct gen g = { .base = 300 };
	double seed = 1, n = -1, burst = 0, x;
	long t;
	int c;

	while ((c = getopt(argc, argv, "s:n:b:")) != -1) {
		if (c == 's' && !parse_num(optarg, 0, 1e15, &seed))
			continue;
		if (c == 'n' && !parse_num(optarg, 1, 1e8, &n))
			continue;
		if (c == 'b' && !parse_num(optarg, 1, 1e9, &g.base))
			continue;
		return usage();
	}
	if (optind + 1 != argc || !known_kind(argv[optind]))
		return usage();
	g.kind = argv[optind];
	g.n = n > 0 ? (long)n : !strcmp(g.kind, "diurnal") ? 2 * 86400 :
	      6 * 3600;
	rng_seed(&g.r, (uint64_t)seed);
	setup(&g);

	printf("# veerd-tracegen kind=%s seed=%.0f base=%.0f\n", g.kind, seed,
	       g.base);
	printf("# step 1\n");
	for (t = 0; t < g.n; t++) {
		/* AR(1) burstiness: phi = exp(-1/30), stationary sd 3 %. */
		burst = 0.967216 * burst +
			0.03 * sqrt(1 - 0.967216 * 0.967216) * normal(&g.r);
		x = rate_at(&g, (double)t) * exp(burst);
		printf("%ld\n", poisson(&g.r, x));
	}
	return ferror(stdout) ? 1 : 0;
}
