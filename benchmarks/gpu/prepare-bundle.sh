#!/usr/bin/env bash
# Builds .device/ (ignored by git), what gpu-checks.sh needs on a machine with no Java
# and no Maven: a jlinked JDK 25 runtime (about 32 MB as .tgz), the shaded harness jar,
# the kernels' and the bindings' test classes, JUnit's console launcher, and MNIST gzipped (11 MB).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
JDK="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mvn -q -B install -DskipTests
rm -rf .device /tmp/jdk-gpu && mkdir -p .device/mnist
"$JDK/bin/jlink" --add-modules java.base,java.logging,jdk.incubator.vector,java.desktop,java.management,jdk.unsupported,jdk.jfr \
  --strip-debug --no-man-pages --no-header-files --output /tmp/jdk-gpu
tar czf .device/jdk.tgz -C /tmp jdk-gpu
cp harness/target/harness.jar .device/
"$JDK/bin/jar" cf .device/kernels-tests.jar -C kernels/target/test-classes .
"$JDK/bin/jar" cf .device/bindings-tests.jar -C bindings/target/test-classes .
mvn -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.1 -DoutputDirectory=.device
for f in data/mnist/*-ubyte; do gzip -9c "$f" > ".device/mnist/$(basename "$f").gz"; done
du -sh .device
