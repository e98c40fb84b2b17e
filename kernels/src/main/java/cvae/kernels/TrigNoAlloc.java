package cvae.kernels;

/**
 * {@code StrictMath.sin} and {@code StrictMath.cos}, to the bit, without allocating.
 *
 * <p>Why: the JDK's {@code StrictMath.sin/cos} (its Java port of fdlibm) allocate two
 * small arrays on every call that needs an argument reduction, and the eps normals of a
 * training step take 1,280 of them: about 40 KB of garbage per step at batch 64. These
 * are the same algorithms, fdlibm 5.3's {@code s_sin.c}, {@code s_cos.c},
 * {@code e_rem_pio2.c}, {@code k_sin.c} and {@code k_cos.c}, with the reduced argument
 * kept in locals. Only the branches for |x| ≤ 2¹⁹·π/2 are here (the Box–Muller angle is
 * in [0, 2π)); larger arguments, infinities and NaN go to {@code StrictMath}.
 * {@code TrigNoAlloc}'s test checks it against {@code StrictMath} bit for bit.
 *
 * <pre>
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunSoft, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * </pre>
 */
public final class TrigNoAlloc {
    private TrigNoAlloc() {}

    /** Bit-identical to {@code StrictMath.sin(x)}. */
    public static double sin(double x) { return sinOrCos(x, false); }

    /** Bit-identical to {@code StrictMath.cos(x)}. */
    public static double cos(double x) { return sinOrCos(x, true); }

    private static final double
            INVPIO2 = 0x1.45f306dc9c883p-1,   // 53 bits of 2/pi
            PIO2_1 = 0x1.921fb544p0,          // first 33 bits of pi/2
            PIO2_1T = 0x1.0b4611a626331p-34,  // pi/2 - PIO2_1
            PIO2_2 = 0x1.0b4611a6p-34,        // second 33 bits of pi/2
            PIO2_2T = 0x1.3198a2e037073p-69,  // pi/2 - (PIO2_1 + PIO2_2)
            PIO2_3 = 0x1.3198a2ep-69,         // third 33 bits of pi/2
            PIO2_3T = 0x1.b839a252049c1p-104; // pi/2 - (PIO2_1 + PIO2_2 + PIO2_3)

    /** High words of n·pi/2, n = 1..32: where the quick reduction may cancel. */
    private static final int[] NPIO2_HW = {
            0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB, 0x401F6A7A, 0x4022D97C,
            0x4025FDBB, 0x402921FB, 0x402C463A, 0x402F6A7A, 0x4031475C, 0x4032D97C,
            0x40346B9C, 0x4035FDBB, 0x40378FDB, 0x403921FB, 0x403AB41B, 0x403C463A,
            0x403DD85A, 0x403F6A7A, 0x40407E4C, 0x4041475C, 0x4042106C, 0x4042D97C,
            0x4043A28C, 0x40446B9C, 0x404534AC, 0x4045FDBB, 0x4046C6CB, 0x40478FDB,
            0x404858EB, 0x404921FB,
    };

    private static int hi(double x) { return (int) (Double.doubleToRawLongBits(x) >>> 32); }

