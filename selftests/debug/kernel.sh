#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel.sh - build (or find already built) the debug kernel: Debian's own
# source of the installed 6.1 kernel (linux-source-6.1 of the version the
# installed linux-headers-<6.1>-common came from), configured as small as
# our VMs allow plus KASAN, lockdep, DMA-API debugging, kmemleak, UBSAN and
# debugobjects (debug.config next to this script).
#
# Usage: selftests/debug/kernel.sh [--print-key] [--src-only]
#   --print-key  print the cache directory the build goes to and exit
#   --src-only   stop after unpacking the source
#
# Prints progress on stderr and the kernel image's absolute path as the last
# line of stdout.  Everything lives under ${MPTMQ_CACHE:-/var/cache/mptmq}:
#   kernel-apt/                         private apt state (the machine's
#                                       own entries; its apt is untouched)
#   linux-src-<debver>/                 linux-source-6.1's tree, unpacked
#                                       (Debian's patches already applied)
#   debug-kernel-<debver>-<confighash>/ build/ (the object tree: out-of-tree
#                                       modules build against it), root/
#                                       (boot/vmlinuz-<release>, lib/modules/
#                                       <release>/), bzImage, kernelrelease,
#                                       build-time; "stamp" written last
# <confighash> hashes debug.config and the build recipe (the end of this
# script): a change to either builds a new kernel; the same inputs are
# built once per machine.
#
# Environment: MPTMQ_CACHE, MPTMQ_KERNEL_JOBS (make -j, default the number
# of CPUs), MPTMQ_APT_SOURCES (the deb822 file to derive from).

set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${MPTMQ_CACHE:-/var/cache/mptmq}
APT_SOURCES=${MPTMQ_APT_SOURCES:-/etc/apt/sources.list.d/debian.sources}
JOBS=${MPTMQ_KERNEL_JOBS:-$(nproc)}

log()
{
	printf 'debug-kernel: %s\n' "$*" >&2
}

die()
{
	log "$*"
	exit 1
}

# debver - the Debian version of source package "linux" that the installed
# 6.1 kernel headers came from.
debver()
{
	local p v

	for p in $(dpkg-query -W -f='${Package}\n' 'linux-headers-6.1.*-common' 2>/dev/null); do
		v=$(dpkg-query -W -f='${db:Status-Abbrev} ${source:Version}' "$p")
		[[ $v == ii* ]] && echo "${v##* }"
	done | sort -V | tail -n 1
}

VER=$(debver)
[[ -n $VER ]] || die "no linux-headers-6.1.*-common installed (selftests/deps.sh)"
# The key: debug.config and the recipe (this script from "# --- recipe" on),
# so that editing a comment or the fetch step rebuilds nothing.
KEY=$({ sed -n '/^# --- recipe/,$p' "$0"; cat "$HERE/debug.config"; } | sha256sum | cut -c1-12)
OUT=$CACHE/debug-kernel-$VER-$KEY
SRC=$CACHE/linux-src-$VER

case ${1:-} in
--print-key) echo "$OUT"; exit 0 ;;
esac

up_to_date()
{
	[[ -e $OUT/stamp && -r $OUT/bzImage ]] || return 1
	log "up to date: $OUT (built $(cat "$OUT/stamp"))"
	echo "$OUT/bzImage"
}

[[ ${1:-} != --src-only ]] && up_to_date && exit 0
mkdir -p "$CACHE"
exec 9>"$CACHE/debug-kernel.lock"
if ! flock -n 9; then
	log "another build is running; waiting for it"
	flock 9
fi
[[ ${1:-} != --src-only ]] && up_to_date && exit 0

