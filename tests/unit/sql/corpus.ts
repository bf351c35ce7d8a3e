/**
 * Attack and false-positive corpus for the SQL guard (S4, B1, B4). Every REJECT entry must be refused with
 * its code; every ALLOW entry is realistic analyst SQL that must pass — a false rejection is a bug too.
 * guard.test.ts runs each entry through checkSelect.
 */
import type { GuardCode } from '@/lib/sql/result';

export type CorpusEntry = {
  sql: string;
  expect: 'ALLOW' | 'REJECT';
  code?: GuardCode;
  why: string;
  dialect?: 'postgres' | 'clickhouse';
  /** Placeholder names bound before checking, as SQL metrics do. */
  placeholders?: readonly string[];
};

type Extra = Pick<CorpusEntry, 'dialect' | 'placeholders'>;

const allow = (sql: string, why: string, extra: Extra = {}): CorpusEntry => ({
  sql,
  expect: 'ALLOW',
  why,
  ...extra,
});
const reject = (code: GuardCode, sql: string, why: string, extra: Extra = {}): CorpusEntry => ({
  sql,
  expect: 'REJECT',
  code,
  why,
  ...extra,
});

const METRIC = { placeholders: ['start', 'end'] } as const;
const CH = { dialect: 'clickhouse' } as const;
const CH_METRIC = { dialect: 'clickhouse', placeholders: ['start', 'end'] } as const;

const multiStatement: CorpusEntry[] = [
  reject('not_single_statement', 'select 1; select 2', 'two statements'),
  reject('not_single_statement', 'select 1 --\n; commit', 'a line comment does not hide the next statement'),
  reject('not_single_statement', 'select 1 --\r; drop table t', 'a carriage return ends a line comment too'),
  reject('not_single_statement', 'commit; select 1', 'transaction escape before the select'),
  reject('not_single_statement', 'select 1; commit; begin', 'transaction escape after the select'),
  reject('not_select', 'begin', 'BEGIN alone'),
  reject('not_select', 'commit', 'COMMIT alone'),
  reject('not_select', 'rollback', 'ROLLBACK alone'),
  reject('not_select', 'start transaction read write', 'START TRANSACTION READ WRITE'),
  reject('not_select', 'set transaction read write', 'SET TRANSACTION READ WRITE'),
  reject('not_select', 'savepoint s', 'SAVEPOINT'),
  reject('not_select', 'end', 'END is COMMIT'),
  reject('not_single_statement', 'select 1;;select 2', 'empty statement between two'),
  reject(
    'not_single_statement',
    "select '\\'; drop table t; --'",
    'standard strings do not escape with backslash',
  ),
  reject('not_single_statement', 'select 1 /* c */; delete from t', 'statement after a block comment'),
  reject('not_single_statement', 'select 1;\nselect pg_sleep(10)', 'second statement on a new line'),
  reject('not_single_statement', '', 'empty input'),
  reject('not_single_statement', '   \n\t ', 'whitespace only'),
  reject('not_single_statement', '-- just a comment', 'comment only'),
  reject('not_single_statement', ';', 'a lone semicolon'),
];

