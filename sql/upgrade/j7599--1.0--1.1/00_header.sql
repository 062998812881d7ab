/*
 * j7599 1.0 -> 1.1.  Each part below mirrors a change to sql/install/; the
 * upgrade test (test/shell/upgrade.sh) checks that an upgraded database and a
 * fresh 1.1 install end up identical.
 */
