// An 8-row x 32-column GEMM micro-kernel (the shape of the cpu backend's) on L1-resident
// panels, over 20 s in 0.1 s slices: how steady a load-bearing loop runs on this machine.
// Built and run by benchmarks/probes/run.sh.
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
volatile float sink;
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
#define KC 192
static float pa[8*8*KC] __attribute__((aligned(64))), pb[KC*32] __attribute__((aligned(64))), cc[64*32] __attribute__((aligned(64)));
__attribute__((noinline)) void kernel(const float* a, const float* b, float* c){
  __m512 c0[8], c1[8];
  for(int r=0;r<8;r++){c0[r]=_mm512_setzero_ps(); c1[r]=_mm512_setzero_ps();}
  for(int p=0;p<KC;p++){
    __m512 y0=_mm512_load_ps(b+p*32), y1=_mm512_load_ps(b+p*32+16);
    #pragma GCC unroll 8
    for(int r=0;r<8;r++){ __m512 x=_mm512_set1_ps(a[p*8+r]); c0[r]=_mm512_fmadd_ps(x,y0,c0[r]); c1[r]=_mm512_fmadd_ps(x,y1,c1[r]); }
  }
  for(int r=0;r<8;r++){_mm512_store_ps(c+r*32,c0[r]); _mm512_store_ps(c+r*32+16,c1[r]);}
}
int main(){
  for(int i=0;i<8*8*KC;i++) pa[i]=(i%7)*0.01f; for(int i=0;i<KC*32;i++) pb[i]=(i%5)*0.02f;
  double rates[200]; int n=0;
  for(int s=0;s<200;s++){
    double t0=now(); long it=0;
    while(now()-t0<0.1){ for(int rep=0;rep<1000;rep++) for(int rp=0;rp<8;rp++) kernel(pa+rp*8*KC,pb,cc+rp*8*32); it+=1000; }
    rates[n++]=2.0*64*32*KC*it/(now()-t0)/1e9;
  }
  double mn=1e9,mx=0,avg=0; for(int i=0;i<n;i++){if(rates[i]<mn)mn=rates[i]; if(rates[i]>mx)mx=rates[i]; avg+=rates[i];}
  int below=0; for(int i=0;i<n;i++) if(rates[i]<0.8*mx) below++;
  sink=cc[5];
  printf("GEMM micro-kernel 8x32 (one core, L1-resident panels, KC %d), 200 x 0.1 s: min %.0f, mean %.0f, max %.0f GFLOP/s; %d of 200 below 80%% of max\n",KC,mn,avg/n,mx,below);
}