const commentQuoteTricks: CorpusEntry[] = [
  allow('select 1 /* ; */', 'a semicolon inside a block comment'),
  allow('select 1 /* /* nested */ ; select 2 */', 'nested comment keeps the second select inside it'),
  reject(
    'syntax',
    'select 1 /* /* */ ; select 2',
    'an unclosed nested comment is a syntax error, not a hidden statement',
  ),
  allow('select $$;drop table t$$', 'dollar-quoted text with a semicolon'),
  allow('select $q$ $$ ; drop table t $$ $q$', 'tagged dollar quote containing $$'),
  allow("select E'\\'; drop table t; --'", 'E-string backslash escape keeps everything in one string'),
  allow("select E'\\''", "E'\\'' is a single quote"),
  allow("select U&'\\0027; drop table t; --'", 'unicode-escaped quote stays inside the string'),
  allow("select 'a'';drop table t;--'", 'doubled quote inside a string'),
  allow('select "a"";drop" from t', 'doubled double-quote inside a quoted identifier'),
  allow('select 1 -- ; drop table t', 'trailing line comment with a semicolon'),
  reject('denied_function', 'select U&"pg_sl\\0065ep"(1)', 'unicode-escape identifier decodes to pg_sleep'),
  reject(
    'denied_function',
    'select U&"!0070g_sleep" UESCAPE \'!\' (1)',
    'custom UESCAPE character decodes to pg_sleep',
  ),
  reject('denied_function', 'select "pg_sleep"(1)', 'quoted function name'),
  reject('denied_function', 'select "PG_SLEEP"(1)', 'quoted upper-case name is rejected conservatively'),
  reject('denied_function', 'select PG_SLEEP(1)', 'unquoted upper-case name folds to pg_sleep'),
  reject('denied_function', 'select pg_sleep/**/(1)', 'comment between name and parenthesis'),
  reject('syntax', "select 'unterminated", 'unterminated string'),
  reject('syntax', 'select $$unterminated', 'unterminated dollar quote'),
  reject('syntax', 'select "unterminated', 'unterminated quoted identifier'),
];

const hiddenWrites: CorpusEntry[] = [
  reject('write', 'with x as (delete from t returning *) select * from x', 'data-modifying CTE: delete'),
  reject(
    'write',
    'with x as (insert into t values (1) returning *) select * from x',
    'data-modifying CTE: insert',
  ),
  reject('write', 'with x as (update t set a = 1 returning *) select 1', 'data-modifying CTE: update'),
  reject(
    'write',
    'with x as (merge into t using s on t.id = s.id when matched then delete returning t.*) select * from x',
    'data-modifying CTE: merge',
  ),
  reject(
    'write',
    'with a as (select 1), b as (delete from t returning 1) select * from a, b',
    'write in the second CTE',
  ),
  reject(
    'write',
    'select * from (with x as (delete from t returning 1) select * from x) s',
    'data-modifying CTE inside a subquery',
  ),
  reject(
    'write',
    'with outer_cte as (with inner_cte as (delete from t returning 1) select * from inner_cte) select * from outer_cte',
    'write in a nested WITH',
  ),
  reject('write', 'insert into t select 1', 'top-level INSERT'),
  reject('write', 'update t set a = 1', 'top-level UPDATE'),
  reject('write', 'delete from t', 'top-level DELETE'),
  reject('write', 'merge into t using s on true when matched then do nothing', 'top-level MERGE'),
  reject('select_into', 'select * into t from x', 'SELECT INTO'),
  reject('select_into', 'select 1 into temp t', 'SELECT INTO TEMP'),
  reject('select_into', 'select * into unlogged t2 from t', 'SELECT INTO UNLOGGED'),
  reject('not_select', 'create table t as select 1', 'CREATE TABLE AS'),
  reject('not_select', 'create temp view v as select 1', 'CREATE VIEW'),
  reject('locking', 'select * from t for update', 'FOR UPDATE'),
  reject('locking', 'select * from t for share', 'FOR SHARE'),
  reject('locking', 'select * from t for no key update', 'FOR NO KEY UPDATE'),
  reject('locking', 'select * from t for key share', 'FOR KEY SHARE'),
  reject('locking', 'select * from x for update skip locked', 'FOR UPDATE SKIP LOCKED'),
  reject('locking', 'select * from t for update nowait', 'FOR UPDATE NOWAIT'),
  reject(
    'locking',
    '(select 1 from t for update) union all select 2',
    'locking clause inside a set-operation arm',
  ),
  reject('locking', 'with x as (select * from t for update) select * from x', 'locking clause inside a CTE'),
  reject('locking', 'select * from (select * from t for share) s', 'locking clause inside a subquery'),
  reject('not_select', 'explain analyze delete from t', 'EXPLAIN ANALYZE runs the DELETE'),
  reject('not_select', 'explain select 1', 'EXPLAIN of a select'),
];

