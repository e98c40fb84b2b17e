// Runs the element math of kernels.cu (the __host__ __device__ functions in namespace
// cvae) on the host, so that KernelsHostMathTest can compare it with the Java reference
// on machines without a GPU. Reads commands on stdin, one per line, and answers one line
// each; floats travel as their bit patterns in hex so nothing is lost in printing.
//
//   normals <seed> <stream> <n>       -> n floats
//   kl <mu> <ls> <pmu> <pls> <scale(double bits)> <dq_mu> <dq_ls>
//                                      -> dq_mu dq_ls dp_mu dp_ls kl(double bits)
//   adam <p> <g> <m> <v> <lr> <b1> <b2> <eps> <bc1> <bc2>   -> p m v
//   sigmoid <x> / relu <x>            -> y
#include "../../main/cuda/kernels.cu"

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>

static float f(const char* hex) { uint32_t u = (uint32_t) strtoul(hex, nullptr, 16); float x; memcpy(&x, &u, 4); return x; }
static double d(const char* hex) { uint64_t u = strtoull(hex, nullptr, 16); double x; memcpy(&x, &u, 8); return x; }
static void pf(float x) { uint32_t u; memcpy(&u, &x, 4); printf(" %08x", u); }
static void pd(double x) { uint64_t u; memcpy(&u, &x, 8); printf(" %016" PRIx64, u); }

int main() {
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        char* a[16] = {0};
        int n = 0;
        for (char* t = strtok(line, " \n"); t && n < 16; t = strtok(nullptr, " \n")) a[n++] = t;
        if (n == 0) continue;
        std::string op = a[0];
        if (op == "normals") {
            uint64_t seed = strtoull(a[1], nullptr, 10), stream = strtoull(a[2], nullptr, 10);
            long count = strtol(a[3], nullptr, 10);
            for (long b = 0; b * 4 < count; b++) {
                float v[4];
                cvae::philox_normals(v, seed, stream, (uint64_t) b);
                for (int l = 0; l < 4 && b * 4 + l < count; l++) pf(v[l]);
            }
        } else if (op == "kl") {
            float dqm = f(a[6]), dqs = f(a[7]), dpm = 0, dps = 0;
            double kl = cvae::kl_element(&dqm, &dqs, &dpm, &dps, f(a[1]), f(a[2]), f(a[3]), f(a[4]), d(a[5]));
            pf(dqm); pf(dqs); pf(dpm); pf(dps); pd(kl);
        } else if (op == "adam") {
            float p = f(a[1]), m = f(a[3]), v = f(a[4]);
            cvae::adam_element(&p, f(a[2]), &m, &v, f(a[5]), f(a[6]), f(a[7]), f(a[8]), f(a[9]), f(a[10]));
            pf(p); pf(m); pf(v);
        } else if (op == "sigmoid") {
            pf(cvae::sigmoid(f(a[1])));
        } else if (op == "relu") {
            pf(cvae::relu(f(a[1])));
        } else {
            printf("unknown %s", a[0]);
        }
        printf("\n");
        fflush(stdout);
    }
    return 0;
}
