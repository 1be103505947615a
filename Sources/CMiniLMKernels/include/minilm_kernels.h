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

#endif
