// The API's response serializer (fast-json-stringify from the routes' zod schemas) with plain bodies:
// the same bytes the zod serializer wrote, only the named properties, a missing one refused.
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { waterReportSchema } from '../../../api/routes/water/water-schemas.ts';
import { responseSerializerCompiler } from '../../../api/schemas/response-serializer.ts';
import { buildWaterReport } from '../../../api/water/water-report.ts';
import { loadSiteConfig } from '../../../core/config/load-site.ts';

type Serialize = (data: unknown) => string;
const route = (schema: z.ZodType) => ({ schema, method: 'GET', url: '/test', httpStatus: '200' });
const fast = (schema: z.ZodType) => responseSerializerCompiler(route(schema) as never) as Serialize;
const zod = (schema: z.ZodType) => zodSerializerCompiler(route(schema) as never) as Serialize;

describe('responseSerializerCompiler', () => {
  it('writes a water report byte for byte as the zod serializer did (stale meters, nulls with reasons, records)', () => {
    const site = loadSiteConfig('config/site.k14.json');
    const range = { fromMs: Date.parse('2026-12-01T00:00:00Z'), toMs: Date.parse('2026-12-02T00:00:00Z') };
    const volumes = new Map(site.meters.map((m, i) => [m.id, { meterId: m.id, volumeMl: i === 0 ? 0 : 123_456_789 * i, coveredMs: 80_000_000, unexplainedResets: i === 2 ? 1 : 0 }]));
    const report = buildWaterReport(site, range, volumes, new Set([site.meters[1]!.id]));
    const body = { ...report, from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() };
    const written = fast(waterReportSchema)(body);
    expect(written).toBe(zod(waterReportSchema)(body));
    expect(JSON.parse(written).plant.recyclingRate.reason).toBe('stale_meter');
  });

  it('writes only the properties the schema names: nothing internal leaks', () => {
    const schema = z.object({ name: z.string(), scopes: z.array(z.object({ id: z.string() })) });
    const written = fast(schema)({ name: 'viewer', secretHash: 'abc', scopes: [{ id: 'water:read', internal: 1 }] });
    expect(JSON.parse(written)).toEqual({ name: 'viewer', scopes: [{ id: 'water:read' }] });
  });

  it('refuses a body missing a required property, so the caller gets a 500 rather than a silent gap', () => {
    const schema = z.object({ tonnes: z.number(), asOf: z.string() });
    expect(() => fast(schema)({ tonnes: 1 })).toThrow(/asOf/);
  });

  it('keeps nullable, optional and union values as they are', () => {
    const schema = z.object({ value: z.number().nullable(), reason: z.string().optional(), at: z.union([z.string(), z.number()]) });
    expect(JSON.parse(fast(schema)({ value: null, at: 5 }))).toEqual({ value: null, at: 5 });
    expect(JSON.parse(fast(schema)({ value: 0.5, reason: 'x', at: 'now' }))).toEqual({ value: 0.5, reason: 'x', at: 'now' });
  });

  it('falls back to zod for a schema without a JSON Schema form', () => {
    const schema = z.object({ at: z.date() });
    expect(fast(schema)({ at: new Date(0) })).toBe(zod(schema)({ at: new Date(0) }));
  });
});
