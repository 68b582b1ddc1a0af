/* rt_math.c — the kernels' transcendental functions in float, each an
 * explicit branch-free algorithm (Cephes' single-precision ones): range
 * reduction by the exponent bits, a polynomial, the special cases chosen by
 * selects at the end. The LLVM back end emits exactly these operations in
 * this order (compiler/llvm/llvm_math.c), inlined, so its element-wise loops
 * vectorise; the interpreter calls these, so both agree bit for bit.
 * Compiled without FMA contraction (-ffp-contract=off in the Makefile).
 *
 * Accuracy against libm in double (tests/unit/test_math.c states the
 * ranges and the measured maxima): a few units in the last place for
 * normal results; exp, log, log1p, tanh, softplus, sigmoid and log cosh keep
 * IEEE's limits: +-inf, NaN in gives NaN, log of a negative is NaN, of 0
 * is -inf, softplus(x) = x and tanh(x) = +-1 for large |x|. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "rt_kernel.h"

static float from_bits(uint32_t b) {
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}
static uint32_t bits_of(float f) {
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

/* exp (Cephes' expf): n = floor(x log2 e + 1/2), r = x - n ln 2 in two
 * parts, a degree-7 polynomial, times 2^n as two exact power-of-two factors
 * so that results in the subnormal range round once. Relative error below
 * 2.5e-7 on [-87, 88]; +inf above 88.72, 0 below -103.97. */
float rt_fn_exp(float x) {
    float xs = x > 89.0f ? 89.0f : x;
    xs = xs < -104.0f ? -104.0f : xs;
    xs = x != x ? 0.0f : xs;
    float fx = floorf(xs * 1.44269504088896341f + 0.5f);
    float r = xs - fx * 0.693359375f;
    r = r - fx * -2.12194440e-4f;
    float z = r * r;
    float y = 1.9875691500e-4f;
    y = y * r + 1.3981999507e-3f;
    y = y * r + 8.3334519073e-3f;
    y = y * r + 4.1665795894e-2f;
    y = y * r + 1.6666665459e-1f;
    y = y * r + 5.0000001201e-1f;
    y = y * z + r + 1.0f;
    int32_t n = (int32_t)fx, n1 = n >> 1, n2 = n - n1;
    y = y * from_bits((uint32_t)(n1 + 127) << 23) * from_bits((uint32_t)(n2 + 127) << 23);
    return x != x ? x : y;
}

/* log (Cephes' logf): a subnormal x is scaled by 2^23 first; x = m 2^e
 * with m in [sqrt(1/2), sqrt(2)), f = m - 1 exactly, log(1 + f) as f -
 * f^2/2 + f^3 P(f), plus e ln 2 in two parts */
float rt_fn_log(float x) {
    int sub = x < 1.17549435e-38f;
    float xn = sub ? x * 8388608.0f : x;
    uint32_t ix = bits_of(xn);
    int32_t e = (int32_t)((ix >> 23) & 0xffu) - 127;
    uint32_t im = (ix & 0x007fffffu) | 0x3f800000u;
    int big = im > 0x3fb504f3u;   /* m > sqrt(2): halve it */
    im = big ? im - 0x00800000u : im;
    e = e + (big ? 1 : 0);
    e = e - (sub ? 23 : 0);
    float f = from_bits(im) - 1.0f, fe = (float)e;
    float z = f * f;
    float y = 7.0376836292e-2f;
    y = y * f + -1.1514610310e-1f;
    y = y * f + 1.1676998740e-1f;
    y = y * f + -1.2420140846e-1f;
    y = y * f + 1.4249322787e-1f;
    y = y * f + -1.6668057665e-1f;
    y = y * f + 2.0000714765e-1f;
    y = y * f + -2.4999993993e-1f;
    y = y * f + 3.3333331174e-1f;
    y = y * f * z;
    y = y + fe * -2.12194440e-4f;
    y = y - 0.5f * z;
    float r = f + y;
    r = r + fe * 0.693359375f;
    r = x > 3.40282347e38f ? x : r;   /* +inf */
    r = x == 0 ? -INFINITY : r;
    r = x < 0 ? NAN : r;
    return x != x ? x : r;
}

/* log1p by u = 1 + x: log(u) x / (u - 1), which cancels u's rounding
 * (Goldberg 1991, theorem 4); x itself where u rounds to 1 */
float rt_fn_log1p(float x) {
    float u = 1.0f + x, d = u - 1.0f;
    float r = rt_fn_log(u) * (x / d);
    r = d == 0 ? x : r;
    return x > 3.40282347e38f ? x : r;   /* +inf (inf / inf is NaN) */
}

/* log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large x
 * (where it is x), no loss for very negative x (where it is e^x) */
float rt_fn_softplus(float x) {
    float m = x > 0 ? x : 0.0f;
    return m + rt_fn_log1p(rt_fn_exp(-fabsf(x)));
}

/* one exp of -|x|: 1/(1 + e) for x >= 0, e/(1 + e) below (no overflow) */
float rt_fn_sigmoid(float x) {
    float e = rt_fn_exp(-fabsf(x));
    float d = 1.0f + e;
    float pos = 1.0f / d, neg = e / d;
    return x >= 0 ? pos : neg;
}

/* tanh (Cephes' tanhf) of |x|: an odd polynomial below 0.625, else
 * 1 - 2 / (e^2|x| + 1) (1 once e^2|x| overflows); then x's sign bit, so
 * tanh(-0) = -0 */
float rt_fn_tanh(float x) {
    float a = fabsf(x), z = a * a;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z + -5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z + -3.33332819422e-1f;
    float small = p * z * a + a;
    float t = rt_fn_exp(a + a);
    float big = 1.0f - 2.0f / (t + 1.0f);
    float y = a < 0.625f ? small : big;
    return from_bits(bits_of(y) | (bits_of(x) & 0x80000000u));
}

/* log cosh x = |x| + log1p(e^(-2|x|)) - log 2 */
float rt_fn_logcosh(float x) {
    float a = fabsf(x);
    return a + rt_fn_log1p(rt_fn_exp(-2.0f * a)) - 0.69314718055994530942f;
}
