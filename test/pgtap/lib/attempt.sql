-- test/pgtap/lib/attempt.sql: pg_temp.attempt(sql) runs a statement and
-- returns how it ended as jsonb: {"state": "00000"} when it succeeded (its
-- effects undone), else the SQLSTATE, message and detail of its error.
-- Included with \ir by the suites that check refusals.
CREATE FUNCTION pg_temp.attempt(sql text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    st text; msg text; det text;
BEGIN
    BEGIN
        EXECUTE sql;
        RAISE EXCEPTION USING ERRCODE = 'JT000', MESSAGE = 'statement succeeded';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    END;
    IF st = 'JT000' THEN
        RETURN jsonb_build_object('state', '00000');
    END IF;
    RETURN jsonb_build_object('state', st, 'message', msg, 'detail', det);
END
$$;
