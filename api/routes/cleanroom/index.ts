// Cleanroom rooms (status against ISO 14644-1 levels), samples, alarms with their audit trail, and
// the operator commands: acknowledge (with the assignable cause) and shelve (bounded), recorded under
// the caller's API key.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AlarmInstance, AlarmTransition } from '../../../core/domain/cleanroom/alarm-types.ts';
import { concentrationPerM3, SIZE_CHANNELS, type ParticleSample } from '../../../core/domain/readings.ts';
import { callerOf } from '../../auth/auth-plugin.ts';
import { actorOf } from '../../auth/permissions.ts';
import { sendCsv, wantsCsv } from '../../csv.ts';
import type { ApiDeps } from '../../deps.ts';
import { notFound } from '../../errors.ts';
import { errorSchema } from '../../schemas/common.ts';
import { ackBody, alarmSchema, alarmsQuery, roomSchema, samplesQuery, shelveBody, transitionSchema } from './cleanroom-schemas.ts';

const HOUR_MS = 3_600_000;
const EVERY_MS = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': HOUR_MS } as const;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const cleanroomRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { alarms, alarmStore, site } = deps;
  const names = new Map(site.rooms.map((r) => [r.id, r.name ?? null]));
  const now = () => deps.clock?.() ?? Date.now();

  app.get('/api/cleanroom/rooms', { config: { permission: 'telemetry:read' }, schema: { querystring: z.strictObject({}), response: { 200: z.object({ rooms: z.array(roomSchema) }) } } }, async () => ({
    rooms: alarms.rooms().map((room) => ({
      ...room,
      name: names.get(room.roomId) ?? null,
      staleCounterIds: [...room.staleCounterIds],
      channels: room.channels.map((c) => ({ ...c, worstAt: iso(c.worstAtMs), fractionOfLimit: c.worstPerM3 !== null && c.classLimitPerM3 ? c.worstPerM3 / c.classLimitPerM3 : null })),
    })),
  }));

  app.get(
    '/api/cleanroom/rooms/:roomId/samples',
    { config: { permission: 'telemetry:read' }, schema: { params: z.strictObject({ roomId: z.string() }), querystring: samplesQuery, response: { 200: z.object({ roomId: z.string(), every: z.string(), samples: z.array(sampleRowSchema) }), 404: errorSchema } } },
    async (request, reply) => {
      const { roomId } = request.params;
      if (!names.has(roomId)) throw notFound('ROOM_NOT_FOUND', `room "${roomId}" is not in the site configuration`);
      const { from, to, every } = request.query;
      const toMs = to ?? now();
      const samples = await deps.store.readParticleSamples({ roomId }, { fromMs: from ?? toMs - HOUR_MS, toMs });
      const rows = every === 'raw' ? samples.map(sampleRow) : bucketRows(samples, EVERY_MS[every]);
      if (wantsCsv(request)) return sendCsv(reply, `samples-${roomId}`, ['at', 'counterId', 'volumeLitres', ...SIZE_CHANNELS.map((c) => `perM3_${c}`)], rows.map(flatSample));
      return { roomId, every, samples: rows };
    },
  );

  app.get('/api/cleanroom/alarms', { config: { permission: 'telemetry:read' }, schema: { querystring: alarmsQuery, response: { 200: z.object({ alarms: z.array(alarmSchema) }) } } }, async (request, reply) => {
    const { state, room, from, to, limit } = request.query;
    const range = from === undefined && to === undefined ? undefined : { fromMs: from ?? 0, toMs: to ?? now() };
    const list = (await alarmStore.listAlarms({ state, roomId: room, range, limit })).map(alarmJson);
    if (wantsCsv(request)) return sendCsv(reply, 'alarms', Object.keys(alarmSchema.shape), list);
    return { alarms: list };
  });

  app.get(
    '/api/cleanroom/alarms/:id',
    { config: { permission: 'telemetry:read' }, schema: { params: z.strictObject({ id: z.string() }), querystring: z.strictObject({}), response: { 200: alarmSchema.extend({ transitions: z.array(transitionSchema) }), 404: errorSchema } } },
    async (request) => {
      const alarm = await alarmStore.getAlarm(request.params.id);
      if (!alarm) throw notFound('ALARM_NOT_FOUND', `no alarm "${request.params.id}"`);
      const transitions = await alarmStore.listTransitions({ alarmId: alarm.id });
      return { ...alarmJson(alarm), transitions: transitions.map(transitionJson) };
    },
  );

  const commandSchema = (body: typeof ackBody | typeof shelveBody) => ({
    params: z.strictObject({ id: z.string() }),
    body,
    response: { 200: alarmSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
  });

  app.post('/api/cleanroom/alarms/:id/ack', { config: { permission: 'alarms:operate' }, schema: commandSchema(ackBody) }, async (request) =>
    alarmJson(await alarms.acknowledge(request.params.id, actorOf(callerOf(request)), request.body.comment)),
  );

  app.post('/api/cleanroom/alarms/:id/shelve', { config: { permission: 'alarms:operate' }, schema: commandSchema(shelveBody) }, async (request) => {
    const { comment, durationMinutes } = request.body as z.output<typeof shelveBody>;
    return alarmJson(await alarms.shelve(request.params.id, actorOf(callerOf(request)), comment, durationMinutes * 60_000));
  });
};

