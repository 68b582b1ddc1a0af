/* test_schedule.c — the value of a schedule in every epoch of a run
 * (runtime/run/rt_schedule.c), against the formulas of rt_schedule.h
 * written out by hand for each epoch. */
#include "check.h"
#include "rt_schedule.h"

static rt_schedule of(int n, const rt_sched_piece *p) {
    rt_schedule s = {n, p, p[0]};
    return s;
}

static void constant_and_piecewise(void) {
    rt_schedule c = rt_schedule_const(0.05);
    for (int e = 1; e <= 30; e++) CHECK(rt_schedule_at(&c, e, 30) == 0.05, "constant in epoch %d", e);
    /* 0.5 until 5, 0.9: the old two-piece form */
    rt_sched_piece p[] = {{RT_SCHED_CONST, 0.5, 0, 5}, {RT_SCHED_CONST, 0.9, 0, -1}};
    rt_schedule s = of(2, p);
    for (int e = 1; e <= 12; e++) CHECK(rt_schedule_at(&s, e, 12) == (e <= 5 ? 0.5 : 0.9), "epoch %d", e);
    /* twelve pieces (the old limit was 8): value k in epochs 2k-1, 2k */
    rt_sched_piece q[12];
    for (int k = 0; k < 12; k++) q[k] = (rt_sched_piece){RT_SCHED_CONST, k + 1, 0, k < 11 ? 2 * (k + 1) : -1};
    rt_schedule t = of(12, q);
    for (int e = 1; e <= 30; e++) {
        int k = (e + 1) / 2;
        CHECK(rt_schedule_at(&t, e, 30) == (k > 12 ? 12 : k), "12 pieces, epoch %d: %g", e, rt_schedule_at(&t, e, 30));
    }
    /* the last piece holds after its epoch */
    rt_sched_piece r[] = {{RT_SCHED_CONST, 1, 0, 3}, {RT_SCHED_CONST, 2, 0, 6}};
    rt_schedule u = of(2, r);
    CHECK(rt_schedule_at(&u, 9, 10) == 2, "after the last until");
}

static void linear_20_epochs(void) {
    /* linear(0.1, 0.01) over a 20-epoch run: epoch e is 0.1 - 0.09 (e-1)/19 */
    rt_sched_piece p[] = {{RT_SCHED_LINEAR, 0.1, 0.01, -1}};
    rt_schedule s = of(1, p);
    for (int e = 1; e <= 20; e++) CHECK_NEAR(rt_schedule_at(&s, e, 20), 0.1 - 0.09 * (e - 1) / 19.0, 1e-15, "linear");
    CHECK(rt_schedule_at(&s, 1, 20) == 0.1 && rt_schedule_at(&s, 20, 20) == 0.01, "linear's ends are exact");
    CHECK(rt_schedule_at(&s, 1, 1) == 0.1, "a one-epoch run stays at the start");
}

static void exp_and_cosine_in_pieces(void) {
    /* 0.2 until 3, exp(0.1, 0.5) until 7, cosine(0.04, 0) until 12, 0 */
    rt_sched_piece p[] = {{RT_SCHED_CONST, 0.2, 0, 3},
                          {RT_SCHED_EXP, 0.1, 0.5, 7},
                          {RT_SCHED_COSINE, 0.04, 0, 12},
                          {RT_SCHED_CONST, 0, 0, -1}};
    rt_schedule s = of(4, p);
    const double pi = 3.14159265358979323846;
    double want[15] = {0.2, 0.2, 0.2, 0.1, 0.05, 0.025, 0.0125};
    for (int e = 8; e <= 12; e++) want[e - 1] = 0.02 * (1 + cos(pi * (e - 8) / 4.0));
    for (int e = 1; e <= 15; e++) CHECK_NEAR(rt_schedule_at(&s, e, 15), want[e - 1], 1e-15, "piece values");
    CHECK(rt_schedule_at(&s, 8, 15) == 0.04, "cosine starts at its first value");
    CHECK_NEAR(rt_schedule_at(&s, 10, 15), 0.02, 1e-17, "cosine's midpoint");
    /* a last exp piece keeps multiplying to the run's end */
    rt_sched_piece q[] = {{RT_SCHED_EXP, 1, 0.9, -1}};
    rt_schedule t = of(1, q);
    CHECK_NEAR(rt_schedule_at(&t, 11, 50), pow(0.9, 10), 1e-15, "exp in epoch 11");
    /* a last cosine piece with no until ends at the run's last epoch */
    rt_sched_piece r[] = {{RT_SCHED_COSINE, 1, 0.5, -1}};
    rt_schedule u = of(1, r);
    CHECK(rt_schedule_at(&u, 1, 9) == 1, "cosine at the first epoch");
    CHECK_NEAR(rt_schedule_at(&u, 9, 9), 0.5, 1e-15, "cosine at the run's last epoch");
    CHECK_NEAR(rt_schedule_at(&u, 5, 9), 0.75, 1e-15, "cosine half way");
}

int main(void) {
    TEST(constant_and_piecewise);
    TEST(linear_20_epochs);
    TEST(exp_and_cosine_in_pieces);
    CHECK_DONE();
}
