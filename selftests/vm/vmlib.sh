# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# vmlib.sh - host-side helpers that boot an installed Debian kernel in QEMU
# (TCG) with an emulated LSI SAS1068 (mptsas1068) behind a PCIe-to-PCI bridge
# and a strict Intel IOMMU, and run one command inside the guest.
#
# Source this file; it defines functions and VM_* defaults only.
#
# The guest's root is a directory tree shared read-only over 9p: the host's
# own / for the host's kernels, so every host path (this tree, fio,
# sg3_utils, /lib/modules/$KVER) exists in the guest at the same path; for
# the newest-kernel lane the Debian-unstable root of vm/sidroot.sh, with
# the host's / shared too and the tree and its output directory bound from
# it at their host paths.  A per-run directory ($VM_RUNDIR, under out/) is
# shared read-write on top of itself: the manifest, the disk images, the
# guest's output and its exit code travel through it.
#
# Typical use (see run.sh, demo.sh):
#
#   . selftests/vm/vmlib.sh
#   VM_KVER=$(vm_pick_kernel 6.1)
#   vm_rundir_new "$OUT/vm/myrun"        # creates the dir, empties fixtures
#   vm_add_disk d0 raw 0 0 64M           # backing file + -drive/-device args
#   vm_add_disk dn null 3 0 1G
#   VM_QEMU_EXTRA+=(-device virtio-scsi-pci,id=vs0)   # anything else
#   vm_run bash -c 'lsscsi; fio ...'     # returns the guest command's rc
#   cat "$VM_RUNDIR/guest.log"           # its stdout+stderr
#
# Settings (set them before vm_run; vm_defaults fills in what is unset):
#   VM_KVER      kernel release under /lib/modules (required; vm_pick_kernel;
#                "debug" picks the debug kernel of selftests/debug/kernel.sh,
#                built when missing: it boots with the host's / as root and
#                its own modules bound over /lib/modules)
#   VM_ROOT      the guest's root directory, which holds /boot/vmlinuz-$VM_KVER
#                and /lib/modules/$VM_KVER (default: vm_kernel_root)
#   VM_DRIVER    mptsas|mptspi|mptmq: recorded in the manifest; mptmq also puts
#                modprobe.blacklist=mptsas,mptspi,mptbase on the command line
#   VM_HBA       the HBA model: mptsas1068 (default) or lsi53c1030 (the test
#                build's SPI personality)
#   VM_HBA_PROPS extra -device properties of hba0 (",x-spi-target1=narrow")
#   VM_HBA_FUNCS 1 (default) or 2: a second function hba1 in the same slot
#                (multifunction=on; the dual-channel 53C1030), with
#                VM_HBA1_PROPS; vm_add_disk bus=hba1 puts a disk there
#   VM_MSI       on|off: the mptsas1068 msi= property; recorded in the manifest
#                (lib.sh load_driver passes the matching module parameter)
#   VM_BRIDGE    on|off: HBA behind pcie-root-port + pcie-pci-bridge, or on pcie.0
#   VM_IOMMU     on|off: intel-iommu with intel_iommu=on iommu.strict=1
#   VM_SMP, VM_MEM  vCPUs and MiB of guest RAM (default 2, 1024)
#   VM_ACCEL     -accel value (default "tcg"; e.g. "tcg,thread=single")
#   VM_TIMEOUT   hard wall-clock limit for the whole VM in seconds (default 900)
#   VM_QEMU      stock|test: Debian's qemu-system-x86_64 (default: the device
#                nobody here wrote) or the test build of the same QEMU version
#                with our patches (selftests/qemu/build.sh, built when missing;
#                strict checks and fault hooks, Documentation/testing.rst)
#   VM_CONSOLE   file|stdio: serial console only to $VM_RUNDIR/serial.log, or
#                also to stdout (default file)
#   VM_QEMU_EXTRA  array of extra QEMU arguments (e.g. -icount ..., devices)
#   VM_APPEND_EXTRA  extra kernel command line
#   VM_GUEST_ENV   array of NAME=VALUE exported to the guest command
#
# Results in $VM_RUNDIR: serial.log, guest.log (command output), exit-code,
# dmesg.txt, manifest.sh (disk fixtures), qemu.cmdline.

VM_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_SELFTESTS=$(cd "$VM_LIB_DIR/.." && pwd)
# The tree vm_build_module builds (MPTMQ_TREE: another one, e.g. to test the
# build checks with a throwaway module).
VM_TREE=${MPTMQ_TREE:-$(cd "$VM_SELFTESTS/.." && pwd)}
VM_OUT=${MPTMQ_OUT:-$VM_TREE/out}

# Status codes vm_run returns besides the guest command's own exit code.
VM_RC_TIMEOUT=124	# the hard timeout killed QEMU
VM_RC_NORESULT=125	# the VM ended without reporting an exit code

VM_QEMU_EXTRA=()
VM_DISK_ARGS=()
VM_GUEST_ENV=()

# vm_log MSG... - progress message on stderr (stdout is kept for results).
vm_log()
{
	printf 'vm: %s\n' "$*" >&2
}

