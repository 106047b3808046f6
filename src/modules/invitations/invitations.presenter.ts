import type * as users from '../users/index.js';
import type { InvitationRow, ListedStatus } from './invitations.store.js';

/** What the outside sees of an invitation: never the token or its hash (SEC-AZ-05). */
export interface Invitation {
  id: string;
  email: string;
  role: users.Role;
  name: string | null;
  status: ListedStatus;
  inviter: { id: string | null; name: string };
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
  userId: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
/** A stored 'pending' past its expiry is shown as expired; nothing needs to rewrite it. */
function statusAt(row: InvitationRow, now: number): ListedStatus {
  return row.status === 'pending' && row.expiresAt <= now ? 'expired' : row.status;
}

export function present(row: InvitationRow, now: number): Invitation {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    name: row.name,
    status: statusAt(row, now),
    inviter: { id: row.inviterId, name: row.inviterName },
    createdAt: new Date(row.createdAt).toISOString(),
    expiresAt: new Date(row.expiresAt).toISOString(),
    acceptedAt: iso(row.acceptedAt),
    revokedAt: iso(row.revokedAt),
    userId: row.userId,
  };
}
