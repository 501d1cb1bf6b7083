import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';

// Compose cannot run here (no Docker daemon): each file is read as compose would read it, and what the
// gateway needs is checked against the config file it mounts and the image the Dockerfile builds.
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const exists = (path: string) => existsSync(new URL(`../../${path}`, import.meta.url));

interface Service {
  build?: string;
  image?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string; interval?: string };
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const CONFIG_IN_IMAGE = '/etc/switchboard/switchboard.yaml';
/** The port the image exposes and asks in its HEALTHCHECK. */
const IMAGE_PORT = Number(/^EXPOSE (\d+)$/m.exec(read('Dockerfile'))?.[1]);

const FILES = [
  { file: 'compose.sqlite.yaml', gateways: 1, storage: 'sqlite' },
  { file: 'compose.yaml', gateways: 2, storage: 'postgres' },
];

describe.each(FILES)('$file', ({ file, gateways, storage }) => {
  const compose = parse(read(file), { merge: true }) as ComposeFile;
  const services = Object.entries(compose.services);
  const built = services.filter(([, s]) => s.build === '.');

  it(`runs ${gateways} gateway(s) from the Dockerfile and gives every service a health check`, () => {
    expect(built).toHaveLength(gateways);
    for (const [name, service] of services) {
      if (service.build === '.') {
        // The gateway's health check is the image's own (Dockerfile HEALTHCHECK on /healthz).
        expect(service.healthcheck, name).toBeUndefined();
        expect(read('Dockerfile')).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
        continue;
      }
      if (!service.image?.startsWith('nginx')) {
        expect(service.healthcheck, `${name} has a healthcheck`).toBeDefined();
        const test = service.healthcheck!.test;
        expect(Array.isArray(test) ? test[0] : 'CMD-SHELL', name).toMatch(/^CMD(-SHELL)?$/);
      }
    }
  });

  it('waits only on services that can become healthy, and names only services and volumes it declares', () => {
    const healthy = new Set(services.filter(([, s]) => s.build === '.' || s.healthcheck).map(([name]) => name));
    for (const [name, service] of services) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services[dependency], `${name} depends on ${dependency}`).toBeDefined();
        if (condition === 'service_healthy') expect(healthy.has(dependency), `${name} waits for ${dependency} to be healthy`).toBe(true);
      }
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (source.startsWith('.')) expect(exists(source), `${name} mounts ${source}`).toBe(true);
        else expect(compose.volumes?.[source], `volume ${source} is declared`).toBeDefined();
      }
    }
  });

  it("mounts a config the gateway accepts with the environment compose passes, on the image's port", () => {
    for (const [name, service] of built) {
      const mount = service.volumes?.find((v) => v.split(':')[1] === CONFIG_IN_IMAGE);
      expect(mount, `${name} mounts its config at ${CONFIG_IN_IMAGE}`).toBeDefined();
      // Every variable compose passes has a value (compose refuses to start without the `:?` ones);
      // the config must need no other.
      const env = Object.fromEntries(Object.keys(service.environment ?? {}).map((k) => [k, `${k.toLowerCase()}-0123456789abcdef`]));
      const result = loadConfig(read(mount!.split(':')[0]), env);
      if (!result.ok) throw new Error(`${name}: ${result.problems.join('\n')}`);
      const { config } = result;
      expect(config.server.host).toBe('0.0.0.0');
      expect(config.server.port).toBe(IMAGE_PORT);
      expect(config.storage.url.split(':')[0]).toBe(storage);
      if (storage === 'sqlite') {
        // The database lives in the data volume, where the image's data folder is.
        const dataMount = service.volumes?.find((v) => v.split(':')[1] === '/app/data');
        expect(dataMount, 'a volume at /app/data').toBeDefined();
        expect(config.storage.url).toMatch(/^sqlite:\/app\/data\//);
        // One published port, the config's.
        expect(service.ports?.map((p) => p.split(':').at(-1))).toEqual([String(IMAGE_PORT)]);
      }
    }
  });
});