# vm_defaults - fill in every unset VM_* setting.
vm_defaults()
{
	: "${VM_DRIVER:=mptsas}" "${VM_MSI:=off}" "${VM_BRIDGE:=on}" "${VM_IOMMU:=on}"
	: "${VM_SMP:=2}" "${VM_MEM:=1024}" "${VM_ACCEL:=tcg}" "${VM_TIMEOUT:=900}"
	: "${VM_CONSOLE:=file}" "${VM_APPEND_EXTRA:=}" "${VM_QEMU:=stock}"
	: "${VM_HBA:=mptsas1068}" "${VM_HBA_PROPS:=}" "${VM_HBA_FUNCS:=1}"
	: "${VM_HBA1_PROPS:=}"
}

# vm_qemu_binary - set VM_QEMU_BIN and VM_QEMU_FW (firmware search path
# options) for VM_QEMU.  The test build is built first when it is missing
# (minutes, once per machine: the cache is keyed by what it is built from).
vm_qemu_binary()
{
	case $VM_QEMU in
	stock)
		VM_QEMU_BIN=$(command -v qemu-system-x86_64) || {
			vm_log "no qemu-system-x86_64 (selftests/deps.sh)"
			return 1
		}
		VM_QEMU_FW=()
		;;
	test)
		# MPTMQ_TEST_QEMU: a binary of your own (e.g. an incremental
		# build while working on selftests/qemu/patches).
		VM_QEMU_BIN=${MPTMQ_TEST_QEMU:-$(bash "$VM_SELFTESTS/qemu/build.sh" | tail -n 1)}
		[[ -x $VM_QEMU_BIN ]] || { vm_log "the test QEMU did not build"; return 1; }
		# It is built without firmware: Debian's packages provide it.
		VM_QEMU_FW=(-L /usr/share/qemu -L /usr/share/seabios)
		;;
	*)
		vm_log "VM_QEMU must be stock or test, not '$VM_QEMU'"
		return 1
		;;
	esac
}

# vm_roots - the roots kernels are installed in: the host's /, then every
# complete Debian-unstable root of vm/sidroot.sh (oldest kernel first).
vm_roots()
{
	local r
	echo /
	for r in "${MPTMQ_CACHE:-/var/cache/mptmq}"/sid-root-*/; do
		[[ -e $r.mptmq-complete ]] && echo "${r%/}"
	done | sort -V
}

# vm_root_path ROOT PATH - PATH inside ROOT.
vm_root_path()
{
	[[ $1 == / ]] && echo "$2" || echo "$1$2"
}

# vm_kernel_root KVER - print the root that holds kernel KVER (its
# /boot/vmlinuz and /lib/modules), the host's / first.
vm_kernel_root()
{
	local r
	r=$(vm_debug_kernel_root "$1") && { echo "$r"; return 0; }
	while read -r r; do
		if [[ -d $(vm_root_path "$r" "/lib/modules/$1") &&
		      -e $(vm_root_path "$r" "/boot/vmlinuz-$1") ]]; then
			echo "$r"
			return 0
		fi
	done < <(vm_roots)
	vm_log "kernel $1 is installed in no root (/ or ${MPTMQ_CACHE:-/var/cache/mptmq}/sid-root-*)"
	return 1
}

# vm_debug_kernel_root KVER - print the root of the debug kernel
# (selftests/debug/kernel.sh) when it is KVER and built: a kernel-only root
# (boot/, lib/modules/) that the guest boots with the host's / as its root.
vm_debug_kernel_root()
{
	local dir
	[[ $1 == *-mptmq-debug ]] || return 1
	dir=$(bash "$VM_SELFTESTS/debug/kernel.sh" --print-key) || return 1
	[[ -e $dir/stamp && $(cat "$dir/kernelrelease" 2>/dev/null) == "$1" ]] || return 1
	echo "$dir/root"
}

# vm_kernel_only ROOT - ROOT holds a kernel but no userland (the debug
# kernel's): the guest's root is the host's /.
vm_kernel_only()
{
	[[ $1 == */debug-kernel-*/root ]]
}

# vm_pick_kernel SERIES - print the newest installed Debian kernel release of
# SERIES ("6.1", "6.12", "7.2", ...), or SERIES itself when it is a full
# release; "sid" (or "unstable") is the kernel of the newest unstable root
# (vm/sidroot.sh setup builds it).  Kernels of the host and of the unstable
# roots count; only releases with /boot/vmlinuz-* do.
vm_pick_kernel()
{
	local want=$1 k r best=""

	case $want in
	debug)
		# Built once per machine (an hour on 2 busy cores): see kernel.sh.
		bash "$VM_SELFTESTS/debug/kernel.sh" >/dev/null || {
			vm_log "the debug kernel did not build (selftests/debug/kernel.sh)"
			return 1
		}
		cat "$(bash "$VM_SELFTESTS/debug/kernel.sh" --print-key)/kernelrelease"
		return 0
		;;
	sid|unstable)
		r=$(vm_roots | tail -n 1)
		if [[ $r == / ]]; then
			vm_log "no Debian-unstable root: run selftests/vm/sidroot.sh setup"
			return 1
		fi
		echo "${r##*/sid-root-}"
		return 0
		;;
	esac
	if vm_kernel_root "$want" >/dev/null 2>&1; then
		echo "$want"
		return 0
	fi
	# "6.1" must match 6.1.0-56-amd64 but not 6.12.x: require [.-] after it.
	for k in $(vm_roots | while read -r r; do
			find "$(vm_root_path "$r" /lib/modules)" -mindepth 1 -maxdepth 1 -printf '%f\n'
		   done | grep -E "^${want//./\\.}[.-].*-amd64\$" | sort -V); do
		vm_kernel_root "$k" >/dev/null 2>&1 && best=$k
	done
	if [[ -z $best ]]; then
		vm_log "no installed Debian kernel matches '$want'"
		return 1
	fi
	echo "$best"
}

