/*
 * drift.c — histograms and the population stability index.
 */
#include "vk_internal.h"

/* Number of edges <= v (upper bound), i.e. v's bin; a branch-free binary search. */
static inline size_t bin_of(const float *edges, size_t n_edges, float v)
{
    size_t lo = 0;
    size_t len = n_edges;
    while (len > 0) {
        size_t half = len / 2;
        if (edges[lo + half] <= v) {
            lo += half + 1;
            len -= half + 1;
        } else {
            len = half;
        }
    }
    return lo;
}

static void histogram_scalar(const float *v, size_t n, size_t stride, const float *edges,
                             size_t n_edges, uint64_t *counts)
{
    for (size_t i = 0; i < n; i++) {
        const float x = v[i * stride];
        counts[x != x ? n_edges + 1 : bin_of(edges, n_edges, x)]++;
    }
}

#if VK_HAVE_X86
/* Beyond this many edges the per-value binary search wins over counting every edge. */
enum { vk__hist_linear_edges = 32 };

/*
 * Eight values at a time: each edge is broadcast once and compared with all eight, the
 * (-1 / 0) results summed per lane, so a lane ends holding its count of edges <= v — its
 * bin. NaN compares false everywhere and is routed by an unordered self-compare.
 */
VK_AVX2 static void histogram_avx2(const float *v, size_t n, size_t stride,
                                   const float *edges, size_t n_edges, uint64_t *counts)
{
    if (n_edges > vk__hist_linear_edges) {
        histogram_scalar(v, n, stride, edges, n_edges, counts);
        return;
    }
    const __m256i nan_bin = _mm256_set1_epi32((int)n_edges + 1);
    const __m256i vstride = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                               _mm256_set1_epi32((int)stride));
    int32_t bins[8];
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 x;
        if (stride == 1) {
            x = _mm256_loadu_ps(v + i);
        } else if (stride <= (size_t)INT32_MAX / 8) {
            x = _mm256_i32gather_ps(v + i * stride, vstride, 4);
        } else {
            const float *p = v + i * stride;
            x = _mm256_setr_ps(p[0], p[stride], p[2 * stride], p[3 * stride], p[4 * stride],
                               p[5 * stride], p[6 * stride], p[7 * stride]);
        }
        __m256i acc = _mm256_setzero_si256();
        for (size_t e = 0; e < n_edges; e++) {
            __m256 le = _mm256_cmp_ps(_mm256_set1_ps(edges[e]), x, _CMP_LE_OQ);
            acc = _mm256_sub_epi32(acc, _mm256_castps_si256(le));
        }
        __m256 isnan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
        acc = _mm256_castps_si256(_mm256_blendv_ps(
            _mm256_castsi256_ps(acc), _mm256_castsi256_ps(nan_bin), isnan));
        _mm256_storeu_si256((__m256i *)bins, acc);
        for (int b = 0; b < 8; b++) {
            counts[bins[b]]++;
        }
    }
    histogram_scalar(v + i * stride, n - i, stride, edges, n_edges, counts);
}
#endif

/*
 * Adds the histogram of v[i * stride], i < n, to counts (n_edges + 2 entries): bin b
 * holds edges[b-1] <= v < edges[b]; counts[n_edges + 1] counts NaN. Edges ascending.
 * Both paths count exactly the same. Reentrant on disjoint counts.
 */
void vk_histogram(const float *v, size_t n, size_t stride,
                  const float *edges, size_t n_edges, uint64_t *counts)
{
#if VK_HAVE_X86
    if (vk__isa() == VK_ISA_AVX2) {
        histogram_avx2(v, n, stride, edges, n_edges, counts);
        return;
    }
#endif
    histogram_scalar(v, n, stride, edges, n_edges, counts);
}

/*
 * PSI = sum_b (c_b - r_b) ln(c_b / r_b) over bin fractions floored at epsilon; 0 if
 * either histogram is empty. Scalar on every variant: `bins` is tens of entries.
 */
double vk_psi(const uint64_t *reference, const uint64_t *current, size_t bins, double epsilon)
{
    double rt = 0.0, ct = 0.0;
    for (size_t b = 0; b < bins; b++) {
        rt += (double)reference[b];
        ct += (double)current[b];
    }
    if (rt == 0.0 || ct == 0.0) {
        return 0.0;
    }
    double psi = 0.0;
    for (size_t b = 0; b < bins; b++) {
        double r = (double)reference[b] / rt;
        double c = (double)current[b] / ct;
        r = r > epsilon ? r : epsilon;
        c = c > epsilon ? c : epsilon;
        psi += (c - r) * log(c / r);
    }
    return psi;
}
