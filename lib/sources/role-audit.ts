/**
 * SECURITY S6: the warehouse role behind a data source should hold USAGE + SELECT and nothing more. This reads
 * the role's attributes, memberships and CREATE privileges from the catalogs (read-only, through the guarded
 * runner) and describes every excess privilege in words an admin can act on. It reports; callers decide.
 */
import type { WarehouseClient } from '@/lib/warehouse/types';

/** Built-in roles that reach the server's files, programs, settings or other sessions. */
export const DANGEROUS_ROLES = [
  'pg_read_server_files',
  'pg_write_server_files',
  'pg_execute_server_program',
  'pg_read_all_settings',
  'pg_signal_backend',
] as const;

const LIMITS = { timeoutMs: 5_000, maxRows: 1_000 };

const ATTRIBUTES_SQL = `select current_user::text as name, r.rolsuper as superuser, r.rolbypassrls as bypassrls,
  r.rolcreaterole as createrole, r.rolcreatedb as createdb
  from pg_catalog.pg_roles r where r.rolname = current_user`;

// pg_auth_members, not pg_has_role: a superuser "has" every role, which would bury the real memberships.
const MEMBERSHIPS_SQL = `with recursive granted(oid) as (
    select m.roleid from pg_catalog.pg_auth_members m
      join pg_catalog.pg_roles u on u.oid = m.member where u.rolname = current_user
    union
    select m.roleid from pg_catalog.pg_auth_members m join granted g on m.member = g.oid
  )
  select r.rolname::text as name from granted g join pg_catalog.pg_roles r on r.oid = g.oid order by 1`;

const CREATE_SCHEMAS_SQL = `select n.nspname::text as name from pg_catalog.pg_namespace n
  where has_schema_privilege(current_user, n.oid, 'CREATE')
    and n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema' order by 1`;

const CREATE_DATABASES_SQL = `select d.datname::text as name from pg_catalog.pg_database d
  where d.datallowconn and has_database_privilege(current_user, d.oid, 'CREATE') order by 1`;

const FIX = 'Use a role with only CONNECT, USAGE and SELECT.';

async function names(client: WarehouseClient, sql: string): Promise<string[]> {
  const { rows } = await client.runSelect(sql, [], LIMITS);
  return rows.map((r) => String(r.name));
}

/** Every privilege the connected role has beyond reading; empty when the role is as narrow as S6 asks. */
export async function auditWarehouseRole(client: WarehouseClient): Promise<string[]> {
  const findings: string[] = [];
  const { rows } = await client.runSelect(ATTRIBUTES_SQL, [], LIMITS);
  const role = rows[0];
  const name = String(role?.name ?? 'current user');
  if (role?.superuser === true) {
    findings.push(`Role ${name} is a superuser: it can read and change anything on the server. ${FIX}`);
  }
  if (role?.bypassrls === true) {
    findings.push(`Role ${name} has BYPASSRLS: row-level security does not apply to it. ${FIX}`);
  }
  if (role?.createrole === true) findings.push(`Role ${name} has CREATEROLE: it can create roles. ${FIX}`);
  if (role?.createdb === true) findings.push(`Role ${name} has CREATEDB: it can create databases. ${FIX}`);

  const dangerous = new Set<string>(DANGEROUS_ROLES);
  for (const member of await names(client, MEMBERSHIPS_SQL)) {
    findings.push(
      dangerous.has(member)
        ? `Role ${name} is a member of ${member}, which reaches beyond the database. ${FIX}`
        : `Role ${name} is a member of ${member} and gets its privileges too. Grant SELECT directly instead.`,
    );
  }
  for (const schema of await names(client, CREATE_SCHEMAS_SQL)) {
    findings.push(`Role ${name} may CREATE in schema ${schema}. Revoke CREATE on that schema.`);
  }
  for (const database of await names(client, CREATE_DATABASES_SQL)) {
    findings.push(`Role ${name} may CREATE schemas in database ${database}. Revoke CREATE on that database.`);
  }
  return findings;
}