# vm_rundir_new DIR - make DIR the run directory: create it empty, reset the
# disk list and start a new manifest.  DIR must be on the host's / (it is,
# under out/) so the guest sees it at the same path.
vm_rundir_new()
{
	VM_RUNDIR=$1
	rm -rf "$VM_RUNDIR"
	mkdir -p "$VM_RUNDIR/img"
	VM_RUNDIR=$(cd "$VM_RUNDIR" && pwd)
	VM_DISK_ARGS=()
	{
		echo "# mptmq selftest manifest, written by vmlib.sh on the host"
		echo "MPT_RUNDIR=$VM_RUNDIR"
		echo "MPT_DISKS=()"
		echo "MPT_UNNAMED_DISKS=()"
	} >"$VM_RUNDIR/manifest.sh"
}

# vm_manifest NAME=VALUE... - append shell-quoted assignments to the manifest.
vm_manifest()
{
	local kv
	for kv in "$@"; do
		printf '%s=%q\n' "${kv%%=*}" "${kv#*=}" >>"$VM_RUNDIR/manifest.sh"
	done
}

# vm_size_bytes SIZE - 64M / 1G / 512K / plain bytes to bytes.
vm_size_bytes()
{
	numfmt --from=iec "$1"
}

# vm_disk_wwn TARGET LUN - a unique, non-zero NAA-5 WWN per target/LUN
# (Linux mptsas attaches only disks with a non-zero SAS address = wwn).
vm_disk_wwn()
{
	printf '0x5000c5001e57%02x%02x\n' "$((16 + $1))" "$2"
}

