/*
 * Shipped payers, payer aliases and J7599 policies.
 *
 * Every value traces back to the project's research notes (docs/billing-facts,
 * cited by section) with the confidence given there: CONFIRMED -> confirmed,
 * SECONDARY -> secondary, UNCONFIRMED or inferred -> assumed.  A field that
 * no source settles stays NULL ("unknown"), never false.
 *
 * The cascade (23_policy_functions.sql) reads a payer's own row, then its
 * parent's, and 'default' last:
 *
 *     default                      (group; consulted last for every payer)
 *     +-- medicare
 *     |   +-- medicare_bid         (Part B-ID: immunosuppressive drugs only, kidney, from 2023-01-01)
 *     +-- buca                     (group: BCBS, UnitedHealthcare, Cigna, Aetna)
 *         +-- aetna  +-- bcbs  +-- cigna  +-- uhc
 */

INSERT INTO j7599.payer (payer_id, name, is_group, parent_id, source, shipped) VALUES
    ('default', 'Any payer (fallback)', true, NULL,
     'j7599: the fallback every payer''s policy cascade consults last', true),
    ('medicare', 'Medicare', false, 'default',
     'seed document (payer list); Original Medicare Part B, immunosuppressive drugs billed to the DME MAC (billing-facts §2.2)', true),
    ('buca', 'BUCA plans (Blue Cross Blue Shield, UnitedHealthcare, Cigna, Aetna)', true, 'default',
     'seed document ("BUCA plans"); the usual grouping of the four large commercial carriers', true),
    ('aetna', 'Aetna', false, 'buca', 'seed document (payer list)', true),
    ('bcbs', 'Blue Cross Blue Shield', false, 'buca',
     'seed document (payer list); stands for the independent BCBS licensees as a whole, which set their own rules', true),
    ('cigna', 'Cigna', false, 'buca', 'seed document ("Cigna Health")', true),
    ('uhc', 'UnitedHealthcare', false, 'buca', 'seed document (payer list)', true),
    ('medicare_bid', 'Medicare Part B-ID (immunosuppressive drug benefit)', false, 'medicare',
     'Consolidated Appropriations Act 2021 (SSA §1836(b)): from 2023-01-01 Part B coverage of immunosuppressive drugs '
     || 'only, for people whose ESRD Medicare ended 36 months after a kidney transplant: CMS MLN "Immunosuppressive '
     || 'Drugs", SSA POMS HI 00805.400, cms.gov/partbid-provider (billing-facts §2.2 and addendum 2 §C, CONFIRMED); '
     || 'a payer of its own so that its kidney-only diagnoses do not stand for all of Medicare', true);

