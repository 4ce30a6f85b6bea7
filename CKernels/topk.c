/*
 * topk.c — blocked inner-product top-k: reset / scan / merge / finish.
 *
 * A list is k (score, index) slots kept as a binary heap whose root is the list's worst
 * entry, so "does this candidate get in?" is one compare against slot 0. The order is
 * total: higher score is better; on equal scores the lower index is better. Indices are
 * compared as uint64_t so an empty slot (-INFINITY, -1) is worse than any candidate,
 * even one scoring -INFINITY.
 */

#include "vk_internal.h"

/* Whether (sa, ia) ranks strictly before (sb, ib). */
static inline int better(float sa, int64_t ia, float sb, int64_t ib)
{
    return sa > sb || (sa == sb && (uint64_t)ia < (uint64_t)ib);
}

/* Restores the heap below slot `at` after its entry became (s, ix). */
static void sift_down(float *hs, int64_t *hi, size_t k, size_t at, float s, int64_t ix)
{
    for (;;) {
        size_t c = 2 * at + 1;
        if (c >= k) {
            break;
        }
        if (c + 1 < k && better(hs[c], hi[c], hs[c + 1], hi[c + 1])) {
            c++; /* the worse child */
        }
        if (!better(s, ix, hs[c], hi[c])) {
            break; /* (s, ix) is already worse than both children */
        }
        hs[at] = hs[c];
        hi[at] = hi[c];
        at = c;
    }
    hs[at] = s;
    hi[at] = ix;
}

/* Offers one candidate to a list: it replaces the root if it ranks before it. */
static inline void offer(float *hs, int64_t *hi, size_t k, float s, int64_t ix)
{
    if (better(s, ix, hs[0], hi[0])) {
        sift_down(hs, hi, k, 0, s, ix);
    }
}

void vk_topk_reset(float *scores, int64_t *indices, size_t q, size_t k)
{
    for (size_t i = 0; i < q * k; i++) {
        scores[i] = -INFINITY;
        indices[i] = -1;
    }
}

size_t vk_topk_workspace_floats(size_t tile_q, size_t tile_n) { return tile_q * tile_n; }

static void select_scalar(const float *t, size_t nb, int64_t first, float *hs, int64_t *hi,
                          size_t k)
{
    for (size_t j = 0; j < nb; j++) {
        if (t[j] >= hs[0]) { /* cheap reject; offer() decides ties exactly */
            offer(hs, hi, k, t[j], first + (int64_t)j);
        }
    }
}

#if VK_HAVE_X86
/*
 * One compare of 8 scores against the current worst; with k << tile_n nearly every
 * group is rejected without leaving the vector unit. `>=` (not `>`) lets equal scores
 * through so offer() can apply the index tie-break exactly.
 */
VK_AVX2 static void select_avx2(const float *t, size_t nb, int64_t first, float *hs,
                                int64_t *hi, size_t k)
{
    __m256 worst = _mm256_set1_ps(hs[0]);
    size_t j = 0;
    for (; j + 8 <= nb; j += 8) {
        unsigned m = (unsigned)_mm256_movemask_ps(
            _mm256_cmp_ps(_mm256_loadu_ps(t + j), worst, _CMP_GE_OQ));
        if (m == 0) {
            continue;
        }
        do {
            size_t b = (size_t)__builtin_ctz(m);
            m &= m - 1;
            offer(hs, hi, k, t[j + b], first + (int64_t)(j + b));
        } while (m != 0);
        worst = _mm256_set1_ps(hs[0]);
    }
    select_scalar(t + j, nb - j, first + (int64_t)j, hs, hi, k);
}
#endif

/*
 * Offers base rows [0, n) (indices index_offset + row) to the q lists. For each tile of
 * tile_q queries x tile_n base rows: one sgemm into `tile` (ld = the tile's width), then
 * per query one SIMD reject pass over the tile row. Query tiles are the outer loop so
 * the query block stays packed-hot while base rows stream through once per query tile.
 * The selected set equals brute force over the sgemm scores (ties exact). Reentrant:
 * threads must use disjoint lists and tiles (and ideally single-threaded BLAS).
 */
void vk_topk_scan(const float *queries, size_t q, size_t ldq,
                  const float *base, size_t n, size_t ldb, size_t d,
                  int64_t index_offset, size_t k,
                  float *scores, int64_t *indices,
                  float *tile, size_t tile_q, size_t tile_n)
{
    if (q == 0 || n == 0 || k == 0) {
        return;
    }
#if VK_HAVE_X86
    const int avx2 = vk__isa() == VK_ISA_AVX2;
#endif
    for (size_t q0 = 0; q0 < q; q0 += tile_q) {
        const size_t qb = q - q0 < tile_q ? q - q0 : tile_q;
        for (size_t n0 = 0; n0 < n; n0 += tile_n) {
            const size_t nb = n - n0 < tile_n ? n - n0 : tile_n;
            vk_sgemm_abt(queries + q0 * ldq, ldq, base + n0 * ldb, ldb, tile, nb, qb, nb, d);
            const int64_t first = index_offset + (int64_t)n0;
            for (size_t i = 0; i < qb; i++) {
                float *hs = scores + (q0 + i) * k;
                int64_t *hi = indices + (q0 + i) * k;
#if VK_HAVE_X86
                if (avx2) {
                    select_avx2(tile + i * nb, nb, first, hs, hi, k);
                    continue;
                }
#endif
                select_scalar(tile + i * nb, nb, first, hs, hi, k);
            }
        }
    }
}

/*
 * dst lists absorb src's entries (both still heaps). Any order of offers gives the same
 * set because the order is total; empty src slots (index -1) carry nothing.
 */
void vk_topk_merge(float *dst_scores, int64_t *dst_indices,
                   const float *src_scores, const int64_t *src_indices,
                   size_t q, size_t k)
{
    for (size_t i = 0; i < q; i++) {
        float *hs = dst_scores + i * k;
        int64_t *hi = dst_indices + i * k;
        for (size_t j = 0; j < k; j++) {
            if (src_indices[i * k + j] >= 0) {
                offer(hs, hi, k, src_scores[i * k + j], src_indices[i * k + j]);
            }
        }
    }
}

/*
 * Sorts each list best first by heapsort: repeatedly move the worst (root) to the end.
 * The heap is rebuilt first, so any slot order is accepted. O(k log k) per list.
 */
void vk_topk_finish(float *scores, int64_t *indices, size_t q, size_t k)
{
    for (size_t i = 0; i < q; i++) {
        float *hs = scores + i * k;
        int64_t *hi = indices + i * k;
        for (size_t at = k / 2; at-- > 0;) {
            sift_down(hs, hi, k, at, hs[at], hi[at]);
        }
        for (size_t end = k; end > 1; end--) {
            float s = hs[end - 1];
            int64_t ix = hi[end - 1];
            hs[end - 1] = hs[0];
            hi[end - 1] = hi[0];
            sift_down(hs, hi, end - 1, 0, s, ix);
        }
    }
}