# vm_add_disk NAME KIND TARGET LUN SIZE [OPTION=VALUE...]
#   Attach a scsi-hd (QEMU id dev-NAME) at scsi-id TARGET, LUN on hba0 and record it in the
#   manifest as DISK_<NAME>_{KIND,TARGET,LUN,SIZE,WWN,FILE,SERIAL} (vm_run
#   adds DISK_<NAME>_SHA256 of the content at boot).
#   KIND: raw       backing file with random content
#         zero      backing file of zeros (sparse)
#         null      null-co driver, reads return zeros, no file
#         blkdebug  raw file with random content whose bad sectors fail reads
#   Options: wwn=none (no wwn property: the disk has SAS address 0, which
#            the in-kernel mptsas never attaches; it is listed in
#            MPT_UNNAMED_DISKS instead of MPT_DISKS),
#            bad=LBA:ERRNO (blkdebug, repeatable; 512-byte sectors; default
#            8192:5 and 12288:61.  QEMU turns errno 5 (EIO) into CHECK
#            CONDITION ABORTED COMMAND and 61 (ENODATA) into MEDIUM ERROR),
#            cache=MODE (default none = O_DIRECT on the host, so what the
#            guest writes is in the file the guest can read over 9p),
#            drive=OPTS (appended to -drive),
#            bus=hba1 (the second function of VM_HBA_FUNCS=2; default hba0;
#            recorded as DISK_<NAME>_BUS).
vm_add_disk()
{
	local name=$1 kind=$2 target=$3 lun=$4 bytes wwn file="" opt b
	local bad=() cache=none drive_extra="" drive conf list=MPT_DISKS wwn_prop
	local bus=hba0

	bytes=$(vm_size_bytes "$5")
	shift 5
	for opt in "$@"; do
		case $opt in
		bad=*) bad+=("${opt#*=}") ;;
		cache=*) cache=${opt#*=} ;;
		drive=*) drive_extra=,${opt#*=} ;;
		bus=*) bus=${opt#*=} ;;
		wwn=none) list=MPT_UNNAMED_DISKS ;;
		*) vm_log "vm_add_disk: unknown option $opt"; return 1 ;;
		esac
	done
	wwn=$(vm_disk_wwn "$target" "$lun")
	wwn_prop=,wwn=$wwn
	[[ $list == MPT_DISKS ]] || wwn="" wwn_prop=""
	case $kind in
	raw|blkdebug)
		file=$VM_RUNDIR/img/$name.img
		head -c "$bytes" /dev/urandom >"$file"
		;;
	zero)
		file=$VM_RUNDIR/img/$name.img
		truncate -s "$bytes" "$file"
		;;
	null) ;;
	*) vm_log "vm_add_disk: unknown kind $kind"; return 1 ;;
	esac
	case $kind in
	raw|zero)
		drive="file=$file,format=raw,cache=$cache"
		;;
	null)
		drive="driver=null-co,size=$bytes,read-zeroes=on"
		;;
	blkdebug)
		((${#bad[@]})) || bad=(8192:5 12288:61)
		conf=$VM_RUNDIR/img/$name.blkdebug
		: >"$conf"
		# Every read touching a bad sector fails (once=off), re-armed
		# by each read_aio event of the raw format layer above.
		for b in "${bad[@]}"; do
			printf '[inject-error]\nevent = "read_aio"\nerrno = "%s"\nsector = "%s"\nonce = "off"\n\n' \
				"${b#*:}" "${b%%:*}" >>"$conf"
		done
		drive="driver=raw,file.driver=blkdebug,file.config=$conf"
		drive+=",file.image.driver=file,file.image.filename=$file"
		drive+=",cache.direct=on"
		vm_manifest "DISK_${name}_BAD=${bad[*]}"
		;;
	esac
	VM_DISK_ARGS+=(-drive "if=none,id=drv-$name,$drive$drive_extra"
		       -device "scsi-hd,id=dev-$name,drive=drv-$name,bus=$bus.0,scsi-id=$target,lun=$lun$wwn_prop,serial=mptmq-$name")
	echo "$list+=($name)" >>"$VM_RUNDIR/manifest.sh"
	vm_manifest "DISK_${name}_KIND=$kind" "DISK_${name}_TARGET=$target" \
		    "DISK_${name}_LUN=$lun" "DISK_${name}_SIZE=$bytes" \
		    "DISK_${name}_WWN=$wwn" "DISK_${name}_FILE=$file" \
		    "DISK_${name}_SERIAL=mptmq-$name" "DISK_${name}_BUS=$bus"
}

# vm_disk_pattern NAME LBA - write 4 KiB of fresh random data into disk
# NAME's backing file at LBA (host side, before boot) and record
# DISK_<NAME>_PATTERN_LBA and DISK_<NAME>_PATTERN_SHA256.
vm_disk_pattern()
{
	local file=$VM_RUNDIR/img/$1.img pat=$VM_RUNDIR/img/$1.pattern

	head -c 4096 /dev/urandom >"$pat"
	dd if="$pat" of="$file" bs=512 seek="$2" conv=notrunc status=none
	vm_manifest "DISK_${1}_PATTERN_LBA=$2" \
		    "DISK_${1}_PATTERN_SHA256=$(sha256sum <"$pat" | cut -d' ' -f1)"
}

# vm_manifest_checksums - record DISK_<NAME>_SHA256 of every disk's current
# content (zeros for null-co) in the manifest.
vm_manifest_checksums()
{
	local name sum
	while read -r name; do
		# shellcheck source=/dev/null
		sum=$(. "$VM_RUNDIR/manifest.sh"
		      file=DISK_${name}_FILE size=DISK_${name}_SIZE
		      if [[ -n ${!file} ]]; then
			      sha256sum <"${!file}"
		      else
			      head -c "${!size}" /dev/zero | sha256sum
		      fi | cut -d' ' -f1)
		vm_manifest "DISK_${name}_SHA256=$sum"
	done < <(sed -n 's/^MPT_\(UNNAMED_\)\{0,1\}DISKS+=(\(.*\))$/\2/p' "$VM_RUNDIR/manifest.sh")
}

# vm_modules_for KVER MODULE... - print the .ko paths (dependencies first,
# no duplicates, built-ins skipped) needed to load MODULE... on KVER.
vm_modules_for()
{
	local kver=$1 m
	shift
	local root
	root=$(vm_kernel_root "$kver") || return 1
	for m in "$@"; do
		modprobe -d "$root" --show-depends -S "$kver" "$m"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}

# vm_build_initramfs KVER OUT - write a gzip'd newc initramfs to OUT: static
# busybox, vm/initramfs-init as /init, and the 9p-over-virtio modules of KVER
# (decompressed, busybox insmod cannot read .ko.xz/.ko.zst).
vm_build_initramfs()
{
	local kver=$1 out=$2 root ko dst

	root=$(mktemp -d "${TMPDIR:-/tmp}/mptmq-initramfs.XXXXXX")
	mkdir -p "$root"/{bin,dev,proc,sys,newroot,lib/modules}
	cp /bin/busybox "$root/bin/busybox"
	cp "$VM_LIB_DIR/initramfs-init" "$root/init"
	chmod 0755 "$root/init"
	for ko in $(vm_modules_for "$kver" virtio_pci 9pnet_virtio 9p); do
		dst=$root/lib/modules/$(basename "${ko%.xz}")
		dst=${dst%.zst}
		case $ko in
		*.xz) xz -dc "$ko" >"$dst" ;;
		*.zst) zstd -qdc "$ko" >"$dst" ;;
		*) cp "$ko" "$dst" ;;
		esac
		basename "$dst" >>"$root/lib/modules/load.order"
	done
	(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
	rm -rf "$root"
}

