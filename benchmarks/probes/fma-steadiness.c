// The FMA peak of one core over 20 s in 0.1 s slices: 12 independent chains of FMAs on
// the widest vectors (vec.h), registers only. Built and run by benchmarks/probes/run.sh.
#include "vec.h"
#include <stdio.h>
#include <time.h>
volatile float sink;
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(){
  vec a[12]; vec b=vset1(1.0000001f), c=vset1(1e-7f);
  for(int i=0;i<12;i++) a[i]=vset1(i);
  double rates[200]; int n=0;
  for(int s=0;s<200;s++){
    double t0=now(); long it=0;
    while(now()-t0<0.1){ for(long i=0;i<100000;i++){
      #pragma GCC unroll 12
      for(int j=0;j<12;j++) a[j]=vfma(a[j],b,c);} it+=100000; }
    rates[n++]=2.0*W*12*it/(now()-t0)/1e9;
  }
  float sum=0; for(int i=0;i<12;i++) sum+=vfirst(a[i]);
  double mn=1e9,mx=0,avg=0; for(int i=0;i<n;i++){if(rates[i]<mn)mn=rates[i]; if(rates[i]>mx)mx=rates[i]; avg+=rates[i];}
  int below=0; for(int i=0;i<n;i++) if(rates[i]<0.8*mx) below++;
  sink=sum;
  printf("FMA loop (one core, %d-bit, registers only), 200 x 0.1 s: min %.0f, mean %.0f, max %.0f GFLOP/s; %d of 200 below 80%% of max\n",W*32,mn,avg/n,mx,below);
}
