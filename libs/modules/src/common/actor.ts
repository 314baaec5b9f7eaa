export const ROLES = ['pbo', 'agency', 'committee', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is making a request, as the server established it from the token and the database. */
export interface Actor {
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  /** The user's organization; always set for agency and committee users. */
  readonly organizationId: string | null;
  /** The token this request came with (absent for work the system does on someone's behalf). */
  readonly session?: { readonly tokenId: string; readonly expiresAt: Date };
}
