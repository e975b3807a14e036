#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh - build (or find already built) the test QEMU: Debian's own source
# of the installed qemu-system-x86, Debian's patches, then ours
# (selftests/qemu/patches/*.patch, in name order), only qemu-system-x86_64.
#
# Usage: selftests/qemu/build.sh [--print-key] [--src-only]
#   --print-key  print the cache directory the build goes to and exit
#   --src-only   stop after preparing the patched source tree
#
# Prints progress on stderr and the binary's absolute path as the last line
# of stdout.  Everything lives under ${MPTMQ_CACHE:-/var/cache/mptmq}:
#   apt/                       private apt state (lists, archives): the
#                              machine's apt configuration is never touched
#   qemu-src-<debver>/         Debian's source package as dpkg-source
#                              unpacked it (debian/patches applied)
#   qemu-<debver>-<key>/       src/ (that tree + our patches), build/, and
#                              bin/qemu-system-x86_64; "stamp" is written
#                              last, so an interrupted build is redone
# <key> hashes our patches and this script, so the binary is rebuilt only
# when the Debian version or either of those changes.
#
# The deb-src entry is derived from /etc/apt/sources.list.d/debian.sources
# (the same entries, type deb-src): no package host is named here.
#
# Environment: MPTMQ_CACHE (cache root), MPTMQ_QEMU_JOBS (ninja -j, default
# the number of CPUs), MPTMQ_APT_SOURCES (the deb822 file to derive from).

set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${MPTMQ_CACHE:-/var/cache/mptmq}
APT_SOURCES=${MPTMQ_APT_SOURCES:-/etc/apt/sources.list.d/debian.sources}
JOBS=${MPTMQ_QEMU_JOBS:-$(nproc)}

log()
{
	printf 'qemu-build: %s\n' "$*" >&2
}

die()
{
	log "$*"
	exit 1
}

# The Debian source version of the installed QEMU (binNMU suffix dropped).
debver()
{
	dpkg-query -W -f='${source:Version}' qemu-system-x86 2>/dev/null ||
		die "qemu-system-x86 is not installed (selftests/deps.sh)"
}

# The configure options: what our VMs use and nothing else that costs time.
# Devices stay at the x86_64 defaults (q35, intel-iommu, pcie-root-port,
# pcie-pci-bridge, mptsas1068, lsi53c895a, scsi-hd, virtio-scsi, virtio-9p,
# serial); features and host back ends are off unless named here.  The
# dfsg tarball has no firmware images and Debian's skip-meson-pc-bios.diff
# keeps pc-bios/ out of the build: the binary is run with
# -L /usr/share/qemu -L /usr/share/seabios (Debian's firmware packages).
CONFIGURE_OPTS=(
	--target-list=x86_64-softmmu
	--without-default-features
	--enable-tcg --enable-virtfs --enable-attr --enable-cap-ng
	--disable-docs --disable-tools --disable-install-blobs --disable-werror
	--disable-debug-info
)

cache_key()
{
	{
		cat "$0"
		for p in "$HERE"/patches/*.patch; do
			[[ -e $p ]] || continue
			basename "$p"
			cat "$p"
		done
	} | sha256sum | cut -c1-12
}

VER=$(debver)
VERDIR=${VER#*:}	# "7.2+dfsg-7+deb12u18": no epoch colon in a path
KEY=$(cache_key)
OUT=$CACHE/qemu-$VERDIR-$KEY
BIN=$OUT/bin/qemu-system-x86_64

case ${1:-} in
--print-key) echo "$OUT"; exit 0 ;;
esac

up_to_date()
{
	[[ -e $OUT/stamp && -x $BIN ]] || return 1
	log "up to date: $OUT (built $(cat "$OUT/stamp"))"
	echo "$BIN"
}

up_to_date && exit 0
# One build at a time per cache (two make checks, or a test and a VM run,
# may ask at once): the second waits, then finds the first one's result.
mkdir -p "$CACHE"
exec 9>"$CACHE/qemu-build.lock"
if ! flock -n 9; then
	log "another build is running; waiting for it"
	flock 9
fi
up_to_date && exit 0

# fetch_source DIR - unpack Debian's qemu source package $VER into DIR.
fetch_source()
{
	local dir=$1 apt=$CACHE/apt tmp
	local -a opts

	[[ -r $APT_SOURCES ]] || die "no $APT_SOURCES to derive a deb-src entry from"
	mkdir -p "$apt"/{lists/partial,archives/partial,sources.list.d}
	# The machine's entries, type changed to deb-src; nothing else differs.
	sed -E 's/^Types:.*/Types: deb-src/' "$APT_SOURCES" >"$apt/sources.list.d/src.sources"
	opts=(-o Dir::Etc::SourceList=/dev/null
	      -o Dir::Etc::SourceParts="$apt/sources.list.d"
	      -o Dir::State::Lists="$apt/lists"
	      -o Dir::Cache="$apt" -o Dir::Cache::archives="$apt/archives"
	      -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
	log "apt-get update (private state in $apt)"
	apt-get "${opts[@]}" -qq update </dev/null >&2
	tmp=$(mktemp -d "$CACHE/qemu-src.XXXXXX")
	log "apt-get source qemu=$VER"
	# dpkg-source -x applies debian/patches (format 3.0 (quilt)).
	(cd "$tmp" && apt-get "${opts[@]}" -qq source "qemu=$VER" </dev/null >&2)
	local d
	d=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'qemu-*' | head -n 1)
	[[ -n $d && -f $d/debian/patches/series ]] || die "apt-get source left no qemu tree in $tmp"
	[[ -d $d/.pc ]] || die "Debian's patches were not applied in $d"
	rm -rf "$dir"
	mv "$d" "$dir"
	rm -rf "$tmp"
}

mkdir -p "$CACHE"
SRC0=$CACHE/qemu-src-$VERDIR
if [[ ! -e $SRC0/.mptmq-complete ]]; then
	fetch_source "$SRC0"
	touch "$SRC0/.mptmq-complete"
fi

rm -rf "$OUT"
mkdir -p "$OUT/bin"
log "patched tree: $OUT/src"
cp -a "$SRC0" "$OUT/src"
for p in "$HERE"/patches/*.patch; do
	[[ -e $p ]] || continue
	log "applying $(basename "$p")"
	patch -d "$OUT/src" -p1 --no-backup-if-mismatch -s <"$p" ||
		die "$(basename "$p") does not apply"
done
[[ ${1:-} == --src-only ]] && { echo "$OUT/src"; exit 0; }

start=$SECONDS
mkdir -p "$OUT/build"
log "configure ${CONFIGURE_OPTS[*]}"
(cd "$OUT/build" && nice ../src/configure "${CONFIGURE_OPTS[@]}") >"$OUT/configure.log" 2>&1 ||
	{ tail -n 30 "$OUT/configure.log" >&2; die "configure failed: $OUT/configure.log"; }
conf=$((SECONDS - start))
log "ninja -j$JOBS qemu-system-x86_64 (configure took ${conf}s)"
nice ninja -C "$OUT/build" -j"$JOBS" qemu-system-x86_64 >"$OUT/build.log" 2>&1 ||
	{ tail -n 30 "$OUT/build.log" >&2; die "build failed: $OUT/build.log"; }
cp "$OUT/build/qemu-system-x86_64" "$BIN"
total=$((SECONDS - start))
log "built in ${total}s (configure ${conf}s) on $(nproc) CPUs"
echo "configure=${conf}s total=${total}s cpus=$(nproc) date=$(date -u +%FT%TZ)" >"$OUT/build-time"
date -u +%FT%TZ >"$OUT/stamp"
echo "$BIN"
