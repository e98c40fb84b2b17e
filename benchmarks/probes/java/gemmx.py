#!/usr/bin/env python3
"""Writes GemmX.java: a copy of the cpu backend's Gemm with switches for timing what each
part of a product costs (see GemmAB.java). Usage: gemmx.py Gemm.java OUT_DIR"""
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
    "    static boolean warm;")
sub("            packB(transB, b, ldb, ks, q0, q1, j, j + nj, pb, s);\n            boolean add = written,",
    "            if (!(NOPACKB && warm)) packB(transB, b, ldb, ks, q0, q1, j, j + nj, pb, s);\n"
    "            boolean add = written && !NOADD,")
sub("                if (qs[kb + 1] > qs[kb])\n                    packA(",
    "                if (qs[kb + 1] > qs[kb] && !(NOPACKA && warm))\n                    packA(")
sub("static final int MC = 256;", "static final int MC = Integer.getInteger(\"mc\", 256);")
open(out + '/GemmX.java', 'w').write(s)
