/** Roles are ordered: each one can do everything the one before it can. Pure, shared by UI and server. */
export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

export function hasRole(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}

/** What each role may do, in words the UI uses to hide controls. The server re-checks with hasRole. */
export const CAPABILITIES = {
  read: 'viewer',
  defineMetrics: 'editor',
  runCollection: 'editor',
  acknowledgeAnomalies: 'editor',
  manageAlerts: 'editor',
  manageDataSources: 'admin',
  manageMembers: 'admin',
  manageTokens: 'admin',
} as const satisfies Record<string, Role>;

export type Capability = keyof typeof CAPABILITIES;

export function can(role: Role, capability: Capability): boolean {
  return hasRole(role, CAPABILITIES[capability]);
}