const utilityAndSession: CorpusEntry[] = [
  reject('not_select', 'copy t to stdout', 'COPY TO'),
  reject('not_select', "copy (select 1) to program 'id'", 'COPY TO PROGRAM'),
  reject('not_select', "copy t from '/etc/passwd'", 'COPY FROM a server file'),
  reject('not_select', 'lock table t in access exclusive mode', 'LOCK'),
  reject('not_select', 'set statement_timeout = 0', 'SET'),
  reject('not_select', 'set local statement_timeout = 0', 'SET LOCAL'),
  reject('not_select', 'reset all', 'RESET'),
  reject('not_select', 'set role postgres', 'SET ROLE'),
  reject('not_select', 'set session authorization postgres', 'SET SESSION AUTHORIZATION'),
  reject('not_select', 'discard all', 'DISCARD'),
  reject('not_select', 'listen ch', 'LISTEN'),
  reject('not_select', "notify ch, 'x'", 'NOTIFY'),
  reject('not_select', 'do $$ begin perform pg_sleep(1); end $$', 'DO block'),
  reject('not_select', 'call p()', 'CALL'),
  reject('not_select', 'prepare p as select 1', 'PREPARE'),
  reject('not_select', 'execute p', 'EXECUTE'),
  reject('not_select', 'deallocate all', 'DEALLOCATE'),
  reject('not_select', 'vacuum t', 'VACUUM'),
  reject('not_select', 'analyze t', 'ANALYZE'),
  reject('not_select', 'refresh materialized view mv', 'REFRESH MATERIALIZED VIEW'),
  reject('not_select', 'grant select on t to public', 'GRANT'),
  reject('not_select', 'revoke select on t from public', 'REVOKE'),
  reject('not_select', "alter system set work_mem = '1GB'", 'ALTER SYSTEM'),
  reject('not_select', 'checkpoint', 'CHECKPOINT'),
  reject('not_select', "load 'auto_explain'", 'LOAD'),
  reject('not_select', 'import foreign schema s from server x into y', 'IMPORT FOREIGN SCHEMA'),
  reject('not_select', "security label on table t is 'x'", 'SECURITY LABEL'),
  reject('not_select', 'show all', 'SHOW is a utility statement'),
  reject('not_select', 'declare c cursor for select 1', 'DECLARE CURSOR'),
  reject('not_select', 'truncate t', 'TRUNCATE'),
  reject('not_select', 'drop table t', 'DROP'),
  reject('not_select', 'create extension dblink', 'CREATE EXTENSION'),
  reject('not_select', "comment on table t is 'x'", 'COMMENT ON'),
  allow('values (1), (2)', 'VALUES is a SelectStmt and reads nothing'),
  allow('table orders', 'TABLE is shorthand for SELECT * FROM'),
];