-- Free-text payer names.  Matching goes through j7599.payer_key() (letters and
-- digits, lower case), so only one spelling per key can be stored: "United
-- Healthcare" and "United Health Care" are found through "UnitedHealthcare".
-- Medicare Advantage names are deliberately absent: those plans are not
-- Original Medicare and do not follow the DME MAC rules.
INSERT INTO j7599.payer_alias (alias, payer_id, source, shipped)
SELECT v.alias, v.payer_id, v.source, true
FROM (VALUES
    -- the names as the seed document writes them
    ('Medicare',                 'medicare', 'seed document'),
    ('Aetna',                    'aetna',    'seed document'),
    ('Blue Cross Blue Shield',   'bcbs',     'seed document'),
    ('Cigna Health',             'cigna',    'seed document'),
    ('UnitedHealthcare',         'uhc',      'seed document (also matches "United Healthcare", "United Health Care")'),
    ('BUCA plans',               'buca',     'seed document'),
    -- Medicare
    ('Medicare Part B',          'medicare', 'common variant: immunosuppressive drugs are a Part B benefit (billing-facts §2.2)'),
    -- Medicare Part B-ID: its own payer (billing-facts addendum 2 §C)
    ('Medicare Part B-ID',       'medicare_bid', 'Part B immunosuppressive drug benefit from 2023-01-01 (billing-facts §2.2, addendum 2 §C)'),
    ('Part B ID',                'medicare_bid', 'common variant of "Part B-ID" (billing-facts addendum 2 §C)'),
    ('Medicare Part B Immunosuppressive Drug', 'medicare_bid', 'the benefit''s name on cms.gov/partbid-provider (billing-facts §2.2)'),
    ('Medicare Part B Immunosuppressive Drug Benefit', 'medicare_bid', 'the benefit''s full name (billing-facts §2.2)'),
    ('Medicare Part B-ID Immunosuppressive Drug Coverage', 'medicare_bid', 'common variant (billing-facts §2.2)'),
    ('Medicare DME',             'medicare', 'common variant: J7599 is billed to the DME MAC (billing-facts §2.2)'),
    ('DME MAC',                  'medicare', 'the Medicare contractor J7599 is billed to (billing-facts §2.2)'),
    ('Original Medicare',        'medicare', 'common variant'),
    ('Medicare FFS',             'medicare', 'common variant (fee-for-service)'),
    ('Medicare Fee-for-Service', 'medicare', 'common variant'),
    ('CMS',                      'medicare', 'common variant: the agency that runs Medicare'),
    -- Aetna
    ('Aetna Inc',                'aetna',    'common variant'),
    ('Aetna Health',             'aetna',    'common variant'),
    ('Aetna Life Insurance Company', 'aetna', 'common variant (the main Aetna insuring company)'),
    -- Blue Cross Blue Shield and licensees named in the research notes
    ('BCBS',                     'bcbs',     'common abbreviation'),
    ('Blue Cross',               'bcbs',     'common variant'),
    ('Blue Shield',              'bcbs',     'common variant'),
    ('Blue Cross and Blue Shield', 'bcbs',   'common variant'),
    ('Blue Cross Blue Shield Association', 'bcbs', 'the licensor of the Blue plans'),
    ('BCBSA',                    'bcbs',     'abbreviation of Blue Cross Blue Shield Association'),
    ('Anthem',                   'bcbs',     'Anthem is the BCBS licensee in its states (Anthem BCBS GA and ME in billing-facts addendum §3)'),
    ('Anthem Blue Cross Blue Shield', 'bcbs', 'BCBS licensee (billing-facts addendum §3)'),
    ('Anthem BCBS',              'bcbs',     'BCBS licensee (billing-facts addendum §3)'),
    ('BCBS Texas',               'bcbs',     'BCBS licensee (billing-facts §3 and addendum §3)'),
    ('BCBSTX',                   'bcbs',     'BCBS licensee (billing-facts §3 and addendum §3)'),
    ('Blue Cross and Blue Shield of Texas', 'bcbs', 'BCBS licensee (billing-facts addendum §3)'),
    ('BCBS Nebraska',            'bcbs',     'BCBS licensee (billing-facts addendum §3)'),
    ('Blue Cross and Blue Shield of Nebraska', 'bcbs', 'BCBS licensee (billing-facts addendum §3)'),
    ('Blue Cross NC',            'bcbs',     'BCBS licensee (billing-facts addendum §3)'),
    ('Blue Cross and Blue Shield of North Carolina', 'bcbs', 'BCBS licensee (billing-facts addendum §3)'),
    ('Florida Blue',             'bcbs',     'BCBS licensee (billing-facts addendum §3)'),
    ('Premera Blue Cross',       'bcbs',     'BCBS licensee (billing-facts addendum §3)'),
    ('Independence Blue Cross',  'bcbs',     'BCBS licensee (billing-facts §3)'),
    ('IBX',                      'bcbs',     'abbreviation of Independence Blue Cross (billing-facts §3)'),
    -- Cigna
    ('Cigna',                    'cigna',    'common variant'),
    ('CIGNA HealthCare',         'cigna',    'common variant (also matches "Cigna Healthcare")'),
    ('The Cigna Group',          'cigna',    'common variant (the parent company''s name)'),
    -- UnitedHealthcare
    ('UHC',                      'uhc',      'common abbreviation'),
    ('United Health',            'uhc',      'common variant'),
    ('UnitedHealth Group',       'uhc',      'common variant (the parent company''s name)'),
    -- BUCA
    ('BUCA',                     'buca',     'common variant of "BUCA plans"')
) AS v(alias, payer_id, source);

