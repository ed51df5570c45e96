// mqtt.js options for a consumer that must not lose messages across reconnects and restarts: a fixed
// client id and a persistent session (MQTT 5: clean start off + session expiry; 3.1.1: clean=false).
import type { IClientOptions } from 'mqtt';

export interface SessionConfig {
  readonly clientId: string;
  readonly protocolVersion: 4 | 5;
  readonly sessionExpirySeconds: number;
  readonly username?: string;
  readonly password?: string;
}

export function persistentSessionOptions(config: SessionConfig): IClientOptions {
  return {
    clientId: config.clientId,
    clean: false,
    protocolVersion: config.protocolVersion,
    ...(config.protocolVersion === 5 ? { properties: { sessionExpiryInterval: config.sessionExpirySeconds } } : {}),
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    // We subscribe ourselves whenever the broker reports no session, and count that as a lost session.
    resubscribe: false,
    ...(config.username ? { username: config.username } : {}),
    ...(config.password ? { password: config.password } : {}),
  };
}