const dangerousFunctions: CorpusEntry[] = [
  reject('denied_function', 'select pg_sleep(1)', 'pg_sleep'),
  reject('denied_function', "select pg_sleep_for('1 minute')", 'pg_sleep_for'),
  reject('denied_function', "select pg_sleep_until(now() + interval '1 minute')", 'pg_sleep_until'),
  reject('denied_function', 'select pg_catalog.pg_sleep(1)', 'schema-qualified pg_sleep'),
  reject('denied_function', 'select * from t where pg_sleep(1) is not null', 'in WHERE'),
  reject('denied_function', 'select * from t order by pg_sleep(1)', 'in ORDER BY'),
  reject('denied_function', 'select a from t group by a having count(pg_sleep(1)) > 0', 'in HAVING'),
  reject('denied_function', 'select (select pg_sleep(1))', 'in a scalar subquery'),
  reject('denied_function', 'select exists (select pg_sleep(1))', 'in EXISTS'),
  reject('denied_function', 'with x as (select pg_sleep(1)) select * from x', 'in a CTE'),
  reject('denied_function', 'select * from t cross join lateral (select pg_sleep(1)) s', 'in a lateral join'),
  reject('denied_function', 'select * from pg_sleep(1)', 'as a table function'),
  reject('denied_function', 'select * from rows from (pg_sleep(1))', 'in ROWS FROM'),
  reject('denied_function', 'select generate_series(1, 3, step => pg_sleep(1)::int)', 'as a named argument'),
  reject('denied_function', 'select coalesce(null, pg_sleep(1))', 'inside COALESCE'),
  reject('denied_function', 'select case when true then pg_sleep(1) end', 'inside CASE'),
  reject('denied_function', 'select array[pg_sleep(1)]', 'inside an ARRAY constructor'),
  reject('denied_function', 'values (pg_sleep(1))', 'inside VALUES'),
  reject('denied_function', 'select 1 from t tablesample system (pg_sleep(1))', 'in a TABLESAMPLE argument'),
  reject('denied_function', 'select sum(x) over (order by pg_sleep(1)) from t', 'in a window ORDER BY'),
  reject(
    'denied_function',
    'select count(*) filter (where pg_sleep(1) is null) from t',
    'in an aggregate FILTER',
  ),
  reject('denied_function', "select pg_read_file('/etc/passwd')", 'pg_read_file'),
  reject('denied_function', "select pg_read_binary_file('/etc/passwd')", 'pg_read_binary_file'),
  reject('denied_function', "select * from pg_ls_dir('.')", 'pg_ls_dir'),
  reject('denied_function', "select pg_stat_file('postgresql.conf')", 'pg_stat_file'),
  reject('denied_function', 'select * from pg_logdir_ls()', 'pg_logdir_ls'),
  reject('denied_function', "select lo_import('/etc/passwd')", 'lo_import'),
  reject('denied_function', "select lo_export(1234, '/tmp/x')", 'lo_export'),
  reject('denied_function', "select lo_from_bytea(0, 'x')", 'lo_from_bytea runs even in READ ONLY'),
  reject('denied_function', 'select lo_create(0)', 'lo_create runs even in READ ONLY'),
  reject('denied_function', "select lowrite(0, 'x')", 'lowrite runs even in READ ONLY'),
  reject('denied_function', 'select loread(0, 10)', 'loread'),
  reject('denied_function', 'select lo_unlink(1234)', 'lo_unlink'),
  reject('denied_function', "select * from dblink('host=x', 'select 1') as t(a int)", 'dblink'),
  reject('denied_function', "select public.dblink('host=x', 'select 1')", 'schema-qualified dblink'),
  reject('denied_function', 'select "DbLink"(\'x\')', 'quoted mixed-case dblink, rejected conservatively'),
  reject('denied_function', "select dblink_exec('host=x', 'drop table t')", 'dblink_exec'),
  reject('denied_function', "select dblink_connect('c', 'host=x')", 'dblink_connect'),
  reject('denied_function', 'select pg_terminate_backend(1)', 'pg_terminate_backend'),
  reject('denied_function', 'select pg_cancel_backend(1)', 'pg_cancel_backend'),
  reject('denied_function', 'select pg_reload_conf()', 'pg_reload_conf'),
  reject('denied_function', 'select pg_rotate_logfile()', 'pg_rotate_logfile'),
  reject('denied_function', "select set_config('default_transaction_read_only', 'off', false)", 'set_config'),
  reject('denied_function', 'select pg_advisory_lock(1)', 'session advisory lock'),
  reject('denied_function', 'select pg_advisory_xact_lock(1)', 'transaction advisory lock'),
  reject('denied_function', 'select pg_try_advisory_lock(1)', 'try advisory lock'),
  reject('denied_function', 'select pg_advisory_unlock_all()', 'advisory unlock'),
  reject('denied_function', "select nextval('s')", 'nextval'),
  reject('denied_function', "select setval('s', 1)", 'setval'),
  reject('denied_function', "select pg_notify('ch', 'x')", 'pg_notify'),
  reject(
    'denied_function',
    "select query_to_xml('delete from t', true, true, '')",
    'query_to_xml runs SQL text',
  ),
  reject(
    'denied_function',
    "select query_to_xml_and_xmlschema('select 1', true, true, '')",
    'query_to_xml family',
  ),
  reject('denied_function', "select table_to_xml('t', true, true, '')", 'table_to_xml'),
  reject('denied_function', "select cursor_to_xml('c', 1, true, true, '')", 'cursor_to_xml'),
  reject('denied_function', "select database_to_xml(true, true, '')", 'database_to_xml'),
  reject('denied_function', "select schema_to_xml('public', true, true, '')", 'schema_to_xml'),
  reject(
    'denied_function',
    "select * from ts_stat('select pg_sleep(1)::text::tsvector')",
    'ts_stat runs SQL text',
  ),
  reject(
    'denied_function',
    "select * from crosstab('select 1, 2, 3') as t(a int, b int)",
    'crosstab runs SQL text',
  ),
  reject('denied_function', 'select pg_export_snapshot()', 'pg_export_snapshot'),
  reject('denied_function', "select pg_create_restore_point('x')", 'pg_create_restore_point'),
  reject('denied_function', 'select pg_switch_wal()', 'pg_switch_wal'),
  reject('denied_function', 'select pg_promote()', 'pg_promote'),
  reject('denied_function', "select pg_backup_start('x')", 'pg_backup_start'),
  reject('denied_function', "select pg_start_backup('x')", 'pg_start_backup'),
  reject(
    'denied_function',
    "select pg_import_system_collations('pg_catalog')",
    'pg_import_system_collations',
  ),
  reject('denied_function', "select pg_file_write('x', 'y', false)", 'pg_file_write'),
  reject('denied_function', "select pg_file_unlink('x')", 'pg_file_unlink'),
  reject('denied_function', "select pg_file_rename('x', 'y')", 'pg_file_rename'),
  reject('denied_function', "select pg_logical_emit_message(true, 'x', 'y')", 'pg_logical_emit_message'),
  reject('denied_function', "select pg_drop_replication_slot('s')", 'pg_drop_replication_slot'),
  reject('denied_function', 'select pg_stat_reset()', 'pg_stat_reset'),
];

