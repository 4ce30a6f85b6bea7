/*
 * vigil_kernels.h — the whole C API of Vigil's kernels.
 *
 * Conventions shared by every kernel:
 *  - Matrices are row-major float32. `ld*` is the row stride in elements (>= columns).
 *  - Sizes are size_t; every kernel accepts size 0 and then writes nothing.
 *  - Inputs are const; outputs are explicit caller-owned buffers; no kernel allocates.
 *    Scratch memory is a caller-owned workspace whose size a `*_workspace_*` function states.
 *  - The C side trusts its inputs: shapes, NaN/Inf and aliasing are validated by the
 *    Swift layer (VigilEngine) before any call.
 *  - Every kernel is single-threaded and reentrant: different threads may call kernels
 *    concurrently on disjoint outputs. Parallelism is the caller's (VigilEngine splits rows).
 *  - Each kernel has a portable scalar version and an AVX2+FMA version; the version is
 *    chosen once at first use from the CPU (see vk_isa_*). Both satisfy the same tolerance.
 */
#ifndef VIGIL_KERNELS_H
#define VIGIL_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- dispatch */

/** Instruction-set variants a kernel can run on. */
typedef enum vk_isa {
    VK_ISA_SCALAR = 0, /**< portable C, any CPU */
    VK_ISA_AVX2 = 1    /**< x86-64 AVX2 + FMA */
} vk_isa;

/** The variant kernels use now (the best the CPU supports unless overridden). */
vk_isa vk_isa_active(void);

/** Whether this CPU can run `isa`. */
int vk_isa_supported(vk_isa isa);

/**
 * Selects the variant for all later calls in the process (tests use it to exercise the
 * scalar path). Returns 0 on success, -1 if the CPU cannot run `isa` (nothing changes).
 * Thread safety: an atomic store; calls already running finish on the old variant.
 */
int vk_isa_select(vk_isa isa);

/* -------------------------------------------------------------------- BLAS */

/**
 * Asks the BLAS library for `threads` worker threads. OpenBLAS honours it
 * (openblas_set_num_threads, looked up at run time); netlib BLAS is single-threaded
 * and ignores it. Returns 1 if the library accepted the setting, 0 if it has no such
 * control. VigilEngine sets 1 so its own threads do not fight BLAS's.
 */
int vk_blas_set_threads(int threads);

/**
 * Name of the BLAS core in use: OpenBLAS's core name (e.g. "Haswell") or "netlib" if the
 * library reports none; static storage.
 */
const char *vk_blas_name(void);

/** C = A * B^T via cblas_sgemm, A: m x k (lda), B: n x k (ldb), C: m x n (ldc). */
void vk_sgemm_abt(const float *a, size_t lda, const float *b, size_t ldb,
                  float *c, size_t ldc, size_t m, size_t n, size_t k);

/* -------------------------------------------------------------- validation */

/**
 * Position of the first NaN or infinite value of x (n x d, ldx), row-major order, as
 * row * d + column; n * d if every value is finite. Reads each value once (SIMD: one
 * exponent-field compare per 8 values), so input checks cost one memory pass at most.
 */
size_t vk_first_nonfinite(const float *x, size_t n, size_t d, size_t ldx);

/* ----------------------------------------------------------------- sigmoid */

/**
 * v[i] = 1 / (1 + exp(-v[i])) in place, for i in [0, n).
 * Tolerance: |error| <= 1e-6 against a double-precision reference over the whole float
 * range; +inf -> 1 and -inf -> 0 exactly; NaN stays NaN. Aliasing: in place only.
 */
void vk_sigmoid_inplace(float *v, size_t n);

/* ---------------------------------------------------------------- logistic */

/**
 * Fused logistic scoring: p[i] = sigmoid(dot(x[i, 0..d), w) + bias) for i in [0, n).
 * One pass over x in address order; no intermediate array is written.
 * x: n x d (ldx >= d); w: d; p: n. p must not alias x or w.
 * Tolerance: |p - reference| <= 1e-6 + 2e-7 * sum_j |x_ij * w_j| (float accumulation).
 */
void vk_logistic_scores(const float *x, size_t n, size_t d, size_t ldx,
                        const float *w, float bias, float *p);

/**
 * Multi-head scoring: p[i, h] = sigmoid(dot(x[i, :], w[h, :]) + bias[h]).
 * x: n x d (ldx); w: heads x d (ldw); bias: heads; p: n x heads (ldp >= heads).
 * Computed as one cblas_sgemm (x * w^T) then an in-place SIMD bias + sigmoid, so p is
 * written then re-read once (it is n x heads, small next to x).
 */
void vk_logistic_scores_multi(const float *x, size_t n, size_t d, size_t ldx,
                              const float *w, size_t heads, size_t ldw,
                              const float *bias, float *p, size_t ldp);

/* ----------------------------------------------------------- normalisation */

/**
 * Scales each row of x (n x d, ldx) to unit L2 norm in place. A row whose norm is 0
 * stays 0. If `norms` is not NULL, norms[i] receives the row's original norm.
 * Tolerance: resulting norms within 1e-6 of 1.
 */
