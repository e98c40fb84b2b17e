#!/usr/bin/env bash
# Builds .device/ (ignored by git), what gpu-checks.sh needs on a machine with no Java
# and no Maven: a jlinked JDK 25 runtime with its native libraries stripped (20 MB as
# .txz), the shaded harness jar, the kernels' and the bindings' test classes, JUnit's
# console launcher unpacked (1.3 MB as .txz) and MNIST (9.5 MB as .txz). xz, not gzip:
# the device tool carries at most 64 MiB with the working tree.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
JDK="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mvn -q -B install -DskipTests
rm -rf .device /tmp/jdk-gpu /tmp/junit && mkdir -p .device /tmp/junit
"$JDK/bin/jlink" --add-modules java.base,java.logging,jdk.incubator.vector,java.desktop,jdk.unsupported \
  --strip-debug --no-man-pages --no-header-files --output /tmp/jdk-gpu
find /tmp/jdk-gpu -name '*.so' -exec strip --strip-unneeded {} \;
tar cJf .device/jdk.txz -C /tmp jdk-gpu
cp harness/target/harness.jar .device/
"$JDK/bin/jar" cf .device/kernels-tests.jar -C kernels/target/test-classes .
"$JDK/bin/jar" cf .device/bindings-tests.jar -C bindings/target/test-classes .
mvn -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.1 -DoutputDirectory=/tmp/junit
(cd /tmp/junit && "$JDK/bin/jar" xf junit-platform-console-standalone-1.14.1.jar && rm junit-platform-console-standalone-1.14.1.jar)
tar cJf .device/junit.txz -C /tmp junit
tar cJf .device/mnist.txz -C data mnist/train-images-idx3-ubyte mnist/train-labels-idx1-ubyte \
  mnist/t10k-images-idx3-ubyte mnist/t10k-labels-idx1-ubyte
du -sh .device
