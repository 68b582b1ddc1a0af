/* test_rt_philox.c — Philox-4x32-10 against the Random123 known answers, and
 * the draw convention of rt.h (which every back end must reproduce bit for
 * bit), plus the moments of rt_uniform / rt_normal at a fixed seed. */
#include <stdint.h>

#include "check.h"
#include "rt.h"

static int philox_is(const uint32_t ctr[4], const uint32_t key[2], const uint32_t want[4]) {
    uint32_t out[4];
    rt_philox4x32(ctr, key, out);
    return out[0] == want[0] && out[1] == want[1] && out[2] == want[2] && out[3] == want[3];
}

/* Random123 kat_vectors, philox4x32 with 10 rounds */
static void philox_known_answer_zero(void) {
    const uint32_t ctr[4] = {0, 0, 0, 0}, key[2] = {0, 0};
    const uint32_t want[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
    CHECK(philox_is(ctr, key, want), "ctr = key = 0");
}

static void philox_known_answer_ones(void) {
    const uint32_t ctr[4] = {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, key[2] = {0xffffffff, 0xffffffff};
    const uint32_t want[4] = {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd};
    CHECK(philox_is(ctr, key, want), "ctr = key = all ones");
}

static void philox_known_answer_pi(void) {
    const uint32_t ctr[4] = {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, key[2] = {0xa4093822, 0x299f31d0};
    const uint32_t want[4] = {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1};
    CHECK(philox_is(ctr, key, want), "ctr, key = digits of pi");
}

/* The convention of rt.h, spelled out independently of rt_base.c: the JIT
 * emits exactly this, so a drift here breaks interpreter/JIT agreement. */
static void uniform_follows_the_convention(void) {
    const uint64_t seed = 0x0123456789abcdefull, step = 0x0000000500000007ull;
    const uint32_t stream = 3, elem = 11;
    uint32_t ctr[4] = {elem, 7, 5, stream}, key[2] = {0x89abcdef, 0x01234567}, o[4];
    rt_philox4x32(ctr, key, o);
    float u = rt_uniform(seed, stream, step, elem);
    CHECK(u == (float)(o[0] >> 8) * 0x1p-24f, "uniform %.9g is not (out[0] >> 8) * 2^-24", (double)u);
    double u1 = ((double)(o[0] >> 8) + 1) * 0x1p-24, u2 = (double)(o[1] >> 8) * 0x1p-24;
    float z = (float)(sqrt(-2 * log(u1)) * cos(2 * 3.14159265358979323846 * u2));
    float n = rt_normal(seed, stream, step, elem);
    CHECK(n == z, "normal %.9g is not Box-Muller of out[0], out[1] (%.9g)", (double)n, (double)z);
}

static void draws_depend_on_every_coordinate(void) {
    float base = rt_uniform(1, 2, 3, 4);
    CHECK(rt_uniform(1, 2, 3, 4) == base, "same coordinates, different draw");
    CHECK(rt_uniform(1 + (1ull << 32), 2, 3, 4) != base, "seed high word ignored");
    CHECK(rt_uniform(1, 9, 3, 4) != base, "stream ignored");
    CHECK(rt_uniform(1, 2, 3 + (1ull << 32), 4) != base, "step high word ignored");
    CHECK(rt_uniform(1, 2, 3, 5) != base, "elem ignored");
}

/* seed 42, 1e6 draws: the mean's sd is 0.29 / 1000, so 0.002 is ~7 sd */
static void uniform_range_and_mean_seed42_n1e6_tol0_002(void) {
    double s = 0;
    float lo = 1, hi = 0;
    for (uint32_t i = 0; i < 1000000; i++) {
        float u = rt_uniform(42, 0, i / 1000, i % 1000);
        if (u < lo) lo = u;
        if (u > hi) hi = u;
        s += u;
    }
    CHECK(lo >= 0 && hi < 1, "uniform outside [0, 1): min %.9g max %.9g", (double)lo, (double)hi);
    CHECK_NEAR(s / 1e6, 0.5, 0.002, "uniform mean");
}

/* seed 7, 1e6 draws: mean tol 0.005 (5 sd), variance tol 0.01 (7 sd),
 * and the tails a Box-Muller with u1 in (0, 1] can reach but not pass */
static void normal_mean_variance_seed7_n1e6(void) {
    double s = 0, s2 = 0, big = 0;
    int finite = 1;
    for (uint32_t i = 0; i < 1000000; i++) {
        double z = rt_normal(7, 1, i >> 10, i & 1023);
        if (!isfinite(z)) finite = 0;
        if (fabs(z) > big) big = fabs(z);
        s += z;
        s2 += z * z;
    }
    double m = s / 1e6, v = s2 / 1e6 - m * m;
    CHECK(finite, "a normal draw is not finite");
    CHECK(big < 5.8, "|z| = %g exceeds sqrt(-2 log 2^-24)", big);
    CHECK_NEAR(m, 0, 0.005, "normal mean");
    CHECK_NEAR(v, 1, 0.01, "normal variance");
}

int main(void) {
    TEST(philox_known_answer_zero);
    TEST(philox_known_answer_ones);
    TEST(philox_known_answer_pi);
    TEST(uniform_follows_the_convention);
    TEST(draws_depend_on_every_coordinate);
    TEST(uniform_range_and_mean_seed42_n1e6_tol0_002);
    TEST(normal_mean_variance_seed7_n1e6);
    CHECK_DONE();
}
