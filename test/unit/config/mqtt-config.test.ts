// The MQTT settings of the one configuration schema: login on by default for the embedded broker,
// MQTT_AUTH=off, the TLS listener's files, the clients' CA, and settings that only work together.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config/app-config.ts';

describe('MQTT configuration', () => {
  it('defaults to the embedded broker on loopback with logins in DATA_DIR/mqtt and no TLS', () => {
    const { mqtt } = loadConfig({ DATA_DIR: '/var/k14' });
    expect(mqtt).toMatchObject({ mode: 'embedded', host: '127.0.0.1', port: 1884, url: 'mqtt://127.0.0.1:1884', auth: 'on', credentialsDir: '/var/k14/mqtt' });
    expect(mqtt.mode === 'embedded' && mqtt.tls).toBeUndefined();
    expect(mqtt.caFile).toBeUndefined();
  });

  it('takes MQTT_AUTH=off, a listen address and a TLS listener', () => {
    const { mqtt } = loadConfig({ MQTT_AUTH: 'off', MQTT_HOST: '0.0.0.0', MQTT_TLS_CERT_FILE: 'tls/server.crt', MQTT_TLS_KEY_FILE: 'tls/server.key' });
    expect(mqtt).toMatchObject({ auth: 'off', host: '0.0.0.0', url: 'mqtt://127.0.0.1:1884' });
    expect(mqtt.mode === 'embedded' && mqtt.tls).toEqual({ port: 8884, host: '0.0.0.0', certFile: path.resolve('tls/server.crt'), keyFile: path.resolve('tls/server.key') });
  });

  it('can keep the plain listener on loopback and open only the TLS one', () => {
    const { mqtt } = loadConfig({ MQTT_TLS_HOST: '0.0.0.0', MQTT_TLS_PORT: '8883', MQTT_TLS_CERT_FILE: 'server.crt', MQTT_TLS_KEY_FILE: 'server.key' });
    expect(mqtt).toMatchObject({ host: '127.0.0.1', tls: { host: '0.0.0.0', port: 8883 } });
  });

  it('gives the clients a CA file for an mqtts:// broker', () => {
    const { mqtt } = loadConfig({ MQTT_URL: 'mqtts://broker.example:8883', MQTT_CA_FILE: 'ca.crt' });
    expect(mqtt).toMatchObject({ mode: 'external', url: 'mqtts://broker.example:8883', caFile: path.resolve('ca.crt') });
  });

  it('reports settings that do not go together, with the others', () => {
    expect(() => loadConfig({ MQTT_TLS_CERT_FILE: 'server.crt', MQTT_AUTH: 'maybe' })).toThrow(/MQTT_AUTH.*MQTT_TLS_CERT_FILE, MQTT_TLS_KEY_FILE: .*both/);
    expect(() => loadConfig({ MQTT_TLS_PORT: '8883' })).toThrow(/needs both a certificate and a key/);
    expect(() => loadConfig({ MQTT_URL: 'mqtt://mosquitto:1883', MQTT_AUTH: 'off' })).toThrow(/MQTT_AUTH: this sets the embedded broker/);
  });
});