# fetch_source DIR - unpack Debian's linux-source-6.1 package $VER (the
# kernel tree with Debian's patches applied, as one tarball) into DIR.  The
# mirrors we use serve the binary package reliably; the source package
# ("apt-get source linux") is not always there.
fetch_source()
{
	local dir=$1 apt=$CACHE/kernel-apt tmp tarball
	local -a opts

	[[ -r $APT_SOURCES ]] || die "no $APT_SOURCES to derive an apt entry from"
	mkdir -p "$apt"/{lists/partial,archives/partial,sources.list.d}
	# The machine's own entries, binary packages only; nothing else differs.
	sed -E 's/^Types:.*/Types: deb/' "$APT_SOURCES" >"$apt/sources.list.d/bin.sources"
	opts=(-o Dir::Etc::SourceList=/dev/null
	      -o Dir::Etc::SourceParts="$apt/sources.list.d"
	      -o Dir::State::Lists="$apt/lists"
	      -o Dir::Cache="$apt" -o Dir::Cache::archives="$apt/archives"
	      -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
	log "apt-get update (private state in $apt)"
	apt-get "${opts[@]}" -qq update </dev/null >&2
	tmp=$(mktemp -d "$CACHE/linux-src.XXXXXX")
	log "apt-get download linux-source-6.1=$VER"
	(cd "$tmp" && apt-get "${opts[@]}" -qq download "linux-source-6.1=$VER" </dev/null >&2)
	dpkg-deb -x "$tmp"/linux-source-6.1_*.deb "$tmp/deb"
	tarball=$(find "$tmp/deb/usr/src" -maxdepth 1 -name 'linux-source-6.1.tar.*' | head -n 1)
	[[ -n $tarball ]] || die "linux-source-6.1 $VER holds no source tarball"
	log "unpacking $(basename "$tarball")"
	tar -C "$tmp" -xf "$tarball"
	[[ -f $tmp/linux-source-6.1/Makefile ]] || die "no kernel tree in $tarball"
	rm -rf "$dir"
	mv "$tmp/linux-source-6.1" "$dir"
	rm -rf "$tmp"
}

if [[ ! -e $SRC/.mptmq-complete ]]; then
	fetch_source "$SRC"
	touch "$SRC/.mptmq-complete"
fi
[[ ${1:-} == --src-only ]] && { echo "$SRC"; exit 0; }

# check_config - every option debug.config sets (=y, =m or a value) must be
# in the final .config as asked: an option Kconfig silently dropped (a
# missing dependency) would leave a tool off without a word.
check_config()
{
	local line bad=0

	while read -r line; do
		grep -qxF "$line" "$OUT/build/.config" || {
			log "debug.config asks for $line, the configuration has" \
			    "'$(grep -E "^(# )?${line%%=*}[= ]" "$OUT/build/.config" || echo nothing)'"
			bad=1
		}
	done < <(grep -E '^CONFIG_[A-Z0-9_]+=' "$HERE/debug.config")
	return $bad
}

# --- recipe: everything from here on is hashed into the cache key.
rm -rf "$OUT"
mkdir -p "$OUT/build"
start=$SECONDS
kmake()
{
	nice -n 15 make -C "$SRC" O="$OUT/build" -j"$JOBS" "$@"
}
log "configure: allnoconfig + kvm_guest.config + debug.config"
{
	kmake allnoconfig
	(cd "$OUT/build" && "$SRC/scripts/kconfig/merge_config.sh" -m -O "$OUT/build" .config \
		"$SRC/kernel/configs/kvm_guest.config" "$HERE/debug.config")
	kmake olddefconfig
} >"$OUT/configure.log" 2>&1 || { tail -n 30 "$OUT/configure.log" >&2; die "configure failed"; }
check_config || die "the configuration lacks what debug.config asks for ($OUT/build/.config)"
log "make -j$JOBS bzImage modules (log: $OUT/build.log)"
kmake bzImage modules >"$OUT/build.log" 2>&1 ||
	{ tail -n 30 "$OUT/build.log" >&2; die "build failed: $OUT/build.log"; }
KREL=$(cat "$OUT/build/include/config/kernel.release")
# A root that holds only the kernel: boot/vmlinuz-KREL and lib/modules/KREL
# (vmlib.sh boots it with the host's / as the guest's root); build/ is the
# object tree, for out-of-tree modules (mptmq.ko).
kmake INSTALL_MOD_PATH="$OUT/root" modules_install >>"$OUT/build.log" 2>&1 ||
	die "modules_install failed: $OUT/build.log"
mkdir -p "$OUT/root/boot"
cp "$OUT/build/arch/x86/boot/bzImage" "$OUT/root/boot/vmlinuz-$KREL"
ln -sfn "$OUT/build" "$OUT/root/lib/modules/$KREL/build"
ln -sf "root/boot/vmlinuz-$KREL" "$OUT/bzImage"
echo "$KREL" >"$OUT/kernelrelease"
total=$((SECONDS - start))
log "built $KREL in ${total}s on $(nproc) CPUs (load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "total=${total}s cpus=$(nproc) jobs=$JOBS loadavg=$(cut -d' ' -f1-3 /proc/loadavg) date=$(date -u +%FT%TZ)" \
	>"$OUT/build-time"
date -u +%FT%TZ >"$OUT/stamp"
echo "$OUT/bzImage"
