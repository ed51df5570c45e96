// Who may log in to the embedded broker: a username with both an identity (the site's access model)
// and a Mosquitto $7$ hash (the same password file Mosquitto reads). What a logged-in identity may
// then do is decided by core/domain/mqtt-access/access-rules.ts.
import type { Identity } from '../../domain/mqtt-access/identities.ts';
import { hashPassword, newPassword, verifyPassword } from './password-hash.ts';

export interface BrokerAccess {
  /** The identity these credentials log in as; undefined for an unknown user or a wrong password. */
  authenticate(username: string, password: string | Buffer): Identity | undefined;
  /** The username a client id is reserved for (a service's persistent session), if any. */
  clientIdOwner(clientId: string): string | undefined;
}

export interface BrokerAccessOptions {
  readonly identities: readonly Identity[];
  /** username → `$7$…` hash, as in a Mosquitto password file (parsePasswordFile). */
  readonly passwordHashes: ReadonlyMap<string, string>;
  /**
   * client id → the only username that may use it. Reserving ingest's and the API's session ids
   * stops an authenticated device from taking over their sessions (and what is queued for them).
   */
  readonly reservedClientIds?: ReadonlyMap<string, string>;
}

export function createBrokerAccess(options: BrokerAccessOptions): BrokerAccess {
  const identities = new Map(options.identities.map((identity) => [identity.username, identity]));
  // An unknown username costs a hash check too, so timing does not tell which usernames exist.
  const decoy = hashPassword(newPassword());
  return {
    authenticate(username, password) {
      const identity = identities.get(username);
      const hash = identity === undefined ? undefined : options.passwordHashes.get(username);
      const matches = verifyPassword(hash ?? decoy, password);
      return hash !== undefined && matches ? identity : undefined;
    },
    clientIdOwner: (clientId) => options.reservedClientIds?.get(clientId),
  };
}