const oddText: CorpusEntry[] = [
  reject('bad_text', 'select 1\u0000; drop table t', 'NUL byte'),
  reject('bad_text', "select '\uD800'", 'lone high surrogate'),
  reject('bad_text', "select '\uDC00'", 'lone low surrogate'),
  reject('bad_text', "select 'abc\u202Edef'", 'right-to-left override'),
  reject('bad_text', 'select 1 /* \u2066 */', 'isolate control inside a comment'),
  reject('bad_text', 'select 1 \u001b[2J', 'terminal escape control character'),
  reject('too_large', `select '${'x'.repeat(1024 * 1024)}'`, '1 MB input'),
  reject('too_large', `select '${'é'.repeat(60 * 1024)}'`, 'over 100 KB in UTF-8 but under 100 K characters'),
  reject('too_deep', `select ${'('.repeat(10_000)}1${')'.repeat(10_000)}`, '10,000 nested parentheses'),
  reject('too_deep', `select ${'('.repeat(201)}1${')'.repeat(201)}`, '201 nested parentheses'),
  reject(
    'too_deep',
    `select ${'1+'.repeat(20_000)}1`,
    'a 20,000-term sum that would overflow the parser stack',
  ),
  reject('too_deep', `select 1${' union select 1'.repeat(6_000)}`, 'a 6,000-arm UNION chain'),
  reject(
    'bad_text',
    `select 1 ${'/*'.repeat(50_000)}`,
    '50,000 comment openers (quadratic in the Postgres lexer)',
  ),
  reject('bad_text', `select 1 ${'/**/'.repeat(20_000)}`, 'a long run of empty comments'),
  reject('bad_text', `select 1 ${'+'.repeat(300)} 1`, 'a 300-character operator'),
  reject(
    'syntax',
    `select 1 ${'/* '.repeat(30_000)}`,
    '30,000 nested unterminated comments separated by spaces',
  ),
  reject('syntax', `select ${"'".repeat(50_001)}`, '50,001 quotes: unterminated string'),
  allow(`select ${"'".repeat(50_000)}`, '50,000 quotes: one string of doubled quotes'),
  reject('syntax', `select ${'"'.repeat(50_001)}`, '50,001 double quotes'),
  reject('syntax', `select ${'$$'.repeat(25_000)}`, 'many adjacent dollar quotes'),
];

