// A free TCP port on 127.0.0.1, for services the tests start. The port is only free at the moment
// of asking, so callers that spawn a server on it retry with a new one when the bind fails.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (port === undefined ? reject(new Error('the OS gave no port')) : resolve(port)));
    });
  });
}
