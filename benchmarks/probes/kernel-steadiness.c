// A GEMM micro-kernel of the cpu backend's shape (vec.h: ROWS x 2 vectors) on L1-resident
// panels, over 20 s in 0.1 s slices: how steady a load-bearing loop runs on this machine.
// Built and run by benchmarks/probes/run.sh.
#include "vec.h"
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
volatile float sink;
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
#define KC 192
#define NR (2*W)
static float pa[8*ROWS*KC] __attribute__((aligned(64))), pb[KC*NR] __attribute__((aligned(64))), cc[8*ROWS*NR] __attribute__((aligned(64)));
__attribute__((noinline)) void kernel(const float* a, const float* b, float* c){
  vec c0[ROWS], c1[ROWS];
  for(int r=0;r<ROWS;r++){c0[r]=vzero(); c1[r]=vzero();}
  for(int p=0;p<KC;p++){
    vec y0=vload(b+p*NR), y1=vload(b+p*NR+W);
    #pragma GCC unroll 8
    for(int r=0;r<ROWS;r++){ vec x=vset1(a[p*ROWS+r]); c0[r]=vfma(x,y0,c0[r]); c1[r]=vfma(x,y1,c1[r]); }
  }
  for(int r=0;r<ROWS;r++){vstore(c+r*NR,c0[r]); vstore(c+r*NR+W,c1[r]);}
}
int main(){
  for(int i=0;i<8*ROWS*KC;i++) pa[i]=(i%7)*0.01f; for(int i=0;i<KC*NR;i++) pb[i]=(i%5)*0.02f;
  double rates[200]; int n=0;
  for(int s=0;s<200;s++){
    double t0=now(); long it=0;
    while(now()-t0<0.1){ for(int rep=0;rep<1000;rep++) for(int rp=0;rp<8;rp++) kernel(pa+rp*ROWS*KC,pb,cc+rp*ROWS*NR); it+=1000; }
    rates[n++]=2.0*8*ROWS*NR*KC*it/(now()-t0)/1e9;
  }
  double mn=1e9,mx=0,avg=0; for(int i=0;i<n;i++){if(rates[i]<mn)mn=rates[i]; if(rates[i]>mx)mx=rates[i]; avg+=rates[i];}
  int below=0; for(int i=0;i<n;i++) if(rates[i]<0.8*mx) below++;
  sink=cc[5];
  printf("GEMM micro-kernel %dx%d (one core, L1-resident panels, KC %d), 200 x 0.1 s: min %.0f, mean %.0f, max %.0f GFLOP/s; %d of 200 below 80%% of max\n",ROWS,NR,KC,mn,avg/n,mx,below);
}