# vm_cmdline - print the kernel command line for the current settings.
vm_cmdline()
{
	# An Oops ends the VM at once (panic, -no-reboot) instead of leaving a
	# hung guest to the hard timeout; the serial log keeps the trace.
	local c="console=ttyS0,115200 oops=panic panic=-1 rdinit=/init log_buf_len=16M"
	c+=" printk.devkmsg=on 8250.nr_uarts=1 tsc=reliable no_timer_check"
	c+=" vm_rundir=$VM_RUNDIR vm_init=$VM_LIB_DIR/guest-init.sh"
	c+=" vm_keep=$VM_TREE,$VM_OUT,$VM_SELFTESTS"
	vm_kernel_only "$VM_KROOT" && c+=",$VM_KROOT"
	[[ $VM_ROOT == / ]] || c+=" vm_hostfs=1"
	# A kernel-only root: its modules replace the host's in the guest;
	# DMA-API debugging reports on the driver under test only.
	if vm_kernel_only "$VM_KROOT"; then
		c+=" vm_modules=$VM_KROOT/lib/modules dma_debug_driver=$VM_DRIVER"
	fi
	[[ $VM_IOMMU == on ]] && c+=" intel_iommu=on iommu.strict=1"
	# No udev runs in the guest, but keep the in-tree Fusion drivers away
	# from the HBA whatever loads modules.
	[[ $VM_DRIVER == mptmq ]] && c+=" modprobe.blacklist=mptsas,mptspi,mptbase"
	[[ $VM_DRIVER == mptspi ]] && c+=" modprobe.blacklist=mptsas"
	echo "$c${VM_APPEND_EXTRA:+ $VM_APPEND_EXTRA}"
}

# vm_qemu_args - fill the array VM_ARGS with the whole QEMU command line.
vm_qemu_args()
{
	local hba_bus=pcie.0 hba_addr=5.0 console

	VM_ARGS=("$VM_QEMU_BIN" "${VM_QEMU_FW[@]}" -accel "$VM_ACCEL" -M q35 -m "$VM_MEM"
		 -smp "$VM_SMP" -display none -nodefaults -no-reboot)
	case $VM_CONSOLE in
	stdio) console="stdio,signal=off,logfile=$VM_RUNDIR/serial.log" ;;
	*) console="file,path=$VM_RUNDIR/serial.log" ;;
	esac
	VM_ARGS+=(-chardev "$console,id=con0" -serial chardev:con0)
	# The IOMMU must be created before the devices it translates for.
	[[ $VM_IOMMU == on ]] && VM_ARGS+=(-device intel-iommu)
	VM_ARGS+=(-kernel "$(vm_root_path "$VM_KROOT" "/boot/vmlinuz-$VM_KVER")"
		  -initrd "$VM_RUNDIR/initramfs.cpio.gz"
		  -append "$(vm_cmdline)")
	# Guest root: VM_ROOT read-only; results: the run dir read-write;
	# another root than the host's also gets the host's / (read-only) for
	# the vm_keep= paths.
	VM_ARGS+=(-fsdev "local,id=fs-root,path=$VM_ROOT,security_model=none,readonly=on,multidevs=remap"
		  -device "virtio-9p-pci,fsdev=fs-root,mount_tag=hostroot"
		  -fsdev "local,id=fs-run,path=$VM_RUNDIR,security_model=none"
		  -device "virtio-9p-pci,fsdev=fs-run,mount_tag=results")
	[[ $VM_ROOT == / ]] ||
		VM_ARGS+=(-fsdev "local,id=fs-host,path=/,security_model=none,readonly=on,multidevs=remap"
			  -device "virtio-9p-pci,fsdev=fs-host,mount_tag=hostfs")
	if [[ $VM_BRIDGE == on ]]; then
		# Conventional PCI behind a PCIe-to-PCI bridge: the HBA's DMA
		# carries the bridge's alias requester ID.
		VM_ARGS+=(-device "pcie-root-port,id=rp0,bus=pcie.0,chassis=1,slot=1"
			  -device "pcie-pci-bridge,id=br0,bus=rp0")
		hba_bus=br0
		hba_addr=1.0
	fi
	if ((VM_HBA_FUNCS == 2)); then
		# Two functions of one slot: the two channels of one chip.
		VM_ARGS+=(-device "$VM_HBA,id=hba0,bus=$hba_bus,addr=$hba_addr,multifunction=on,msi=$VM_MSI$VM_HBA_PROPS"
			  -device "$VM_HBA,id=hba1,bus=$hba_bus,addr=${hba_addr%.*}.1,msi=$VM_MSI$VM_HBA1_PROPS")
	else
		VM_ARGS+=(-device "$VM_HBA,id=hba0,bus=$hba_bus,addr=$hba_addr,msi=$VM_MSI$VM_HBA_PROPS")
	fi
	VM_ARGS+=("${VM_DISK_ARGS[@]}" "${VM_QEMU_EXTRA[@]}")
}

# vm_qmp_watch_start - give the next vm_run a QMP socket in $VM_RUNDIR and
# start eh/qmp-watch.py on it (it relays QMP requests the guest writes into
# the run directory, and logs events); VM_TIMEOUT must be set.
# vm_qmp_watch_stop ends it after vm_run.
vm_qmp_watch_start()
{
	VM_QEMU_EXTRA+=(-qmp "unix:$VM_RUNDIR/qmp.sock,server=on,wait=off")
	python3 "$VM_SELFTESTS/eh/qmp-watch.py" "$VM_RUNDIR" "$((VM_TIMEOUT + 30))" &
	VM_QMP_WATCHER=$!
}

