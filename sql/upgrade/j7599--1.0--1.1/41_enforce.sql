/*
 * Enforcement (41_enforce.sql): the trigger becomes AFTER INSERT OR UPDATE
 * FOR EACH ROW, so it checks the row as stored (generated columns computed,
 * every BEFORE trigger applied); inheritance children are enforced with their
 * parent, and an event trigger gives the trigger to tables that inherit from
 * an enforced table later.
 */