const placeholders: CorpusEntry[] = [
  allow(
    "select date_trunc('day', created_at) as bucket, count(*) as value from orders where created_at >= {{start}} and created_at < {{end}} group by 1",
    'SQL metric with both placeholders',
    METRIC,
  ),
  allow('select {{start}}::timestamptz as bucket, 1 as value', 'placeholder with a cast', METRIC),
  allow('select 1 as value -- {{unknown}} in a comment is ignored', 'placeholder text in a comment', METRIC),
  reject(
    'template',
    "select 1 where created_at >= '{{start}}'",
    'placeholder inside a string literal',
    METRIC,
  ),
  reject('template', 'select "{{start}}" from t', 'placeholder inside a quoted identifier', METRIC),
  reject('template', 'select $${{start}}$$', 'placeholder inside a dollar-quoted string', METRIC),
  reject('template', 'select 1 where x > {{startDate}}', 'unknown placeholder name', METRIC),
  reject('template', 'select 1 where x > {{start}', 'malformed placeholder', METRIC),
  reject('template', 'select 1 where x > $1', 'hand-written positional parameter', METRIC),
  reject('template', 'select 1 where x > {{start}}', 'placeholder where none are allowed'),
  reject('template', 'select $1', 'positional parameter where none are allowed'),
];

const clickhouse: CorpusEntry[] = [
  allow(
    'SELECT toStartOfHour(ts) AS bucket, count() AS value FROM events WHERE ts >= {{start}} AND ts < {{end}} GROUP BY bucket ORDER BY bucket',
    'ClickHouse SQL metric',
    CH_METRIC,
  ),
  allow(
    "SELECT countIf(status = 'ok') AS ok, quantile(0.9)(latency_ms) AS p90 FROM requests",
    'conditional aggregates',
    CH,
  ),
  allow('SELECT number FROM numbers(10)', 'numbers() stays allowed', CH),
  allow('WITH 1 AS x SELECT x', 'ClickHouse WITH expression', CH),
  allow("SELECT 'it''s; SETTINGS readonly=0' AS s", 'keywords inside a string', CH),
  allow('SELECT `weird name` FROM t -- trailing comment', 'backtick identifier and comment', CH),
  reject('settings', 'SELECT 1 SETTINGS readonly=0', 'SETTINGS clause', CH),
  reject(
    'settings',
    "SELECT 'a\\'', 1 SETTINGS readonly=0 --'",
    'backslash-escaped quote does not hide SETTINGS',
    CH,
  ),
  reject('table_function', "SELECT * FROM url('http://169.254.169.254/', CSV, 'a String')", 'url()', CH),
  reject('table_function', "SELECT * FROM file('/etc/passwd', 'LineAsString')", 'file()', CH),
  reject('table_function', "SELECT * FROM remote('other:9000', db.t)", 'remote()', CH),
  reject('table_function', "SELECT * FROM s3('https://bucket/x.csv')", 's3()', CH),
  reject(
    'table_function',
    "SELECT * FROM `url`('http://x', CSV, 'a String')",
    'quoted table function name',
    CH,
  ),
  reject('denied_function', 'SELECT sleep(3)', 'sleep()', CH),
  reject('settings', 'SELECT 1 FORMAT JSON', 'FORMAT clause', CH),
  reject('select_into', "SELECT 1 INTO OUTFILE '/tmp/x'", 'INTO OUTFILE', CH),
  reject('not_single_statement', 'SELECT 1; SELECT 2', 'two statements', CH),
  reject('write', 'INSERT INTO t SELECT 1', 'INSERT', CH),
  reject('not_select', 'SHOW TABLES', 'SHOW', CH),
  reject('syntax', 'SELECT 1 # SETTINGS readonly=0', 'hash comments are refused', CH),
];