const sampleRowSchema = z.object({ at: z.string(), counterId: z.string(), volumeLitres: z.number(), perM3: z.partialRecord(z.enum(SIZE_CHANNELS), z.number()), samples: z.number().int() });
type SampleRow = z.output<typeof sampleRowSchema>;

function sampleRow(sample: ParticleSample): SampleRow {
  const perM3: SampleRow['perM3'] = {};
  for (const channel of SIZE_CHANNELS) {
    const count = sample.counts[channel];
    if (count !== undefined) perM3[channel] = concentrationPerM3(count, sample.volumeLitres);
  }
  return { at: new Date(sample.tsMs).toISOString(), counterId: sample.counterId, volumeLitres: sample.volumeLitres, perM3, samples: 1 };
}

/** Per counter and bucket: counts and volumes summed, so the concentration is volume-weighted. */
function bucketRows(samples: readonly ParticleSample[], everyMs: number): SampleRow[] {
  const buckets = new Map<string, { startMs: number; counterId: string; volume: number; counts: Partial<Record<(typeof SIZE_CHANNELS)[number], number>>; n: number }>();
  for (const s of samples) {
    const startMs = Math.floor(s.tsMs / everyMs) * everyMs;
    const key = `${s.counterId}@${startMs}`;
    const bucket = buckets.get(key) ?? { startMs, counterId: s.counterId, volume: 0, counts: {}, n: 0 };
    bucket.volume += s.volumeLitres;
    bucket.n++;
    for (const channel of SIZE_CHANNELS) if (s.counts[channel] !== undefined) bucket.counts[channel] = (bucket.counts[channel] ?? 0) + s.counts[channel]!;
    buckets.set(key, bucket);
  }
  return [...buckets.values()]
    .sort((a, b) => a.startMs - b.startMs || a.counterId.localeCompare(b.counterId))
    .map((b) => ({ ...sampleRow({ kind: 'particle', roomId: '', counterId: b.counterId, tsMs: b.startMs, volumeLitres: b.volume, counts: b.counts }), samples: b.n }));
}

function flatSample(row: SampleRow) {
  return { at: row.at, counterId: row.counterId, volumeLitres: row.volumeLitres, ...Object.fromEntries(SIZE_CHANNELS.map((c) => [`perM3_${c}`, row.perM3[c]])) };
}

function alarmJson(alarm: AlarmInstance) {
  return {
    ...alarm,
    raisedAt: iso(alarm.raisedAt)!,
    clearedAt: iso(alarm.clearedAt),
    acknowledgedAt: iso(alarm.acknowledgedAt),
    shelvedAt: iso(alarm.shelvedAt),
    shelvedUntil: iso(alarm.shelvedUntil),
  };
}

export function transitionJson(t: AlarmTransition) {
  return { ...t, at: iso(t.atMs)!, conditionAt: iso(t.conditionAtMs) };
}
