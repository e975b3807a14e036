#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install the Debian 12 packages the build checks and the VM
# selftests need.  Idempotent: apt runs only when something is missing
# (one "apt-get update", then one install).  Needs root for that; works
# without a terminal (CI).

set -euo pipefail

PACKAGES=(
	qemu-system-x86 qemu-utils		# the VM and its mptsas1068
	linux-image-amd64 linux-headers-amd64	# newest Debian 6.1 kernel
	linux-image-6.12-amd64 linux-headers-6.12-amd64	# newest 6.12 (bookworm-security)
	build-essential bc kmod dkms sparse	# module builds, C=2
	busybox-static cpio xz-utils		# the guest's initramfs
	sg3-utils lsscsi fio			# the tests in the guest
	debootstrap				# the Debian-unstable lane (vm/sidroot.sh)
	dpkg-dev quilt meson ninja-build pkg-config flex bison	# test QEMU (make qemu)
	libglib2.0-dev libpixman-1-dev libfdt-dev libcap-ng-dev libattr1-dev
	python3-venv zlib1g-dev
	clang llvm libclang-rt-dev		# the fuzzers (selftests/fuzz): libFuzzer, symbolizer
	libelf-dev libssl-dev			# the debug kernel (selftests/debug/kernel.sh)
)

# installed PKG - PKG is installed (for a virtual package: something
# providing it is).
installed()
{
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=()
for p in "${PACKAGES[@]}"; do
	installed "$p" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
	echo "deps: all ${#PACKAGES[@]} packages are installed"
	exit 0
fi

echo "deps: installing ${missing[*]}"
if ((EUID != 0)); then
	echo "deps: need root to install packages" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update </dev/null
apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
