/*
 * vk_internal.h — helpers shared by the kernel files; not part of the public API.
 *
 * Everything here is either `static inline` or prefixed `vk__`. The AVX2 helpers are
 * compiled per function with a target attribute (the package builds without -mavx2), so
 * they may only be called from functions carrying the same VK_AVX2 attribute, and only
 * after vk__isa() said the CPU runs them.
 */
#ifndef VK_INTERNAL_H
#define VK_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil_kernels.h"

#if defined(__x86_64__)
#define VK_HAVE_X86 1
#include <immintrin.h>
#define VK_AVX2 __attribute__((target("avx2,fma")))
#else
#define VK_HAVE_X86 0
#endif

/* The variant in force; resolves the CPU's best on first use. Cheap (one relaxed load). */
vk_isa vk__isa(void);

/*
 * Fused logistic scoring on the variant given (vk_logistic_scores dispatches to these),
 * and the same pass stopping at the logits z = x.w + bias (the loss needs z, not p).
 */
void vk__logistic_scores_scalar(const float *x, size_t n, size_t d, size_t ldx,
                                const float *w, float bias, float *p);
void vk__logits_scalar(const float *x, size_t n, size_t d, size_t ldx, const float *w,
                       float bias, float *z);
#if VK_HAVE_X86
void vk__logistic_scores_avx2(const float *x, size_t n, size_t d, size_t ldx,
                              const float *w, float bias, float *p);
void vk__logits_avx2(const float *x, size_t n, size_t d, size_t ldx, const float *w,
                     float bias, float *z);
#endif

/*
 * Scalar sigmoid in the overflow-free form: t = exp(-|x|) lies in [0, 1], so 1 + t never
 * overflows and the negative side t / (1 + t) keeps full relative precision near 0.
 * expf(-inf) = 0 gives the exact limits; NaN propagates through fabsf/expf.
 */
static inline float vk__sigmoidf(float x)
{
    float t = expf(-fabsf(x));
    float s = 1.0f / (1.0f + t);
    return x >= 0.0f ? s : t * s;
}

#if VK_HAVE_X86
/*
 * exp(x) for x in [-87.5, 0] (callers clamp): Cephes expf — x = n ln2 + r with ln2 split
 * in two so r is exact, a degree-5 polynomial on |r| <= ln2/2 (rel. error ~1e-7), and 2^n
 * built in the exponent field (the clamp keeps n in [-126, 0], so 2^n is a normal float).
 * NaN in gives NaN out (its garbage exponent is clamped to a zero scale; NaN * 0 = NaN).
 */
VK_AVX2 static inline __m256 vk__exp8_nonpos(__m256 x)
{
    const __m256 log2e = _mm256_set1_ps(1.44269504088896341f);
    const __m256 c1 = _mm256_set1_ps(0.693359375f);
    const __m256 c2 = _mm256_set1_ps(-2.12194440e-4f);
    __m256 fn = _mm256_round_ps(_mm256_mul_ps(x, log2e),
                                _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(fn, c1, x);
    r = _mm256_fnmadd_ps(fn, c2, r);
    __m256 r2 = _mm256_mul_ps(r, r);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, r2, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_add_epi32(_mm256_cvtps_epi32(fn), _mm256_set1_epi32(127));
    e = _mm256_max_epi32(e, _mm256_setzero_si256());
    __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(e, 23));
    return _mm256_mul_ps(y, scale);
}

/*
 * Vector sigmoid, same form as vk__sigmoidf. |x| > 87 forces t = 0: exp(-87) ~ 1.6e-38 is
 * far below the 1e-6 tolerance, and it makes +-inf map to exactly 1 and 0. The compare is
 * ordered, so NaN keeps its NaN t and the result stays NaN. True division: the kernels that
 * use this are memory-bound, so an rcp + Newton step would buy nothing.
 */
VK_AVX2 static inline __m256 vk__sigmoid8(__m256 x)
{
    const __m256 sign = _mm256_set1_ps(-0.0f);
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256 ax = _mm256_andnot_ps(sign, x);
    __m256 big = _mm256_cmp_ps(ax, _mm256_set1_ps(87.0f), _CMP_GT_OQ);
    /* max(c, v) returns v when v is NaN, so NaN survives the clamp. */
    __m256 negax = _mm256_max_ps(_mm256_set1_ps(-87.5f), _mm256_xor_ps(ax, sign));
    __m256 t = _mm256_andnot_ps(big, vk__exp8_nonpos(negax));
    __m256 s = _mm256_div_ps(one, _mm256_add_ps(one, t));
    __m256 neg = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ);
    return _mm256_blendv_ps(s, _mm256_mul_ps(t, s), neg);
}

/* Lane mask selecting the first `count` (0..8) lanes, for maskload/maskstore tails. */
VK_AVX2 static inline __m256i vk__tail_mask(size_t count)
{
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), lanes);
}
#endif /* VK_HAVE_X86 */

#endif /* VK_INTERNAL_H */
