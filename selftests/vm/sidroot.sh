#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sidroot.sh - the Debian-unstable root of the newest-kernel lane ("sid"):
# a debootstrapped unstable system with its newest kernel (image + headers),
# its compiler, sparse, DKMS and what the VM tests run (kmod, sg3-utils,
# lsscsi, fio, udev's tools, python3).  The module is built inside it with
# its own headers and compiler; the VM boots its kernel with it as the guest
# root (vmlib.sh, VM_ROOT).
#
# Usage: selftests/vm/sidroot.sh setup|path|kver|run CMD...|release
#   setup    make sure the root of the newest unstable kernel exists: ask the
#            unstable package index which kernel linux-image-amd64 is, and
#            build ${MPTMQ_CACHE:-/var/cache/mptmq}/sid-root-<kver>/ unless
#            it is there and complete (the stamp .mptmq-complete is written
#            last).  Prints the root's path.  Without network, the newest
#            complete root in the cache is used.  Prints "sidroot: set-up N s"
#            on stderr (0 when reused).
#   path     print the newest complete root (no network, no building)
#   kver     print the kernel release of that root
#   run CMD  run CMD as root inside the newest complete root (or
#            MPTMQ_SIDROOT), with /proc,
#            /sys, /dev and the tree and its output directory (MPTMQ_TREE,
#            MPTMQ_OUT) bind-mounted at the same paths; CMD's status
#   release  print the root's unstable kernel package version
#
# Apt: the unstable index is fetched with a private state directory under
# the cache, from a sources entry DERIVED from the machine's own
# (/etc/apt/sources.list.d/debian.sources: its first entry, suite changed to
# unstable); debootstrap's mirror and keyring come from the same entry.
# Needs root, debootstrap and the network for a cold set-up.

set -uo pipefail
SIDROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${MPTMQ_CACHE:-/var/cache/mptmq}
HOST_SOURCES=${MPTMQ_APT_SOURCES:-/etc/apt/sources.list.d/debian.sources}
APT_STATE=$CACHE/sid-apt
STAMP=.mptmq-complete
TREE=${MPTMQ_TREE:-$(cd "$SIDROOT_DIR/../.." && pwd)}
OUT=${MPTMQ_OUT:-$TREE/out}
# What the lane needs besides the kernel; no Recommends.
PACKAGES=(gcc make libc6-dev bc kmod sparse dkms xz-utils zstd
	  sg3-utils lsscsi fio udev procps python3)

log()
{
	printf 'sidroot: %s\n' "$*" >&2
}

die()
{
	log "$*"
	exit 1
}

# derived_entry - the first deb822 entry of the host's sources with its
# suite changed to unstable (comments dropped).
derived_entry()
{
	awk '/^[[:space:]]*#/ { next }
	     /^[[:space:]]*$/ { if (n) exit; next }
	     /^Suites:/ { print "Suites: unstable"; n++; next }
	     { print; n++ }' "$HOST_SOURCES"
}

# entry_field NAME - a field of the derived entry (first word of the value).
entry_field()
{
	derived_entry | awk -v f="$1:" '$1 == f { print $2; exit }'
}

# apt_private ARG... - apt-get/apt-cache with the private state directory.
apt_opts()
{
	echo "-o Dir::State=$APT_STATE -o Dir::State::status=$APT_STATE/status"
	echo "-o Dir::Cache=$APT_STATE/cache -o Dir::Etc::SourceList=/dev/null"
	echo "-o Dir::Etc::SourceParts=$APT_STATE/sources.list.d"
	echo "-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/nonexistent"
	echo "-o APT::Architecture=amd64 -o APT::Architectures=amd64"
}

# index_update - fetch the unstable package index into the private state.
index_update()
{
	mkdir -p "$APT_STATE"/{lists/partial,cache/archives/partial,sources.list.d}
	: >"$APT_STATE/status"
	derived_entry >"$APT_STATE/sources.list.d/unstable.sources"
	grep -q '^URIs:' "$APT_STATE/sources.list.d/unstable.sources" ||
		die "no deb822 entry with URIs in $HOST_SOURCES"
	# shellcheck disable=SC2046 # options are words
	apt-get $(apt_opts) -q update >"$APT_STATE/update.log" 2>&1
}

# newest_kver - the kernel release linux-image-amd64 depends on in unstable.
newest_kver()
{
	# shellcheck disable=SC2046
	apt-cache $(apt_opts) show linux-image-amd64 2>/dev/null |
		sed -n 's/^Depends:.*linux-image-\([0-9][^ ,]*-amd64\).*/\1/p' |
		sort -V | tail -n 1
}

# complete_roots - every complete root in the cache, oldest kernel first.
complete_roots()
{
	local d
	for d in "$CACHE"/sid-root-*; do
		[[ -e $d/$STAMP ]] && echo "$d"
	done | sort -V
}

# newest_root - the newest complete root, or fail.
newest_root()
{
	local r
	r=$(complete_roots | tail -n 1)
	[[ -n $r ]] || { log "no unstable root in $CACHE (run $0 setup)"; return 1; }
	echo "$r"
}

# in_root ROOT CMD... - run CMD in ROOT with /proc, /sys, /dev (and any
# directory given in BIND) mounted, in a private mount namespace so
# nothing stays mounted when CMD ends.
in_root()
{
	local root=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m --propagation private bash -c '
		root=$1; shift
		mount -t proc proc "$root/proc" &&
		mount --rbind /sys "$root/sys" &&
		mount --rbind /dev "$root/dev" || exit 1
		for b in $BIND; do
			mkdir -p "$root$b" && mount --bind "$b" "$root$b" || exit 1
		done
		exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
	' sidroot "$root" "$@"
}