    private static double sinOrCos(double x, boolean cos) {
        int hx = hi(x), ix = hx & 0x7fffffff;
        if (ix <= 0x3fe921fb) return cos ? kernelCos(x, 0.0) : kernelSin(x, 0.0, 0);   // |x| ~< pi/4
        if (ix > 0x413921fb) return cos ? StrictMath.cos(x) : StrictMath.sin(x);        // large, Inf, NaN

        // __ieee754_rem_pio2: x = n·pi/2 + (y0 + y1), |y0 + y1| <= pi/4
        double y0, y1;
        int n;
        if (ix < 0x4002d97c) {               // |x| < 3pi/4: n = ±1
            if (hx > 0) {
                double z = x - PIO2_1;
                if (ix != 0x3ff921fb) {      // 33+53 bit pi is good enough
                    y0 = z - PIO2_1T;
                    y1 = (z - y0) - PIO2_1T;
                } else {                     // near pi/2: 33+33+53 bit pi
                    z -= PIO2_2;
                    y0 = z - PIO2_2T;
                    y1 = (z - y0) - PIO2_2T;
                }
                n = 1;
            } else {
                double z = x + PIO2_1;
                if (ix != 0x3ff921fb) {
                    y0 = z + PIO2_1T;
                    y1 = (z - y0) + PIO2_1T;
                } else {
                    z += PIO2_2;
                    y0 = z + PIO2_2T;
                    y1 = (z - y0) + PIO2_2T;
                }
                n = -1;
            }
        } else {                             // |x| ~<= 2^19·(pi/2): medium size
            double t = Math.abs(x);
            n = (int) (t * INVPIO2 + 0.5);
            double fn = n;
            double r = t - fn * PIO2_1;
            double w = fn * PIO2_1T;         // first round good to 85 bits
            if (n < 32 && ix != NPIO2_HW[n - 1]) {
                y0 = r - w;                  // quick check: no cancellation
            } else {
                int j = ix >> 20;
                y0 = r - w;
                int i = j - ((hi(y0) >> 20) & 0x7ff);
                if (i > 16) {                // second iteration, good to 118 bits
                    t = r;
                    w = fn * PIO2_2;
                    r = t - w;
                    w = fn * PIO2_2T - ((t - r) - w);
                    y0 = r - w;
                    i = j - ((hi(y0) >> 20) & 0x7ff);
                    if (i > 49) {            // third iteration, 151 bits
                        t = r;
                        w = fn * PIO2_3;
                        r = t - w;
                        w = fn * PIO2_3T - ((t - r) - w);
                        y0 = r - w;
                    }
                }
            }
            y1 = (r - y0) - w;
            if (hx < 0) {
                y0 = -y0;
                y1 = -y1;
                n = -n;
            }
        }
        switch ((n + (cos ? 1 : 0)) & 3) {   // cos(x) = sin(x + pi/2)
            case 0: return kernelSin(y0, y1, 1);
            case 1: return kernelCos(y0, y1);
            case 2: return -kernelSin(y0, y1, 1);
            default: return -kernelCos(y0, y1);
        }
    }

    private static final double
            S1 = -0x1.5555555555549p-3,
            S2 = 0x1.111111110f8a6p-7,
            S3 = -0x1.a01a019c161d5p-13,
            S4 = 0x1.71de357b1fe7dp-19,
            S5 = -0x1.ae5e68a2b9cebp-26,
            S6 = 0x1.5d93a5acfd57cp-33;

    /** __kernel_sin on [-pi/4, pi/4]: y is the tail of x, iy = 0 when y is zero. */
    private static double kernelSin(double x, double y, int iy) {
        int ix = hi(x) & 0x7fffffff;
        if (ix < 0x3e400000 && (int) x == 0) return x;   // |x| < 2^-27
        double z = x * x, v = z * x;
        double r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
        if (iy == 0) return x + v * (S1 + z * r);
        return x - ((z * (0.5 * y - v * r) - y) - v * S1);
    }

    private static final double
            C1 = 0x1.555555555554cp-5,
            C2 = -0x1.6c16c16c15177p-10,
            C3 = 0x1.a01a019cb159p-16,
            C4 = -0x1.27e4f809c52adp-22,
            C5 = 0x1.1ee9ebdb4b1c4p-29,
            C6 = -0x1.8fae9be8838d4p-37;

    /** __kernel_cos on [-pi/4, pi/4]: y is the tail of x. */
    private static double kernelCos(double x, double y) {
        int ix = hi(x) & 0x7fffffff;
        if (ix < 0x3e400000 && (int) x == 0) return 1.0; // |x| < 2^-27
        double z = x * x;
        double r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
        if (ix < 0x3fd33333) return 1.0 - (0.5 * z - (z * r - x * y));   // |x| < 0.3
        double qx = ix > 0x3fe90000 ? 0.28125 : Double.longBitsToDouble((long) (ix - 0x00200000) << 32);
        double hz = 0.5 * z - qx, a = 1.0 - qx;
        return a - (hz - (z * r - x * y));
    }
}
