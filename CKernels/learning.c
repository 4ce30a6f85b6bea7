/*
 * learning.c — logistic loss/gradient and one mini-batch SGD step.
 */
#include <cblas.h>

#include "vk_internal.h"

static const double vk__log_floor = 1e-7;

/*
 * Mean weighted log loss + (l2/2)|w|^2 and its gradient. The fused pass writes the logits
 * z into `residual`; p and 1 - p are then formed in double from z (exp(-|z|) form), so the
 * loss of a saturated sample is not quantised by a float p near 1. residual is then
 * overwritten by r_i = s_i (p_i - y_i) and grad_w = X^T r / n + l2 w is one cblas_sgemv
 * (a second streaming pass over x). Sums in double. residual: n floats. Requires n >= 1.
 * Reentrant if BLAS is.
 */
double vk_logistic_loss_grad(const float *x, size_t n, size_t d, size_t ldx,
                             const float *y, const float *sample_weight,
                             const float *w, float bias, float l2,
                             float *grad_w, float *grad_bias, float *residual)
{
    if (n == 0) {
        return 0.0;
    }
#if VK_HAVE_X86
    if (vk__isa() == VK_ISA_AVX2) {
        vk__logits_avx2(x, n, d, ldx, w, bias, residual);
    } else {
        vk__logits_scalar(x, n, d, ldx, w, bias, residual);
    }
#else
    vk__logits_scalar(x, n, d, ldx, w, bias, residual);
#endif
    double loss = 0.0;
    double rsum = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double z = residual[i];
        const double t = exp(-fabs(z)); /* in [0, 1]: no overflow */
        const double big = 1.0 / (1.0 + t), small = t * big;
        const double p = z >= 0.0 ? big : small;
        const double q = z >= 0.0 ? small : big; /* 1 - p without cancellation */
        const double yi = y[i];
        const double si = sample_weight != NULL ? sample_weight[i] : 1.0;
        const double lp = log(p > vk__log_floor ? p : vk__log_floor);
        const double lq = log(q > vk__log_floor ? q : vk__log_floor);
        loss -= si * (yi * lp + (1.0 - yi) * lq);
        const float r = (float)(si * (p - yi));
        residual[i] = r;
        rsum += r;
    }
    const double inv_n = 1.0 / (double)n;
    double wsq = 0.0;
    for (size_t j = 0; j < d; j++) {
        wsq += (double)w[j] * w[j];
    }
    if (d != 0) {
        cblas_sgemv(CblasRowMajor, CblasTrans, (int)n, (int)d, (float)inv_n, x, (int)ldx,
                    residual, 1, 0.0f, grad_w, 1);
        for (size_t j = 0; j < d; j++) {
            grad_w[j] += l2 * w[j];
        }
    }
    *grad_bias = (float)(rsum * inv_n);
    return loss * inv_n + 0.5 * (double)l2 * wsq;
}

/*
 * w -= lr * grad_w, *bias -= lr * grad_bias, gradient from vk_logistic_loss_grad at the
 * current (w, bias). workspace: n + d floats (residual, then gradient). Returns the loss
 * before the step. Not reentrant on the same w/bias.
 */
double vk_logistic_sgd_step(const float *x, size_t n, size_t d, size_t ldx,
                            const float *y, const float *sample_weight,
                            float *w, float *bias, float l2, float lr,
                            float *workspace)
{
    if (n == 0) {
        return 0.0;
    }
    float *residual = workspace;
    float *grad = workspace + n;
    float grad_bias = 0.0f;
    double loss = vk_logistic_loss_grad(x, n, d, ldx, y, sample_weight, w, *bias, l2, grad,
                                        &grad_bias, residual);
    for (size_t j = 0; j < d; j++) {
        w[j] -= lr * grad[j];
    }
    *bias -= lr * grad_bias;
    return loss;
}
