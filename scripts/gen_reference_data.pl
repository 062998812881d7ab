#!/usr/bin/perl
# scripts/gen_reference_data.pl: writes sql/install/21_reference_data.sql, the
# shipped code sets of j7599, from the CSV copies in data/reference/.
#
#   perl scripts/gen_reference_data.pl            regenerate the file
#   perl scripts/gen_reference_data.pl --check    exit 1 if the committed file is stale
#   perl scripts/gen_reference_data.pl --stdout   print instead of writing
#
# Inputs (see data/reference/README.md for their provenance):
#   hcpcs-level2-2020.csv      code,long_description,short_description
#   hcpcs-modifiers-2020.csv   modifier,long_description,short_description
#   place-of-service.csv       code,name,effective_from,source_confidence
#   cms-asp-pricing-2025q4.csv hcpcs,short_description,hcpcs_dosage
#   cms-asp-ndc-hcpcs-2025q4.csv hcpcs,ndc2,drug_name,hcpcs_dosage
#
# It also writes the generated section of the 1.0 -> 1.1 upgrade part
# (sql/upgrade/j7599--1.0--1.1/80_code_sets.sql, between the GENERATED markers): the
# same rows, into temporary tables the upgrade compares the shipped rows with.
# Everything else shipped by 21_reference_data.sql (NOC flags, modifier
# categories, CPT and post-2020 modifiers, modifier conflicts, drug names) is
# defined below, each with the source it comes from (docs: billing-facts of the
# project's research notes, cited by section).
#
# Plain Perl 5 with core modules only, so it runs on any Debian machine.
use strict;
use warnings;
use utf8;
use Cwd qw(abs_path);
use File::Basename qw(dirname);

my $root = abs_path(dirname(abs_path(__FILE__)) . '/..');
my $refdir = "$root/data/reference";
my $outfile = "$root/sql/install/21_reference_data.sql";
my $upgfile = "$root/sql/upgrade/j7599--1.0--1.1/80_code_sets.sql";
my $mode = $ARGV[0] // '';
die "usage: $0 [--check|--stdout]\n" if $mode ne '' && $mode ne '--check' && $mode ne '--stdout';

# ---------------------------------------------------------------------------
# CSV reading (RFC 4180: quoted fields, doubled quotes, no embedded newlines
# in these files, but they are handled anyway).

