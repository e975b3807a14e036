#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-setup.sh install|remove|status [KERNELRELEASE...] - host side, as root.
#
#   install  copy this tree's module sources (Kbuild, Makefile, dkms.conf,
#            drivers/, include/; no build products) to /usr/src/mptmq-<version>,
#            "dkms add" them, then "dkms build" and "dkms install" for each
#            kernel: the given releases, or every installed kernel in the
#            range dkms.conf accepts (6.1 to 7.2) with its build tree
#            (/lib/modules/<kver>/build).  Idempotent: when the
#            sources in /usr/src already match the tree and every kernel has
#            the module installed, nothing is rebuilt.
#   remove   "dkms remove --all" and delete /usr/src/mptmq-<version>.
#   status   dkms status, and where modinfo finds mptmq for each kernel.
#
# The VM tests boot the host's own / (vm/vmlib.sh), so a module installed
# here is what "modprobe mptmq" loads in the guest (test_dkms.sh).  The
# version is MPTMQ_DRV_VERSION of drivers/scsi/mptmq/mptmq.h and must equal
# PACKAGE_VERSION in dkms.conf.  Exit status 0 on success, 1 on failure,
# 4 when DKMS is not installed.

set -uo pipefail
TREE=$(cd "$(dirname "$0")/.." && pwd)
NAME=mptmq
LOCK=/run/lock/mptmq-dkms.lock
# What DKMS needs to build the module; build products are filtered out.
SOURCES=(Kbuild Makefile dkms.conf drivers include)

log()
{
	printf 'dkms-setup: %s\n' "$*" >&2
}

die()
{
	log "$*"
	exit 1
}

# tree_version - MPTMQ_DRV_VERSION, checked against dkms.conf.
tree_version()
{
	local v p
	v=$(sed -n 's/^#define[[:space:]]*MPTMQ_DRV_VERSION[[:space:]]*"\(.*\)"/\1/p' \
		"$TREE/drivers/scsi/mptmq/mptmq.h")
	p=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TREE/dkms.conf")
	[[ -n $v ]] || die "no MPTMQ_DRV_VERSION in drivers/scsi/mptmq/mptmq.h"
	[[ $v == "$p" ]] || die "dkms.conf PACKAGE_VERSION '$p' != MPTMQ_DRV_VERSION '$v'"
	echo "$v"
}

# supported KVER - KVER is in the range dkms.conf's BUILD_EXCLUSIVE_KERNEL
# accepts (the kernels mptmq is built and tested on).
supported()
{
	local re
	re=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' "$TREE/dkms.conf")
	[[ -n $re && $1 =~ $re ]]
}

# range - the tested range as dkms.conf states it, "MIN to MAX".
range()
{
	local min max
	min=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL_MIN="\(.*\)"$/\1/p' "$TREE/dkms.conf")
	max=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL_MAX="\([0-9]*\.[0-9]*\).*"$/\1/p' "$TREE/dkms.conf")
	echo "$min to $max"
}

# default_kernels - every installed kernel that can build the module.
default_kernels()
{
	local k
	for k in $(find /lib/modules -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V); do
		[[ -e /lib/modules/$k/build/Makefile ]] || continue
		if supported "$k"; then
			echo "$k"
		else
			log "$k: skipped, mptmq is built and tested on Linux $(range) only"
		fi
	done
}

# stage DIR - copy the module sources of the tree into DIR.
stage()
{
	local dir=$1
	mkdir -p "$dir"
	tar -C "$TREE" --exclude-vcs \
		--exclude='*.o' --exclude='*.ko' --exclude='*.ko.*' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.cmd' --exclude='*.a' \
		--exclude='*.d' --exclude=modules.order --exclude=Module.symvers \
		--exclude=.tmp_versions -cf - "${SOURCES[@]}" | tar -C "$dir" -xf -
}

# registered VER - DKMS knows NAME/VER (even with its sources gone).
registered()
{
	[[ -d /var/lib/dkms/$NAME/$1 ]] || dkms status -m "$NAME" -v "$1" 2>/dev/null | grep -q .
}

