// The embedded default's MQTT broker: Aedes in-process (MQTT 3.1.1), on its own port so it never
// clashes with a system Mosquitto on 1883, optionally with a TLS listener too. With `access`, every
// client logs in and is held to its identity's ACL (aedes-access-hooks.ts); without, it is open.
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes } from 'aedes';
import type { Logger } from 'pino';
import { aedesAccessHooks } from './aedes-access-hooks.ts';
import type { BrokerAccess } from './broker-access.ts';

export interface EmbeddedBrokerTls {
  /** PEM private key and certificate, the certificate followed by any intermediates; supplied by the user. */
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** PEM CAs for verifying client certificates; none are requested yet (passwords authenticate), so this is for mutual TLS later. */
  readonly ca?: string | Buffer;
  /** 0 picks a free port. */
  readonly port: number;
  /** Listen address of the TLS listener; default the plain listener's (devices over TLS, local clients in clear). */
  readonly host?: string;
}

export interface EmbeddedBrokerOptions {
  readonly port: number;
  /** Listen address of the plain listener (and of the TLS one unless it has its own); default 127.0.0.1. */
  readonly host?: string;
  /** Credentials and ACL; anonymous and unrestricted when absent. */
  readonly access?: BrokerAccess;
  readonly tls?: EmbeddedBrokerTls;
  /** Refused logins, publishes and subscriptions are logged here. */
  readonly logger?: Logger;
}

export interface EmbeddedBroker {
  /** mqtt://host:port, for clients in this process or on this host. */
  readonly url: string;
  readonly port: number;
  /** mqtts://host:port when a TLS listener was asked for. */
  readonly tlsUrl?: string;
  readonly tlsPort?: number;
  stop(): Promise<void>;
}

interface Listener {
  readonly server: Server;
  /** Open connections, ended at stop (Aedes ends only those that completed CONNECT). */
  readonly sockets: Set<Socket>;
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker(options.access === undefined ? {} : aedesAccessHooks(options.access, options.logger));
  const host = options.host ?? '127.0.0.1';
  const tlsHost = options.tls?.host ?? host;
  const listeners: Listener[] = [];
  try {
    const port = await listen(createServer(broker.handle), options.port, host, listeners);
    let tlsPort: number | undefined;
    if (options.tls !== undefined) {
      const { key, cert, ca } = options.tls;
      tlsPort = await listen(createTlsServer({ key, cert, ...(ca === undefined ? {} : { ca }) }, broker.handle), options.tls.port, tlsHost, listeners);
    }
    return {
      url: `mqtt://${connectableHost(host)}:${port}`,
      port,
      ...(tlsPort === undefined ? {} : { tlsUrl: `mqtts://${connectableHost(tlsHost)}:${tlsPort}`, tlsPort }),
      stop: () => close(broker, listeners),
    };
  } catch (error) {
    await close(broker, listeners);
    throw error;
  }
}

async function listen(server: Server, port: number, host: string, listeners: Listener[]): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  listeners.push({ server, sockets });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

async function close(broker: Aedes, listeners: readonly Listener[]): Promise<void> {
  const closed = listeners.filter(({ server }) => server.listening).map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve())));
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  for (const { sockets } of listeners) for (const socket of sockets) socket.destroy();
  await Promise.all(closed);
}

/** A wildcard listen address is reached on loopback; an IPv6 literal needs brackets in a URL. */
function connectableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
