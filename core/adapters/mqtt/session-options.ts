// mqtt.js options for a consumer that must not lose messages across reconnects and restarts: a fixed
// client id and a persistent session (MQTT 5: clean start off + session expiry; 3.1.1: clean=false),
// its broker login, and for mqtts:// the CA that signed the broker's certificate when it is private.
import type { IClientOptions } from 'mqtt';
import { readPemFile } from './pem-file.ts';

export interface SessionConfig {
  readonly clientId: string;
  readonly protocolVersion: 4 | 5;
  readonly sessionExpirySeconds: number;
  readonly username?: string;
  readonly password?: string;
  /** PEM CA certificate(s) to verify an mqtts:// broker with, instead of the system's CAs. */
  readonly caFile?: string;
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
    // mqtt.js traces every packet through the `debug` package; even switched off that cost ≈ 0.6 µs a
    // message in a profiled backlog drain. Left on when DEBUG (the package's own switch) names mqttjs.
    ...(process.env.DEBUG?.includes('mqttjs') ? {} : { log: ignoreTrace }),
    ...(config.username ? { username: config.username } : {}),
    ...(config.password ? { password: config.password } : {}),
    ...(config.caFile ? { ca: readPemFile(config.caFile, 'MQTT CA certificate') } : {}),
  };
}

/** The same login and TLS for a client that keeps no session at the broker: a publisher, or a subscriber that resubscribes on every connect. */
export function cleanSessionOptions(config: Omit<SessionConfig, 'sessionExpirySeconds'>): IClientOptions {
  return { ...persistentSessionOptions({ ...config, sessionExpirySeconds: 0 }), clean: true, properties: undefined };
}

function ignoreTrace(): void {}