# unregister VER - "dkms remove --all".  DKMS reads dkms.conf from the
# sources to remove anything, so put them back first if they went missing.
unregister()
{
	local ver=$1
	[[ -r /usr/src/$NAME-$ver/dkms.conf ]] || stage "/usr/src/$NAME-$ver"
	dkms remove "$NAME/$ver" --all >&2 || die "dkms remove $NAME/$ver --all failed"
}

# installed VER KVER - dkms reports the module installed for KVER.
installed()
{
	dkms status -m "$NAME" -v "$1" -k "$2" 2>/dev/null | grep -q ': installed'
}

# dkms_module_path KVER - print the mptmq module modinfo finds for KVER.
dkms_module_path()
{
	modinfo -k "$1" -n "$NAME" 2>/dev/null
}

do_install()
{
	local ver=$1 src tmp k rc=0
	shift
	local kernels=("$@")
	src=/usr/src/$NAME-$ver

	((${#kernels[@]})) || mapfile -t kernels < <(default_kernels)
	((${#kernels[@]})) || die "no installed kernel in $(range) with a build tree"
	for k in "${kernels[@]}"; do
		supported "$k" ||
			die "$k: refused, mptmq is built and tested on Linux $(range) only (dkms.conf BUILD_EXCLUSIVE_KERNEL)"
		[[ -e /lib/modules/$k/build/Makefile ]] || die "$k: no /lib/modules/$k/build (headers)"
	done

	tmp=$(mktemp -d "${TMPDIR:-/tmp}/mptmq-dkms.XXXXXX")
	stage "$tmp/src"
	if [[ -d $src ]] && diff -r -q "$tmp/src" "$src" >/dev/null; then
		for k in "${kernels[@]}"; do
			installed "$ver" "$k" || { rc=1; break; }
		done
		if ((rc == 0)); then
			rm -rf "$tmp"
			log "$NAME/$ver is up to date for ${kernels[*]}"
			do_status "$ver" "${kernels[@]}"
			return 0
		fi
		rc=0
	fi

	# New or changed sources: start again from a clean DKMS entry.
	if registered "$ver"; then
		log "removing the previous $NAME/$ver from DKMS"
		unregister "$ver"
	fi
	rm -rf "$src"
	mv "$tmp/src" "$src"
	rm -rf "$tmp"
	log "sources of $TREE in $src"
	dkms add "$NAME/$ver" >&2 || die "dkms add $NAME/$ver failed"
	for k in "${kernels[@]}"; do
		log "$k: dkms build + install"
		if ! dkms build "$NAME/$ver" -k "$k" >&2 ||
		   ! dkms install "$NAME/$ver" -k "$k" >&2; then
			log "$k: failed; build log: /var/lib/dkms/$NAME/$ver/build/make.log"
			rc=1
			continue
		fi
		case $(dkms_module_path "$k") in
		/lib/modules/"$k"/updates/dkms/*|/lib/modules/"$k"/extra/*) ;;
		*)
			log "$k: modinfo finds '$(dkms_module_path "$k")', not the DKMS module"
			rc=1
			;;
		esac
	done
	do_status "$ver" "${kernels[@]}"
	return "$rc"
}

do_remove()
{
	local ver=$1
	if registered "$ver"; then
		unregister "$ver"
	else
		log "$NAME/$ver is not in DKMS"
	fi
	rm -rf "/usr/src/$NAME-$ver"
	return 0
}

do_status()
{
	local ver=$1 k
	shift
	local kernels=("$@")
	((${#kernels[@]})) || mapfile -t kernels < <(default_kernels)
	dkms status -m "$NAME" -v "$ver"
	for k in "${kernels[@]}"; do
		echo "$k: $(dkms_module_path "$k" || echo "no $NAME module")"
	done
}

main()
{
	local cmd=${1:-} ver

	case $cmd in
	install|remove|status) shift ;;
	*)
		sed -n '4,/^$/s/^# \{0,1\}//p' "$0" >&2
		exit 2
		;;
	esac
	command -v dkms >/dev/null || { log "dkms is not installed (apt-get install dkms)"; exit 4; }
	((EUID == 0)) || die "run as root"
	ver=$(tree_version) || exit 1

	# One DKMS operation at a time (check.sh may run next to a developer).
	mkdir -p "$(dirname "$LOCK")"
	exec 9>"$LOCK"
	flock 9
	"do_$cmd" "$ver" "$@"
}

main "$@"
