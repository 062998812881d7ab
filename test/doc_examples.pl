#!/usr/bin/env perl
# test/doc_examples.pl: runs the SQL examples of a Markdown document, in order,
# in one psql session on the database named by -d, and prints TAP.
#
#   perl test/doc_examples.pl -d DB README.md
#
# The contract of a document:
#   - Every ```sql block runs, unless the line just before its fence is
#     <!-- not run: REASON -->.
#   - A block that shows the result of a failing statement says so with a
#     comment line "-- ERROR:  <message>" after the statement; the block must
#     then raise exactly those errors, in that order (a "..." in the message
#     matches anything).  Any other error fails the block.
#   - A fence without a language (or ```text) right after an sql block shows
#     its output: each shown line must appear in psql's output, in order
#     (other lines of psql's output may come between), blanks folded, "..."
#     matching anything within a line; a line that is only "..." is skipped.
use strict;
use warnings;

my ($db, $file);
while (@ARGV) {
    my $a = shift @ARGV;
    if ($a eq '-d') { $db = shift @ARGV; }
    else { $file = $a; }
}
die "usage: $0 -d DB FILE.md\n" unless defined $db && defined $file;
my $psql = ($ENV{PGBIN} // '/usr/lib/postgresql/15/bin') . '/psql';

open my $fh, '<', $file or die "$file: $!\n";
my @lines = <$fh>;
close $fh;
chomp @lines;

# ---- the blocks -----------------------------------------------------------------
my @blocks;      # { line, sql, expect_errors => [...], shown => [...] or undef }
my $skipped = 0;
for (my $i = 0; $i < @lines; $i++) {
    next unless $lines[$i] =~ /^\s*```\s*sql\s*$/;
    my $start = $i + 1;
    my $indent = ($lines[$i] =~ /^(\s*)/)[0];
    my $not_run = $i > 0 && $lines[$i - 1] =~ /<!--\s*not run:/;
    my @sql;
    $i++;
    while ($i < @lines && $lines[$i] !~ /^\s*```\s*$/) {
        (my $l = $lines[$i]) =~ s/^\Q$indent\E//;
        push @sql, $l;
        $i++;
    }
    if ($not_run) { $skipped++; next; }
    # shown output: the next fence, after blank lines only, without a language
    my $shown;
    my $j = $i + 1;
    $j++ while $j < @lines && $lines[$j] =~ /^\s*$/;
    if ($j < @lines && $lines[$j] =~ /^\s*```\s*(text)?\s*$/) {
        $shown = [];
        $j++;
        while ($j < @lines && $lines[$j] !~ /^\s*```\s*$/) {
            (my $l = $lines[$j]) =~ s/^\Q$indent\E//;
            push @$shown, $l;
            $j++;
        }
    }
    my @expect = map { /^\s*--\s*ERROR:\s+(.*?)\s*$/ ? ($1) : () } @sql;
    push @blocks, { line => $start, sql => join("\n", @sql), expect => \@expect, shown => $shown };
}

# ---- one psql session, a marker between blocks -------------------------------------
my $script = "\\set ON_ERROR_STOP 0\n\\pset pager off\n";
for my $n (0 .. $#blocks) {
    $script .= "\\echo '\@\@BLOCK $n\@\@'\n" . $blocks[$n]{sql} . "\n";
}
$script .= "\\echo '\@\@END\@\@'\n";
my $tmp = "/tmp/j7599-doc-$$.sql";
open my $out, '>', $tmp or die "$tmp: $!\n";
print $out $script;
close $out;
my @output = `"$psql" -X -q -d "$db" -f "$tmp" 2>&1`;
unlink $tmp;
chomp @output;

my %by_block;
my $cur;
for my $l (@output) {
    if ($l =~ /^\@\@BLOCK (\d+)\@\@$/) { $cur = $1; $by_block{$cur} = []; next; }
    if ($l eq '@@END@@') { $cur = undef; next; }
    push @{ $by_block{$cur} }, $l if defined $cur;
}

# ---- checks -----------------------------------------------------------------------
sub fold { my $s = shift; $s =~ s/\s+/ /g; $s =~ s/^ | $//g; return $s; }
sub pattern {    # a shown line as a regular expression
    my $s = fold(shift);
    return join('.*', map { quotemeta } split /\.\.\./, $s, -1);
}

my $n_tests = 0;
my $n_failed = 0;
my @tap;
sub check {
    my ($ok, $what, @diag) = @_;
    $n_tests++;
    push @tap, ($ok ? "ok" : "not ok") . " $n_tests - $what";
    push @tap, map { "#   $_" } @diag unless $ok;
    $n_failed++ unless $ok;
}

for my $n (0 .. $#blocks) {
    my $b = $blocks[$n];
    my $got = $by_block{$n} // [];
    my $where = "$file block at line $b->{line}";
    my @errors = map { /(?:ERROR|psql:.*: error):\s+(.*?)\s*$/ ? ($1) : () } @$got;
    my @expect = @{ $b->{expect} };
    my $ok = @errors == @expect;
    for my $k (0 .. $#expect) {
        last unless $ok;
        my $re = pattern($expect[$k]);
        $ok = fold($errors[$k]) =~ /^$re/;
    }
    check($ok, @expect ? "$where raises the errors it shows" : "$where runs without error",
          (map { "error: $_" } @errors), (map { "expected: $_" } @expect));

    next unless defined $b->{shown};
    # psql's framing (the dashes under a header) depends on the widths of the values: not compared
    my @want = grep { !/^\s*$/ && !/^[-+\s]+$/ } @{ $b->{shown} };
    my @have = map { fold($_) } grep { !/^\s*$/ } @$got;
    my $pos = 0;
    my $missing;
    for my $w (@want) {
        next if fold($w) eq '...';
        my $re = pattern($w);
        my $found;
        for (my $k = $pos; $k < @have; $k++) {
            if ($have[$k] =~ /^$re$/) { $found = $k; last; }
        }
        if (!defined $found) { $missing = $w; last; }
        $pos = $found + 1;
    }
    check(!defined $missing, "$where shows its output",
          defined $missing ? ("not found in order: $missing", map { "have: $_" } @have[0 .. ($#have < 40 ? $#have : 40)]) : ());
}

print "1..$n_tests\n";
print "$_\n" for @tap;
print "# $skipped block(s) marked not run\n" if $skipped;
exit($n_failed ? 1 : 0);