vm_qmp_watch_stop()
{
	[[ -n ${VM_QMP_WATCHER:-} ]] || return 0
	kill "$VM_QMP_WATCHER" 2>/dev/null || true
	wait "$VM_QMP_WATCHER" 2>/dev/null || true	# 143 when the kill ended it
	VM_QMP_WATCHER=""
}

# vm_run CMD [ARG...] - boot the VM, run CMD (in the tree's top directory,
# with VM_GUEST_ENV, MPT_MANIFEST and MPTMQ_TREE exported) inside it, power
# off.
# Returns CMD's exit status, $VM_RC_TIMEOUT or $VM_RC_NORESULT; its output
# is in $VM_RUNDIR/guest.log.
vm_run()
{
	local rc start kv

	vm_defaults
	[[ -n ${VM_KVER:-} && -n ${VM_RUNDIR:-} ]] || {
		vm_log "vm_run: VM_KVER and VM_RUNDIR must be set"
		return 2
	}
	VM_KROOT=$(vm_kernel_root "$VM_KVER") || return 2
	if vm_kernel_only "$VM_KROOT"; then
		: "${VM_ROOT:=/}"
	else
		: "${VM_ROOT:=$VM_KROOT}"
	fi
	# Mount points of the host paths the guest needs, in another root.
	if [[ $VM_ROOT != / ]]; then
		mkdir -p "$VM_ROOT$VM_TREE" "$VM_ROOT$VM_OUT" || return 2
	fi
	vm_qemu_binary || return 2
	vm_log "QEMU: $VM_QEMU ($VM_QEMU_BIN)"
	{
		echo "# guest command, written by vmlib.sh"
		printf 'export MPT_MANIFEST=%q\n' "$VM_RUNDIR/manifest.sh"
		printf 'export MPTMQ_TREE=%q\n' "$VM_TREE"
		for kv in "${VM_GUEST_ENV[@]}"; do
			printf 'export %s=%q\n' "${kv%%=*}" "${kv#*=}"
		done
		# The debug kernel (KASAN, lockdep, kmemleak under TCG) runs a
		# test about four times as long as Debian's (test_probe: 109 s
		# against 29 s on a quiet host; over 300 s at load 12): the
		# per-test timeouts of run_tests.sh scale with it.
		if [[ $VM_KVER == *-mptmq-debug ]]; then
			printf 'export MPTMQ_TIMEOUT_SCALE=%q\n' "${MPTMQ_DEBUG_TIMEOUT_SCALE:-4}"
		fi
		printf 'cd %q\n' "$VM_TREE"
		printf '%q ' "$@"
		echo
	} >"$VM_RUNDIR/guest-cmd.sh"
	vm_manifest "MPT_KVER=$VM_KVER" "MPT_DRIVER=$VM_DRIVER" "MPT_MSI=$VM_MSI" \
		    "MPT_BRIDGE=$VM_BRIDGE" "MPT_IOMMU=$VM_IOMMU" "MPT_QEMU=$VM_QEMU" \
		    "MPT_HBA=$VM_HBA" "MPT_HBA_FUNCS=$VM_HBA_FUNCS"
	vm_manifest_checksums
	rm -f "$VM_RUNDIR/exit-code"
	vm_build_initramfs "$VM_KVER" "$VM_RUNDIR/initramfs.cpio.gz"
	vm_qemu_args
	printf '%q ' "${VM_ARGS[@]}" >"$VM_RUNDIR/qemu.cmdline"
	echo >>"$VM_RUNDIR/qemu.cmdline"

	start=$SECONDS
	rc=0
	timeout --kill-after=10 "$VM_TIMEOUT" "${VM_ARGS[@]}" \
		</dev/null >"$VM_RUNDIR/qemu.log" 2>&1 || rc=$?
	# A guest kernel that dies while booting, before guest-init.sh ran the
	# command (nothing of ours loaded yet: seen once as an int3 Oops in
	# sched_clock_cpu under multi-threaded TCG), is the emulator's flake:
	# boot once more and keep the failed boot's serial log.
	if [[ ! -s $VM_RUNDIR/exit-code && $rc != 124 && $rc != 137 ]] &&
	   ! grep -q '^guest: running' "$VM_RUNDIR/serial.log" 2>/dev/null; then
		mv "$VM_RUNDIR/serial.log" "$VM_RUNDIR/serial.boot-failed.log" 2>/dev/null
		vm_log "the guest died while booting (qemu rc $rc, $VM_RUNDIR/serial.boot-failed.log); booting again"
		rc=0
		timeout --kill-after=10 "$VM_TIMEOUT" "${VM_ARGS[@]}" \
			</dev/null >"$VM_RUNDIR/qemu.log" 2>&1 || rc=$?
	fi
	# shellcheck disable=SC2034 # for the caller
	VM_ELAPSED=$((SECONDS - start))
	if [[ $rc == 124 || $rc == 137 ]]; then
		vm_log "hard timeout after ${VM_TIMEOUT}s: $VM_RUNDIR/serial.log"
		return $VM_RC_TIMEOUT
	fi
	if [[ ! -s $VM_RUNDIR/exit-code ]]; then
		vm_log "VM ended without a result (qemu rc $rc): $VM_RUNDIR/serial.log"
		tail -n 30 "$VM_RUNDIR/qemu.log" "$VM_RUNDIR/serial.log" >&2 || true
		return $VM_RC_NORESULT
	fi
	return "$(cat "$VM_RUNDIR/exit-code")"
}

