import type { Role } from '../users/users.table.js';

/** 'expired' is stored only once a newer invitation replaces an expired pending one; otherwise it is derived from expiresAt. */
export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface InvitationsTable {
  id: string;
  email: string;
  role: Role;
  name: string | null;
  inviterId: string | null;
  inviterName: string;
  tokenHash: string;
  status: InvitationStatus;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
  revokedAt: number | null;
  userId: string | null;
}
