// A throwaway certificate authority for TLS tests, made with the openssl command line: a CA and a
// server certificate for localhost / 127.0.0.1 signed by it (P-256 keys, valid for one day).
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ThrowawayCa {
  readonly caCertFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
}

/** Writes ca.crt, server.crt and server.key (and the CA's key and request files) into `dir`. */
export async function makeThrowawayCa(dir: string): Promise<ThrowawayCa> {
  const file = (name: string) => join(dir, name);
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...ecKey, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '1', '-subj', '/CN=K14 throwaway test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run('openssl', ['req', ...ecKey, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost']);
  await writeFile(file('server.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n');
  await run('openssl', ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', file('server.ext'), '-out', file('server.crt')]);
  return { caCertFile: file('ca.crt'), serverCertFile: file('server.crt'), serverKeyFile: file('server.key') };
}
