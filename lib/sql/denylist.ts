/**
 * Postgres functions user SQL may not call, matched on the function's final name part, lower-cased, after the
 * parser has unquoted it and decoded U&"..." escapes. Lower-casing is deliberately conservative: `"DbLink"`
 * is a different function in Postgres, but nobody needs one, and rejecting it closes the case-folding gap.
 *
 * This list is defence in depth (S4/S5): the sandbox (READ ONLY, timeouts, rollback, DISCARD ALL) and the
 * warehouse role's privileges (S6) are what actually contain user SQL.
 */

/** Whole families, by prefix. */
const DENIED_PREFIXES: readonly string[] = [
  'pg_sleep', // pg_sleep, pg_sleep_for, pg_sleep_until
  'lo_', // large objects: lo_import, lo_export, lo_from_bytea, lo_create, lo_unlink, lo_put, …
  'dblink', // dblink, dblink_exec, dblink_connect, dblink_send_query, …
  'pg_advisory_', // session and transaction advisory locks survive or block other jobs
  'pg_try_advisory_',
  'pg_read_', // pg_read_file, pg_read_binary_file
  'pg_ls_', // pg_ls_dir, pg_ls_logdir, pg_ls_waldir, pg_ls_tmpdir, pg_ls_archive_statusdir
  'pg_file_', // adminpack: pg_file_write, pg_file_unlink, pg_file_rename, pg_file_sync
  'pg_stat_reset', // pg_stat_reset, pg_stat_reset_shared, pg_stat_reset_single_table_counters, …
  'pg_create_', // pg_create_restore_point, replication slot creation
  'pg_drop_', // replication slots
  'pg_replication_', // replication origins and slot advance
  'pg_logical_', // pg_logical_emit_message, pg_logical_slot_get_changes, …
  'pg_wal_replay_',
  'pg_get_wal_', // pg_walinspect reads WAL records
  'query_to_xml', // these run a SQL string, so their argument would bypass this guard
  'table_to_xml',
  'cursor_to_xml',
  'database_to_xml',
  'schema_to_xml',
  'crosstab', // tablefunc: runs SQL strings
  'pg_background_', // pg_background: runs SQL strings in another backend
];

const DENIED_NAMES = new Set<string>([
  'loread',
  'lowrite',
  'pg_terminate_backend',
  'pg_cancel_backend',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'pg_rotate_logfile_old',
  'pg_log_backend_memory_contexts',
  'set_config', // current_setting stays allowed: reading settings is harmless
  'nextval', // currval stays allowed
  'setval',
  'pg_notify',
  'pg_export_snapshot',
  'pg_switch_wal',
  'pg_switch_xlog',
  'pg_promote',
  'pg_start_backup',
  'pg_stop_backup',
  'pg_backup_start',
  'pg_backup_stop',
  'pg_import_system_collations',
  'pg_stat_file',
  'pg_logdir_ls',
  'pg_show_all_file_settings',
  'pg_hba_file_rules',
  'pg_ident_file_mappings',
  'pg_stat_statements_reset',
  'pg_truncate_visibility_map',
  'ts_stat', // runs its SQL-string argument
  'ts_rewrite', // the (tsquery, text) form runs its SQL-string argument
  'connectby', // tablefunc: builds and runs SQL from its arguments
]);

/** True when a call to `name` (final name part, as the parser returned it) must be rejected. */
export function isDeniedFunction(name: string): boolean {
  const lower = name.toLowerCase();
  if (DENIED_NAMES.has(lower)) return true;
  return DENIED_PREFIXES.some((prefix) => lower.startsWith(prefix));
}
