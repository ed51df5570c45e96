// Reads a PEM file the user supplies for MQTT TLS (a CA to trust, a listener's key or certificate),
// turning a missing or unreadable file into one sentence that names it.
import { readFileSync } from 'node:fs';

export function readPemFile(file: string, what: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (error) {
    throw new Error(`the ${what} file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (!pem.includes('-----BEGIN ')) throw new Error(`the ${what} file ${file} is not PEM (no "-----BEGIN" line)`);
  return pem;
}
