// Aedes's authenticate / authorizePublish / authorizeSubscribe / authorizeForward hooks enforcing
// BrokerAccess. MQTT 3.1.1 has no negative PUBACK: a refused PUBLISH closes the connection (§3.3.5,
// MQTT-3.3.5-2; Aedes drops the message), a refused SUBSCRIBE is granted 0x80 (§3.9.3) and the
// client stays connected; nothing is forwarded to a client whose identity may not read the topic.
import type { AedesOptions, AuthenticateError, AuthErrorCode, Client } from 'aedes';
import type { Logger } from 'pino';
import { canPublish, canReceive, canSubscribe } from '../../domain/mqtt-access/access-rules.ts';
import type { Identity } from '../../domain/mqtt-access/identities.ts';
import type { BrokerAccess } from './broker-access.ts';

/** CONNACK return codes, MQTT 3.1.1 §3.2.2.3. */
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

export type AccessHooks = Required<Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>>;

export function aedesAccessHooks(access: BrokerAccess, logger?: Logger): AccessHooks {
  const identities = new WeakMap<Client, Identity>();
  const refuse = (returnCode: number, message: string): AuthenticateError => Object.assign(new Error(message), { returnCode: returnCode as AuthErrorCode });

  return {
    authenticate(client, username, password, done) {
      if (username === undefined || password === undefined) {
        logger?.warn({ clientId: client.id }, 'mqtt: anonymous connection refused');
        done(refuse(NOT_AUTHORIZED, 'credentials required'), false);
        return;
      }
      const identity = access.authenticate(username, password);
      if (identity === undefined) {
        logger?.warn({ clientId: client.id, username }, 'mqtt: unknown username or wrong password; connection refused');
        done(refuse(BAD_USERNAME_OR_PASSWORD, 'bad username or password'), false);
        return;
      }
      const owner = access.clientIdOwner(client.id);
      if (owner !== undefined && owner !== username) {
        logger?.warn({ clientId: client.id, username, owner }, 'mqtt: client id reserved for another identity; connection refused');
        done(refuse(IDENTIFIER_REJECTED, 'client id reserved'), false);
        return;
      }
      identities.set(client, identity);
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      // A null client is a will left by a session that is gone: nobody is left to hold it to an identity.
      const identity = client === null ? undefined : identities.get(client);
      if (identity !== undefined && canPublish(identity, packet.topic)) {
        done(null);
        return;
      }
      logger?.warn({ clientId: client?.id, username: identity?.username, topic: packet.topic }, 'mqtt: publish refused; message dropped and connection closed');
      done(new Error(`not authorised to publish to ${packet.topic}`));
    },
    authorizeSubscribe(client, subscription, done) {
      const identity = identities.get(client);
      if (identity !== undefined && canSubscribe(identity, subscription.topic)) {
        done(null, subscription);
        return;
      }
      logger?.warn({ clientId: client.id, username: identity?.username, filter: subscription.topic }, 'mqtt: subscription refused (granted 0x80)');
      done(null, null);
    },
    authorizeForward(client, packet) {
      const identity = identities.get(client);
      return identity !== undefined && canReceive(identity, packet.topic) ? packet : null;
    },
  };
}
