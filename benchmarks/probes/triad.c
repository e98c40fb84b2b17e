// A STREAM-like triad a = b + 1.5 c on 32 MB arrays per thread: memory bandwidth.
// Built and run by benchmarks/probes/run.sh.
#include <stdio.h>
#include <stdlib.h>
#include <stdlib.h>
#include <pthread.h>
#include <time.h>
#include <string.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
#define N (8<<20)
typedef struct {float *a,*b,*c; long n; int reps;} arg_t;
void* triad(void* p){arg_t*a=p; for(int r=0;r<a->reps;r++) for(long i=0;i<a->n;i++) a->a[i]=a->b[i]+1.5f*a->c[i]; return 0;}
int main(int argc,char**argv){
  int t=atoi(argv[1]); long n=N; int reps=10;
  arg_t args[8]; pthread_t th[8];
  for(int i=0;i<t;i++){args[i].a=aligned_alloc(64,n*4);args[i].b=aligned_alloc(64,n*4);args[i].c=aligned_alloc(64,n*4);args[i].n=n;args[i].reps=reps;
    memset(args[i].a,0,n*4);for(long j=0;j<n;j++){args[i].b[j]=1;args[i].c[j]=2;}}
  double t0=now();
  for(int i=0;i<t;i++) pthread_create(&th[i],0,triad,&args[i]);
  for(int i=0;i<t;i++) pthread_join(th[i],0);
  double dt=now()-t0;
  printf("triad %d thread(s), 3 x 32 MB arrays each: %.1f GB/s (counting 12 bytes per element)\n",t,12.0*n*reps*t/dt/1e9);
}
