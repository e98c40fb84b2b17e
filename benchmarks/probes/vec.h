// The vector width of the probes, chosen as the cpu backend's preferred species is: 512-bit
// vectors where the compiler targets AVX-512, else 256-bit (AVX2). The micro-kernel probe then
// has the shape the cpu backend runs there: 8 rows x 2 vectors with 32 registers, 4 rows x 2
// vectors with 16 (Gemm.HALVES).
#include <immintrin.h>
#ifdef __AVX512F__
typedef __m512 vec;
#define W 16
#define ROWS 8
#define vset1 _mm512_set1_ps
#define vzero _mm512_setzero_ps
#define vfma _mm512_fmadd_ps
#define vload _mm512_load_ps
#define vstore _mm512_store_ps
#else
typedef __m256 vec;
#define W 8
#define ROWS 4
#define vset1 _mm256_set1_ps
#define vzero _mm256_setzero_ps
#define vfma _mm256_fmadd_ps
#define vload _mm256_load_ps
#define vstore _mm256_store_ps
#endif
static inline float vfirst(vec v){ float t[W] __attribute__((aligned(64))); vstore(t, v); return t[0]; }
