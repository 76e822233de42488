#!/usr/bin/env bash
# Turns the hypervisor's `acpi_dump` log lines back into ACPI table files,
# one per table, named by signature (SSDT, SSDT2, ... when one repeats).
#
#   tools/acpi-capture.sh bochs OUTDIR      boot build/hv.elf in Bochs (2 CPUs)
#   tools/acpi-capture.sh qemu OUTDIR       boot build/hv.elf in QEMU (TCG, 2 CPUs)
#   tools/acpi-capture.sh log FILE OUTDIR   convert a log already captured,
#                                           e.g. COM2 of a real board
#
# The files feed the captured sets of tests/unit/test_acpi.c. Each must have
# the length its dump line announced and a zero checksum, or nothing is
# written. Needs only bash and perl-base (a bare Debian has no xxd).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd) # FILE and OUTDIR stay relative to the caller

# Reads the log and writes the tables; all checks run before OUTDIR changes.
convert() {
    mkdir -p "$(dirname "$2")"
    perl -e '
        my ($log, $out) = @ARGV;
        sub fail { print STDERR "acpi-capture: @_\n"; exit 1 }
        open(my $in, "<", $log) or fail("cannot read $log: $!");
        my (@t, %count, $listed);
        while (<$in>) {
            tr/\r//d;  # CR LF line ends, and stray CRs from GRUB
            if (/ACPI: RSDP at .*, tables: ([\w ]*)$/) {
                # Printed once per boot: in a log of several boots, the last one wins.
                ($listed, @t, %count) = ($1);
            } elsif (/acpi-dump (\S{4}) (0x[0-9a-f]+) (\d+)$/) {
                my $n = ++$count{$1};
                push @t, { sig => $1, pa => $2, len => $3, name => $n > 1 ? "$1$n" : $1, data => "" };
            } elsif (/acpi-hex (\S{4}) (\d+) ([0-9a-f]*)$/) {
                my $t = $t[-1];
                fail("line $.: hex for $1 outside its dump") unless $t && $t->{sig} eq $1;
                fail("line $.: $1 offset $2, expected " . length($t->{data}) . " (lost line?)")
                    if $2 != length $t->{data};
                $t->{data} .= pack("H*", $3);
            }
        }
        fail("no acpi-dump lines in $log (booted without acpi_dump?)") unless @t;
        my $bad = 0;
        for my $t (@t) {
            my ($got, $sum) = (length $t->{data}, unpack("%8C*", $t->{data}));
            # A dropped or garbled serial line ends up here.
            if ($got != $t->{len} || $sum != 0 || $t->{sig} !~ /^\w{4}$/) {
                printf STDERR "acpi-capture: %s at %s: %d of %d bytes, checksum %d\n",
                    $t->{name}, $t->{pa}, $got, $t->{len}, $sum;
                $bad = 1;
            }
        }
        # A listed table that could not be mapped is skipped by the dump, silently.
        my %dumped = map { $_->{sig} => 1 } @t;
        for my $sig (split / /, $listed // "") {
            next if $dumped{$sig};
            print STDERR "acpi-capture: $sig is listed in the RSDT/XSDT but was not dumped\n";
            $bad = 1;
        }
        fail("nothing written to $out") if $bad;
        mkdir $out;
        -d $out or fail("cannot create $out");
        # Tables of an earlier capture that are gone now would still be loaded by the tests.
        opendir(my $d, $out) or fail("$out: $!");
        unlink map { "$out/$_" } grep { /^\w{4}\d*$/ && -f "$out/$_" } readdir $d;
        for my $t (@t) {
            open(my $f, ">:raw", "$out/$t->{name}") or fail("$out/$t->{name}: $!");
            print $f $t->{data};
            close $f or fail("$out/$t->{name}: $!");
            printf "%-6s %6d bytes  from %s\n", $t->{name}, $t->{len}, $t->{pa};
        }
    ' "$1" "$2"
}

usage="usage: acpi-capture.sh bochs|qemu OUTDIR | log FILE OUTDIR"
mode=${1:?$usage}
case $mode in
log)
    [[ $# -eq 3 ]] || { echo "$usage" >&2; exit 2; }
    convert "$2" "$3"
    exit
    ;;
bochs | qemu) [[ $# -eq 2 ]] || { echo "$usage" >&2; exit 2; } ;;
*) echo "$usage" >&2; exit 2 ;;
esac

make -s -C "$root" build/hv.elf
hv=$root/build/hv.elf
work=$root/build/acpi-capture/$mode # logs stay here for a look at the boot
rm -rf "$work"
mkdir -p "$work"
if [[ $mode == bochs ]]; then
    "$root/tools/mkiso.sh" "$work/hv.iso" "$hv" "acpi_dump after_boot=poweroff"
    # A run that ends otherwise may still have dumped every table: the checks decide.
    "$root/tools/bochs-run.sh" --out "$work" --cpus 2 --timeout 180 "$work/hv.iso" ||
        echo "acpi-capture: Bochs run ended with '$(cat "$work/end" 2>/dev/null)'" >&2
    log=$work/com2.log
else
    # Without VT-x under TCG the hypervisor dumps the tables, then powers off
    # through isa-debug-exit: status 5 is the expected end.
    rc=0
    timeout 120 qemu-system-x86_64 -kernel "$hv" -append acpi_dump -display none -smp 2 \
        -serial "file:$work/com1.log" -serial "file:$work/com2.log" \
        -device isa-debug-exit,iobase=0xf4,iosize=4 || rc=$?
    [[ $rc -eq 5 ]] || echo "acpi-capture: QEMU exited with status $rc (5 expected)" >&2
    log=$work/com2.log
fi
convert "$log" "$2"