# vm_serial_tail [N] - print the last N (default 40) serial console lines.
vm_serial_tail()
{
	tail -n "${1:-40}" "$VM_RUNDIR/serial.log" 2>/dev/null
}

# vm_module_path KVER - where vm_build_module leaves mptmq.ko for KVER.
vm_module_path()
{
	echo "$VM_OUT/build/$1/drivers/scsi/mptmq/mptmq.ko"
}

# vm_tree_files - the tree's source files (tracked or new, not ignored:
# no out/, no build products), relative to the tree.
vm_tree_files()
{
	git -C "$VM_TREE" ls-files --cached --others --exclude-standard 2>/dev/null ||
		(cd "$VM_TREE" && find . -path ./out -prune -o -path ./.git -prune \
			-o -type f ! -name '*.o' ! -name '*.ko' ! -name '.*.cmd' -print)
}

# vm_build_module KVER [KBUILD_ARG...] - mirror the tree's sources into
# out/build/KVER (so kernels do not clobber each other's objects; only
# changed files are copied, so make rebuilds only what changed) and build
# mptmq.ko there against /lib/modules/KVER/build.  Prints the build log;
# returns make's status.  vm_module_path tells where the .ko is.
vm_build_module()
{
	local kver=$1 dst=$VM_OUT/build/$1 f
	shift
	mkdir -p "$dst"
	while read -r f; do
		[[ -f $VM_TREE/$f ]] || continue
		if ! cmp -s "$VM_TREE/$f" "$dst/$f"; then
			mkdir -p "$(dirname "$dst/$f")"
			cp "$VM_TREE/$f" "$dst/$f"
		fi
	done < <(vm_tree_files)
	# Sources deleted from the tree must not linger in the copy.
	(cd "$dst" && find . \( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) -printf '%P\n') |
		while read -r f; do
			[[ -e $VM_TREE/$f ]] || rm -f "$dst/$f"
		done
	vm_make_module "$kver" "$dst" "$@"
}

# vm_make_module KVER DIR [KBUILD_ARG...] - "make modules" of the module
# tree DIR (under the tree or its output directory) against KVER's headers,
# with the compiler of the root KVER is installed in (for an unstable root:
# inside it, vm/sidroot.sh run).
vm_make_module()
{
	local kver=$1 dir=$2 root
	shift 2
	root=$(vm_kernel_root "$kver") || return 1
	if [[ $root == / ]] || vm_kernel_only "$root"; then
		make -C "$(vm_root_path "$root" "/lib/modules/$kver/build")" M="$dir" "$@" modules 2>&1
	else
		MPTMQ_SIDROOT=$root MPTMQ_TREE=$VM_TREE MPTMQ_OUT=$VM_OUT \
			bash "$VM_LIB_DIR/sidroot.sh" run \
			make -C "/lib/modules/$kver/build" M="$dir" "$@" modules 2>&1
	fi
}

# ------------------------------------------------------------ the selftest suite

# vm_suite_tests - the default test list: TEST_PROGS of selftests/Makefile
# (test_NAME.sh -> NAME).
vm_suite_tests()
{
	sed -n 's/^TEST_PROGS *:= *//p' "$VM_SELFTESTS/Makefile" |
		sed -E 's/test_([a-z_]+)\.sh/\1/g'
}

# vm_suite_disks [BASE] - the disk fixture the selftests read from the
# manifest: scsi-ids BASE..BASE+4 in a row (default 0, so "rank" and "id"
# target numbering agree), on the HBA function $VM_SUITE_BUS (default
# hba0).  VM_DISK_OPTS_<name>, when set, adds vm_add_disk
# options to disk <name> (e.g. VM_DISK_OPTS_d1="drive=throttling.bps-total=65536").
vm_suite_disks()
{
	local b=${1:-0}
	vm_suite_disk d0 raw "$b" 0 64M			# read-only content checks
	vm_suite_disk d1 raw $((b + 1)) 0 64M		# scratch: patterns and fio
	vm_disk_pattern d1 2048
	vm_manifest MPT_SCRATCH_DISK=d1
	vm_suite_disk d2 raw $((b + 2)) 1 16M		# a LUN-1-only target
	vm_suite_disk dn null $((b + 3)) 0 256M		# null-co, no backing file
	vm_suite_disk db blkdebug $((b + 4)) 0 16M	# read errors at fixed sectors
}

