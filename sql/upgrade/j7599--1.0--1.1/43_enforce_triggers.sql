-- Every enforcing trigger of its own (partitions get clones of their
-- parent's) is re-created as the AFTER trigger, with the same arguments.
DO $$
DECLARE
    rel regclass;
    quoted text;
BEGIN
    FOR rel IN SELECT tgrelid::regclass FROM pg_trigger
               WHERE tgname = 'j7599_enforce' AND tgparentid = 0 ORDER BY tgrelid
    LOOP
        SELECT string_agg(quote_literal(a), ', ' ORDER BY o) INTO quoted
        FROM unnest(j7599._enforce_trigger_args(rel)) WITH ORDINALITY AS x(a, o);
        EXECUTE format('DROP TRIGGER j7599_enforce ON %s', rel);
        EXECUTE format('CREATE TRIGGER j7599_enforce AFTER INSERT OR UPDATE ON %s '
                       'FOR EACH ROW EXECUTE FUNCTION j7599.enforce_trigger(%s)', rel, quoted);
    END LOOP;
END
$$;

-- Inheritance children of an enforced table that have no enforcing trigger
-- get a copy of their topmost enforced ancestor's (as j7599.enforce now
-- installs it); a child enforced on its own keeps its trigger.
DO $$
DECLARE
    rel regclass;
    quoted text;
BEGIN
    FOR rel IN SELECT c.oid::regclass FROM pg_class c
               WHERE c.relkind IN ('r', 'f') AND NOT c.relispartition
                 AND NOT EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'j7599_enforce')
                 AND j7599._enforcing_ancestor(c.oid) IS NOT NULL
               ORDER BY c.oid
    LOOP
        SELECT string_agg(quote_literal(a), ', ' ORDER BY o) INTO quoted
        FROM unnest(j7599._enforce_trigger_args(j7599._enforcing_ancestor(rel))) WITH ORDINALITY AS x(a, o);
        EXECUTE format('CREATE TRIGGER j7599_enforce AFTER INSERT OR UPDATE ON %s '
                       'FOR EACH ROW EXECUTE FUNCTION j7599.enforce_trigger(%s)', rel, quoted);
    END LOOP;
END
$$;