sub read_csv {
	my ($path, @want) = @_;
	open(my $fh, '<:encoding(UTF-8)', $path) or die "$path: $!\n";
	local $/;
	my $text = <$fh>;
	close $fh;
	$text =~ s/\r\n?/\n/g;
	my (@rows, @field, $cur);
	my $pos = 0;
	my $len = length $text;
	$cur = '';
	my $quoted = 0;
	my $record = [];
	while ($pos < $len) {
		my $c = substr($text, $pos++, 1);
		if ($quoted) {
			if ($c eq '"') {
				if ($pos < $len && substr($text, $pos, 1) eq '"') { $cur .= '"'; $pos++; }
				else { $quoted = 0; }
			} else {
				$cur .= $c;
			}
		} elsif ($c eq '"') {
			$quoted = 1;
		} elsif ($c eq ',') {
			push @$record, $cur; $cur = '';
		} elsif ($c eq "\n") {
			push @$record, $cur; $cur = '';
			push @rows, $record; $record = [];
		} else {
			$cur .= $c;
		}
	}
	die "$path: unterminated quoted field\n" if $quoted;
	if ($cur ne '' || @$record) { push @$record, $cur; push @rows, $record; }
	my $header = shift @rows or die "$path: empty\n";
	die "$path: header is '@$header', expected '@want'\n" unless "@$header" eq "@want";
	my @out;
	for my $r (@rows) {
		die "$path: row '@$r' has " . scalar(@$r) . " fields, expected " . scalar(@want) . "\n"
			unless @$r == @want;
		my %h;
		@h{@want} = map { my $v = $_; $v =~ s/^\s+|\s+$//g; $v } @$r;
		push @out, \%h;
	}
	return @out;
}

sub sqlq {    # SQL string literal, or NULL
	my ($s) = @_;
	return 'NULL' unless defined $s && $s ne '';
	die "backslash in '$s'\n" if $s =~ /\\/;
	$s =~ s/'/''/g;
	return "'$s'";
}

# ---------------------------------------------------------------------------
# Sources named in the shipped rows.

my $SRC_HCPCS = 'CMS HCPCS Level II annual file 2020, as republished in github.com/wamuir/hcpcs';
my $SRC_POS   = 'CMS Place of Service code set, as copied in HL7 UTG cs-CMS-PlaceofServiceCodes';

# ---------------------------------------------------------------------------
# HCPCS codes.

my @codes = read_csv("$refdir/hcpcs-level2-2020.csv", qw(code long_description short_description));
my %code;
for my $c (@codes) {
	die "bad code '$c->{code}'\n" unless $c->{code} =~ /^[A-Z][0-9]{4}$/;
	die "duplicate code $c->{code}\n" if $code{$c->{code}};
	die "empty descriptor for $c->{code}\n" if $c->{long_description} eq '';
	$code{$c->{code}} = $c;
}

# The not-otherwise-classified drug and biological codes (billing-facts §3.1
# "Other NOC drug codes" plus the NOC codes of the 2020 file's drug sections).
my @noc = qw(J3490 J3590 J3591 J7199 J7599 J7699 J7799 J7999 J8498 J8499 J8597 J8999 J9999 C9399 Q4082 Q9977);
for my $n (@noc) { die "NOC code $n is not in the 2020 file\n" unless $code{$n}; }
my %noc = map { $_ => 1 } @noc;

# Per-code overrides of the 2020 defaults: valid, code_set_version, source,
# replaced_by, confidence (undef: the default).
my %hx;
my $SRC_ASP = 'CMS ASP payment-limit file October 2025, as republished in github.com/crowbarmassage/340b-optimizer-v2 '
            . '(data/sample/asp_pricing.csv)';
my $SRC_XWALK = 'CMS ASP NDC-HCPCS crosswalk October 2025, as republished in github.com/crowbarmassage/340b-optimizer-v2 '
              . '(data/sample/asp_crosswalk.csv)';
my $MEDB = 'CMS ASP payment-limit files 2024Q1-2026Q4 as copied in github.com/EszopiCoder/MedBCalc (Data/)';

# Codes CMS priced in October 2025 that the 2020 file lacks: in force on
# 2025-10-01; when they started is not known, so the range stays open.
my @asp = read_csv("$refdir/cms-asp-pricing-2025q4.csv", qw(hcpcs short_description hcpcs_dosage));
my %asp;
my $n_asp_new = 0;
for my $a (@asp) {
	$asp{$a->{hcpcs}} = $a;
	next unless $a->{hcpcs} =~ /^[A-Z][0-9]{4}$/;    # CPT codes (90371, ...) are not Level II
	next if $code{$a->{hcpcs}};
	die "empty descriptor for $a->{hcpcs}\n" if $a->{short_description} eq '';
	$code{$a->{hcpcs}} = { code => $a->{hcpcs}, long_description => $a->{short_description},
	                       short_description => $a->{short_description} };
	$hx{$a->{hcpcs}} = { version => '2025-10',
		source => "$SRC_ASP: short descriptor, HCPCS dosage $a->{hcpcs_dosage}; in force by 2025-10-01 "
		        . '(its start date is not known, so the range is open to the past); the long descriptor is not '
		        . 'in that file, the short one stands for it' };
	$n_asp_new++;
}
my $n_asp_cpt = grep { $_->{hcpcs} !~ /^[A-Z][0-9]{4}$/ } @asp;

# Codes of billing-facts addendum 2 §A not in the October 2025 file.
for my $c (['J7528', 'Mycophenolate mofetil, oral suspension (descriptor as summarised in the research notes; CMS wording not read)',
            'Mycophenolate mofetil oral susp', '2025Q1'],
           ['J7514', 'Mycophenolate, oral suspension (Myhibbin) (descriptor as summarised in the research notes; CMS wording not read)',
            'Mycophenolate oral susp', '2025Q3']) {
	my ($cd, $long, $short, $q) = @$c;
	die "$cd is already known\n" if $code{$cd};
	$code{$cd} = { code => $cd, long_description => $long, short_description => $short };
	$hx{$cd} = { version => $q, confidence => 'secondary',
		source => "$MEDB: listed from $q at the latest, an upper bound of its start; not in the October 2025 "
		        . 'payment-limit file used here (billing-facts addendum 2 §A, SECONDARY)' };
}
$hx{J7521}{source} = ($hx{J7521}{source} // die "J7521 is not in the ASP file\n")
	. "; $MEDB: listed from 2024Q1 at the latest, an upper bound of its start (billing-facts addendum 2 §A, SECONDARY)";
$hx{J7506} = { valid => '(,2016-01-01)', replaced_by => 'J7512', confidence => 'secondary',
	source => "$SRC_HCPCS; deleted 2016-01-01 and replaced by J7512 (prednisone, immediate or delayed release, 1 mg): the "
	        . 'CMS ASP payment files of 2024-2026 list J7512 and never J7506 (billing-facts addendum 2 §A, SECONDARY)' };
for my $cd (qw(J1020 J1030 J1040 J2920 J2930)) {
	die "$cd not in 2020\n" unless $code{$cd};
	die "$cd is priced in October 2025\n" if $asp{$cd};
	$hx{$cd} = { source => "$SRC_HCPCS; no longer used in the $SRC_XWALK (methylprednisolone acetate is billed as J1010, "
	                     . 'the sodium succinate as J2919); its deletion date is UNCONFIRMED, so the code is not closed '
	                     . '(billing-facts addendum 2 §A)' };
}
for my $cd (qw(J7519 J1010 J2919)) { die "$cd not in the ASP file\n" unless $hx{$cd}; }

# ---------------------------------------------------------------------------
# Modifiers.
#
# Level II modifiers come from the 2020 file; each gets a category and a
# drug_line by the rules below (exact lists first, then descriptor patterns,
# then 'other' / 'allowed').  `confidence` is the weakest of the row's claims:
# the modifier and its descriptor (confirmed by the CMS file) and, where the
# row says more than 'allowed', how it behaves on a drug line.

my @mods = read_csv("$refdir/hcpcs-modifiers-2020.csv", qw(modifier long_description short_description));

sub expand {    # 'F1-F9' -> F1..F9; plain codes pass through
	map {
		/^([0-9A-Z])([0-9])-\1([0-9])$/ ? (map { "$1$_" } $2 .. $3) : $_
	} map { split ' ' } @_;
}

my %category;
my %catlist = (
	'waste'       => 'JW',
	'340b'        => 'JG TB',
	'ncci_bypass' => 'XE XP XS XU',
	'anatomic'    => 'E1-E4 F1-F9 FA T1-T9 TA LT RT LC LD LM RC RI',
	'route'       => 'JA JB JE KD',
	'payment'     => 'GA GU GX GY GZ GK GL EY KX CG GD KZ Q0 Q1 M2 SC GV GW QJ AO KB J1 J2 J3 GB CB CD CE CF AY',
	'pricing'     => 'AQ AR AZ CT FX FY FB FC PN PO TU TV CP',
	'procedure'   => 'TC AS QS G8 G9 AA AD QK QX QY QZ P1-P6 PA PB PC PT GG GH PI PS CA SG SH SJ SU QW QP L1 LR '
	               . 'Q7-Q9 SM SN SF AP QC QD QT SD SS CC',
	'therapy'     => 'GN GO GP CO CQ AT CH CI CJ CK CL CM CN SZ',
	'ambulance'   => 'GM QL QM QN TQ TP TK',
	'dme'         => 'A1-A9 AU AV AW BA BO BP BR BU J4 K0-K4 KA KC KE KF KG KH KI KJ KK KL KM KN KO KP KQ KR KS KT '
	               . 'KU KV KW KY LL MS NB NR NU RA RB RR UE QA QB QE QF QG QH QR SQ LS AX',
	'quality'     => 'G1-G6',
	'informational' => 'AE AF AG AH AI AJ AK AM GC GE GF GR HL HM HN HO HP SA SB SW TD TE '
	               . 'H9 HA HB HC HD HE HF HG HH HI HJ HK HQ HR HS HT HU HV HW HX HY HZ '
	               . 'U1-U9 UA UB UC UD UF UG UH UJ UK UN UP UQ UR US TF TG TH TJ TL TM TN TR TS TT '
	               . 'SE EP FP CR CS ET EX ER X1-X5 MA MB MC MD ME MF MG MH QQ EA EB EC ED EE GS EJ EM '
	               . 'JC JD JF RD RE SV ZA ZB ZC V1-V3 V5-V9 VM SK SY SL G7 G0 GQ GT GJ Q2 Q3 Q4 Q5 Q6 PD PL PM TW BL ST',
);
for my $cat (sort keys %catlist) {
	for my $m (expand($catlist{$cat})) {
		die "modifier $m listed under $category{$m} and $cat\n" if $category{$m} && $category{$m} ne $cat;
		$category{$m} = $cat;
	}
}

# How a modifier behaves on a drug line.  Everything not listed is 'allowed'.
my $SUSPECT = 'suspect on a drug line such as J7599 (billing-facts §5: procedure, service and anatomic modifiers; '
            . 'an explicit payer edit is UNCONFIRMED)';
my %drug_line;
my %drug_note;
$drug_line{$_} = 'expected' for qw(JW JG TB KX);
$drug_note{JW} = 'drug_line: waste modifier of a drug line (billing-facts §4, CONFIRMED)';
$drug_note{JG} = 'drug_line: 340B modifier of a drug line, JG or TB (billing-facts §5, CONFIRMED)';
$drug_note{TB} = $drug_note{JG};
$drug_note{KX} = 'drug_line: KX on J7599 when the transplant date is known (billing-facts §2.3, CONFIRMED)';
for my $m (expand('E1-E4 F1-F9 FA T1-T9 TA LT RT LC LD LM RC RI TC AS QS G8 G9 AA AD QK QX QY QZ P1-P6 '
                . 'PT GG GH PI PS QW QP L1 LR Q7-Q9 SM SN SF AP QC QD QT FX FY CT SH SJ XE XP XS XU')) {
	$drug_line{$m} = 'procedure_only';
	$drug_note{$m} = "drug_line: $SUSPECT";
}
$drug_note{$_} = 'drug_line: NCCI bypass modifier; relevance to a DME drug line is doubtful (billing-facts §5, UNCONFIRMED)'
	for qw(XE XP XS XU);

my @modrows;
for my $m (@mods) {
	my $mod = $m->{modifier};
	die "bad modifier '$mod'\n" unless $mod =~ /^[0-9A-Z]{2}$/;
	my $cat = $category{$mod} // 'other';
	my $dl = $drug_line{$mod} // 'allowed';
	my $src = $SRC_HCPCS;
	$src .= "; $drug_note{$mod}" if $drug_note{$mod};
	my $conf = $dl eq 'procedure_only' ? 'assumed' : 'confirmed';
	push @modrows, [$mod, $m->{long_description}, $cat, $dl, '(,)', 'CMS HCPCS Level II', '2020', $src, $conf];
}
for my $m (keys %category) {
	die "category list names $m, which is not in the 2020 modifier file\n" unless grep { $_->[0] eq $m } @modrows;
}

# JZ: added after the 2020 file.
push @modrows, ['JZ', 'Zero drug amount discarded/not administered to any patient', 'waste', 'expected',
	'[2023-01-01,)', 'CMS HCPCS Level II', '2023',
	'Noridian JE/JF "Drug Wastage - JW and JZ"; CGS JC DME article (rev. 12/18/2023): available 2023-01-01, '
	. 'required 2023-07-01 (billing-facts §4, CONFIRMED); drug_line: waste modifier of a drug line', 'confirmed'];

# JG and TB: new with the CY 2018 OPPS final rule, from 2018-01-01.
my $SRC_340B = 'CMS CY 2018 OPPS final rule (CMS-1678-FC): JG and TB reported from 2018-01-01 (Anthem provider news '
             . '2018-12-31; California Hospital Association; Visante), billing-facts §5 (SECONDARY)';
for my $r (@modrows) {
	next unless $r->[0] eq 'JG' || $r->[0] eq 'TB';
	$r->[4] = '[2018-01-01,)';
	$r->[7] .= "; valid from 2018-01-01: $SRC_340B";
	$r->[8] = 'secondary';
}

# Modifiers added to the national list after 2020, where a source was read.
push @modrows,
	['FS', 'Split (or shared) evaluation and management visit', 'procedure', 'procedure_only', '[2022-01-01,)',
	 'CMS HCPCS Level II', '2022',
	 'Noridian JE Part B "Modifier FS" (updated 2022-10-31); 2022 HCPCS release of 2021-11-08 (DecisionHealth Part B '
	 . 'News); required from 2022-01-01 by the CY 2022 physician fee schedule (FACS Bulletin 2022-04; Coker Group) '
	 . "(billing-facts §5a, SECONDARY for the date); drug_line: $SUSPECT", 'assumed'],
	['FT', 'Unrelated evaluation and management visit during a postoperative period, or on the same day as a procedure '
	     . 'or another E/M visit', 'procedure', 'procedure_only', '[2022-01-01,)', 'CMS HCPCS Level II', '2022',
	 '2022 HCPCS release of 2021-11-08 (DecisionHealth Part B News); from 2022-01-01 with the CY 2022 physician fee '
	 . "schedule (Coker Group) (billing-facts §5a, SECONDARY); drug_line: $SUSPECT", 'assumed'];

# Ambulance origin/destination modifiers: an origin letter and a destination
# letter (X only as a destination).  Pairs that spell an existing Level II
# modifier keep that row (on an ambulance code the pair means the trip).
my %amb = (
	D => 'diagnostic or therapeutic site other than P or H', E => 'residential, domiciliary or custodial facility',
	G => 'hospital-based ESRD facility', H => 'hospital', I => 'site of transfer between modes of ambulance transport',
	J => 'freestanding ESRD facility', N => 'skilled nursing facility', P => "physician's office", R => 'residence',
	S => 'scene of accident or acute event', X => "intermediate stop at a physician's office on the way to the hospital",
);
my $SRC_AMB = 'CMS IOM 100-04 ch. 15 §30.A origin and destination codes, as listed by Palmetto GBA "Origin/Destination '
            . 'Ambulance Modifiers" (2020-05-28) and CMS "Origin and Destination Codes Specific to Ambulance Service '
            . 'Claims" (ET3 notice, docslib copy) (billing-facts §5a, CONFIRMED)';
my %have = map { $_->[0] => 1 } @modrows;
my @amb_shared;
for my $o (qw(D E G H I J N P R S)) {
	for my $d (qw(D E G H I J N P R S X)) {
		if ($have{"$o$d"}) { push @amb_shared, "$o$d"; next; }
		push @modrows, ["$o$d", "Ambulance trip from $amb{$o} to $amb{$d}", 'ambulance', 'allowed', '(,)',
			'CMS ambulance origin/destination', 'IOM 100-04 ch. 15', $SRC_AMB, 'confirmed'];
	}
}

# CPT modifiers seen on claims.  The descriptions are short summaries written
# for this project: the CPT descriptors themselves belong to the AMA.
# Each: modifier, description, category, drug_line, confidence, source note.
my $CPT_NUM = 'CPT modifiers are numeric (billing-facts §1.3, CONFIRMED)';
my $CPT_APPA = 'procedure/service modifier, suspect on J7599 (CPT Appendix A copy; QualChoice list; billing-facts §5, SECONDARY)';
my $CPT_GEN = 'CPT modifier in general use; not researched for this project';
my @cpt = (
	['22', 'Service needed substantially more work than usual. Guidance of the seed document: use when administration '
	     . 'required substantially greater work; documentation must support unusual effort',
	 'procedure', 'needs_documentation', 'secondary',
	 'seed document (J7599 overview, modifier table: 22, "use when administration required substantially greater work, '
	 . 'documentation must support unusual effort"); ' . $CPT_APPA . '; a procedure modifier, not a drug modifier: on a '
	 . 'drug line it deserves the not-for-drug warning as well as the documentation note (billing-facts addendum 2 §B, '
	 . 'SECONDARY); drug_line says needs_documentation and category procedure: the rule engine reports both on a drug line'],
	['25', 'Significant, separately identifiable E/M service by the same practitioner on the day of another service '
	     . '(E/M codes only)', 'procedure', 'procedure_only', 'secondary',
	 'goes on the E/M code only, never on a drug (CPT definition quoted by aquitysolutions.com; billing-facts §5, SECONDARY)'],
	['26', 'Professional part of a service that has professional and technical parts', 'procedure', 'procedure_only',
	 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['27', 'More than one outpatient hospital E/M encounter on the same date', 'procedure', 'procedure_only',
	 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['32', 'Service required by a third party such as a payer, agency or court', 'payment', 'allowed',
	 'assumed', $CPT_GEN],
	['33', 'Preventive service (patient cost sharing waived)', 'procedure', 'procedure_only', 'secondary',
	 $CPT_APPA],
	['50', 'Same procedure on both sides of the body in one session', 'procedure', 'procedure_only',
	 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['51', 'More than one procedure by the same practitioner in one session', 'procedure', 'procedure_only',
	 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['52', 'Service reduced or partly eliminated at the practitioner\'s discretion', 'procedure', 'procedure_only',
	 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['53', 'Procedure stopped before completion', 'procedure', 'procedure_only',
	 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['57', 'E/M service at which the decision for surgery was made', 'procedure', 'procedure_only',
	 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['58', 'Staged or related procedure by the same practitioner in the postoperative period', 'procedure',
	 'procedure_only', 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['59', 'Procedure or service distinct from the others on the same day (NCCI bypass)', 'ncci_bypass',
	 'procedure_only', 'assumed',
	 "$CPT_NUM; drug_line: NCCI bypass modifier; relevance to a DME drug line is doubtful (billing-facts §5, UNCONFIRMED)"],
	['62', 'Two surgeons, each doing a distinct part of one procedure', 'procedure', 'procedure_only',
	 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['63', 'Procedure on an infant weighing less than 4 kg', 'procedure', 'procedure_only',
	 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['76', 'Procedure repeated by the same practitioner', 'procedure', 'procedure_only', 'secondary', $CPT_APPA],
	['77', 'Procedure repeated by another practitioner', 'procedure', 'procedure_only', 'secondary', $CPT_APPA],
	['78', 'Unplanned return to the operating room during the postoperative period', 'procedure', 'procedure_only',
	 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['79', 'Unrelated procedure by the same practitioner during the postoperative period', 'procedure',
	 'procedure_only', 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['80', 'Assistant surgeon', 'procedure', 'procedure_only', 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['81', 'Minimal assistance by an assistant surgeon', 'procedure', 'procedure_only',
	 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['82', 'Assistant surgeon when no qualified resident surgeon was available', 'procedure', 'procedure_only',
	 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['90', 'Laboratory test performed by an outside laboratory', 'procedure', 'procedure_only',
	 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['91', 'Clinical laboratory test repeated on the same day for a new result', 'procedure', 'procedure_only',
	 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['92', 'Laboratory test run on a single-use or portable testing platform', 'procedure', 'procedure_only',
	 'assumed', "$CPT_GEN; drug_line: $SUSPECT"],
	['95', 'Service delivered by real-time audio and video telemedicine', 'informational', 'allowed',
	 'assumed', $CPT_GEN],
	['96', 'Habilitative service', 'therapy', 'allowed', 'assumed', $CPT_GEN],
	['97', 'Rehabilitative service', 'therapy', 'allowed', 'assumed', $CPT_GEN],
	['99', 'Several modifiers apply to the service', 'informational', 'allowed', 'assumed', $CPT_GEN],
	['1P', 'Performance measure exclusion for medical reasons (CPT Category II codes only)', 'quality',
	 'procedure_only', 'secondary',
	 'CPT Category II modifier (LinuxForHealth FHIR procedure-modifier CodeSystem; billing-facts §1.3, SECONDARY); '
	 . 'drug_line: belongs on Category II codes, not on a drug line'],
	['2P', 'Performance measure exclusion for patient reasons (CPT Category II codes only)', 'quality',
	 'procedure_only', 'secondary',
	 'CPT Category II modifier (LinuxForHealth FHIR procedure-modifier CodeSystem; billing-facts §1.3, SECONDARY); '
	 . 'drug_line: belongs on Category II codes, not on a drug line'],
	['3P', 'Performance measure exclusion for system reasons (CPT Category II codes only)', 'quality',
	 'procedure_only', 'secondary',
	 'CPT Category II modifier (LinuxForHealth FHIR procedure-modifier CodeSystem; billing-facts §1.3, SECONDARY); '
	 . 'drug_line: belongs on Category II codes, not on a drug line'],
	['8P', 'Performance measure action not performed, reason not otherwise specified (CPT Category II codes only)',
	 'quality', 'procedure_only', 'assumed',
	 "$CPT_GEN; drug_line: belongs on Category II codes, not on a drug line"],
);
for my $c (@cpt) {
	my ($mod, $desc, $cat, $dl, $conf, $src) = @$c;
	push @modrows, [$mod, $desc, $cat, $dl, '(,)', 'CPT', 'unversioned', "CPT (AMA); description written for j7599; $src", $conf];
}
my %seenmod;
for my $r (@modrows) { die "duplicate modifier $r->[0]\n" if $seenmod{$r->[0]}++; }
@modrows = sort { $a->[0] cmp $b->[0] } @modrows;

# ---------------------------------------------------------------------------
# Modifier conflicts: pairs that may not stand on one line.

my $SRC_ABN = 'any GA/GY/GZ combination on one line is invalid (rcmguide.com; billing-facts §5, SECONDARY)';
my $SRC_GA  = 'do not report GA with GZ, EY, GL or GX (medicalbillingcptmodifiers.com; billing-facts §5, SECONDARY)';
my $SRC_X   = 'never 59 with an X{EPSU} modifier, or two of them, on one line: payer policy (HMSA; Moda; '
            . 'IBX MA03.005c), CMS MLN1783722 (billing-facts §5, CONFIRMED)';
my @conflicts = (
	['JW', 'JZ', 'JW reports a discarded amount and JZ says nothing was discarded: one drug line carries one or the other',
	 'JW and JZ descriptors (CMS HCPCS); "JZ or JW... never both" (qpro.com); billing-facts §4, SECONDARY', 'secondary'],
	['GA', 'GZ', 'GA (waiver of liability on file) and GZ (expected denial, no waiver) contradict each other',
	 "$SRC_ABN; $SRC_GA", 'secondary'],
	['GA', 'GY', 'GA (waiver of liability on file) and GY (statutorily excluded) do not go together', $SRC_ABN, 'secondary'],
	['GY', 'GZ', 'GY (statutorily excluded) and GZ (expected denial as not reasonable and necessary) do not go together',
	 $SRC_ABN, 'secondary'],
	['EY', 'GA', 'GA is not reported with EY (no order for the item)', $SRC_GA, 'secondary'],
	['GA', 'GL', 'GA is not reported with GL (upgrade at no charge, no ABN)', $SRC_GA, 'secondary'],
	['GA', 'GX', 'GA (required waiver) is not reported with GX (voluntary notice)', $SRC_GA, 'secondary'],
	['JG', 'TB', 'a 340B-acquired drug carries JG or TB depending on the hospital type, never both',
	 "America's Essential Hospitals 2023-03; Forvis Mazars 2023-01 (billing-facts §5, CONFIRMED)", 'confirmed'],
	(map { [$_, 'KX', "KX says the coverage criteria are met; $_ says they are not (or that a denial is expected): "
	          . 'the two contradict each other',
	        'CGS Jurisdiction C DME MAC, 2018, KX policy list (billing-facts addendum 2 §B, SECONDARY)', 'secondary'] }
	 qw(GA GY GZ)),
	['JA', 'JB', 'a drug line is administered either intravenously (JA) or subcutaneously (JB)',
	 'logical, not sourced (billing-facts §5, UNCONFIRMED)', 'assumed'],
);
for my $x (qw(XE XP XS XU)) {
	push @conflicts, ['59', $x, "59 and $x both mark a distinct service; use one of them", $SRC_X, 'confirmed'];
}
my @x = qw(XE XP XS XU);
for my $i (0 .. $#x) {
	for my $j ($i + 1 .. $#x) {
		push @conflicts, [$x[$i], $x[$j], "two X{EPSU} modifiers ($x[$i], $x[$j]) on one line: use the one that applies",
			$SRC_X, 'confirmed'];
	}
}
for my $c (@conflicts) {
	die "conflict $c->[0]/$c->[1] not ordered\n" unless $c->[0] lt $c->[1];
	for my $m ($c->[0], $c->[1]) { die "conflict names unknown modifier $m\n" unless $seenmod{$m}; }
}
@conflicts = sort { $a->[0] cmp $b->[0] || $a->[1] cmp $b->[1] } @conflicts;

# ---------------------------------------------------------------------------
# Places of service.

my %pos_source = (
	'02' => 'code "Telehealth" from 2017-01-01 (NGS Part B 101 manual, App. 3); renamed "...Other than in Patient\'s Home" '
	      . '2022-01-01, Medicare from 2022-04-01 (CMS CR 12427)',
	'10' => 'effective 2022-01-01, Medicare implementation 2022-04-04 (CMS Transmittal 11045 / CR 12427; Noridian JF)',
	'16' => 'effective 2005-04-01 (NGS Part B 101 manual)',
	'17' => 'effective 2010-03-01 (CMS CR 6752, Transmittal R1869CP, via billing-services.com)',
	'18' => 'effective 2013-01-01, Medicare 2013-05-01 (APTA news, 2012-11-08)',
	'19' => 'effective 2016-01-01, CMS posted 2015-08-06 (NCTracks notice; Lexology)',
	'22' => 'named "On Campus-Outpatient Hospital" from 2016-01-01 (NCTracks notice; Lexology)',
	'27' => 'effective 2023-10-01, MACs to implement by 2024-01-02 (CMS CR 13314, Transmittal 12254 replaced by 12411)',
	'58' => 'effective 2020-01-01 (CMS CR 11353, Transmittal 4486)',
	'66' => 'effective 2024-08-01, implementation 2025-01-06 (CMS Transmittal 12779, via trainingleader.com)',
);
my @pos = read_csv("$refdir/place-of-service.csv", qw(code name effective_from source_confidence));
my @posrows;
for my $p (@pos) {
	die "bad POS '$p->{code}'\n" unless $p->{code} =~ /^[0-9]{2}$/;
	my $valid = '(,)';
	if ($p->{effective_from} ne '') {
		die "bad date '$p->{effective_from}'\n" unless $p->{effective_from} =~ /^\d{4}-\d\d-\d\d$/;
		$valid = "[$p->{effective_from},)";
	}
	my $conf = $p->{source_confidence} eq '' ? 'confirmed' : $p->{source_confidence};
	die "bad confidence '$conf'\n" unless $conf =~ /^(confirmed|secondary|assumed)$/;
	my $src = $SRC_POS;
	$src .= "; $pos_source{$p->{code}}" if $pos_source{$p->{code}};
	push @posrows, [$p->{code}, $p->{name}, $valid, $src, $conf];
}
for my $c (keys %pos_source) { die "POS source for $c, which is not in the list\n" unless grep { $_->[0] eq $c } @posrows; }

# ---------------------------------------------------------------------------
# Drug names with their own HCPCS code (for the NOC-misuse rule).
# [drug, name_kind, confidence, note, codes...]; a code is 'CODE' and its
# route comes from %route.  Generic names come from the 2020 descriptors
# (billing-facts §3.1 lists the immunosuppressive codes); brand names are common
# usage, not checked against a project source unless the note says so.

# Each code's route and dosage form, from its descriptor.
my %route = (
	J0480 => 'parenteral', J0485 => 'parenteral', J1010 => 'parenteral', J1020 => 'parenteral', J1030 => 'parenteral',
	J1040 => 'parenteral', J2650 => 'parenteral', J2919 => 'parenteral', J2920 => 'parenteral', J2930 => 'parenteral',
	J7500 => 'oral', J7501 => 'parenteral', J7502 => 'oral', J7503 => 'oral', J7504 => 'parenteral',
	J7505 => 'parenteral', J7506 => 'oral', J7507 => 'oral', J7508 => 'oral', J7509 => 'oral',
	J7510 => 'oral', J7511 => 'parenteral', J7512 => 'oral', J7513 => 'parenteral', J7514 => 'oral', J7515 => 'oral',
	J7516 => 'parenteral', J7517 => 'oral', J7518 => 'oral', J7519 => 'parenteral', J7520 => 'oral',
	J7521 => 'oral', J7525 => 'parenteral', J7527 => 'oral', J7528 => 'oral',
);
my %form = map { $_ => ($route{$_} eq 'parenteral' ? 'injection' : 'oral') } keys %route;
$form{$_} = 'oral suspension' for qw(J7514 J7528);
$form{J7521} = 'granules';
my $D31 = 'billing-facts §3.1, CONFIRMED';
my $BRAND = 'brand of the generic in common use (prescribing information); not checked against a project source';
my @drugs = (
	# generic names, as in the 2020 descriptors
	['azathioprine', 'generic', 'confirmed', $D31, qw(J7500 J7501)],
	['cyclosporine', 'generic', 'confirmed', "$D31; J7516 is spelt cyclosporin", qw(J7502 J7515 J7516)],
	['cyclosporin', 'generic', 'confirmed', "$D31; spelling of the J7516 descriptor, same drug as cyclosporine",
	 qw(J7502 J7515 J7516)],
	['tacrolimus', 'generic', 'confirmed', $D31, qw(J7503 J7507 J7508 J7525)],
	['tacrolimus granules', 'generic', 'confirmed',
	 "granules for oral suspension; the $SRC_XWALK bills Prograf Granules as J7521", qw(J7521)],
	['mycophenolate mofetil', 'generic', 'confirmed', "$D31; injection J7519 and oral suspension J7528 (billing-facts addendum 2 §A)",
	 qw(J7517 J7519 J7528)],
	['mycophenolic acid', 'generic', 'confirmed', $D31, qw(J7518)],
	['mycophenolate', 'generic', 'assumed',
	 'short name used for both mycophenolate mofetil (J7517, J7519, J7528) and mycophenolate sodium (J7518)',
	 qw(J7517 J7518 J7519 J7528)],
	['mycophenolate sodium', 'generic', 'assumed',
	 'the salt marketed as delayed-release mycophenolic acid (J7518 is mycophenolic acid, oral, 180 mg)', qw(J7518)],
	['sirolimus', 'generic', 'confirmed', $D31, qw(J7520)],
	['everolimus', 'generic', 'confirmed', "$D31; Noridian JD DME retired article \"Everolimus (Zortress)\"", qw(J7527)],
	['belatacept', 'generic', 'confirmed', $D31, qw(J0485)],
	['basiliximab', 'generic', 'confirmed', 'J0480 "Injection, basiliximab, 20 mg" in the 2020 file; not listed in billing-facts §3.1',
	 qw(J0480)],
	['antithymocyte globulin', 'generic', 'confirmed', "$D31 (equine J7504, rabbit J7511)", qw(J7504 J7511)],
	['anti-thymocyte globulin', 'generic', 'assumed', 'hyphenated spelling of antithymocyte globulin', qw(J7504 J7511)],
	['lymphocyte immune globulin', 'generic', 'confirmed', "$D31 (J7504 and J7511 descriptors)", qw(J7504 J7511)],
	['muromonab-cd3', 'generic', 'assumed', 'J7505 in the 2020 file; its status after 2020 is UNCONFIRMED (billing-facts §3.1)',
	 qw(J7505)],
	['muromonab', 'generic', 'assumed', 'J7505 in the 2020 file; its status after 2020 is UNCONFIRMED (billing-facts §3.1)',
	 qw(J7505)],
	['daclizumab', 'generic', 'assumed', 'J7513 still in the 2020 file; its deletion is UNCONFIRMED (billing-facts §3.1)',
	 qw(J7513)],
	['prednisone', 'generic', 'confirmed', "$D31; J7506 was replaced by J7512 on 2016-01-01 and is not offered",
	 qw(J7512)],
	['prednisolone', 'generic', 'confirmed', "$D31 (oral J7510); J2650 prednisolone acetate injection in the 2020 file",
	 qw(J7510 J2650)],
	['prednisolone acetate', 'generic', 'confirmed', 'J2650 "Injection, prednisolone acetate, up to 1 ml" in the 2020 file',
	 qw(J2650)],
	['methylprednisolone', 'generic', 'confirmed',
	 "$D31 (oral J7509); injections J1010 (acetate) and J2919 (sodium succinate) in the $SRC_XWALK",
	 qw(J7509 J1010 J2919)],
	['methylprednisolone acetate', 'generic', 'confirmed',
	 "the $SRC_XWALK bills it (Depo-Medrol) as J1010; J1020, J1030, J1040 are no longer used there", qw(J1010)],
	['methylprednisolone sodium succinate', 'generic', 'confirmed',
	 "the $SRC_XWALK bills it (Solu-Medrol) as J2919; J2920, J2930 are no longer used there", qw(J2919)],
	# brand names
	['envarsus xr', 'brand', 'confirmed', 'named in the J7503 descriptor', qw(J7503)],
	['envarsus', 'brand', 'confirmed', 'named in the J7503 descriptor (Envarsus XR)', qw(J7503)],
	['astagraf xl', 'brand', 'confirmed', 'named in the J7508 descriptor', qw(J7508)],
	['astagraf', 'brand', 'confirmed', 'named in the J7508 descriptor (Astagraf XL)', qw(J7508)],
	['zortress', 'brand', 'confirmed', 'Noridian JD DME retired article "Everolimus (Zortress)" (billing-facts sources)', qw(J7527)],
	['prograf', 'brand', 'confirmed', "the $SRC_XWALK bills Prograf as J7507 (capsules), J7525 (injection) and "
	 . 'Prograf Granules as J7521', qw(J7507 J7521 J7525)],
	['cellcept', 'brand', 'confirmed', "the $SRC_XWALK bills Cellcept as J7517 (oral) and Cellcept - IV as J7519",
	 qw(J7517 J7519)],
	['myfortic', 'brand', 'assumed', "$BRAND: mycophenolic acid (as mycophenolate sodium) delayed release", qw(J7518)],
	['rapamune', 'brand', 'assumed', "$BRAND: sirolimus", qw(J7520)],
	['nulojix', 'brand', 'assumed', "$BRAND: belatacept", qw(J0485)],
	['simulect', 'brand', 'assumed', "$BRAND: basiliximab", qw(J0480)],
	['thymoglobulin', 'brand', 'assumed', "$BRAND: antithymocyte globulin (rabbit)", qw(J7511)],
	['atgam', 'brand', 'assumed', "$BRAND: lymphocyte immune globulin, antithymocyte globulin (equine)", qw(J7504)],
	['imuran', 'brand', 'assumed', "$BRAND: azathioprine tablets", qw(J7500)],
	['azasan', 'brand', 'assumed', "$BRAND: azathioprine tablets", qw(J7500)],
	['neoral', 'brand', 'assumed', "$BRAND: cyclosporine (modified), oral", qw(J7502 J7515)],
	['gengraf', 'brand', 'assumed', "$BRAND: cyclosporine (modified), oral", qw(J7502 J7515)],
	['sandimmune', 'brand', 'assumed', "$BRAND: cyclosporine, oral and injection", qw(J7502 J7515 J7516)],
	['orthoclone okt3', 'brand', 'assumed', "$BRAND: muromonab-CD3; J7505 status after 2020 UNCONFIRMED", qw(J7505)],
	['orthoclone', 'brand', 'assumed', "$BRAND: muromonab-CD3; J7505 status after 2020 UNCONFIRMED", qw(J7505)],
	['zenapax', 'brand', 'assumed', "$BRAND: daclizumab; J7513 deletion UNCONFIRMED", qw(J7513)],
	['medrol', 'brand', 'confirmed', "the $SRC_XWALK bills Medrol (tablets, Dosepak) as J7509", qw(J7509)],
	['solu-medrol', 'brand', 'confirmed', "the $SRC_XWALK bills Solu-Medrol as J2919", qw(J2919)],
	['depo-medrol', 'brand', 'confirmed', "the $SRC_XWALK bills Depo-Medrol as J1010", qw(J1010)],
	['myhibbin', 'brand', 'secondary', 'named with J7514 in billing-facts addendum 2 §A (SECONDARY)', qw(J7514)],
	['rayos', 'brand', 'assumed', "$BRAND: prednisone delayed release", qw(J7512)],
);
my @drugrows;
my %seendrug;
for my $d (@drugs) {
	my ($drug, $kind, $conf, $note, @dc) = @$d;
	die "bad drug name '$drug'\n" unless $drug =~ /^[a-z0-9]+([ -][a-z0-9]+)*$/;
	for my $c (@dc) {
		die "drug code $c ($drug) is not a shipped code\n" unless $code{$c};
		die "drug code $c ($drug) is not in force\n" if $hx{$c} && $hx{$c}{valid};
		die "no route for $c\n" unless $route{$c};
		die "duplicate drug row $drug/$c\n" if $seendrug{"$drug/$c"}++;
		my $desc = $code{$c}{long_description};
		my $set = !$hx{$c} || !$hx{$c}{version} ? 'CMS HCPCS Level II 2020'
		        : $hx{$c}{version} eq '2025-10' ? 'CMS ASP payment-limit file October 2025' : 'research notes';
		my $c2 = $conf;
		$c2 = 'secondary' if $hx{$c} && ($hx{$c}{confidence} // '') eq 'secondary' && $conf eq 'confirmed';
		push @drugrows, [$drug, $c, $kind, $route{$c}, "$set: $c \"$desc\"; $note", $c2, '(,)', $form{$c}];
	}
}
@drugrows = sort { $a->[0] cmp $b->[0] || $a->[1] cmp $b->[1] } @drugrows;

# ---------------------------------------------------------------------------
# The NDC crosswalk.  CMS prints NDCs in ndc2 as 5-4-2 with hyphens; other
# values there are alternate ids (UPC/GTIN, catalogue numbers) and are left
# out.  A value is kept when it is written 5-4-2 and the ndc type's parser
# takes it (j7599.is_ndc, src/ndc_parse.c): a bare 12-digit number would be
# read as a 6-4-2 NDC by the parser, but in this column it is a UPC.

my @xwalk = read_csv("$refdir/cms-asp-ndc-hcpcs-2025q4.csv", qw(hcpcs ndc2 drug_name hcpcs_dosage));
my (@ndcrows, %seenndc);
my $n_alt = 0;
for my $x (@xwalk) {
	die "bad code '$x->{hcpcs}' in the crosswalk\n" unless $x->{hcpcs} =~ /^([A-Z][0-9]{4}|[0-9]{4}[0-9FTU])$/;
	if ($x->{ndc2} !~ /^[0-9]{5}-[0-9]{4}-[0-9]{2}$/) { $n_alt++; next; }
	die "duplicate crosswalk row $x->{ndc2} $x->{hcpcs}\n" if $seenndc{"$x->{ndc2} $x->{hcpcs}"}++;
	push @ndcrows, [$x->{ndc2}, $x->{hcpcs}, $x->{drug_name}, $x->{hcpcs_dosage}];
}
@ndcrows = sort { $a->[0] cmp $b->[0] || $a->[1] cmp $b->[1] } @ndcrows;
my $XWALK_VALID = '[2025-10-01,2026-01-01)';

# ---------------------------------------------------------------------------
# Output.

my $out = '';
sub emit { $out .= join('', @_); }

sub values_block {    # rows of already-quoted values, in chunks of $n
	my ($head, $tail, $n, @rows) = @_;
	while (my @chunk = splice(@rows, 0, $n)) {
		emit($head, "\n", join(",\n", map { '    (' . join(', ', @$_) . ')' } @chunk), "\n", $tail, ";\n\n");
	}
}

# The INSERTs of the shipped rows of the code tables, into the tables named
# by %$t (the extension's own, or the upgrade's temporary copies).
sub emit_code_tables {
	my ($t) = @_;
	my @allcodes = sort { $a->{code} cmp $b->{code} } values %code;
	emit("-- HCPCS Level II: ", scalar(@codes), " codes of the 2020 file, ", $n_asp_new, " more that CMS priced in October 2025\n",
	     "-- (in force by 2025-10-01, start unknown) and 2 from the research notes; ", scalar(@noc),
	     " not-otherwise-classified drug codes.\n",
	     "-- The files have no add or effective dates: a code is valid '(,)' unless a source dates it (J7506).\n");
	my @hrows = map {
		my $x = $hx{$_->{code}} // {};
		[sqlq($_->{code}), sqlq($_->{long_description}), sqlq($_->{short_description}),
		 sqlq($x->{valid}), sqlq($x->{version}), sqlq($x->{source}), sqlq($x->{replaced_by}), sqlq($x->{confidence})]
	} @allcodes;
	values_block(
		"INSERT INTO $t->{hcpcs_code} (code, long_description, short_description, is_noc, valid, code_set, code_set_version, source, shipped, replaced_by, confidence)\n"
		. "SELECT v.code, v.long_description, v.short_description,\n"
		. "       v.code = ANY (ARRAY[" . join(', ', map { sqlq($_) } @noc) . "]),\n"
		. "       coalesce(v.valid::daterange, '(,)'), 'CMS HCPCS Level II', coalesce(v.version, '2020'),\n"
		. "       coalesce(v.source, " . sqlq($SRC_HCPCS) . "), true, v.replaced_by, coalesce(v.confidence, 'confirmed')\nFROM (VALUES",
		") AS v(code, long_description, short_description, valid, version, source, replaced_by, confidence)", 1000, @hrows);

	emit("-- Modifiers: ", scalar(@modrows), " (the 2020 file, later Level II modifiers, ambulance origin/destination pairs, CPT modifiers).\n");
	values_block(
		"INSERT INTO $t->{modifier} (modifier, description, category, drug_line, valid, code_set, code_set_version, source, confidence, shipped)\n"
		. "SELECT v.*, true FROM (VALUES",
		") AS v(modifier, description, category, drug_line, valid, code_set, code_set_version, source, confidence)",
		500, map { my $r = $_; [(map { sqlq($r->[$_]) } 0 .. 3), sqlq($r->[4]) . '::daterange', (map { sqlq($r->[$_]) } 5 .. 8)] } @modrows);

	emit("-- Modifier pairs that may not stand on one line (", scalar(@conflicts), ").\n");
	values_block(
		"INSERT INTO $t->{modifier_conflict} (modifier_a, modifier_b, reason, source, confidence, shipped)\n"
		. "SELECT v.*, true FROM (VALUES",
		") AS v(modifier_a, modifier_b, reason, source, confidence)", 500,
		map { [map { sqlq($_) } @$_] } @conflicts);

	emit("-- Places of service (", scalar(@posrows), "): valid from the effective date where a source gave one.\n");
	values_block(
		"INSERT INTO $t->{place_of_service} (code, name, valid, source, confidence, shipped)\n"
		. "SELECT v.*, true FROM (VALUES",
		") AS v(code, name, valid, source, confidence)", 500,
		map { [sqlq($_->[0]), sqlq($_->[1]), sqlq($_->[2]) . '::daterange', sqlq($_->[3]), sqlq($_->[4])] } @posrows);

	emit("-- Drug names (generic and brand) with their own HCPCS code (", scalar(@drugrows), " rows), with the code's dosage form.\n");
	values_block(
		"INSERT INTO $t->{drug_code} (drug, code, name_kind, route, source, confidence, shipped, valid, form)\n"
		. "SELECT v.drug, v.code, v.name_kind, v.route, v.source, v.confidence, true, v.valid::daterange, v.form FROM (VALUES",
		") AS v(drug, code, name_kind, route, source, confidence, valid, form)", 500,
		map { [map { sqlq($_) } @$_] } @drugrows);
}

sub emit_ndc {
	emit("-- The CMS ASP NDC-HCPCS crosswalk of October 2025: ", scalar(@xwalk), " rows in the file, ", scalar(@ndcrows),
	     " NDCs loaded,\n-- ", $n_alt, " alternate ids (UPC/GTIN and other non-NDC values) left out; valid $XWALK_VALID.\n");
	values_block(
		"INSERT INTO j7599.ndc_code (ndc, code, drug_name, hcpcs_dosage, valid, source, shipped)\n"
		. "SELECT v.ndc::j7599.ndc, v.code, v.drug_name, v.hcpcs_dosage, " . sqlq($XWALK_VALID) . ",\n"
		. "       " . sqlq("$SRC_XWALK; valid for the quarter 2025-10-01 to 2025-12-31") . ", true\nFROM (VALUES",
		") AS v(ndc, code, drug_name, hcpcs_dosage)", 2000,
		map { [map { sqlq($_) } @$_] } @ndcrows);
}

emit(<<'EOT');
/*
 * Shipped reference data: HCPCS Level II codes, modifiers, modifier
 * conflicts, places of service, drug names with their own code and the NDC
 * crosswalk.
 *
 * GENERATED by scripts/gen_reference_data.pl from the CSV files in data/reference/.
 * Do not edit by hand: change the generator or the CSV files and rerun
 *     perl scripts/gen_reference_data.pl
 * Every row is inserted with shipped = true (see 29_reference_guard.sql).
 */

EOT
my @tables = qw(hcpcs_code modifier modifier_conflict place_of_service drug_code);
emit_code_tables({ map { $_ => "j7599.$_" } @tables });
emit_ndc();
$out =~ s/\n+\z/\n/;
my $fresh = $out;

# The upgrade's generated section: the same rows into temporary copies, and
# the hand-written payers, aliases and policies of 22_payer_policy_data.sql
# likewise.
my $ppfile = "$root/sql/install/22_payer_policy_data.sql";
open(my $ppfh, '<:encoding(UTF-8)', $ppfile) or die "$ppfile: $!\n";
my $pp = do { local $/; <$ppfh> };
close $ppfh;
$pp =~ s/\A.*?(?=^INSERT INTO )//ms or die "$ppfile: no INSERT\n";
my $npp = ($pp =~ s/^INSERT INTO j7599\.(payer|payer_alias|policy)\b/INSERT INTO pg_temp._j7599_new_$1/mg);
# payer, payer_alias (names, then patterns), policy
die "$ppfile: expected 4 INSERTs, found $npp\n" unless $npp == 4;
die "$ppfile: an INSERT into another table\n" if $pp =~ /^INSERT INTO j7599\./m;
$out = "-- GENERATED by scripts/gen_reference_data.pl: do not edit between the markers.\n";
# (payer_alias with its defaults: the names are inserted without match, as exact)
$out .= "CREATE TEMP TABLE _j7599_new_$_ (LIKE j7599.$_" . ($_ eq 'payer_alias' ? ' INCLUDING DEFAULTS' : '') . ");\n"
	for (@tables, qw(payer payer_alias policy));
$out .= "\n";
emit_code_tables({ map { $_ => "pg_temp._j7599_new_$_" } @tables });
emit("-- ", "From sql/install/22_payer_policy_data.sql:\n", $pp, "\n");
emit_ndc();
$out =~ s/\n+\z/\n/;
my $upg = $out;
$out = $fresh;



my %cats;
$cats{$_->[2]}++ for @modrows;
my %dls;
$dls{$_->[3]}++ for @modrows;
printf STDERR "codes %d (NOC %d), modifiers %d, conflicts %d, POS %d, drug rows %d\n",
	scalar(@codes), scalar(@noc), scalar(@modrows), scalar(@conflicts), scalar(@posrows), scalar(@drugrows);
print STDERR "  categories: ", join(', ', map { "$_ $cats{$_}" } sort keys %cats), "\n";
print STDERR "  drug_line:  ", join(', ', map { "$_ $dls{$_}" } sort keys %dls), "\n";

printf STDERR "  new codes from the October 2025 ASP file %d (%d CPT codes there skipped); ambulance pairs that spell an existing modifier: %s\n",
	$n_asp_new, $n_asp_cpt, join(' ', @amb_shared);
printf STDERR "  crosswalk: %d rows, %d NDCs, %d alternate ids left out\n", scalar(@xwalk), scalar(@ndcrows), $n_alt;

# the upgrade part with its generated section replaced
my $BEGIN = "-- BEGIN GENERATED SECTION\n";
my $END = "-- END GENERATED SECTION\n";
open(my $ufh, '<:encoding(UTF-8)', $upgfile) or die "$upgfile: $!\n";
my $uhave = do { local $/; <$ufh> };
close $ufh;
my ($upre, $upost) = $uhave =~ /\A(.*?\Q$BEGIN\E).*?(\Q$END\E.*)\z/s
	or die "$upgfile: no generated section markers\n";
my $uwant = $upre . $upg . $upost;

sub write_file {
	my ($path, $text) = @_;
	open(my $fh, '>:encoding(UTF-8)', "$path.tmp") or die "$path.tmp: $!\n";
	print $fh $text;
	close $fh or die "$path.tmp: $!\n";
	rename("$path.tmp", $path) or die "$path: $!\n";
	print STDERR "wrote $path\n";
}

if ($mode eq '--stdout') {
	binmode STDOUT, ':encoding(UTF-8)';
	print $out;
} elsif ($mode eq '--check') {
	open(my $fh, '<:encoding(UTF-8)', $outfile) or die "$outfile: $!\n";
	local $/;
	my $have = <$fh>;
	close $fh;
	if ($have ne $out) { print STDERR "$outfile is stale: run perl scripts/gen_reference_data.pl\n"; exit 1; }
	if ($uhave ne $uwant) { print STDERR "$upgfile is stale: run perl scripts/gen_reference_data.pl\n"; exit 1; }
	print STDERR "$outfile and $upgfile are up to date\n";
} else {
	write_file($outfile, $out);
	write_file($upgfile, $uwant) if $uhave ne $uwant;
}