-- Patterns: POSIX regular expressions matched case-insensitively against the
-- payer text as written, tried only when no payer id and no exact alias
-- matches; the lowest priority wins.  Each is anchored and refuses names that
-- say Medicare or Advantage where the payer is not Original Medicare: a
-- carrier's Medicare Advantage plan ("Aetna Medicare", "UnitedHealthcare
-- Medicare Advantage", "Blue Cross Medicare Advantage") is neither Original
-- Medicare nor the carrier's commercial policy, and stays unresolved.  The
-- spellings each one is written for are listed in test/pgtap/payer_patterns.sql.
INSERT INTO j7599.payer_alias (alias, payer_id, source, match, priority, shipped)
SELECT v.alias, v.payer_id, v.source, 'pattern', v.priority, true
FROM (VALUES
    -- Medicare: Part B ("MEDICARE PART B", "Medicare Pt. B", "Medicare (Part B)"), ending there: Part B-ID has
    -- its exact aliases, which win
    ('^\s*(original\s+)?medicare\s*[-:,/(]?\s*((part|pt\.?)\s*-?\s*)?b\s*\)?\s*$', 'medicare', 10,
     'common spellings of Original Medicare Part B: immunosuppressive drugs are a Part B benefit (billing-facts §2.2); confidence: confirmed for the payer, the spellings are warehouse variants'),
    -- Medicare DME ("Medicare DMERC", "Medicare DME MAC Jurisdiction B", "Medicare - DME (Jurisdiction C)")
    ('^\s*medicare\s*[-:,/(]?\s*(dme\s*mac|dmerc|dme|durable\s+medical\s+equipment)(\s*[-:,/(]?\s*(jurisdiction|juris\.?|j)\s*[a-d])?\s*\)?\s*$', 'medicare', 11,
     'common spellings of the Medicare DME MAC, to which J7599 is billed (billing-facts §2.2); confidence: confirmed'),
    -- the DME MAC by jurisdiction ("DME MAC Jurisdiction A", "DMEMAC JC", "DMERC")
    ('^\s*(dme\s*mac|dmerc)\s*[-:,/(]?\s*((jurisdiction|juris\.?|j)\s*[a-d]\s*\)?)?\s*$', 'medicare', 12,
     'the Medicare DME MAC jurisdictions A to D (billing-facts §2.2); confidence: confirmed'),
    -- Aetna ("Aetna Better Health", "AETNA LIFE & CASUALTY", "Aetna Health Inc. (PA)"), not Aetna Medicare
    ('^(?!.*\y(medicare|advantage)\y)\s*aetna\y', 'aetna', 30,
     'Aetna''s commercial and Medicaid plan names begin with "Aetna" (seed document payer list); confidence: secondary (warehouse spellings)'),
    -- Cigna ("Cigna HealthCare of Texas", "CIGNA HEALTH AND LIFE INS CO"), not Cigna's Medicare plans or HealthSpring
    ('^(?!.*\y(medicare|advantage|healthspring)\y)\s*(the\s+)?cigna\y', 'cigna', 31,
     'Cigna''s plan and company names begin with "Cigna" (seed document "Cigna Health"); confidence: secondary (warehouse spellings)'),
    -- UnitedHealthcare ("UNITED HEALTHCARE INS CO", "UHC Community Plan", "United Health Care Choice Plus"),
    -- not its Medicare Advantage plans
    ('^(?!.*\y(medicare|advantage|aarp)\y)\s*(united\s*health\s*care|uhc)\y', 'uhc', 32,
     'UnitedHealthcare''s plan and company names begin with "UnitedHealthcare" or "UHC" (seed document payer list); confidence: secondary (warehouse spellings)'),
    -- Anthem, the BCBS licensee in its states ("Anthem Blue Cross", "Anthem Health Plans of Maine")
    ('^(?!.*\y(medicare|advantage)\y)\s*anthem\y', 'bcbs', 40,
     'Anthem is the BCBS licensee in its states (Anthem BCBS GA and ME in billing-facts addendum §3); confidence: secondary'),
    -- a Blue plan by state or licensee ("BCBS of Texas", "Blue Shield of California", "Highmark Blue Cross Blue
    -- Shield", "BCBSIL", "Regence BlueShield"), not a Blue Medicare Advantage plan
    ('^(?!.*\y(medicare|advantage)\y).*(\ybcbs|\yblue\s*cross\y|\yblue\s*shield\y)', 'bcbs', 41,
     'the Blue Cross and Blue Shield licensees carry the marks in their names (billing-facts §3 and addendum §3 name several); the project treats them as one payer (see the bcbs payer); confidence: secondary')
) AS v(alias, payer_id, priority, source);

-- Policies for J7599.  `valid` ranges of one payer never overlap.
INSERT INTO j7599.policy
    (policy_id, payer_id, code, valid,
     requires_ndc, requires_narrative, narrative_max_length, requires_prior_auth, dx_required, pos_allowed,
     max_units, supply_days_max, waste_modifier_required, kx_rule, bill_to,
     source, confidence, field_confidence, note, shipped)
VALUES
    -- Medicare: DME MAC, LCD L33824 / Policy Article A52474.  Two rows because
    -- the longest supply changed from 30 to 90 days on 2025-01-01.
    ('medicare-j7599-30day', 'medicare', 'J7599', '(,2025-01-01)',
     NULL, true, 80, NULL,
     '{Z94.0,Z94.1,Z94.2,Z94.3,Z94.4,Z94.81,Z94.82,Z94.83,Z94.84,Z94.89,T86.0,T86.1,T86.2,T86.3,T86.4,T86.5,T86.81,T86.85,T86.89}',
     NULL, NULL, 30, NULL, 'conditional', 'DME MAC',
     'DME MAC LCD L33824 / Policy Article A52474; narrative (drug name, strength, number dispensed, instructions) in '
     || '2400 NTE or item 19: CGS JB "Immunosuppressive Drugs - Units of Service" (2016-11-21) and Noridian JD DME; '
     || 'NTE limited to 80 characters: NGS "Billing for Immunosuppressive Drugs"; KX only with a transplant date before '
     || 'the date of service: NGS, Noridian JD DME; bill the DME MAC: CGS, IOM 100-04 Ch.17 §80.3; 30-day supply: '
     || 'IOM 100-04 Ch.17 §80.3, CGS JB (billing-facts §2.2, §2.3, CONFIRMED); dx_required inferred from the Noridian '
     || 'JD DME ICD-9 list "Immunosuppressive Drugs DIF Eliminated" (billing-facts addendum §1, UNCONFIRMED for ICD-10)',
     'confirmed', '{"dx_required": "assumed", "bill_to": "assumed"}',
     'The range is open to the past for convenience: KX exists since 2008-07-01 and A52474 since 2015-10-01. '
     || 'dx_required maps the ICD-9 list (V42.0/.1/.6/.7/.81-.84/.89, 996.81-996.87, 996.89) to ICD-10-CM Z94 and T86 '
     || 'prefixes; T86.5 (stem cell) is included although the ICD-9 list left out 996.88. The A52474 ICD-10 list itself '
     || 'was not readable. requires_ndc and waste_modifier_required are unknown for the DME MAC (billing-facts addendum §2); '
     || 'no MUE or prior authorisation was found (addendum §3, §4). '
     || 'bill_to: the DME MAC for self-administered drugs a supplier dispenses (CONFIRMED); a drug given incident to a '
     || 'physician''s service (office, POS 11) goes to the A/B MAC and a hospital outpatient department (POS 19, 22) '
     || 'bills under OPPS: the split for J7599 is UNCONFIRMED, so bill_to is assumed and says nothing about those lines '
     || '(billing-facts addendum 2 §E).',
     true),
    ('medicare-j7599-90day', 'medicare', 'J7599', '[2025-01-01,)',
     NULL, true, 80, NULL,
     '{Z94.0,Z94.1,Z94.2,Z94.3,Z94.4,Z94.81,Z94.82,Z94.83,Z94.84,Z94.89,T86.0,T86.1,T86.2,T86.3,T86.4,T86.5,T86.81,T86.85,T86.89}',
     NULL, NULL, 90, NULL, 'conditional', 'DME MAC',
     'DME MAC LCD L33824 / Policy Article A52474; narrative: CGS JB "Immunosuppressive Drugs - Units of Service" and '
     || 'Noridian JD DME; NTE limited to 80 characters: NGS "Billing for Immunosuppressive Drugs"; KX conditional: '
     || 'NGS, Noridian JD DME (2024 topic page); bill the DME MAC: CGS, IOM 100-04 Ch.17 §80.3; 90-day supply for '
     || 'dates of service from 2025-01-01: CMS MLN "Immunosuppressive Drugs" (billing-facts §2.2, §2.3, CONFIRMED); '
     || 'dx_required inferred from the Noridian JD DME ICD-9 list (billing-facts addendum §1, UNCONFIRMED for ICD-10)',
     'confirmed', '{"dx_required": "assumed", "bill_to": "assumed"}',
     'dx_required as in medicare-j7599-30day. requires_ndc and waste_modifier_required are unknown for the DME MAC '
     || '(billing-facts addendum §2: JW/JZ on J7599 not tied to A52474; most J7599 drugs are oral). '
     || 'bill_to: the DME MAC for self-administered drugs a supplier dispenses (CONFIRMED); for a drug given incident to '
     || 'a physician''s service (POS 11) or in a hospital outpatient department (POS 19, 22) the contractor is '
     || 'UNCONFIRMED, so bill_to is assumed (billing-facts addendum 2 §E).',
     true),

    -- Medicare Part B-ID: the kidney-only diagnoses; every other field comes
    -- from medicare through the cascade.
    ('medicare_bid-j7599', 'medicare_bid', 'J7599', '[2023-01-01,)',
     NULL, NULL, NULL, NULL, '{Z94.0,T86.1}', NULL, NULL, NULL, NULL, NULL, NULL,
     'Medicare Part B-ID from 2023-01-01, kidney transplant only (ESRD Medicare ended 36 months after the transplant): '
     || 'CMS MLN "Immunosuppressive Drugs"; SSA POMS HI 00805.400 (billing-facts §2.2 and addendum 2 §C, CONFIRMED); '
     || 'ICD-10-CM Z94.0 kidney transplant status, T86.1x complications of kidney transplant (billing-facts §6, addendum §1)',
     'confirmed', '{}',
     'Only the diagnosis list is Part B-ID''s own; narrative, KX, supply days and bill_to come from medicare. '
     || 'Part B-ID did not exist before 2023-01-01: a Part B-ID line dated earlier finds no row of its own here and '
     || 'falls back to medicare''s broader list.',
     true),

    -- UnitedHealthcare: NDC on professional drug lines.
    ('uhc-j7599', 'uhc', 'J7599', '[2017-01-01,)',
     true, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     'UnitedHealthcare NDC FAQ PCA-1-013826 (copies): professional claims with drug lines need NDC, quantity and unit '
     || 'for dates of service from 2017-01-01 (billing-facts §3, CONFIRMED)',
     'confirmed', '{}',
     'Facility outpatient claims: commercial plans from 2018-09-01; Medicare Advantage only for unlisted drug codes, '
     || 'which J7599 is. The quantity and unit go in 837 CTP04/CTP05 with the NDC in LIN03.',
     true),

    -- BCBS: the licensees found all want the NDC (and name and dose) on NOC
    -- drug lines, but each licensee sets its own rules.
    ('bcbs-j7599', 'bcbs', 'J7599', '(,)',
     true, true, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     'BCBS licensees: BCBS Texas "Unlisted Drug Codes" (NDC, unit and quantity, drug name and dosage on NOC lines); '
     || 'BCBS Nebraska RP-X-004, 2024-03-06 (narrative, dosage and NDC on unlisted drugs); Blue Cross NC NDC '
     || 'requirements (J7599 on the list, 2022); Florida Blue BlueLine 2009; Anthem BCBS GA (2019-11-01) and ME '
     || '(2020-12-16); Premera (2018-01-01); Independence BC (billing-facts §3 and addendum §3, each CONFIRMED)',
     'assumed', '{}',
     'Generalised from the licensees above to every BCBS plan, hence assumed. requires_narrative rests on BCBS Texas '
     || 'and Nebraska only. The licensees'' start dates run from 2009 to 2022, so the row is not dated. Add a payer '
     || 'per licensee (parent bcbs) to model one plan exactly.',
     true),

    -- BUCA group: what the commercial payers found have in common.
    ('buca-j7599', 'buca', 'J7599', '(,)',
     true, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     'NDC on NOC drug lines, generalised from the commercial payers found: UnitedHealthcare (2017), the BCBS licensees, '
     || 'Priority Health, Independence BC, Premera (billing-facts §3 and addendum §3, CONFIRMED each); nothing found for '
     || 'Aetna, and Cigna only for three named codes (2012, SECONDARY)',
     'assumed', '{}',
     'Applies to Aetna and Cigna only through the cascade; no Aetna or Cigna source says it.',
     true),

    -- Default: every payer in billing-facts §3 that publishes a NOC rule wants a
    -- narrative; the 80-character limit is that of the 837 fields.
    ('default-j7599', 'default', 'J7599', '(,)',
     NULL, true, 80, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     'narrative with drug name and dose on NOC drug lines: CMS IOM 100-04 Ch.26 (item 19), CGS, Palmetto, WPS, Novitas, '
     || 'BCBS Texas and Nebraska, Priority Health, DME MACs (billing-facts §2.3, §3, addendum §3); 80 characters: X12 005010 '
     || '837P SV101-7 and 2400 NTE02 are AN 1-80 (billing-facts §1.3, §2.3, CONFIRMED)',
     'assumed', '{"narrative_max_length": "confirmed"}',
     'requires_narrative is a generalisation over the payers found (assumed); the length limit is a format limit of '
     || 'the 837 (confirmed).',
     true);
