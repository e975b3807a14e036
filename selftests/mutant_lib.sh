# SPDX-License-Identifier: GPL-2.0
#
# mutant_lib.sh - what the mutant scripts share (sourced by
# selftests/eh/mutants.sh, selftests/debug/mutants.sh and
# selftests/mutants-apply.sh).  A mutant list is a bash array MUTANTS of
# "name|file|perl substitution|..." entries; a mutant is applied to a copy
# of drivers/scsi/mptmq/<file>.

# mutant_apply FILE SUBST - apply one mutant's perl substitution to FILE
# (its original kept as FILE.orig); fail when it matched nothing, i.e. the
# code it patches was rewritten.
mutant_apply()
{
	cp "$1" "$1.orig"
	perl -0pi -e "$2" "$1"
	! cmp -s "$1" "$1.orig"
}
