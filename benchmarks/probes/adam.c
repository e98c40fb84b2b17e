// Adam's arithmetic per element, in C, on L1-resident arrays: the element-wise update of the
// cpu backend (CpuBackend.Adam.segment: moments, flush of subnormal moments, sqrt, division)
// with AVX-512, and its square root and division alone. Why: the divider (sqrt and div share
// it) bounds Adam whatever the language; session 8 measured 0.56-0.60 ns per element for the
// whole update against 0.47 for sqrt + div alone, and the Java version at 0.59-0.62
// (results/benchmarks/cpu-probes-2026-11-26-s8.txt).
//   gcc -O2 -mavx512f -mfma benchmarks/probes/adam.c -o /tmp/adam && /tmp/adam
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
#define N 4096
static float P[N] __attribute__((aligned(64))), G[N] __attribute__((aligned(64))), M[N] __attribute__((aligned(64))), V[N] __attribute__((aligned(64)));
__attribute__((noinline)) void adam(float b1, float b2, float eps, float b1c, float b2c, float step, float ibc2){
  __m512 B1=_mm512_set1_ps(b1),B2=_mm512_set1_ps(b2),E=_mm512_set1_ps(eps),B1C=_mm512_set1_ps(b1c),B2C=_mm512_set1_ps(b2c),ST=_mm512_set1_ps(step),I2=_mm512_set1_ps(ibc2),MN=_mm512_set1_ps(1.17549435e-38f),Z=_mm512_setzero_ps();
  for(int i=0;i<N;i+=16){
    __m512 g=_mm512_load_ps(G+i);
    __m512 m=_mm512_add_ps(_mm512_mul_ps(_mm512_load_ps(M+i),B1),_mm512_mul_ps(g,B1C));
    __m512 v=_mm512_add_ps(_mm512_mul_ps(_mm512_load_ps(V+i),B2),_mm512_mul_ps(_mm512_mul_ps(g,g),B2C));
    m=_mm512_mask_blend_ps(_mm512_cmp_ps_mask(_mm512_abs_ps(m),MN,_CMP_LT_OQ),m,Z);
    v=_mm512_mask_blend_ps(_mm512_cmp_ps_mask(v,MN,_CMP_LT_OQ),v,Z);
    _mm512_store_ps(M+i,m); _mm512_store_ps(V+i,v);
    __m512 d=_mm512_add_ps(_mm512_sqrt_ps(_mm512_mul_ps(v,I2)),E);
    _mm512_store_ps(P+i,_mm512_sub_ps(_mm512_load_ps(P+i),_mm512_div_ps(_mm512_mul_ps(m,ST),d)));
  }
}
__attribute__((noinline)) void sqrtdiv(void){
  for(int i=0;i<N;i+=16){ __m512 x=_mm512_load_ps(M+i), y=_mm512_load_ps(V+i);
    _mm512_store_ps(P+i,_mm512_div_ps(x,_mm512_add_ps(_mm512_sqrt_ps(y),_mm512_set1_ps(1e-8f)))); }
}
int main(){
  for(int i=0;i<N;i++){P[i]=1;G[i]=1e-3f*(i%7-3);M[i]=G[i];V[i]=G[i]*G[i]+1e-6f;}
  double ta=0, ts=0;
  for(int r=0;r<3;r++){
    double t0=now(); for(int k=0;k<20000;k++) adam(0.9f,0.999f,1e-8f,0.1f,0.001f,1e-3f,1.5f);
    double t1=now(); for(int k=0;k<20000;k++) sqrtdiv();
    double t2=now(); ta=t1-t0; ts=t2-t1;
  }
  printf("Adam update (C, AVX-512, %d L1-resident elements): %.3f ns per element; its sqrt + div alone: %.3f ns per element\n",N,ta/20000/N*1e9,ts/20000/N*1e9);
}
