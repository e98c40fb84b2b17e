// Four register-blocked micro-kernel shapes (rows x 16-float vectors of C) on L1-resident
// panels, interleaved in 0.05 s slices for 20 s: does a kernel with fewer loads per FMA ride
// out this VM's slow phases (where the 8x32 kernel of kernel-steadiness.c loses a quarter of
// its speed and a register-only FMA loop hardly anything) better than the cpu backend's 8x2?
// Session 8 (results/benchmarks/cpu-probes-2026-11-26-s8.txt): no, all four lose alike.
//   gcc -O2 -mavx512f -mfma benchmarks/probes/kernel-shapes.c -o /tmp/kshape && /tmp/kshape
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
volatile float sink;
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
#define KC 192
static float pa[16*16*KC] __attribute__((aligned(64))), pb[KC*64] __attribute__((aligned(64))), cc[256*64] __attribute__((aligned(64)));
#define KER(NAME, MR, NV) __attribute__((noinline)) void NAME(const float* a, const float* b, float* c){ \
  __m512 acc[MR][NV]; for(int r=0;r<MR;r++) for(int v=0;v<NV;v++) acc[r][v]=_mm512_setzero_ps(); \
  for(int p=0;p<KC;p++){ __m512 y[NV]; _Pragma("GCC unroll 4") for(int v=0;v<NV;v++) y[v]=_mm512_load_ps(b+p*NV*16+v*16); \
    _Pragma("GCC unroll 16") for(int r=0;r<MR;r++){ __m512 x=_mm512_set1_ps(a[p*MR+r]); _Pragma("GCC unroll 4") for(int v=0;v<NV;v++) acc[r][v]=_mm512_fmadd_ps(x,y[v],acc[r][v]); } } \
  for(int r=0;r<MR;r++) for(int v=0;v<NV;v++) _mm512_store_ps(c+r*NV*16+v*16,acc[r][v]); }
KER(k8x2, 8, 2)
KER(k8x3, 8, 3)
KER(k6x4, 6, 4)
KER(k12x2, 12, 2)
int main(){
  for(int i=0;i<16*16*KC;i++) pa[i]=(i%7)*0.01f; for(int i=0;i<KC*64;i++) pb[i]=(i%5)*0.02f;
  const char* names[4]={"8x2 (8x32)","8x3 (8x48)","6x4 (6x64)","12x2 (12x32)"};
  int mr[4]={8,8,6,12}, nv[4]={2,3,4,2};
  double sum[4]={0}, mn[4]={1e9,1e9,1e9,1e9}, mx[4]={0};
  for(int s=0;s<100;s++) for(int k=0;k<4;k++){
    double t0=now(); long it=0;
    while(now()-t0<0.05){ for(int rep=0;rep<200;rep++) for(int rp=0;rp<8;rp++){
      const float* a=pa+rp*mr[k]*KC; float* c=cc+rp*mr[k]*nv[k]*16;
      if(k==0) k8x2(a,pb,c); else if(k==1) k8x3(a,pb,c); else if(k==2) k6x4(a,pb,c); else k12x2(a,pb,c);} it+=200; }
    double rate=2.0*8*mr[k]*nv[k]*16*KC*it/(now()-t0)/1e9;
    sum[k]+=rate; if(rate<mn[k])mn[k]=rate; if(rate>mx[k])mx[k]=rate;
  }
  sink=cc[5];
  for(int k=0;k<4;k++) printf("kernel %-13s 100 x 0.05 s interleaved: min %.0f, mean %.0f, max %.0f GFLOP/s\n",names[k],mn[k],sum[k]/100,mx[k]);
}