void vk_l2_normalize_rows(float *x, size_t n, size_t d, size_t ldx, float *norms);

/* ------------------------------------------------------------- top-k search */

/**
 * Top-k by inner product (cosine similarity when rows are L2-normalised), in three steps:
 *   vk_topk_reset      empties q result lists;
 *   vk_topk_scan       offers every row of a base block to each query's list;
 *   vk_topk_finish     sorts each list best first.
 * A result list is k (score, index) slots, stored as a heap until vk_topk_finish.
 * Order: higher score first; equal scores: lower index first. Slots beyond the number
 * of candidates seen hold score -INFINITY and index -1.
 */
void vk_topk_reset(float *scores, int64_t *indices, size_t q, size_t k);

/** Floats of tile workspace vk_topk_scan needs for a tile of tile_q x tile_n. */
size_t vk_topk_workspace_floats(size_t tile_q, size_t tile_n);

/**
 * Offers base rows [0, n) of `base` (n x d, ldb) to the lists of queries [0, q) of
 * `queries` (q x d, ldq). Indices recorded are index_offset + row.
 * Blocked: scores of tile_q queries x tile_n base rows are computed by cblas_sgemm into
 * `tile` (vk_topk_workspace_floats(tile_q, tile_n) floats) and each tile's candidates are
 * selected (one SIMD compare against the current k-th best, heap work only for survivors)
 * before the next tile; the q x n score matrix is never materialised.
 * scores/indices: q x k, as left by vk_topk_reset or an earlier scan.
 * Exactness: the selected set equals brute force over the float scores sgemm produces.
 * Requires k >= 1, tile_q >= 1, tile_n >= 1.
 */
void vk_topk_scan(const float *queries, size_t q, size_t ldq,
                  const float *base, size_t n, size_t ldb, size_t d,
                  int64_t index_offset, size_t k,
                  float *scores, int64_t *indices,
                  float *tile, size_t tile_q, size_t tile_n);

/**
 * Merges list set `src` into `dst` (both q x k heaps, not yet finished), as if dst had
 * also seen src's candidates. Used to combine base slices scanned by different threads.
 */
void vk_topk_merge(float *dst_scores, int64_t *dst_indices,
                   const float *src_scores, const int64_t *src_indices,
                   size_t q, size_t k);

/** Sorts each of the q lists best first (score descending, ties by lower index). */
void vk_topk_finish(float *scores, int64_t *indices, size_t q, size_t k);

/* ----------------------------------------------------------- contributions */

/**
 * Per-row top-m signed feature contributions c_j = x[i, j] * w[j], ranked by |c_j|
 * descending, ties by lower j. out_values/out_features: n x m. If m > d, slots past d hold
 * value 0 and feature -1. Exact (one float multiply per term).
 */
void vk_top_contributions(const float *x, size_t n, size_t d, size_t ldx,
                          const float *w, size_t m,
                          float *out_values, int32_t *out_features);

/* ------------------------------------------------------------ online learning */

/**
 * Mean L2-regularised log loss and its gradient for logistic regression on a batch:
 *   loss = (1/n) sum_i s_i * [-y_i log p_i - (1-y_i) log(1-p_i)] + (l2/2) |w|^2
 * with p_i = sigmoid(x_i . w + bias), s_i = sample_weight[i] or 1 when sample_weight is
 * NULL. Writes grad_w (d), *grad_bias, returns loss (double; log terms clamped at 1e-7).
 * residual: caller workspace of n floats. y in [0, 1]. n >= 1.
 */
double vk_logistic_loss_grad(const float *x, size_t n, size_t d, size_t ldx,
                             const float *y, const float *sample_weight,
                             const float *w, float bias, float l2,
                             float *grad_w, float *grad_bias, float *residual);

/**
 * One mini-batch gradient step: w -= lr * grad_w, *bias -= lr * grad_bias, using
 * vk_logistic_loss_grad. Returns the loss before the step.
 * workspace: n + d floats.
 */
double vk_logistic_sgd_step(const float *x, size_t n, size_t d, size_t ldx,
                            const float *y, const float *sample_weight,
                            float *w, float *bias, float l2, float lr,
                            float *workspace);

/* -------------------------------------------------------------------- drift */

/**
 * Adds to counts[0 .. n_edges] (n_edges + 1 bins) the histogram of v[i * stride],
 * i in [0, n): bin b holds values with edges[b-1] <= v < edges[b] (edges ascending;
 * bin 0 is below edges[0], bin n_edges is at or above the last edge). NaN values are
 * counted in counts[n_edges + 1] (so counts has n_edges + 2 entries).
 */
void vk_histogram(const float *v, size_t n, size_t stride,
                  const float *edges, size_t n_edges, uint64_t *counts);

/**
 * Population stability index between two histograms of `bins` bins:
 *   PSI = sum_b (c_b - r_b) * ln(c_b / r_b), r_b, c_b the bin fractions, each floored at
 * `epsilon` (e.g. 1e-4) so empty bins stay finite. Returns 0 if either total is 0.
 */
double vk_psi(const uint64_t *reference, const uint64_t *current, size_t bins, double epsilon);

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_KERNELS_H */