# checker_valid ROOT KVER - give the headers the scripts/checker-valid.sh
# their Makefile runs before C=1/C=2 (Debian's linux-headers package leaves
# it out, and without it kbuild switches sparse off with only a warning).
# Ours prints 1 when the checker parses code using __typeof_unqual__
# without an error, the test the kernel's version makes.
checker_valid()
{
	local src f
	src=$(sed -n 's|^include \(/.*\)/Makefile$|\1|p' "$1/usr/src/linux-headers-$2/Makefile")
	[[ -n $src ]] || src=/usr/src/linux-headers-$2
	f=$1$src/scripts/checker-valid.sh
	[[ -e $f ]] && return 0
	cat >"$f" <<-'EOF'
	#!/bin/sh
	# Added by mptmq's selftests/vm/sidroot.sh (absent from Debian's headers).
	# checker-valid.sh CHECKER FLAGS... - print 1 when CHECKER parses code
	# using __typeof_unqual__ without an error, else 0.
	command -v "$1" >/dev/null 2>&1 || { echo 0; exit 0; }
	t=$(mktemp --suffix=.c) || exit 1
	printf 'static inline int u(const int *q)\n{\n\t__typeof_unqual__(*q) v = *q;\n\treturn v;\n}\n' >"$t"
	if "$@" "$t" 2>&1 | grep -q error; then echo 0; else echo 1; fi
	rm -f "$t"
	EOF
	chmod 0755 "$f"
}

# build_root KVER DIR - debootstrap unstable into DIR, then install the
# kernel and the packages inside it; the stamp last.
build_root()
{
	local kver=$1 dir=$2 tmp mirror keyring
	mirror=$(entry_field URIs)
	keyring=$(entry_field Signed-By)
	[[ -n $mirror ]] || die "no URIs in $HOST_SOURCES"
	command -v debootstrap >/dev/null || die "debootstrap is not installed (selftests/deps.sh)"

	tmp=$dir.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	log "debootstrap unstable (minbase) into $tmp"
	debootstrap --variant=minbase ${keyring:+--keyring="$keyring"} \
		unstable "$tmp" "$mirror" >"$dir.log" 2>&1 ||
		{ tail -n 20 "$dir.log" >&2; die "debootstrap failed, $dir.log"; }
	# The root's own apt sources: the same derived entry.
	rm -f "$tmp/etc/apt/sources.list"
	derived_entry >"$tmp/etc/apt/sources.list.d/debian.sources"
	# The host's apt settings on archive dates (a mirror serving a frozen
	# archive is accepted there, so here too).
	apt-config dump Acquire::Check-Valid-Until Acquire::Check-Date \
		>"$tmp/etc/apt/apt.conf.d/50mptmq-host"
	# No daemons start in the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
	chmod 0755 "$tmp/usr/sbin/policy-rc.d"
	log "installing linux-image-$kver linux-headers-$kver ${PACKAGES[*]}"
	if ! { BIND="" in_root "$tmp" apt-get -q update &&
	       BIND="" in_root "$tmp" apt-get -q install -y --no-install-recommends \
			"linux-image-$kver" "linux-headers-$kver" "${PACKAGES[@]}" &&
	       BIND="" in_root "$tmp" apt-get clean; } >>"$dir.log" 2>&1 </dev/null; then
		tail -n 20 "$dir.log" >&2
		die "package installation failed, $dir.log"
	fi
	[[ -e $tmp/boot/vmlinuz-$kver && -e $tmp/lib/modules/$kver/build/Makefile ]] ||
		die "no kernel $kver with headers in $tmp"
	checker_valid "$tmp" "$kver"
	# The guest mounts 9p over these at boot; a fresh machine-id per boot.
	: >"$tmp/etc/machine-id"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	dpkg-query --admindir="$dir/var/lib/dpkg" -W -f='${Version}\n' \
		"linux-image-$kver" >"$dir/.mptmq-kernel-version"
	date -u +%FT%TZ >"$dir/$STAMP"
}

do_setup()
{
	local kver dir start=$SECONDS lock
	((EUID == 0)) || die "run as root"
	mkdir -p "$CACHE"
	lock=$CACHE/sid-root.lock
	exec 9>"$lock"
	flock 9
	if index_update && kver=$(newest_kver) && [[ -n $kver ]]; then
		dir=$CACHE/sid-root-$kver
	else
		dir=$(newest_root) ||
			die "cannot fetch the unstable index ($APT_STATE/update.log) and no root is cached"
		log "unstable index not available: using $dir"
	fi
	if [[ ! -e $dir/$STAMP ]]; then
		build_root "$kver" "$dir"
		log "set-up $((SECONDS - start)) s (built $dir)"
	else
		log "set-up 0 s (reused $dir)"
	fi
	echo "$dir"
}

main()
{
	local cmd=${1:-} root
	shift
	case $cmd in
	setup) do_setup ;;
	path) newest_root ;;
	kver)
		root=$(newest_root) || exit 1
		echo "${root##*/sid-root-}"
		;;
	release)
		root=$(newest_root) || exit 1
		cat "$root/.mptmq-kernel-version"
		;;
	run)
		root=${MPTMQ_SIDROOT:-$(newest_root)} || exit 1
		BIND="$TREE $OUT" in_root "$root" "$@"
		;;
	*)
		sed -n '4,/^$/s/^# \{0,1\}//p' "$0" >&2
		exit 2
		;;
	esac
}

main "$@"