/** Realistic analyst SQL (plus a few edge shapes) that must pass. */
const analystSql: CorpusEntry[] = [
  allow('select 1', 'trivial select'),
  allow('select 1;', 'trailing semicolon'),
  allow(
    "select date_trunc('day', created_at) as bucket, count(*) as value from orders group by 1 order by 1",
    'daily count',
  ),
  allow(
    "with daily as (select date_trunc('day', created_at) as d, sum(amount) as revenue from orders group by 1) select d, revenue, avg(revenue) over (order by d rows between 6 preceding and current row) as ma7 from daily",
    'CTE with a moving-average window',
  ),
  allow(
    'select user_id, row_number() over (partition by user_id order by created_at) as rn from events',
    'row_number window',
  ),
  allow(
    "select * from generate_series(date '2024-01-01', date '2024-01-31', interval '1 day') as d(day)",
    'generate_series calendar',
  ),
  allow(
    "select count(*) filter (where status = 'completed') as completed, count(*) as total from orders",
    'FILTER (WHERE …)',
  ),
  allow(
    'select percentile_cont(0.9) within group (order by latency_ms) as p90 from requests',
    'percentile_cont',
  ),
  allow('select count(distinct user_id) from events', 'count distinct'),
  allow(
    "select case when amount > 100 then 'large' when amount > 10 then 'medium' else 'small' end as size, count(*) from orders group by 1",
    'CASE buckets',
  ),
  allow('select coalesce(sum(amount), 0) as value from orders', 'coalesce'),
  allow("select 1 where note = '; drop table users; --'", 'string literal containing ; drop table'),
  allow("select '-- not a comment' as s", '-- inside a string'),
  allow("select '/* not a comment */' as s", '/* inside a string'),
  allow(
    'select delete_flag, update_at, insert_id, created_by from accounts',
    'identifiers that look like keywords',
  ),
  allow('select "select", "from", "delete" from weird_table', 'quoted reserved words as columns'),
  allow(
    'select u.id, l.last_order from users u left join lateral (select max(created_at) as last_order from orders o where o.user_id = u.id) l on true',
    'LATERAL join',
  ),
  allow(
    "select 'web' as channel, count(*) from web_orders union all select 'app', count(*) from app_orders",
    'UNION ALL',
  ),
  allow(
    'select * from users u where exists (select 1 from orders o where o.user_id = u.id)',
    'EXISTS subquery',
  ),
  allow('select * from users where id not in (select user_id from banned)', 'NOT IN subquery'),
  allow("select now() - interval '1 day' as yesterday", "interval '1 day' and now()"),
  allow("select payload->>'kind' as kind, payload #>> '{a,b}' as nested from events", 'JSON operators'),
  allow('select * from events where payload @> \'{"kind": "signup"}\'::jsonb', 'jsonb containment'),
  allow("select jsonb_array_elements(payload->'items') from events", 'jsonb set-returning function'),
  allow("select currval('orders_id_seq')", 'currval is allowed'),
  allow("select current_setting('statement_timeout')", 'current_setting is allowed'),
  allow('select txid_current()', 'txid_* is allowed'),
  allow("select pg_typeof(1), pg_size_pretty(pg_total_relation_size('orders'))", 'harmless pg_* functions'),
  allow(
    "select lower(email), lpad(code, 5, '0'), log(10, 100) from users",
    'names that start like denied ones',
  ),
  allow("select xpath('/a/text()', '<a>x</a>'::xml)", 'xpath is fine'),
  allow('select * from orders tablesample bernoulli (10) repeatable (42)', 'TABLESAMPLE'),
  allow(
    'with recursive r(n) as (select 1 union all select n + 1 from r where n < 10) select * from r',
    'recursive CTE',
  ),
  allow('select extract(epoch from created_at) from orders', 'EXTRACT'),
  allow("select to_char(created_at, 'YYYY-MM') as month, sum(amount) from orders group by 1", 'to_char'),
  allow(
    "select date_trunc('week', created_at at time zone 'Europe/Paris') as bucket, count(*) from orders group by 1",
    'AT TIME ZONE',
  ),
  allow('select a.id from a join b using (id) full outer join c on c.id = a.id', 'joins'),
  allow(
    'select dim, value from (select country as dim, count(*) as value from users group by 1) s order by value desc limit 10',
    'derived table with LIMIT',
  ),
  allow(
    'select distinct on (user_id) user_id, created_at from events order by user_id, created_at desc',
    'DISTINCT ON',
  ),
  allow("select string_agg(name, ', ' order by name) from tags", 'ordered aggregate'),
  allow('select array_agg(x) from (values (1), (2)) v(x)', 'VALUES in FROM'),
  allow('select greatest(a, b), least(a, b), nullif(a, 0) from t', 'GREATEST/LEAST/NULLIF'),
  allow('select amount::numeric(12, 2), cast(qty as bigint) from orders', 'casts'),
  allow(
    'select * from orders where created_at between $$2024-01-01$$ and $$2024-02-01$$',
    'dollar-quoted dates',
  ),
  allow(
    'select grouping(country), country, sum(amount) from orders group by rollup (country)',
    'ROLLUP and GROUPING',
  ),
  allow(
    'select * from orders order by created_at desc nulls last limit 100 offset 10',
    'ORDER BY … NULLS LAST',
  ),
  allow("select x from t where name ilike '%acme%' and code similar to '[A-Z]+'", 'ILIKE / SIMILAR TO'),
  allow("select x from t where tags && array['a', 'b']", 'array overlap'),
  allow(
    'select width_bucket(amount, 0, 1000, 10), count(*) from orders group by 1',
    'width_bucket histogram',
  ),
  allow(
    "select date_bin('15 minutes', created_at, timestamp '2000-01-01') as bucket, count(*) from events group by 1",
    'date_bin',
  ),
  allow(
    'select first_value(amount) over w, lag(amount) over w from orders window w as (partition by user_id order by created_at)',
    'named WINDOW',
  ),
  allow('select 1 as "Value With Spaces"', 'quoted alias'),
  allow('select é from t', 'non-ASCII identifier'),
  allow("select 'naïve café 😀' as s", 'non-ASCII string'),
  allow('(select 1) union all (select 2) order by 1', 'parenthesised set operation'),
  allow("select * from json_table('[1]'::jsonb, '$[*]' columns (a int path '$')) j", 'JSON_TABLE'),
  allow(`select ${'('.repeat(150)}1${')'.repeat(150)}`, '150 nested parentheses are fine'),
  allow(
    `select ${Array.from({ length: 300 }, (_, i) => `c${i}`).join(' + ')} from t`,
    'a 300-term sum is fine',
  ),
  allow(
    `select case ${Array.from({ length: 500 }, (_, i) => `when code = ${i} then 'label ${i}'`).join(' ')} end from t`,
    'a 500-branch CASE is flat',
  ),
  allow(
    `select * from t where id in (${Array.from({ length: 5000 }, (_, i) => i).join(', ')})`,
    'a 5,000-item IN list is flat',
  ),
  allow('select 1 -- trailing comment', 'trailing line comment'),
  allow('/* leading comment */ select 1', 'leading block comment'),
];

export const CORPUS: readonly CorpusEntry[] = [
  ...multiStatement,
  ...commentQuoteTricks,
  ...hiddenWrites,
  ...utilityAndSession,
  ...dangerousFunctions,
  ...oddText,
  ...placeholders,
  ...clickhouse,
  ...analystSql,
];
