/*
 * normalize.c — vk_l2_normalize_rows.
 */
#include <float.h>

#include "vk_internal.h"

/*
 * Scales one row by 1/norm given its sum of squares (double, so squares of large floats
 * cannot overflow). When 1/norm is not a finite float (a row of denormals), the scaling
 * is done in double so the row still comes out unit-norm.
 */
static float scale_row(float *row, size_t d, double sumsq)
{
    double norm = sqrt(sumsq);
    if (norm == 0.0) {
        return 0.0f;
    }
    double inv = 1.0 / norm;
    if (inv <= (double)FLT_MAX) {
        const float s = (float)inv;
        for (size_t j = 0; j < d; j++) {
            row[j] *= s;
        }
    } else {
        for (size_t j = 0; j < d; j++) {
            row[j] = (float)((double)row[j] * inv);
        }
    }
    return (float)norm;
}

static double sumsq_scalar(const float *row, size_t d)
{
    double a0 = 0.0, a1 = 0.0;
    size_t j = 0;
    for (; j + 2 <= d; j += 2) {
        a0 += (double)row[j] * row[j];
        a1 += (double)row[j + 1] * row[j + 1];
    }
    if (j < d) {
        a0 += (double)row[j] * row[j];
    }
    return a0 + a1;
}

#if VK_HAVE_X86
VK_AVX2 static double sumsq_avx2(const float *row, size_t d)
{
    __m256d a0 = _mm256_setzero_pd();
    __m256d a1 = _mm256_setzero_pd();
    size_t j = 0;
    for (; j + 8 <= d; j += 8) {
        __m256 v = _mm256_loadu_ps(row + j);
        __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
        __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
        a0 = _mm256_fmadd_pd(lo, lo, a0);
        a1 = _mm256_fmadd_pd(hi, hi, a1);
    }
    if (j < d) {
        __m256 v = _mm256_maskload_ps(row + j, vk__tail_mask(d - j));
        __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
        __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
        a0 = _mm256_fmadd_pd(lo, lo, a0);
        a1 = _mm256_fmadd_pd(hi, hi, a1);
    }
    __m256d a = _mm256_add_pd(a0, a1);
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(a), _mm256_extractf128_pd(a, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}
#endif

/*
 * Each row of x (n x d, ldx) scaled to unit L2 norm in place; zero rows stay zero;
 * norms[i] (if norms != NULL) gets the original norm. Resulting norms within 1e-6 of 1.
 * The scaling loop is plain C: the compiler vectorises it and the row is hot in L1.
 */
void vk_l2_normalize_rows(float *x, size_t n, size_t d, size_t ldx, float *norms)
{
#if VK_HAVE_X86
    const int avx2 = vk__isa() == VK_ISA_AVX2;
#endif
    for (size_t i = 0; i < n; i++) {
        float *row = x + i * ldx;
        double sumsq;
#if VK_HAVE_X86
        sumsq = avx2 ? sumsq_avx2(row, d) : sumsq_scalar(row, d);
#else
        sumsq = sumsq_scalar(row, d);
#endif
        float norm = scale_row(row, d, sumsq);
        if (norms != NULL) {
            norms[i] = norm;
        }
    }
}
