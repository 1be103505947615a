#ifndef MINILM_KERNELS_H
#define MINILM_KERNELS_H

/// `y[r][first + j] += sum_k x[r][k] * w[first + j][k]` for `r < rows`, `j < n`:
/// a dense layer with PyTorch's `[out x in]` weight, for few rows (one short
/// sentence), where BLAS spends its time packing the weight. Row-major, `x` is
/// `rows x inputs`, `w` is `outputs x inputs`, `y` has `ldy` floats per row.
/// Returns 0 (and does nothing) when this CPU lacks AVX2 and FMA or `inputs`
/// is not a multiple of 8: the caller then uses BLAS.
int minilm_linear_rows(const float *x, int rows, int inputs, const float *w, int first, int n, float *y, int ldy);

/// Whether ``minilm_linear_rows`` runs here (AVX2 and FMA).
int minilm_linear_rows_available(void);

/// In place, the exact (erf) GELU `x * (1 + erf(x / sqrt 2)) / 2` of `count`
/// floats, eight at a time with AVX2/FMA, with FastMath.erf's approximation.
/// Returns 0 (and does nothing) when this CPU lacks AVX2 and FMA.
int minilm_gelu(float *x, long count);

/// Scaled dot-product attention of one sentence and head, fused:
/// `context = softmax(scale * Q K^T) V` for `n` tokens, where `q`, `k`, `v` and
/// `context` point at the head's first column of row 0 of matrices with `ld`
/// floats per row, and `d` (the head size) is 32. Scores never leave `scratch`
/// (``minilm_attention_scratch`` floats for the longest sentence): no BLAS calls
/// per head, AVX2/FMA throughout. Returns 0 (and does nothing) when this CPU lacks
/// AVX2 and FMA or `d` is not 32: the caller then uses BLAS.
int minilm_attention_head(const float *q, const float *k, const float *v, float *context, int n, int d, int ld, float scale, float *scratch);

/// Floats of scratch ``minilm_attention_head`` needs for sentences of up to `longest` tokens.
long minilm_attention_scratch(int longest, int d);

#endif
