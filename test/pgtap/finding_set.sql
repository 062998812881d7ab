-- test/pgtap/finding_set.sql: the set of findings behind audit_summary has no
-- room limit: one bit per (rule, severity) for every rule of the catalogue,
-- bits past 63 are counted, and audit_summary agrees with validate on them.
BEGIN;
SELECT plan(6);

SELECT is((SELECT count(*) FROM j7599._finding_bits()),
          (SELECT 3 * count(*) FROM j7599.rules()),
          'one bit per rule and severity, for every rule of the catalogue');
SELECT ok((SELECT max(bit_no) FROM j7599._finding_bits()) > 63,
          'the set reaches past 64 bits: it is not a bigint');
SELECT is((SELECT count(DISTINCT bit_no) FROM j7599._finding_bits()), (SELECT count(*) FROM j7599._finding_bits()),
          'every (rule, severity) has a bit of its own');
SELECT is(pg_catalog.length(j7599._finding_mask(line => NULL::text)) + pg_catalog.length(j7599._finding_mask(line => '99213')), 0,
          'a line without findings (NULL, or a CPT code with nothing to check) is the empty set');

-- KX_SUGGESTED and KX_WITHOUT_TRANSPLANT_DATE are the last rules of the
-- catalogue: their bits are past 63
CREATE TEMP TABLE fs_claims (id int PRIMARY KEY, line text, payer text, dos date, units numeric, note text,
                             transplant date);
INSERT INTO fs_claims
SELECT g, CASE WHEN g % 2 = 0 THEN 'J7599-KX' ELSE 'J7599' END, 'Medicare', '2025-03-01', 1,
       'voclosporin 7.9 mg capsule, 180 dispensed', CASE WHEN g % 2 = 1 THEN DATE '2020-01-01' END
FROM generate_series(1, 40) AS g;
SELECT j7599.register('fs_claims', line => 'line', payer => 'payer', service_date => 'dos', units => 'units',
                      narrative => 'note', transplant_date => 'transplant');
SELECT ok((SELECT bool_and(b.bit_no > 63) FROM j7599._finding_bits() AS b
            WHERE b.rule IN ('KX_SUGGESTED', 'KX_WITHOUT_TRANSPLANT_DATE')),
          'the KX rules sit past bit 63');
SELECT set_eq($$SELECT rule, severity, rows_violated FROM j7599.audit_summary('fs_claims')
                WHERE rule IN ('KX_SUGGESTED', 'KX_WITHOUT_TRANSPLANT_DATE')$$,
              $$SELECT f.rule, f.severity, count(*) FROM fs_claims AS c,
                       LATERAL j7599.validate(line => c.line, payer => c.payer, service_date => c.dos, units => c.units,
                                              narrative => c.note, transplant_date => c.transplant) AS f
                 WHERE f.rule IN ('KX_SUGGESTED', 'KX_WITHOUT_TRANSPLANT_DATE') GROUP BY 1, 2$$,
              'audit_summary counts the findings whose bits are past 63, as validate finds them');

SELECT * FROM finish();
ROLLBACK;