# vm_sas_disks - the SAS naming fixture (selftests/test_sas_names.sh): gaps
# in the scsi-ids (0, 3, 5), a target with LUNs 0 and 1, and a disk without
# a wwn (SAS address 0) at scsi-id 6.
vm_sas_disks()
{
	vm_add_disk s0 raw 0 0 16M
	vm_add_disk s3 raw 3 0 16M
	vm_add_disk s3l1 raw 3 1 16M
	vm_add_disk s5 null 5 0 64M
	vm_add_disk sx raw 6 0 16M wwn=none
}

# vm_spi_disks - the SPI fixture (selftests/test_spi.sh): an lsi53c1030 of
# the test QEMU with two functions; on function 0 targets of different
# abilities (x-spi-target<N>, Documentation/testing.rst), on function 1 one
# Ultra320 disk.  DISK_<name>_SPI is what the model negotiates with the
# driver's request as the SPI transport class shows it ("width period(ns)
# offset dt iu qas", "-" = not shown or 0).  Sets VM_HBA, VM_HBA_FUNCS,
# VM_HBA_PROPS, VM_QEMU (call it before vm_run).
vm_spi_disks()
{
	VM_HBA=lsi53c1030 VM_HBA_FUNCS=2 VM_QEMU=test
	VM_HBA_PROPS=",x-spi-target1=narrow,x-spi-target2=period=0x0c:nodt"
	VM_HBA_PROPS+=",x-spi-target3=async,x-spi-target4=fail-below-period=0x0a"
	vm_add_disk f0 raw 0 0 32M
	vm_add_disk f1 raw 1 0 16M
	vm_add_disk f2 raw 2 0 16M
	vm_add_disk f3 raw 3 0 16M
	vm_add_disk f4 raw 4 0 32M
	vm_add_disk f9 raw 9 0 16M
	vm_add_disk g0 raw 0 0 32M bus=hba1
	vm_manifest "DISK_f0_SPI=1 6.25 127 1 1 1" "DISK_f1_SPI=- 25 127 - - -" \
		    "DISK_f2_SPI=1 50 127 - - -" "DISK_f3_SPI=1 - - - - -" \
		    "DISK_f4_SPI=1 25 127 1 - -" "DISK_f9_SPI=1 6.25 127 1 1 1" \
		    "DISK_g0_SPI=1 6.25 127 1 1 1"
}

# vm_spisuite_disks - the SPI fixture (vm_spi_disks) and the suite's disks
# (vm_suite_disks) on one lsi53c1030, so that one VM runs the whole suite
# and then test_spi and test_spi_resets: the suite's disks at scsi-ids 1-5
# of function 1, beside g0 (on the lsi53c1030 a target is its scsi-id),
# Ultra320 targets (no x-spi-target property) without a DISK_<name>_SPI,
# so the SPI tests leave them out (lib.sh mpt_spi_disks).  (They were put
# on function 1 when mptmq found no disk at ids 8-15 of function 0: its
# IOCInit took MaxDevices 8 from IOCFacts; fixed, vm_spi_disks' f9 at id 9
# checks it.)
vm_spisuite_disks()
{
	vm_spi_disks
	VM_SUITE_BUS=hba1 vm_suite_disks 1
}

# vm_suite_disk NAME ARG... - vm_add_disk plus $VM_DISK_OPTS_<NAME>.
vm_suite_disk()
{
	local opts="VM_DISK_OPTS_$1"
	local -a extra
	read -ra extra <<<"${!opts:-}"
	[[ -z ${VM_SUITE_BUS:-} ]] || extra+=("bus=$VM_SUITE_BUS")
	vm_add_disk "$@" "${extra[@]}"
}

# vm_suite_snapshot - copy the selftests into $VM_RUNDIR/selftests: the
# guest runs that copy, so edits to the tree cannot reach a running suite.
vm_suite_snapshot()
{
	mkdir -p "$VM_RUNDIR/selftests"
	cp "$VM_SELFTESTS"/{*.sh,settings,Makefile} "$VM_SELFTESTS"/eh/eh_lib.sh "$VM_RUNDIR/selftests/"
}

# vm_suite_summary TEST... - normalise the guest's KTAP
# ($VM_RUNDIR/results.ktap) into $VM_RUNDIR/summary, one line per test:
# "PASS|FAIL|SKIP test_NAME [KTAP line]", iommu_strict first.  A test
# without a result (VM crash, timeout) is a FAIL.  Prints the lines without
# the KTAP part; succeeds when nothing failed.
vm_suite_summary()
{
	local t line status
	: >"$VM_RUNDIR/summary"
	for t in iommu_strict "$@"; do
		[[ $t == iommu_strict ]] || t=test_$t
		line=$(grep -E "^(not )?ok [0-9]+ $t( |\$)" "$VM_RUNDIR/results.ktap" 2>/dev/null | tail -n 1)
		case $line in
		"not ok "*) status=FAIL ;;
		*"# SKIP"*) status=SKIP ;;
		"ok "*) status=PASS ;;
		*) status=FAIL line="(no result)" ;;
		esac
		echo "$status $t${line:+ $line}" >>"$VM_RUNDIR/summary"
	done
	cut -d' ' -f1,2 "$VM_RUNDIR/summary"
	! grep -q '^FAIL' "$VM_RUNDIR/summary"
}
