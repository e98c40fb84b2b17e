#!/usr/bin/env python3
"""Writes GemmX.java: a copy of the cpu backend's Gemm with switches for timing what each
part of a product costs (see GemmAB.java), and B kept packed (see PrepackProbe.java). Usage: gemmx.py Gemm.java OUT_DIR"""
import sys

src, out = sys.argv[1], sys.argv[2]
s = open(src).read().replace('Gemm', 'GemmX')

def sub(old, new):
    global s
    if old not in s:
        sys.exit('gemmx.py: Gemm.java has changed, this pattern is gone: ' + old.strip()[:60])
    s = s.replace(old, new, 1)

sub("private GemmX() {}",
    "private GemmX() {}\n"
    "    static final boolean NOPACKB = Boolean.getBoolean(\"nopackb\"), NOADD = Boolean.getBoolean(\"noadd\"),"
    " NOPACKA = Boolean.getBoolean(\"nopacka\");\n"
    "    static boolean warm;\n"
    "    /** B's panels kept packed, [column panel][K block] (PrepackProbe); null: packed per call. */\n"
    "    static float[][][] PRE;")
sub("            packB(transB, b, ldb, ks, q0, q1, j, j + nj, pb, s);\n            boolean add = written,",
    "            if (!(NOPACKB && warm)) packB(transB, b, ldb, ks, q0, q1, j, j + nj, pb, s);\n"
    "            boolean add = written && !NOADD,")
sub("            float[] pb = s.b(kc * NR);\n            if (!(NOPACKB && warm)) packB(transB, b, ldb, ks, q0, q1, j, j + nj, pb, s);",
    "            float[] pb = PRE != null ? PRE[j / NR][kb] : s.b(kc * NR);\n"
    "            if (PRE == null && !(NOPACKB && warm)) packB(transB, b, ldb, ks, q0, q1, j, j + nj, pb, s);")
sub("                if (qs[kb + 1] > qs[kb])\n                    packA(",
    "                if (qs[kb + 1] > qs[kb] && !(NOPACKA && warm))\n                    packA(")
sub("static final int MC = 256;", "static final int MC = Integer.getInteger(\"mc\", 256);")
open(out + '/GemmX.java', 'w').write(s)
